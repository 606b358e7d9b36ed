"""Previews, gateway listeners and HSTS over the committed trees of every environment.

A pull request's code reaches only its own namespace (issue 10 item 1), no listener takes routes from every
namespace, every public route sends HSTS (item 8), and a sample PR renders a namespace, its policies and a
route for its URL (issue 11 item 5). The objects of the own charts are ``helm template`` of the committed tree.
"""

from __future__ import annotations

import re

import pytest
import yaml
from gitops_helpers import ENVS, ROOT, merged_values
from own_charts import own_chart_objects, sample_preview

PREVIEW_ENVS = [e for e in ENVS if e != "prod"]
# Kinds that would let a preview escape its namespace or claim a host.
FORBIDDEN_KINDS = {"Role", "RoleBinding", "NetworkPolicy", "HTTPRoute", "Ingress", "ExternalSecret", "SecretStore", "Middleware"}
# The environments whose gateway is Traefik (Gateway API); the others run ingress-nginx, which has no listeners.
TRAEFIK_ENVS = [e for e in ENVS if (ROOT / "gitops" / e / "apps" / "traefik.yaml").exists()]


def _yaml(path):
    return yaml.safe_load((ROOT / path).read_text())


def _objects(env, kind):
    found = []
    for path in sorted((ROOT / "gitops" / env / "manifests").rglob("*.yaml")):
        found += [d for d in yaml.safe_load_all(path.read_text()) if d and d.get("kind") == kind]
    for objs in own_chart_objects(ROOT, env).values():
        found += [d for d in objs if d.get("kind") == kind]
    return found


def _previews(env):
    return {(o["kind"], o["metadata"]["name"]): o for o in own_chart_objects(ROOT, env)["previews"]}


def _sample_pr(env, number=7):
    app, objs, _ = sample_preview(ROOT, env, number)
    return app, objs


def test_previews_are_off_in_prod_and_on_elsewhere():
    assert not (ROOT / "gitops" / "prod" / "apps" / "previews.yaml").exists()
    assert "preview-*" not in yaml.safe_dump(_yaml("gitops/prod/project.yaml"))
    for env in PREVIEW_ENVS:
        assert (ROOT / "gitops" / env / "apps" / "previews.yaml").is_file(), env


@pytest.mark.parametrize("env", ENVS)
def test_the_platform_project_serves_no_preview(env):
    spec = _yaml(f"gitops/{env}/project.yaml")["spec"]
    assert all(not d["namespace"].startswith("preview") for d in spec["destinations"])
    assert not any("product-app" in r for r in spec["sourceRepos"])


@pytest.mark.parametrize("env", PREVIEW_ENVS)
def test_the_previews_project_holds_only_the_product_chart_in_preview_namespaces(env):
    env_values = _yaml(f"gitops/{env}/values/previews/env.yaml")
    project = _previews(env)[("AppProject", "previews")]["spec"]
    assert project["sourceRepos"] == [f"https://github.com/{env_values['repoOwner']}/{env_values['repoName']}.git"]
    assert {d["namespace"] for d in project["destinations"]} == {"preview-*"}
    assert project["clusterResourceWhitelist"] == []
    kinds = {w["kind"] for w in project["namespaceResourceWhitelist"]}
    assert kinds and not kinds & FORBIDDEN_KINDS and "*" not in kinds
    assert "namespaceResourceBlacklist" not in project


@pytest.mark.parametrize("env", PREVIEW_ENVS)
def test_the_namespace_project_may_make_only_preview_namespaces_policies_and_a_route(env):
    project = _previews(env)[("AppProject", "preview-namespaces")]["spec"]
    assert project["sourceRepos"] == [_yaml(f"gitops/{env}/values/previews/env.yaml")["platformRepoURL"]]
    assert {d["namespace"] for d in project["destinations"]} == {"preview-*"}
    assert project["clusterResourceWhitelist"] == [{"group": "", "kind": "Namespace", "name": "preview-*"}]
    assert {w["kind"] for w in project["namespaceResourceWhitelist"]} <= {"NetworkPolicy", "HTTPRoute", "Ingress"}


