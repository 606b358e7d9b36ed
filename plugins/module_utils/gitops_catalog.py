# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The add-on catalog of the gitops phase: merge, validation, dependency graph and rendering.

One catalog (one plain-data file per add-on in the role's ``files/catalog/``, overridden per
environment from the inventory) produces both the Helmfile environment file
(``helmfile.d/environments/<env>.yaml``) and the ArgoCD tree: the base values once for every
environment (``gitops/base/values/<addon>.yaml``), the env and cluster layers under ``gitops/<env>/``.
Everything here is pure Python on plain data, so the role (through the filter plugins), the unit
tests and the render benchmark all run the very same code.

Outputs of the aws phase are wired into values and manifests with ``@{dotted.path}``
placeholders (``@{storage.buckets.backups.name}``); ``@{irsa.<serviceaccount>}`` is short for
``@{irsa.roles.<namespace>/<serviceaccount>}`` in the add-on's namespace. Keys are read with the
outputs contract's reader (``module_utils/platform_outputs``): a missing output fails the render
with a message naming the add-on, the key and the phase and role that write it. ``@{vars.<name>}``
reads a role variable (``gitops_domain``, ``gitops_ha_replicas``...) the role passes in; it may appear
in the env and cluster layers and in ``needs``, never in the base layer, which is shared by every
environment of a tree.
"""

from __future__ import annotations

import copy
import hashlib
import re

try:
    import yaml
except ImportError:  # pragma: no cover - PyYAML ships with ansible-core
    yaml = None

# libyaml's loader when PyYAML has it: the pure-Python one was most of the render's time (docs/performance.md).
SAFE_LOADER = getattr(yaml, "CSafeLoader", None) or getattr(yaml, "SafeLoader", None)

ENTRY_KEYS = {
    "name",
    "enabled",
    "tier",
    "namespace",
    "repo",
    "chart",
    "version",
    "needs",
    "server_side_apply",
    "stateful",
    "values",
    "env_values",
    "ha_values",
    "enabled_when",
    "cluster_values",
    "manifests",
    "description",
    "upstream",
    "service_accounts",
    "own_chart",
}
OVERRIDE_KEYS = ENTRY_KEYS - {"name"}
TIERS = ("bootstrap", "addon")
NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,51}[a-z0-9])?$")
# An exact release: 1.2.3, v1.2.3, 1.2.3-rc.1. Ranges, wildcards and "latest" are not pins.
PIN_RE = re.compile(r"^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
PLACEHOLDER_RE = re.compile(r"@\{([^{}]+)\}")
BASE_DIR = "gitops/base"  # the env-independent part of a tree; no environment may be named "base"
LAYERS = ("base", "env", "cluster")
# The platform's own charts (the role's files/charts/<add-on>/), written once under gitops/base/charts/.
CHARTS_DIR = f"{BASE_DIR}/charts"
# Our own manifests of these kinds keep data: ArgoCD must never prune them.
STATEFUL_KINDS = {"PersistentVolumeClaim", "StatefulSet", "BackupStorageLocation"}
CLUSTER_SCOPED_KINDS = {
    "ClusterSecretStore",
    "ClusterExternalSecret",
    "ClusterTriggerAuthentication",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterIssuer",
    "GatewayClass",
    "IngressClass",
    "IngressClassParams",
    "Namespace",
    "PriorityClass",
    "StorageClass",
    "VolumeSnapshotClass",
}
HEADER = "---\n# Rendered by mosaic.platform.gitops from the add-on catalog: edit the catalog or the inventory, not this file.\n"


class CatalogError(ValueError):
    """The catalog, an override or the outputs cannot produce a valid tree."""


# ---------------------------------------------------------------- merge and validation


def deep_merge(base, override):
    """Merge dicts recursively; lists and scalars in ``override`` replace (as Helm does)."""
    if not isinstance(base, dict) or not isinstance(override, dict):
        return copy.deepcopy(override)
    merged = copy.deepcopy(base)
    for key, value in override.items():
        merged[key] = deep_merge(merged[key], value) if key in merged else copy.deepcopy(value)
    return merged


def _bool(value, name, key):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no"):
        return value.strip().lower() in ("true", "yes")
    raise CatalogError(f"add-on {name}: {key} must be a boolean, got {value!r}")


def load_catalog(directory):
    """The catalog files of a directory (``<addon>.yml``, one entry each), sorted by add-on name."""
    from pathlib import Path

    entries = []
    for path in sorted(Path(directory).glob("*.yml")):
        entry = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
        if not isinstance(entry, dict) or entry.get("name") != path.stem:
            raise CatalogError(f"{path}: a catalog file holds one entry whose name is the file's name ({path.stem})")
        entries.append(entry)
    return entries


def _variable(variables, name, addon):
    if name not in variables:
        raise CatalogError(f"add-on {addon}: @{{vars.{name}}} names a variable the role does not pass ({sorted(variables)})")
    return variables[name]


def _resolve_need(need, variables, addon):
    whole = PLACEHOLDER_RE.fullmatch(str(need))
    if whole and whole.group(1).strip().startswith("vars."):
        return str(_variable(variables, whole.group(1).strip()[len("vars.") :], addon))
    return need


def merge_catalog(catalog, overrides=None, extra=None, versions=None, variables=None):
    """Apply the inventory's per-add-on overrides, extra add-ons and version pins to the role's catalog.

    Returns every entry (enabled or not), in catalog order then extra order, with defaults filled.
    ``variables`` holds the role variables that ``enabled_when``, ``@{vars.*}`` needs and
    ``gitops_ha`` (which merges ``ha_values`` into the env layer) read.

    The base layer (``values``) is the catalog entry's own: it is written once for every environment
    of a tree. An inventory's ``values`` (in an override or an extra add-on) lands in the env layer,
    under the entry's ``env_values``.
    """
    overrides = overrides or {}
    versions = versions or {}
    variables = variables or {}
    entries = {}
    inventory_values = {}
    for source, items in (("gitops_catalog", catalog or []), ("gitops_extra_addons", extra or [])):
        for item in items:
            if not isinstance(item, dict) or not item.get("name"):
                raise CatalogError(f"{source}: every entry needs a name, got {item!r}")
            name = item["name"]
            unknown = sorted(set(item) - ENTRY_KEYS)
            if unknown:
                raise CatalogError(f"add-on {name}: unknown key(s) {unknown} in {source}")
            if name in entries:
                raise CatalogError(f"add-on {name}: defined twice ({source})")
            entries[name] = dict(item)
            if source == "gitops_extra_addons":
                inventory_values[name] = entries[name].pop("values", None) or {}
    for name, override in sorted(overrides.items()):
        if name not in entries:
            raise CatalogError(f"add-on {name}: gitops_addon_overrides names an add-on that is not in the catalog")
        if not isinstance(override, dict):
            raise CatalogError(f"add-on {name}: gitops_addon_overrides.{name} must be a dict")
        unknown = sorted(set(override) - OVERRIDE_KEYS)
        if unknown:
            raise CatalogError(f"add-on {name}: unknown key(s) {unknown} in gitops_addon_overrides")
        override = dict(override)
        inventory_values[name] = deep_merge(inventory_values.get(name, {}), override.pop("values", None) or {})
        entries[name] = deep_merge(entries[name], override)
    for name, version in sorted(versions.items()):
        if name not in entries:
            raise CatalogError(f"add-on {name}: gitops_chart_versions pins an add-on that is not in the catalog")
        entries[name]["version"] = version
    resolved = {}
    ha = _bool(variables.get("gitops_ha", False), "*", "gitops_ha")
    for name, entry in entries.items():
        enabled_when = entry.get("enabled_when") or {}
        if not isinstance(enabled_when, dict):
            raise CatalogError(f"add-on {name}: enabled_when must be a dict of variable: value")
        selected = all(_variable(variables, var, name) == want for var, want in enabled_when.items())
        env_values = deep_merge(inventory_values.get(name, {}), entry.get("env_values") or {})
        if ha:
            env_values = deep_merge(env_values, entry.get("ha_values") or {})
        resolved[name] = {
            "name": name,
            "enabled": _bool(entry.get("enabled", True), name, "enabled") and selected,
            "tier": entry.get("tier", "addon"),
            "namespace": entry.get("namespace", ""),
            "repo": entry.get("repo") or "",
            "chart": entry.get("chart") or "",
            "version": "" if entry.get("version") is None else str(entry.get("version")),
            "needs": [_resolve_need(n, variables, name) for n in entry.get("needs") or []],
            "server_side_apply": _bool(entry.get("server_side_apply", False), name, "server_side_apply"),
            "stateful": _bool(entry.get("stateful", False), name, "stateful"),
            "values": entry.get("values") or {},
            "env_values": env_values,
            "cluster_values": entry.get("cluster_values") or {},
            "manifests": list(entry.get("manifests") or []),
            "description": entry.get("description", ""),
            "upstream": entry.get("upstream") or {},
            "service_accounts": list(entry.get("service_accounts") or []),
            "own_chart": _bool(entry.get("own_chart", False), name, "own_chart"),
        }
    return resolved


def validate_catalog(entries, repositories):
    """Check the enabled add-ons; raise CatalogError naming the add-on and the key."""
    enabled = {n: e for n, e in entries.items() if e["enabled"]}
    for name, entry in enabled.items():
        if not NAME_RE.match(name):
            raise CatalogError(f"add-on {name}: name must match {NAME_RE.pattern}")
        if entry["tier"] not in TIERS:
            raise CatalogError(f"add-on {name}: tier {entry['tier']!r} is not one of {list(TIERS)}")
        if not NAME_RE.match(entry["namespace"] or ""):
            raise CatalogError(f"add-on {name}: namespace {entry['namespace']!r} is not a valid namespace name")
        if entry["own_chart"] and entry["chart"]:
            raise CatalogError(f"add-on {name}: own_chart (the role's files/charts/{name}) and chart exclude each other")
        if entry["chart"]:
            if entry["repo"] not in repositories:
                raise CatalogError(f"add-on {name}: repo {entry['repo']!r} is not in gitops_repositories")
            if not PIN_RE.match(entry["version"]):
                raise CatalogError(f"add-on {name}: version {entry['version']!r} is not pinned (an exact release such as 1.2.3 is required)")
            missing = sorted({"source", "version", "verified"} - set(entry["upstream"]))
            if missing:
                raise CatalogError(f"add-on {name}: upstream needs {missing} (where the pin and its values keys were checked, and when)")
        elif not entry["own_chart"] and not entry["manifests"] and not entry.get("_has_template"):
            raise CatalogError(f"add-on {name}: chart is empty and the add-on has no manifests")
        for key in ("values", "env_values", "cluster_values"):
            if not isinstance(entry[key], dict):
                raise CatalogError(f"add-on {name}: {key} must be a dict")
        placeholders = sorted(set(PLACEHOLDER_RE.findall(repr(entry["values"]))))
        if placeholders:
            raise CatalogError(
                f"add-on {name}: values (the base layer, shared by every environment) holds placeholders {placeholders}:"
                " move them to env_values or cluster_values"
            )
        for need in entry["needs"]:
            if need not in entries:
                raise CatalogError(f"add-on {name}: needs unknown add-on {need!r}")
            if not entries[need]["enabled"]:
                raise CatalogError(f"add-on {name}: needs {need!r}, which is not enabled in this environment")
            if entry["tier"] == "bootstrap" and entries[need]["tier"] != "bootstrap":
                raise CatalogError(f"add-on {name}: a bootstrap add-on cannot need the addon-tier {need!r}")
    sync_waves(enabled)
    return True


def sync_waves(entries):
    """Topological depth of every add-on (0 for no needs); raises on a cycle naming its path."""
    depth = {}
    state = {}

    def visit(name, path):
        if state.get(name) == "done":
            return depth[name]
        if state.get(name) == "visiting":
            cycle = path[path.index(name) :] + [name]
            raise CatalogError(f"add-on {name}: dependency cycle in needs: {' -> '.join(cycle)}")
        state[name] = "visiting"
        needs = [n for n in entries[name]["needs"] if n in entries]
        depth[name] = 1 + max((visit(n, path + [name]) for n in needs), default=-1)
        state[name] = "done"
        return depth[name]

    for name in sorted(entries):
        visit(name, [])
    return depth


# ---------------------------------------------------------------- outputs


def lookup_output(outputs, path, addon, check_mode=False):
    # Imported here: files/write_tree.py loads this file on its own for plan_writes(), outside the collection.
    from ansible_collections.mosaic.platform.plugins.module_utils.platform_outputs import OutputsError, get_output

    # IRSA keys hold a slash ("ns/sa") and never a dot, so a dot always separates levels.
    try:
        return get_output(outputs, path, check_mode=check_mode)
    except OutputsError as exc:
        raise CatalogError(f"add-on {addon}: {exc}") from exc


def resolve_placeholders(data, addon, outputs, namespace, check_mode=False, variables=None):
    """Replace ``@{path}`` placeholders; a string that is one placeholder keeps the output's type."""
    variables = variables or {}

    def value_of(ref):
        ref = ref.strip()
        if ref.startswith("vars."):
            return _variable(variables, ref[len("vars.") :], addon)
        return lookup_output(outputs, path_of(ref), addon, check_mode)

    def path_of(ref):
        ref = ref.strip()
        if ref.startswith("irsa.") and not ref.startswith("irsa.roles."):
            return f"irsa.roles.{namespace}/{ref[len('irsa.') :]}"
        return ref

    def walk(node):
        if isinstance(node, dict):
            return {walk(k) if isinstance(k, str) else k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str) and "@{" in node:
            whole = PLACEHOLDER_RE.fullmatch(node)
            if whole:
                return copy.deepcopy(value_of(whole.group(1)))
            return PLACEHOLDER_RE.sub(lambda m: str(value_of(m.group(1))), node)
        return node

    return walk(data)


