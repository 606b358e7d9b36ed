"""The catalog logic of the gitops phase, as plain data: merge, validation, waves, outputs, rendering."""

from __future__ import annotations

import copy

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.gitops_catalog import (
    CatalogError,
    dependency_graph,
    load_catalog,
    merge_catalog,
    plan_writes,
    render_environments,
    render_tree,
    resolve_placeholders,
    sync_waves,
    unused_base_values,
)

REPOS = {"r": {"url": "https://charts.example.com"}, "o": {"url": "registry.example.com/charts", "oci": True}}
SETTINGS = {
    "env": "dev",
    "cluster": "p-dev-main",
    "repo_url": "https://github.com/example-org/platform-gitops.git",
    "revision": "main",
    "project": "platform",
    "argocd_namespace": "argocd",
    "destination_server": "https://kubernetes.default.svc",
    "repositories": REPOS,
    "cluster_resources": [["apiextensions.k8s.io", "CustomResourceDefinition"]],
    "retry_limit": 5,
}
OUTPUTS = {
    "irsa": {"roles": {"a-ns/a": "arn:aws:iam::111111111111:role/a"}},
    "storage": {"buckets": {"backups": {"name": "p-dev-backups-111111111111"}}},
    "network": {"private_subnet_ids": ["subnet-1", "subnet-2"]},
}


UP = {"source": "https://example.invalid/chart", "version": "0", "verified": "2026-11-29"}


def catalog():
    return [
        {
            "name": "argo",
            "tier": "bootstrap",
            "namespace": "argocd",
            "repo": "r",
            "chart": "argo-cd",
            "version": "9.7.0",
            "server_side_apply": True,
            "upstream": UP,
        },
        {
            "name": "a",
            "namespace": "a-ns",
            "repo": "r",
            "chart": "a",
            "version": "1.2.3",
            "upstream": UP,
            "values": {"replicas": 1},
            "cluster_values": {"sa": "@{irsa.a}", "subnets": "@{network.private_subnet_ids}"},
        },
        {"name": "b", "namespace": "b-ns", "repo": "r", "chart": "b", "version": "v2.0.0", "needs": ["a"], "upstream": UP},
        {"name": "c", "namespace": "b-ns", "repo": "r", "chart": "c", "version": "0.1.0", "needs": ["b", "a"], "stateful": True, "upstream": UP},
        {
            "name": "m",
            "namespace": "a-ns",
            "needs": ["a"],
            "manifests": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"b": "@{storage.buckets.backups.name}"}}],
        },
    ]


def render(cat=None, overrides=None, outputs=None, manifests=None, versions=None):
    entries = merge_catalog(cat if cat is not None else catalog(), overrides=overrides, versions=versions)
    return render_tree(entries, OUTPUTS if outputs is None else outputs, manifests or {}, copy.deepcopy(SETTINGS))


def load(files, path):
    return yaml.safe_load(files[path])


# ------------------------------------------------------------ bad catalog input


def test_a_dependency_cycle_names_the_add_on_and_the_path():
    cat = catalog()
    cat[1]["needs"] = ["c"]
    with pytest.raises(CatalogError, match=r"add-on (a|b|c): dependency cycle in needs: .*(a -> c|c -> b|b -> a)"):
        render(cat)


def test_a_self_dependency_is_a_cycle():
    cat = catalog()
    cat[2]["needs"] = ["b"]
    with pytest.raises(CatalogError, match="add-on b: dependency cycle in needs: b -> b"):
        render(cat)


@pytest.mark.parametrize("version", ["", "latest", "1.2", "^1.2.3", "~1.2.3", ">=1.0.0", "1.2.x", "*"])
def test_an_unpinned_version_names_the_add_on_and_the_key(version):
    with pytest.raises(CatalogError, match=r"add-on b: version .* is not pinned"):
        render(overrides={"b": {"version": version}})


def test_a_pin_from_gitops_chart_versions_is_checked_too():
    with pytest.raises(CatalogError, match=r"add-on a: version '1\.x' is not pinned"):
        render(versions={"a": "1.x"})


def test_an_unknown_add_on_in_needs_is_named():
    with pytest.raises(CatalogError, match="add-on b: needs unknown add-on 'nope'"):
        render(overrides={"b": {"needs": ["nope"]}})


def test_needing_a_disabled_add_on_fails():
    with pytest.raises(CatalogError, match="add-on b: needs 'a', which is not enabled"):
        render(overrides={"a": {"enabled": False}, "m": {"enabled": False}, "c": {"enabled": False}})