@pytest.mark.parametrize("env", PREVIEW_ENVS)
def test_preview_applications_are_pruned_with_the_pull_request(env):
    for name in ("previews", "preview-namespaces"):
        appset = _previews(env)[("ApplicationSet", name)]
        assert appset["spec"]["syncPolicy"]["preserveResourcesOnDeletion"] is False
        template = appset["spec"]["template"]
        assert "resources-finalizer.argocd.argoproj.io" in template["metadata"]["finalizers"]
        assert template["spec"]["syncPolicy"]["automated"]["prune"] is True
        assert appset["spec"]["generators"][0]["pullRequest"]["github"]["tokenRef"] == {"secretName": "github-previews", "key": "token"}


@pytest.mark.parametrize("env", PREVIEW_ENVS)
def test_the_generator_token_comes_from_secrets_manager(env):
    secret = _previews(env)[("ExternalSecret", "github-previews")]
    key = secret["spec"]["data"][0]["remoteRef"]["key"]
    assert secret["spec"]["target"]["name"] == "github-previews"
    assert re.fullmatch(rf"[a-z0-9-]+/{env}/argocd/github-previews", key), key


@pytest.mark.parametrize("env", PREVIEW_ENVS)
def test_a_sample_pr_renders_its_namespace_policies_and_route(env):
    app, objs = _sample_pr(env)
    domain = _yaml(f"gitops/{env}/values/previews/env.yaml")["domain"]
    host = f"pr-7.preview.{domain}"
    by_kind = {}
    for obj in objs:
        by_kind.setdefault(obj["kind"], []).append(obj)
    (namespace,) = by_kind["Namespace"]
    assert namespace["metadata"]["name"] == "preview-7" == app["spec"]["destination"]["namespace"]
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    assert namespace["metadata"]["labels"]["platform.mosaic/preview"] == "true"
    deny = [p for p in by_kind["NetworkPolicy"] if p["spec"]["podSelector"] == {} and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}]
    assert deny and not deny[0]["spec"].get("ingress") and not deny[0]["spec"].get("egress")
    for policy in by_kind["NetworkPolicy"]:
        for rule in policy["spec"].get("ingress", []) + policy["spec"].get("egress", []):
            assert rule.get("to", rule.get("from")), f"{policy['metadata']['name']}: a rule open to everyone"
    controller = _yaml(f"gitops/{env}/values/previews/env.yaml")["ingressController"]
    if controller == "traefik":
        (route,) = by_kind["HTTPRoute"]
        assert route["spec"]["hostnames"] == [host]
        assert route["spec"]["parentRefs"][0]["sectionName"] == "previews"
    else:
        (ingress,) = by_kind["Ingress"]
        assert [r["host"] for r in ingress["spec"]["rules"]] == [host]
    preview = _previews(env)[("ApplicationSet", "previews")]["spec"]["template"]
    assert preview["metadata"]["annotations"]["preview.mosaic/url"] == "https://pr-{{ .number }}.preview." + domain
    assert "CreateNamespace=true" not in (preview["spec"]["syncPolicy"].get("syncOptions") or [])


@pytest.mark.parametrize("env", TRAEFIK_ENVS)
def test_no_gateway_listener_takes_routes_from_every_namespace(env):
    listeners = merged_values(env, "traefik")["gateway"]["listeners"]
    for name, listener in listeners.items():
        policy = listener.get("namespacePolicy") or {}
        assert policy.get("from") == "Selector", f"{env} listener {name}: {policy}"
    web = listeners["web"]["namespacePolicy"]["selector"]["matchExpressions"][0]
    served = {r["metadata"]["namespace"] for r in _objects(env, "HTTPRoute")}
    assert served == set(web["values"]), "the web listener admits exactly the namespaces that serve routes"
    assert listeners["previews"]["hostname"].startswith("*.preview.")
    assert listeners["previews"]["namespacePolicy"]["selector"] == {"matchLabels": {"platform.mosaic/preview": "true"}}
