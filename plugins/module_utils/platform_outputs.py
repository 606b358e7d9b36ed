# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The outputs contract: one schema, one writer per phase, one reader.

Each phase writes what it publishes for the later phases to ``<outputs dir>/<host>/<phase>.yml``
(``aws``, then ``cluster``), validated against ``schemas/outputs.schema.json``. Every consumer
reads through :func:`read_outputs` and :func:`get_output` (the ``mosaic.platform.outputs``
lookup), so a missing or malformed key fails with one message that names the key and the phase
and role that should have written it. A ``--check`` run writes ``<phase>.check.yml`` instead,
so a plan never overwrites what a real run published; readers in check mode prefer it.

Controller-side only (lookup and filter plugins, tests): it reads the schema from the collection.
"""

from __future__ import annotations

import copy
import json
import os

try:
    import yaml
except ImportError:  # pragma: no cover - PyYAML ships with ansible-core
    yaml = None

try:
    import jsonschema
except ImportError:  # pragma: no cover - requirements.txt pins it
    jsonschema = None

SCHEMA_VERSION = 1
PHASES = ("aws", "cluster")
SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas", "outputs.schema.json")


class OutputsError(ValueError):
    """The outputs file is missing, malformed, or lacks a key a consumer reads."""


_SCHEMA = {}


def load_schema(path=SCHEMA_PATH):
    if path not in _SCHEMA:
        with open(path, encoding="utf-8") as handle:
            _SCHEMA[path] = json.load(handle)
    return _SCHEMA[path]


def sections(schema=None):
    """``{section: (phase, role)}`` from the schema's x-phase and x-role annotations."""
    props = (schema or load_schema())["$defs"]["outputs"]["properties"]
    return {name: (spec["x-phase"], spec["x-role"]) for name, spec in props.items()}


def outputs_path(outputs_dir, host, phase, check_mode=False):
    return os.path.join(outputs_dir, host, f"{phase}{'.check' if check_mode else ''}.yml")


def validate_document(doc, schema=None):
    """Raise OutputsError listing every schema violation of one phase's document, by key path."""
    schema = schema or load_schema()
    if jsonschema is None:  # pragma: no cover
        raise OutputsError("the outputs contract needs the jsonschema Python package (pip install -r requirements.txt)")
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = [f"{'.'.join(map(str, e.absolute_path)) or '<document>'}: {e.message}" for e in errors]
        raise OutputsError("outputs do not match schemas/outputs.schema.json: " + "; ".join(lines))
    owners = sections(schema)
    wrong = sorted(k for k in doc["outputs"] if owners[k][0] != doc["phase"])
    if wrong:
        raise OutputsError(f"the {doc['phase']} phase publishes {wrong}, which the schema assigns to another phase")
    return True


def build_document(facts, phase, environment, cluster, schema=None, previous=None):
    """The document a phase writes: the ``aws_<section>_outputs`` facts of its sections, over the sections of the
    ``previous`` document of that phase, validated. A run of some roles only (``--tags kms``) updates their sections
    and keeps the others."""
    if phase not in PHASES:
        raise OutputsError(f"phase must be one of {list(PHASES)}, got {phase!r}")
    owners = sections(schema)
    outputs = {name: value for name, value in (previous or {}).items() if name in owners and owners[name][0] == phase}
    outputs.update({name: facts[name] for name in sorted(facts) if name in owners and owners[name][0] == phase})
    unknown = sorted(set(facts) - set(owners))
    if unknown:
        raise OutputsError(f"outputs {unknown} are not declared in schemas/outputs.schema.json: declare them before publishing them")
    doc = {"schema_version": SCHEMA_VERSION, "phase": phase, "environment": environment, "cluster": cluster, "outputs": outputs}
    validate_document(_plain(doc), schema)
    return doc


_READ = {}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if yaml is not None else None