def test_a_missing_output_names_the_add_on_and_the_key():
    outputs = copy.deepcopy(OUTPUTS)
    del outputs["irsa"]["roles"]["a-ns/a"]
    with pytest.raises(
        CatalogError, match=r"add-on a: outputs key 'irsa\.roles\.a-ns/a' is missing .* the cluster phase writes it \(role mosaic\.platform\.eks_irsa\)"
    ):
        render(outputs=outputs)


def test_a_missing_output_in_a_manifest_names_the_add_on():
    outputs = copy.deepcopy(OUTPUTS)
    del outputs["storage"]
    with pytest.raises(
        CatalogError,
        match=r"add-on m: outputs key 'storage\.buckets\.backups\.name' is missing .* the aws phase writes it \(role mosaic\.platform\.aws_storage\)",
    ):
        render(outputs=outputs)


def test_an_unknown_key_in_an_override_is_named():
    with pytest.raises(CatalogError, match=r"add-on a: unknown key\(s\) \['verison'\]"):
        render(overrides={"a": {"verison": "1.2.4"}})


def test_an_override_of_an_unknown_add_on_fails():
    with pytest.raises(CatalogError, match="add-on zz: gitops_addon_overrides names an add-on that is not in the catalog"):
        render(overrides={"zz": {"enabled": True}})


def test_an_unknown_repository_is_named():
    with pytest.raises(CatalogError, match="add-on a: repo 'nope' is not in gitops_repositories"):
        render(overrides={"a": {"repo": "nope"}})


def test_a_bootstrap_add_on_cannot_need_an_addon():
    with pytest.raises(CatalogError, match="add-on argo: a bootstrap add-on cannot need the addon-tier 'a'"):
        render(overrides={"argo": {"needs": ["a"]}})


def test_a_bad_enabled_value_is_named():
    with pytest.raises(CatalogError, match="add-on a: enabled must be a boolean"):
        render(overrides={"a": {"enabled": "maybe"}})


# ------------------------------------------------------------ graph and values


def test_sync_waves_are_the_topological_depth():
    entries = merge_catalog(catalog())
    assert sync_waves(entries) == {"argo": 0, "a": 0, "b": 1, "c": 2, "m": 1}


def test_placeholders_keep_the_output_type_and_interpolate_in_strings():
    data = {"whole": "@{network.private_subnet_ids}", "inline": "bucket=@{storage.buckets.backups.name};", "irsa": "@{irsa.a}"}
    got = resolve_placeholders(data, "a", OUTPUTS, "a-ns")
    assert got == {"whole": ["subnet-1", "subnet-2"], "inline": "bucket=p-dev-backups-111111111111;", "irsa": "arn:aws:iam::111111111111:role/a"}


def test_overrides_merge_dicts_and_replace_lists():
    entries = merge_catalog(catalog(), overrides={"a": {"cluster_values": {"extra": [1]}, "needs": []}})
    assert entries["a"]["cluster_values"] == {"sa": "@{irsa.a}", "subnets": "@{network.private_subnet_ids}", "extra": [1]}


def test_inventory_values_land_in_the_env_layer_and_the_base_stays_the_catalogs():
    cat = catalog()
    cat[1]["env_values"] = {"size": "small"}
    extra = [{"name": "x", "namespace": "x-ns", "repo": "r", "chart": "x", "version": "1.0.0", "upstream": UP, "values": {"k": 1}}]
    entries = merge_catalog(cat, overrides={"a": {"values": {"replicas": 3, "size": "big"}}}, extra=extra)
    assert entries["a"]["values"] == {"replicas": 1}
    # The entry's own env layer still wins over an inventory's base-level value.
    assert entries["a"]["env_values"] == {"replicas": 3, "size": "small"}
    assert entries["x"]["values"] == {} and entries["x"]["env_values"] == {"k": 1}


def test_ha_values_join_the_env_layer_only_when_gitops_ha():
    cat = catalog()
    cat[1]["env_values"] = {"r": 1, "keep": True}
    cat[1]["ha_values"] = {"r": "@{vars.gitops_ha_replicas}"}
    assert merge_catalog(cat, variables={"gitops_ha": False})["a"]["env_values"] == {"r": 1, "keep": True}
    entries = merge_catalog(cat, variables={"gitops_ha": True, "gitops_ha_replicas": 2})
    assert entries["a"]["env_values"] == {"r": "@{vars.gitops_ha_replicas}", "keep": True}
    settings = dict(copy.deepcopy(SETTINGS), vars={"gitops_ha_replicas": 2})
    assert load(render_tree(entries, OUTPUTS, {}, settings), "gitops/dev/values/a/env.yaml") == {"r": 2, "keep": True}