# ---------------------------------------------------------------- YAML


if yaml is not None:
    # libyaml's emitter when PyYAML has it: the pure-Python one was three quarters of a render's time.
    class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
        """Sorted keys, block style, literal blocks for multi-line strings, no aliases."""

        def ignore_aliases(self, data):
            return True

    def _str(dumper, value):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)


def _plain(data):
    """Turn Ansible's tagged str/dict/list subclasses into plain ones the safe dumper accepts."""
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_plain(v) for v in data]
    if isinstance(data, bool) or data is None:
        return data
    if isinstance(data, int):
        return int(data)
    if isinstance(data, float):
        return float(data)
    return str(data)


def to_yaml(data, header=True):
    text = yaml.dump(_plain(data), Dumper=_Dumper, sort_keys=True, default_flow_style=False, width=150, allow_unicode=True)
    return (HEADER if header else "---\n") + text


def checksum(text):
    return hashlib.sha1(text.encode("utf-8")).hexdigest()  # noqa: S324 - compared with Ansible's stat/find checksums, not a security use


# ---------------------------------------------------------------- rendering


def _manifest_file(obj, entry):
    ns = obj["metadata"].get("namespace")
    where = f"-{ns}" if ns and ns != entry["namespace"] else ""
    return f"{obj['kind'].lower()}{where}-{obj['metadata']['name']}.yaml"


