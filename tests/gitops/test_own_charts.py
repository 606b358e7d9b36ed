"""The platform's own charts (gitops/base/charts/): what they deploy per environment, and their values.

tests/gitops/golden/<env>/<add-on>.yaml are the objects the Jinja templates of the role rendered for the example
environments before these charts replaced them: ``helm template`` with an environment's values files must make
the same objects with the same fields. The values files of an environment set only keys the templates read, and
every value the templates read has a documented default in the chart's values.yaml.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from gitops_helpers import ENVS, ROOT
from own_charts import CHARTS, own_chart_apps, own_chart_objects

GOLDEN = ROOT / "tests" / "gitops" / "golden"
CHART_NAMES = sorted(p.name for p in (ROOT / CHARTS).iterdir())
VALUE_RE = re.compile(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")


def _data(text):
    """A ConfigMap's embedded JSON or YAML document, parsed, so layout does not count."""
    try:
        return json.loads(text)
    except ValueError:
        return yaml.safe_load(text)


def by_identity(objs) -> dict:
    found = {}
    for obj in objs:
        obj = dict(obj)
        if obj["kind"] == "ConfigMap":
            obj["data"] = {k: _data(v) for k, v in obj["data"].items()}
        meta = obj["metadata"]
        found[(obj["kind"], meta.get("namespace"), meta["name"])] = obj
    return found


def test_the_charts_are_the_roles():
    role = ROOT / "roles" / "gitops" / "files" / "charts"
    assert sorted(p.name for p in role.iterdir()) == CHART_NAMES
    for path in role.rglob("*"):
        if path.is_file():
            assert (ROOT / CHARTS / path.relative_to(role)).read_text() == path.read_text(), path


@pytest.mark.parametrize("name", CHART_NAMES)
def test_a_chart_is_helm_v2_with_a_version_and_no_jinja(name):
    chart = yaml.safe_load((ROOT / CHARTS / name / "Chart.yaml").read_text())
    assert chart["apiVersion"] == "v2"
    assert chart["name"] == name
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", chart["version"])
    for path in (ROOT / CHARTS / name).rglob("*"):
        if path.is_file():
            assert not re.search(r"\{%|\{#", path.read_text()), f"{path}: Jinja in a Helm chart"


@pytest.mark.parametrize("env", ENVS)
def test_the_charts_deploy_what_the_jinja_templates_rendered(env):
    objects = own_chart_objects(ROOT, env)
    assert sorted(objects) == sorted(p.stem for p in (GOLDEN / env).glob("*.yaml"))
    for name, objs in objects.items():
        want = by_identity(yaml.safe_load_all((GOLDEN / env / f"{name}.yaml").read_text()))
        got = by_identity(objs)
        assert sorted(got) == sorted(want), name
        for key, obj in want.items():
            assert got[key] == obj, f"{env}/{name} {key}"


def _paths(node, prefix=""):
    """Every key path of a values document; a list or a scalar ends a path."""
    if isinstance(node, dict) and node:
        for key, value in node.items():
            yield from _paths(value, f"{prefix}.{key}")
    else:
        yield prefix


def _read_paths(name) -> set:
    text = "".join(p.read_text() for p in (ROOT / CHARTS / name / "templates").iterdir())
    return set(VALUE_RE.findall(text))


def _covered(path, read) -> bool:
    """A values key is read when a template reads it or what holds it (toYaml of a whole map)."""
    return any(path == r or path.startswith(r + ".") for r in read)


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_value_the_templates_read_has_a_default(name):
    defaults = yaml.safe_load((ROOT / CHARTS / name / "values.yaml").read_text())
    for read in _read_paths(name):
        node = defaults
        for key in read.strip(".").split("."):
            assert isinstance(node, dict) and key in node, f"{name}: .Values{read} has no default in values.yaml"
            node = node[key]


@pytest.mark.parametrize("env", ENVS)
def test_every_key_of_an_environments_values_is_read(env):
    apps = own_chart_apps(ROOT, env)
    assert set(apps) <= set(CHART_NAMES)
    for name, (_, _, files) in apps.items():
        read = _read_paths(name)
        defaults = set(_paths(yaml.safe_load((ROOT / CHARTS / name / "values.yaml").read_text())))
        for value_file in files:
            for path in _paths(yaml.safe_load((ROOT / value_file).read_text()) or {}):
                if path:
                    assert _covered(path, read), f"{value_file}: {path} is read by no template of {name}"
                    assert path in defaults or _covered(path, defaults), f"{value_file}: {path} is not in {name}'s values.yaml"


def test_every_chart_is_deployed_somewhere():
    # An add-on may be off in one environment (previews in prod), never in all of them.
    assert sorted(set().union(*(own_chart_apps(ROOT, env) for env in ENVS))) == CHART_NAMES


def test_the_static_scan_finds_an_unread_key():
    assert not _covered(".secrets.unused", _read_paths("litellm"))
    assert _covered(".secrets.masterKey", _read_paths("litellm"))