def test_enabled_when_and_variable_needs_follow_the_role_variables():
    cat = catalog()
    cat[2]["enabled_when"] = {"gitops_ingress_controller": "b"}
    cat[3]["needs"] = ["@{vars.gitops_ingress_controller}"]
    entries = merge_catalog(cat, variables={"gitops_ingress_controller": "b"})
    assert entries["b"]["enabled"] and entries["c"]["needs"] == ["b"]
    assert not merge_catalog(cat, variables={"gitops_ingress_controller": "other"})["b"]["enabled"]
    with pytest.raises(CatalogError, match=r"add-on b: @\{vars.gitops_ingress_controller\} names a variable the role does not pass"):
        merge_catalog(cat, variables={})


def test_a_placeholder_in_the_base_layer_fails():
    cat = catalog()
    cat[1]["values"] = {"domain": "a.@{vars.gitops_domain}"}
    with pytest.raises(CatalogError, match=r"add-on a: values \(the base layer, shared by every environment\) holds placeholders \['vars.gitops_domain'\]"):
        render(cat=cat)


def test_the_base_layer_is_the_same_for_every_environment():
    dev = render()
    prod_settings = dict(copy.deepcopy(SETTINGS), env="prod", cluster="p-prod-main")
    outputs = copy.deepcopy(OUTPUTS)
    outputs["irsa"]["roles"]["a-ns/a"] = "arn:aws:iam::222222222222:role/a"
    prod = render_tree(merge_catalog(catalog(), variables={"gitops_ha": True}), outputs, {}, prod_settings)
    base = sorted(p for p in dev if p.startswith("gitops/base/"))
    assert base == ["gitops/base/values/a.yaml", "gitops/base/values/argo.yaml", "gitops/base/values/b.yaml", "gitops/base/values/c.yaml"]
    assert {p: dev[p] for p in base} == {p: prod[p] for p in prod if p.startswith("gitops/base/")}
    assert dev["gitops/dev/values/a/cluster.yaml"] != prod["gitops/prod/values/a/cluster.yaml"]


# ------------------------------------------------------------ the rendered tree


def test_one_application_per_addon_and_none_for_the_bootstrap_tier():
    files = render()
    apps = sorted(p for p in files if p.startswith("gitops/dev/apps/"))
    assert apps == [f"gitops/dev/apps/{n}.yaml" for n in ("a", "b", "c", "m")]