def _prepare_manifest(obj, entry):
    if not isinstance(obj, dict) or not obj.get("kind") or not (obj.get("metadata") or {}).get("name"):
        raise CatalogError(f"add-on {entry['name']}: every manifest needs kind and metadata.name, got {obj!r:.120}")
    obj = copy.deepcopy(obj)
    meta = obj.setdefault("metadata", {})
    if obj["kind"] not in CLUSTER_SCOPED_KINDS:
        meta.setdefault("namespace", entry["namespace"])
    labels = meta.setdefault("labels", {})
    labels.setdefault("app.kubernetes.io/part-of", "platform")
    labels.setdefault("app.kubernetes.io/managed-by", "argocd")
    if obj["kind"] in STATEFUL_KINDS or entry["stateful"] and obj["kind"] in {"PersistentVolumeClaim"}:
        meta.setdefault("annotations", {})["argocd.argoproj.io/sync-options"] = "Prune=false"
    return obj


def application(entry, wave, settings, has_manifests):
    env = settings["env"]
    repo_url = settings["repo_url"]
    revision = settings["revision"]
    sources = []
    if entry["own_chart"]:
        # The chart's own values.yaml is the base layer; the env and cluster layers come from $values.
        sources.append(
            {
                "path": f"{CHARTS_DIR}/{entry['name']}",
                "repoURL": repo_url,
                "targetRevision": revision,
                "helm": {"releaseName": entry["name"], "valueFiles": [f"$values/{p}" for p in values_files(env, entry["name"])[1:]]},
            }
        )
        sources.append({"ref": "values", "repoURL": repo_url, "targetRevision": revision})
    if entry["chart"]:
        repo = settings["repositories"][entry["repo"]]
        chart_source = {
            "chart": entry["chart"],
            "repoURL": repo["url"],
            "targetRevision": entry["version"],
            "helm": {
                "releaseName": entry["name"],
                "valueFiles": [f"$values/{p}" for p in values_files(env, entry["name"])],
            },
        }
        sources.append(chart_source)
        sources.append({"ref": "values", "repoURL": repo_url, "targetRevision": revision})
    if has_manifests:
        sources.append({"path": f"gitops/{env}/manifests/{entry['name']}", "repoURL": repo_url, "targetRevision": revision})
    sync_options = ["PruneLast=true", "RespectIgnoreDifferences=true"]
    if entry["server_side_apply"]:
        sync_options.append("ServerSideApply=true")
    # Our own custom resources may reach the cluster before the chart that brings their CRD.
    if has_manifests or entry["own_chart"]:
        sync_options.append("SkipDryRunOnMissingResource=true")
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {
            "name": entry["name"],
            "namespace": settings["argocd_namespace"],
            "annotations": {"argocd.argoproj.io/sync-wave": str(wave)},
            "finalizers": ["resources-finalizer.argocd.argoproj.io"],
            "labels": {
                "app.kubernetes.io/part-of": "platform",
                "platform.mosaic/env": env,
                "platform.mosaic/tier": entry["tier"],
            },
        },
        "spec": {
            "project": settings["project"],
            "destination": {"server": settings["destination_server"], "namespace": entry["namespace"]},
            "sources": sources,
            "revisionHistoryLimit": 5,
            "syncPolicy": {
                # prune and selfHeal on; allowEmpty is never set (an empty render must not wipe an add-on).
                "automated": {"prune": True, "selfHeal": True},
                "syncOptions": sync_options,
                "retry": {"limit": settings["retry_limit"], "backoff": {"duration": "10s", "factor": 2, "maxDuration": "5m"}},
            },
        },
    }


