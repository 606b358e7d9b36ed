# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render and write the GitOps tree of every environment of the play in one process (docs: plugins/modules/gitops_render.py).

One task per host and step cost about 2.7 s per environment (a forked worker per host and task, and the template
lookup copying every variable per add-on); one run_once action over all hosts costs a small fraction of that. The
settings of every host are templated here too (rules_only), not by a set_fact task per host."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.template import trust_as_template
from ansible_collections.mosaic.platform.plugins.module_utils.gitops_catalog import (
    SAFE_LOADER,
    CatalogError,
    merge_catalog,
    render_environments,
    render_tree,
)
from ansible_collections.mosaic.platform.plugins.module_utils.gitops_rules import first_broken
from ansible_collections.mosaic.platform.plugins.module_utils.gitops_writer import apply_plan, plan_environment, unused_base, write_atomic
from ansible_collections.mosaic.platform.plugins.module_utils.platform_outputs import OutputsError, read_outputs

# The variables the catalog data reads: enabled_when, @{vars.<name>} in needs and the env and cluster layers, and
# gitops_ha (ha_values over env_values). The base layer reads none of them.
CATALOG_VARS = (
    "gitops_env",
    "gitops_cluster",
    "gitops_region",
    "gitops_domain",
    "gitops_ha",
    "gitops_ha_replicas",
    "gitops_ingress_controller",
    "gitops_prefix",
    "gitops_runbook_base_url",
    "gitops_secret_refresh_interval",
    "gitops_argocd_rbac_policy",
    "gitops_grafana_role_attribute_path",
    "gitops_slo_availability",
    "gitops_litellm_image",
    "gitops_litellm_models",
    "gitops_litellm_max_budget",
    "gitops_litellm_budget_duration",
    "gitops_trace_sampling_ratio",
    "gitops_previews_enabled",
    "gitops_repo_url",
    "gitops_github_app_id",
    "gitops_github_app_installation_id",
    "gitops_revision",
    "gitops_previews_repo_owner",
    "gitops_previews_repo_name",
    "gitops_previews_label",
    "gitops_previews_chart_path",
    "gitops_project",
    "gitops_destination_server",
)
# The role's default gitops_catalog (defaults/main/catalog.yml) reads role_path only: the settings template it once per
# role path for every host that keeps it and share the entries (the render copies them per host). Templating the
# catalog per host was most of the settings' time.
CATALOG_DEFAULT = "{{ query('mosaic.platform.gitops_catalog', role_path ~ '/files/catalog') }}"
# The helmfile state files every environment shares (files/helmfile.d/ of the role).
STATE_FILES = ("00-bootstrap.yaml.gotmpl", "50-addon.yaml.gotmpl")
MANIFEST_SUFFIX = ".yaml.j2"


def _read_tree(directory: Path) -> dict:
    """{first path component: {rest of the path: text}} of every file under ``directory`` (hidden ones too)."""
    tree = {}
    if directory.is_dir():
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                top, rel = path.relative_to(directory).as_posix().split("/", 1)
                tree.setdefault(top, {})[rel] = path.read_text(encoding="utf-8")
    return tree