def test_applications_sync_safely():
    files = render()
    app = load(files, "gitops/dev/apps/c.yaml")
    policy = app["spec"]["syncPolicy"]
    assert policy["automated"] == {"prune": True, "selfHeal": True}
    assert "allowEmpty" not in policy["automated"]
    assert policy["retry"]["limit"] == 5 and policy["retry"]["backoff"]["factor"] == 2
    assert not any(o.startswith("CreateNamespace") for o in policy["syncOptions"])
    assert app["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] == "2"
    assert app["spec"]["project"] == "platform"


def test_multi_source_chart_plus_values_ref():
    files = render()
    sources = load(files, "gitops/dev/apps/a.yaml")["spec"]["sources"]
    assert sources[0]["chart"] == "a" and sources[0]["targetRevision"] == "1.2.3"
    assert sources[0]["helm"]["valueFiles"] == [
        "$values/gitops/base/values/a.yaml",
        "$values/gitops/dev/values/a/env.yaml",
        "$values/gitops/dev/values/a/cluster.yaml",
    ]
    assert sources[1] == {"ref": "values", "repoURL": SETTINGS["repo_url"], "targetRevision": "main"}


def test_server_side_apply_only_where_asked():
    files = render(overrides={"a": {"server_side_apply": True}})
    assert "ServerSideApply=true" in load(files, "gitops/dev/apps/a.yaml")["spec"]["syncPolicy"]["syncOptions"]
    assert "ServerSideApply=true" not in load(files, "gitops/dev/apps/b.yaml")["spec"]["syncPolicy"]["syncOptions"]


def test_outputs_reach_the_cluster_layer():
    files = render()
    assert load(files, "gitops/dev/values/a/cluster.yaml") == {"sa": "arn:aws:iam::111111111111:role/a", "subnets": ["subnet-1", "subnet-2"]}
    assert load(files, "gitops/base/values/a.yaml") == {"replicas": 1}


def test_manifests_get_namespace_labels_and_their_own_source():
    files = render(manifests={"c": [{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"}, "spec": {}}]})
    cm = load(files, "gitops/dev/manifests/m/configmap-x.yaml")
    assert cm["metadata"]["namespace"] == "a-ns" and cm["data"] == {"b": "p-dev-backups-111111111111"}
    pvc = load(files, "gitops/dev/manifests/c/persistentvolumeclaim-data.yaml")
    assert pvc["metadata"]["annotations"]["argocd.argoproj.io/sync-options"] == "Prune=false"
    sources = load(files, "gitops/dev/apps/m.yaml")["spec"]["sources"]
    assert sources == [{"path": "gitops/dev/manifests/m", "repoURL": SETTINGS["repo_url"], "targetRevision": "main"}]


def test_project_lists_only_what_the_applications_need():
    project = load(render(), "gitops/dev/project.yaml")
    assert project["spec"]["sourceRepos"] == sorted(["https://charts.example.com", SETTINGS["repo_url"]])
    assert [d["namespace"] for d in project["spec"]["destinations"]] == ["a-ns", "argocd", "b-ns"]
    assert all(r["kind"] != "Namespace" for r in project["spec"]["clusterResourceWhitelist"])


def test_helmfile_environment_agrees_with_the_applications():
    files = render()
    env = load(files, "helmfile.d/environments/dev.yaml")
    charts = {r["name"]: r for r in env["releases"] if not r["name"].endswith("-manifests")}
    for path in (p for p in files if p.startswith("gitops/dev/apps/")):
        app = load(files, path)
        src = app["spec"]["sources"][0]
        if "chart" not in src:
            continue
        rel = charts[app["metadata"]["name"]]
        assert rel["version"] == src["targetRevision"]
        assert rel["namespace"] == app["spec"]["destination"]["namespace"]
        assert [f"$values/{v[3:]}" for v in rel["values"]] == src["helm"]["valueFiles"]
    assert charts["c"]["needs"] == ["a-ns/a", "b-ns/b"]
    assert [r["name"] for r in env["repositories"]] == ["r"]


def test_rendering_is_deterministic_and_sorted():
    first, second = render(), render()
    assert first == second
    assert list(first) == sorted(first)
    for text in first.values():
        assert text.startswith("---\n")


def test_disabled_add_ons_leave_no_files():
    files = render(overrides={"c": {"enabled": False}})
    assert not any("/c/" in p or p.endswith("/c.yaml") for p in files)


def test_plan_writes_only_changes_and_removes_stale_add_ons():
    files = {"gitops/dev/apps/a.yaml": "---\na\n", "gitops/dev/values/a/env.yaml": "---\nb\n"}
    from ansible_collections.mosaic.platform.plugins.module_utils.gitops_catalog import checksum

    existing = {
        "gitops/dev/apps/a.yaml": checksum("---\na\n"),
        "gitops/dev/values/a/env.yaml": "0",
        "gitops/dev/values/old/env.yaml": "1",
    }
    assert plan_writes(files, existing) == {
        "write": ["gitops/dev/values/a/env.yaml"],
        "remove": ["gitops/dev/values/old/env.yaml"],
        "remove_dirs": ["gitops/dev/values/old"],
    }


def test_unused_base_values_are_those_no_environment_lists():
    envs = [{"releases": [{"values": ["../gitops/base/values/a.yaml", "../gitops/dev/values/a/env.yaml"]}]}, {"releases": []}, None]
    assert unused_base_values(["gitops/base/values/a.yaml", "gitops/base/values/old.yaml"], envs) == ["gitops/base/values/old.yaml"]


def test_load_catalog_reads_one_entry_per_file_named_after_it(tmp_path):
    (tmp_path / "b.yml").write_text("---\nname: b\nnamespace: b-ns\n")
    (tmp_path / "a.yml").write_text("---\nname: a\nnamespace: a-ns\n")
    assert [e["name"] for e in load_catalog(tmp_path)] == ["a", "b"]
    (tmp_path / "c.yml").write_text("---\nname: other\n")
    with pytest.raises(CatalogError, match=r"c.yml: a catalog file holds one entry whose name is the file's name \(c\)"):
        load_catalog(tmp_path)


def test_dependency_graph_draws_needs_and_variable_choices():
    cat = [
        {"name": "app", "needs": ["main-db", "@{vars.gitops_ingress_controller}"]},
        {"name": "main-db"},
        {"name": "nginx", "enabled_when": {"gitops_ingress_controller": "nginx"}},
        {"name": "traefik", "enabled_when": {"gitops_ingress_controller": "traefik"}},
    ]
    assert dependency_graph(cat).splitlines() == [
        "flowchart LR",
        "  app[app]",
        "  main_db[main-db]",
        "  nginx[nginx]",
        "  traefik[traefik]",
        "  app -. gitops_ingress_controller .-> nginx",
        "  app -. gitops_ingress_controller .-> traefik",
        "  app --> main_db",
    ]


def test_environments_base_lists_each_environment_once():
    data = yaml.safe_load(render_environments(["prod", "dev", "dev"]))
    assert data == {"environments": {"dev": {"values": ["environments/dev.yaml"]}, "prod": {"values": ["environments/prod.yaml"]}}}


def test_version_diff_lists_only_changes():
    from ansible_collections.mosaic.platform.plugins.module_utils.gitops_catalog import version_diff

    assert version_diff({"keda": "2.20.1", "velero": "12.0.1"}, {"keda": "2.20.2", "velero": "12.0.1", "new": "1.0.0"}) == [
        "keda 2.20.1 -> 2.20.2",
        "new - -> 1.0.0",
    ]


def test_a_check_run_renders_unknown_outputs_as_known_after_apply():
    outputs = copy.deepcopy(OUTPUTS)
    del outputs["irsa"]
    entries = merge_catalog(catalog())
    files = render_tree(entries, outputs, {}, dict(copy.deepcopy(SETTINGS), check_mode=True))
    assert "(known after apply) irsa.roles.a-ns/a" in files["gitops/dev/values/a/cluster.yaml"]


def test_a_chart_without_its_upstream_record_fails():
    cat = catalog()
    del cat[2]["upstream"]
    with pytest.raises(CatalogError, match=r"add-on b: upstream needs \['source', 'verified', 'version'\]"):
        render(cat=cat)


# ------------------------------------------------------------ own charts

OWN = {"name": "o", "namespace": "o-ns", "own_chart": True, "env_values": {"bucket": "@{storage.buckets.backups.name}", "ns": "@{vars.gitops_namespaces}"}}
CHART = {"Chart.yaml": "---\napiVersion: v2\nname: o\nversion: 1.0.0\n", "templates/cm.yaml": "---\nkind: ConfigMap\n"}


def render_own(entry=None, charts=None):
    entries = merge_catalog([*catalog(), entry or OWN])
    settings = dict(copy.deepcopy(SETTINGS), charts={"o": CHART} if charts is None else charts)
    return render_tree(entries, OUTPUTS, {}, settings)


def test_an_own_chart_is_written_once_under_base_with_per_env_values():
    files = render_own()
    assert files["gitops/base/charts/o/Chart.yaml"] == CHART["Chart.yaml"]
    assert files["gitops/base/charts/o/templates/cm.yaml"] == CHART["templates/cm.yaml"]
    assert load(files, "gitops/dev/values/o/env.yaml") == {"bucket": "p-dev-backups-111111111111", "ns": ["a-ns", "argocd", "b-ns", "o-ns"]}
    assert load(files, "gitops/dev/values/o/cluster.yaml") == {}
    assert "gitops/base/values/o.yaml" not in files and not any(p.startswith("gitops/dev/manifests/o/") for p in files)


def test_an_own_chart_application_and_release_read_the_chart_path_and_the_env_values():
    files = render_own()
    app = load(files, "gitops/dev/apps/o.yaml")["spec"]
    value_files = ["gitops/dev/values/o/env.yaml", "gitops/dev/values/o/cluster.yaml"]
    assert app["sources"][0]["path"] == "gitops/base/charts/o"
    assert app["sources"][0]["helm"] == {"releaseName": "o", "valueFiles": [f"$values/{v}" for v in value_files]}
    assert app["sources"][1] == {"ref": "values", "repoURL": SETTINGS["repo_url"], "targetRevision": "main"}
    assert "SkipDryRunOnMissingResource=true" in app["syncPolicy"]["syncOptions"]
    release = next(r for r in load(files, "helmfile.d/environments/dev.yaml")["releases"] if r["name"] == "o")
    assert release["chart"] == "../gitops/base/charts/o" and release["values"] == [f"../{v}" for v in value_files]


def test_an_own_chart_without_its_files_is_named():
    with pytest.raises(CatalogError, match=r"add-on o: own_chart is set but the role has no files/charts/o"):
        render_own(charts={})


def test_an_own_chart_cannot_also_name_an_upstream_chart():
    entry = dict(OWN, chart="o", repo="r", version="1.0.0", upstream=UP)
    with pytest.raises(CatalogError, match=r"add-on o: own_chart \(the role's files/charts/o\) and chart exclude each other"):
        render_own(entry)