def values_files(env, name, own_chart=False):
    """The layers of an add-on, in the order Helm merges them: base (shared), env, cluster.

    The base layer of an own chart is the chart's values.yaml (its documented defaults)."""
    base = f"{CHARTS_DIR}/{name}/values.yaml" if own_chart else f"{BASE_DIR}/values/{name}.yaml"
    return [base, f"gitops/{env}/values/{name}/env.yaml", f"gitops/{env}/values/{name}/cluster.yaml"]


def app_project(enabled, settings, manifest_namespaces=()):
    repos = sorted(
        {settings["repositories"][e["repo"]]["url"] for e in enabled.values() if e["chart"]}
        | {settings["repo_url"]}
        | set(settings.get("extra_source_repos") or [])
    )
    namespaces = sorted({e["namespace"] for e in enabled.values()} | set(manifest_namespaces) | set(settings.get("extra_destinations") or []))
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "AppProject",
        "metadata": {
            "name": settings["project"],
            "namespace": settings["argocd_namespace"],
            "labels": {"app.kubernetes.io/part-of": "platform", "platform.mosaic/env": settings["env"]},
        },
        "spec": {
            "description": f"Platform add-ons of {settings['env']} (rendered by mosaic.platform.gitops; applied by the bootstrap)",
            "sourceRepos": repos,
            "destinations": [{"namespace": ns, "server": settings["destination_server"]} for ns in namespaces],
            "clusterResourceWhitelist": [{"group": g, "kind": k} for g, k in sorted(settings["cluster_resources"])],
            "namespaceResourceBlacklist": [{"group": "", "kind": "ResourceQuota"}, {"group": "", "kind": "LimitRange"}],
            "orphanedResources": {"warn": True},
        },
    }