def read_outputs(outputs_dir, host, phases=PHASES, check_mode=False):
    """Merge the documents of ``phases`` for one host; validate each one. Missing files are skipped here:
    :func:`get_output` names the phase that should have written a missing key."""
    merged = {}
    for phase in phases:
        path = outputs_path(outputs_dir, host, phase)
        if check_mode and os.path.isfile(outputs_path(outputs_dir, host, phase, check_mode=True)):
            path = outputs_path(outputs_dir, host, phase, check_mode=True)
        if not os.path.isfile(path):
            continue
        merged.update(_read_document(path, phase)["outputs"])
    return merged


def _read_document(path, phase):
    """One validated document, cached by path, size and modification time (roles read keys many times)."""
    stat = os.stat(path)
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _READ.get(path)
    if cached and cached[0] == stamp:
        return copy.deepcopy(cached[1])
    with open(path, encoding="utf-8") as handle:
        try:
            doc = yaml.load(handle, Loader=_LOADER)  # noqa: S506 - a safe loader, libyaml's when present
        except yaml.YAMLError as exc:
            raise OutputsError(f"{path} is not YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise OutputsError(f"{path} is not an outputs document")
    try:
        validate_document(doc)
    except OutputsError as exc:
        raise OutputsError(f"{path}: {exc}") from exc
    if doc["phase"] != phase:
        raise OutputsError(f"{path} holds the {doc['phase']} phase, expected {phase}")
    _READ[path] = (stamp, doc)
    return copy.deepcopy(doc)


def unknown(key, schema=None):
    """What a ``--check`` run reads for a key that only a real run can publish (Terraform's "known after apply"):
    an empty mapping or list where the schema declares one, so consumers keep their types, else a marker text."""
    kind = _schema_type(key, schema or load_schema())
    if kind == "object":
        return {}
    if kind == "array":
        return []
    return f"(known after apply) {key}"


def _schema_type(key, schema):
    """The JSON type the schema declares at dotted ``key`` (None where it declares none)."""
    node = schema["$defs"]["outputs"]
    for part in [p for p in key.split(".") if p]:
        node = _resolve(node, schema)
        props = node.get("properties") or {}
        if part in props:
            node = props[part]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return None
    node = _resolve(node, schema)
    kind = node.get("type")
    return kind if isinstance(kind, str) else None


def _resolve(node, schema):
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def get_output(outputs, key, outputs_dir="", host="", default=None, has_default=False, check_mode=False):
    """The value at dotted ``key`` (``network.vpc_cidr``, ``irsa.roles.ns/sa``; ``*`` for all); a missing key or empty
    value raises OutputsError naming the key, the phase and role that write it, and the file. In check mode it is
    :func:`unknown` instead: a plan on a clean account reads what does not exist yet."""
    if key == "*":
        return outputs
    parts = [p for p in key.split(".") if p]
    if not parts:
        raise OutputsError("an outputs key must not be empty")
    owners = sections()
    if parts[0] not in owners:
        raise OutputsError(f"outputs key {key!r}: {parts[0]!r} is not a section of schemas/outputs.schema.json ({sorted(owners)})")
    node = outputs
    for depth, part in enumerate(parts):
        if not isinstance(node, dict) or part not in node or node[part] in (None, ""):
            if has_default:
                return default
            if check_mode:
                return unknown(key)
            phase, role = owners[parts[0]]
            where = outputs_path(outputs_dir, host, phase) if outputs_dir else f"the {phase} outputs file"
            raise OutputsError(
                f"outputs key {key!r} is missing ({'.'.join(parts[: depth + 1])} not found in {where}); "
                f"the {phase} phase writes it (role mosaic.platform.{role}): run playbooks/{phase}.yml for this inventory first"
            )
        node = node[part]
    return node


def _plain(data):
    """Plain dict/list/str copies of Ansible's tagged values (subclasses of the JSON types), for the validator and
    the YAML dump."""
    return json.loads(json.dumps(data))


def dump_document(doc):
    return yaml.safe_dump(_plain(doc), sort_keys=True, default_flow_style=False, width=150, explicit_start=True)