def _diff(rel: str, before: str, after: str) -> dict:
    return {"before_header": rel, "after_header": rel, "before": before, "after": after}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset(("hosts", "all_hosts", "role_path", "settings_var", "rules_only"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = self._task.args
        missing = [a for a in ("hosts",) + (() if args.get("rules_only") else ("role_path",)) if not args.get(a)]
        if missing:
            raise AnsibleActionFail(f"gitops_render: {', '.join(missing)} required")
        if args.get("rules_only"):
            settings = self._collect(args["hosts"])
            envs = {host: task_vars["hostvars"][host].get("platform_env") for host in args.get("all_hosts") or args["hosts"]}
            broken = first_broken(settings, envs)
            if broken:
                raise AnsibleActionFail("; ".join(broken))
            result.update(changed=False, msg=f"{len(settings)} environment(s) keep every rule", settings=settings)
            return result
        # The settings the rules task collected and checked, as registered (templating them again costs ~0.1 s a host).
        settings = task_vars[args.get("settings_var", "__gitops_settings")]["settings"]
        role_path = Path(args["role_path"])
        check = bool(self._task.check_mode)
        want_diff = bool(self._task.diff)

        # Read once for every environment: the own charts, the manifest templates and the helmfile state files.
        charts = _read_tree(role_path / "files" / "charts")
        templates = {
            p.name[: -len(MANIFEST_SUFFIX)]: p.read_text(encoding="utf-8") for p in sorted((role_path / "templates" / "manifests").glob(f"*{MANIFEST_SUFFIX}"))
        }
        states = {name: (role_path / "files" / "helmfile.d" / name).read_text(encoding="utf-8") for name in STATE_FILES}

        renders = []
        for host, bundle in settings.items():
            try:
                renders.append(self._render(host, bundle, charts, templates, check))
            except (CatalogError, OutputsError) as exc:
                raise AnsibleActionFail(f"{host}: {exc}") from exc

        root = Path(renders[0]["root"]) if renders else None  # one tree for every host: a rule (gitops_rules.py)

        environments, diffs, changed = [], [], False
        for render in renders:
            files = render["files"]
            try:
                plan = plan_environment(root, render["env"], files)
            except CatalogError as exc:
                raise AnsibleActionFail(f"{render['host']}: {exc}") from exc
            if want_diff:
                diffs += [_diff(rel, self._text(root / rel), files[rel]) for rel in plan["write"]]
                diffs += [_diff(rel, self._text(root / rel), "") for rel in plan["remove"]]
            if not check:
                apply_plan(root, files, plan)
            changed = changed or bool(plan["write"] or plan["remove"])
            environments.append(
                {
                    "host": render["host"],
                    "env": render["env"],
                    "outputs": render["outputs_source"],
                    "files": len(files),
                    "write": plan["write"],
                    "remove": plan["remove"],
                }
            )

        shared = self._shared(root, states, [r["env"] for r in renders], check, want_diff, diffs) if root else {"write": [], "remove": []}
        changed = changed or bool(shared["write"] or shared["remove"])
        result.update(
            changed=changed, environments=environments, shared=shared, trees=[f"{root}/gitops/{e['env']} (and {root}/helmfile.d)" for e in environments]
        )
        if want_diff:
            result["diff"] = diffs
        return result

    def _collect(self, hosts):
        """{host: every gitops_* variable of the host, templated once in its own context (role defaults, inventory,
        extra vars), plus platform_env, platform_outputs_dir and the two strings the catalog splices from
        gitops_auth_group_roles}: ArgoCD's policy.csv and Grafana's role_attribute_path, with no fallback role.

        One pass in this process instead of a set_fact task per host: a forked task per host cost ~0.1 s each."""
        variable_manager = self._task.get_variable_manager()
        play = self._task.get_play()
        settings, catalogs = {}, {}
        for host in hosts:
            # The variables the strategy would give a task of this role on that host (its own role defaults included).
            variables = variable_manager.get_vars(play=play, host=variable_manager._inventory.get_host(host), task=self._task)
            variables["ansible_check_mode"] = bool(self._task.check_mode)  # the outputs lookup reads it (as a task's vars have it)
            templar = self._templar.copy_with_new_env(available_variables=variables)
            default_catalog = variables.get("gitops_catalog") == CATALOG_DEFAULT
            names = ["platform_env", "platform_outputs_dir", *(n for n in variables if n.startswith("gitops_"))]
            if default_catalog:
                names.remove("gitops_catalog")
            try:
                bundle = templar.template({name: variables[name] for name in names})
                if default_catalog:
                    role_path = variables["role_path"]
                    if role_path not in catalogs:
                        catalogs[role_path] = templar.template(variables["gitops_catalog"])
                    bundle["gitops_catalog"] = catalogs[role_path]
            except AnsibleError as exc:
                raise AnsibleActionFail(f"{host}: {exc}") from exc
            roles = bundle.get("gitops_auth_group_roles") or []
            bundle.update(
                gitops_previews_enabled=boolean(bundle["gitops_previews_enabled"], strict=False),
                gitops_argocd_rbac_policy="".join(f"g, {r['group']}, {r['argocd']}\n" for r in roles),
                gitops_grafana_role_attribute_path=" || ".join(f"contains(\"cognito:groups\"[*], '{r['group']}') && '{r['grafana']}'" for r in roles),
            )
            settings[host] = bundle
        return settings

    @staticmethod
    def _text(path: Path) -> str:
        return path.read_text(encoding="utf-8") if path.is_file() else ""

    def _render(self, host, bundle, charts, templates, check):
        outputs_dir = bundle["platform_outputs_dir"]
        outputs = read_outputs(outputs_dir, host, check_mode=check)
        # The join with aws_auth: a group mapped to a role exists in the user pool (auth.groups), named, not copied.
        if "auth" in outputs:
            unknown = [r["group"] for r in bundle["gitops_auth_group_roles"] if r["group"] not in outputs["auth"]["groups"]]
            if unknown:
                raise AnsibleActionFail(
                    f"{host}: gitops_auth_group_roles groups must be groups of the Cognito user pool (auth.groups {outputs['auth']['groups']}); "
                    f"aws_auth_groups does not create {unknown}"
                )
        variables = {name: bundle[name] for name in CATALOG_VARS}
        entries = merge_catalog(
            copy.deepcopy(bundle["gitops_catalog"]),
            overrides=bundle["gitops_addon_overrides"],
            extra=bundle["gitops_extra_addons"],
            versions=bundle["gitops_chart_versions"],
            variables=variables,
        )
        enabled = [name for name, entry in entries.items() if entry["enabled"]]
        # One template per add-on (templates/manifests/<add-on>.yaml.j2), rendered with this host's gitops_* variables
        # and its outputs as __gitops_outputs (for a value that picks a setting, such as the pg_dump image by the
        # engine's major version); outputs stay @{placeholders} here and render_tree resolves them, naming the
        # add-on and key of a missing one.
        templar = self._templar.copy_with_new_env(available_variables={**bundle, "__gitops_outputs": outputs})
        manifests = {}
        for name in enabled:
            if name in templates:
                text = templar.template(trust_as_template(templates[name]), escape_backslashes=False)
                manifests[name] = [obj for obj in yaml.load_all(text, Loader=SAFE_LOADER) if obj]  # noqa: S506 - a safe loader
        settings = {
            "env": bundle["gitops_env"],
            "cluster": bundle["gitops_cluster"],
            "repo_url": bundle["gitops_repo_url"],
            "revision": bundle["gitops_revision"],
            "project": bundle["gitops_project"],
            "argocd_namespace": bundle["gitops_argocd_namespace"],
            "destination_server": bundle["gitops_destination_server"],
            "repositories": bundle["gitops_repositories"],
            "cluster_resources": bundle["gitops_cluster_resources"],
            "retry_limit": bundle["gitops_sync_retry_limit"],
            "check_mode": check,
            "vars": variables,
            "charts": charts,
        }
        return {
            "host": host,
            "env": bundle["gitops_env"],
            "root": bundle["gitops_output_dir"],
            "outputs_source": f"{outputs_dir}/{host}",
            "files": render_tree(entries, outputs, manifests, settings),
        }

    @staticmethod
    def _shared(root, states, envs, check, want_diff, diffs):
        """The files every environment shares: the helmfile state files, the environments list (every environment
        rendered so far, this run's included, also in check mode) and the base values no environment uses."""
        existing = sorted(p.name[: -len(".yaml")] for p in (root / "helmfile.d" / "environments").glob("*.yaml"))
        files = {f"helmfile.d/{name}": text for name, text in states.items()}
        files["helmfile.d/bases/environments.yaml"] = render_environments(existing + list(envs))
        write = sorted(rel for rel, text in files.items() if ActionModule._text(root / rel) != text)
        remove = unused_base(root)
        if want_diff:
            diffs += [_diff(rel, ActionModule._text(root / rel), files[rel]) for rel in write]
            diffs += [_diff(rel, ActionModule._text(root / rel), "") for rel in remove]
        if not check:
            for rel in write:
                write_atomic(root / rel, files[rel])
            for rel in remove:
                (root / rel).unlink(missing_ok=True)
        return {"write": write, "remove": remove}