def helmfile_environment(enabled, waves, settings, manifest_addons):
    env = settings["env"]
    releases = []
    for name in sorted(enabled, key=lambda n: (waves[n], n)):
        entry = enabled[name]
        needs = [f"{enabled[n]['namespace']}/{n}" for n in sorted(entry["needs"])]
        if entry["chart"]:
            releases.append(
                {
                    "name": name,
                    "namespace": entry["namespace"],
                    "chart": f"{entry['repo']}/{entry['chart']}",
                    "version": entry["version"],
                    "tier": entry["tier"],
                    "needs": needs,
                    "values": [f"../{p}" for p in values_files(env, name)],
                }
            )
        if entry["own_chart"]:
            releases.append(
                {
                    "name": name,
                    "namespace": entry["namespace"],
                    "chart": f"../{CHARTS_DIR}/{name}",
                    "version": "",
                    "tier": entry["tier"],
                    "needs": needs,
                    "values": [f"../{p}" for p in values_files(env, name)[1:]],
                }
            )
        if name in manifest_addons:
            # The platform's own manifests of the add-on, as a local chart (break-glass path only).
            releases.append(
                {
                    "name": f"{name}-manifests",
                    "namespace": entry["namespace"],
                    "chart": f"../gitops/{env}/manifests/{name}",
                    "version": "",
                    "tier": entry["tier"],
                    "needs": ([f"{entry['namespace']}/{name}"] if entry["chart"] else []) + needs,
                    "values": [],
                }
            )
    used = sorted({e["repo"] for e in enabled.values() if e["chart"]})
    repos = [{"name": r, "url": settings["repositories"][r]["url"], "oci": bool(settings["repositories"][r].get("oci", False))} for r in used]
    return {"environment": env, "cluster": settings["cluster"], "repositories": repos, "releases": releases}


def render_tree(entries, outputs, manifests, settings):
    """Render one environment: ``{relative path: file text}`` for gitops/<env>/ and helmfile.d/.

    ``entries``: merge_catalog() result; ``manifests``: {add-on: [objects]} from the role's templates
    (placeholders unresolved); ``settings``: env, cluster, repo_url, revision, project, charts (the own
    charts' files, {add-on: {path in the chart: text}}),
    argocd_namespace, destination_server, repositories, cluster_resources, retry_limit, and check_mode (a
    ``--check`` run renders outputs no phase has published yet as "(known after apply) <key>").
    """
    check_mode = bool(settings.get("check_mode", False))
    charts = settings.get("charts") or {}
    manifests = manifests or {}
    for name, objs in manifests.items():
        if name in entries:
            entries[name]["_has_template"] = bool(objs)
    validate_catalog(entries, settings["repositories"])
    enabled = {n: e for n, e in entries.items() if e["enabled"]}
    # gitops_namespaces: the namespaces of the enabled add-ons, for the charts that make objects in each.
    variables = dict(settings.get("vars") or {}, gitops_namespaces=sorted({e["namespace"] for e in enabled.values()}))
    waves = sync_waves(enabled)
    env = settings["env"]
    files = {}
    manifest_addons = set()
    manifest_namespaces = set()
    for name in sorted(enabled):
        entry = enabled[name]
        ns = entry["namespace"]
        layers = (entry["values"], entry["env_values"], entry["cluster_values"])
        if entry["chart"]:
            for path, data in zip(values_files(env, name), layers, strict=True):
                files[path] = to_yaml(resolve_placeholders(data, name, outputs, ns, check_mode, variables))
        if entry["own_chart"]:
            if not charts.get(name):
                raise CatalogError(f"add-on {name}: own_chart is set but the role has no files/charts/{name}")
            for rel, text in sorted(charts[name].items()):
                files[f"{CHARTS_DIR}/{name}/{rel}"] = text
            for path, data in zip(values_files(env, name)[1:], layers[1:], strict=True):
                files[path] = to_yaml(resolve_placeholders(data, name, outputs, ns, check_mode, variables))
        objs = list(manifests.get(name, [])) + entry["manifests"]
        seen = set()
        for obj in objs:
            obj = _prepare_manifest(resolve_placeholders(obj, name, outputs, ns, check_mode, variables), entry)
            fname = _manifest_file(obj, entry)
            if fname in seen:
                raise CatalogError(f"add-on {name}: two manifests render to {fname}")
            seen.add(fname)
            files[f"gitops/{env}/manifests/{name}/{fname}"] = to_yaml(obj)
            if obj["metadata"].get("namespace"):
                manifest_namespaces.add(obj["metadata"]["namespace"])
        if objs:
            manifest_addons.add(name)
        if entry["tier"] != "bootstrap":
            files[f"gitops/{env}/apps/{name}.yaml"] = to_yaml(application(entry, waves[name], settings, bool(objs)))
    files[f"gitops/{env}/project.yaml"] = to_yaml(app_project(enabled, settings, manifest_namespaces))
    files[f"helmfile.d/environments/{env}.yaml"] = to_yaml(helmfile_environment(enabled, waves, settings, manifest_addons))
    return dict(sorted(files.items()))


def render_environments(envs):
    """``helmfile.d/bases/environments.yaml``: every environment that has a rendered environment file."""
    envs = sorted(set(envs))
    return to_yaml({"environments": {e: {"values": [f"environments/{e}.yaml"]} for e in envs}})


def plan_writes(files, existing):
    """Split a render against what is on disk ({path: sha1}): what to write, what to remove."""
    want = {path: checksum(text) for path, text in files.items()}
    write = sorted(p for p, c in want.items() if existing.get(p) != c)
    remove = sorted(p for p in existing if p not in want)
    # Directories of removed add-ons (values/<addon>, manifests/<addon>) that keep no wanted file.
    dirs = {p.rsplit("/", 1)[0] for p in remove if p.count("/") >= 4}
    remove_dirs = sorted(d for d in dirs if not any(w.startswith(d + "/") for w in want))
    return {"write": write, "remove": remove, "remove_dirs": remove_dirs}


def unused_base_values(base_paths, environments):
    """Base values files (``gitops/base/values/*.yaml``) that no rendered environment's releases list.

    The base layer is shared by every environment of a tree, so an environment's render never removes
    it; this runs once after all of them, over ``helmfile.d/environments/*.yaml`` (parsed).
    """
    used = {v.removeprefix("../") for env in environments for rel in (env or {}).get("releases") or [] for v in rel.get("values") or []}
    return sorted(p for p in base_paths if p not in used)


def dependency_graph(catalog):
    """A Mermaid flowchart of the catalog's ``needs`` (an arrow from each add-on to what it needs first).

    A need that a variable selects (``@{vars.gitops_ingress_controller}``) points at every add-on whose
    ``enabled_when`` reads that variable, with a dotted arrow labelled with the variable.
    """
    entries = {e["name"]: e for e in catalog}

    def node(name):  # Mermaid ids without dashes, which it could read as part of an arrow
        return name.replace("-", "_")

    lines = ["flowchart LR"]
    for name in sorted(entries):
        lines.append(f"  {node(name)}[{name}]")
    for name in sorted(entries):
        for need in sorted(str(n) for n in entries[name].get("needs") or []):
            whole = PLACEHOLDER_RE.fullmatch(need)
            if whole and whole.group(1).strip().startswith("vars."):
                var = whole.group(1).strip()[len("vars.") :]
                for other in sorted(n for n, e in entries.items() if var in (e.get("enabled_when") or {})):
                    lines.append(f"  {node(name)} -. {var} .-> {node(other)}")
            else:
                lines.append(f"  {node(name)} --> {node(need)}")
    return "\n".join(lines) + "\n"


def version_diff(current, wanted):
    """Lines ``<add-on> <current> -> <wanted>`` for every pin that changes, sorted by add-on."""
    lines = []
    for name in sorted(set(current) | set(wanted)):
        old, new = current.get(name), wanted.get(name)
        if old != new:
            lines.append(f"{name} {old or '-'} -> {new or '-'}")
    return lines
