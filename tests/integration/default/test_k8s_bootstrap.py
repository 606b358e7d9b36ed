"""k8s_bootstrap on the local kube-apiserver: NetworkPolicies, RBAC (SubjectAccessReview), IRSA
service accounts, the ArgoCD bootstrap secrets and the AppProject / root Application."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.k8s_policies import check_network_policies
from ansible_collections.mosaic.platform.plugins.module_utils.platform_outputs import read_outputs
from kubernetes import client

ROOT = Path(__file__).resolve().parents[3]
NAMESPACES = [ns["name"] for ns in yaml.safe_load((ROOT / "roles/k8s_namespaces/defaults/main.yml").read_text())["k8s_namespaces_list"]]
LOCAL = yaml.safe_load((ROOT / "inventories/local/group_vars/local/k8s_bootstrap.yml").read_text())
TEAMS = [ns["name"] for ns in yaml.safe_load((ROOT / "inventories/local/group_vars/local/k8s_namespaces.yml").read_text())["k8s_namespaces_team_list"]]
DEFAULTS = yaml.safe_load((ROOT / "roles/k8s_bootstrap/defaults/main.yml").read_text())
SECRETS = {s["name"]: s for s in LOCAL["k8s_bootstrap_secrets"]}
WORKSPACE = Path(os.environ.get("MOSAIC_WORKSPACE", ROOT))
DEV = "platform:dev"
OPS = "platform:ops"


@pytest.fixture(scope="module")
def outputs(platform):
    return read_outputs(str(platform["outputs_dir"]), "local-main")


@pytest.fixture(scope="module")
def stored(aws, outputs):
    """What the bootstrap secrets hold in Secrets Manager: the GitHub App key aws_secrets stored from the
    scenario's MOSAIC_LOCAL_GITHUB_APP_KEY, and the SSO client secret aws_auth stored (JSON)."""
    sm = aws("secretsmanager")
    github = sm.get_secret_value(SecretId=outputs["secrets"]["secrets"]["argocd/github-app"]["arn"])["SecretString"]
    sso = json.loads(sm.get_secret_value(SecretId=outputs["auth"]["clients"]["argocd"]["secret_arn"])["SecretString"])
    return {"platform-gitops-repo": github, "argocd-sso": sso}


@pytest.fixture(scope="module")
def net(kube):
    return client.NetworkingV1Api(kube)


@pytest.fixture(scope="module")
def custom(kube):
    return client.CustomObjectsApi(kube)


def _policies(net, namespace):
    items = net.list_namespaced_network_policy(namespace).items
    return [net.api_client.sanitize_for_serialization(p) for p in items]


@pytest.mark.parametrize("namespace", NAMESPACES + TEAMS)
def test_namespace_has_psa_labels_and_a_default_deny_with_dns(core, net, namespace):
    labels = core.read_namespace(namespace).metadata.labels
    assert labels["pod-security.kubernetes.io/enforce"] in ("restricted", "baseline", "privileged")
    policies = _policies(net, namespace)
    names = {p["metadata"]["name"] for p in policies}
    assert {"default-deny", "allow-dns", "allow-apiserver"} <= names
    # The same check the role runs before applying, now on what the API server stored.
    check_network_policies({namespace: policies}, [namespace])
    deny = next(p for p in policies if p["metadata"]["name"] == "default-deny")["spec"]
    assert deny["podSelector"] == {} and sorted(deny["policyTypes"]) == ["Egress", "Ingress"]
    dns_ports = next(p for p in policies if p["metadata"]["name"] == "allow-dns")["spec"]["egress"][0]["ports"]
    assert {(p["protocol"], p["port"]) for p in dns_ports} == {("UDP", 53), ("TCP", 53)}


def test_apiserver_allow_uses_the_inventory_cidr_and_port(net):
    spec = net.read_namespaced_network_policy("allow-apiserver", "argocd").spec
    assert [peer.ip_block.cidr for peer in spec.egress[0].to] == LOCAL["k8s_bootstrap_netpol_apiserver_cidrs"]
    assert spec.egress[0].ports[0].port == LOCAL["k8s_bootstrap_netpol_apiserver_port"]


def test_data_service_allow_lands_only_in_its_namespace(net):
    assert net.read_namespaced_network_policy("allow-litellm-postgres", "litellm").spec.egress[0].ports[0].port == 5432
    assert "allow-litellm-postgres" not in {p["metadata"]["name"] for p in _policies(net, "keda")}


def _sar(kube, group, verb, resource, namespace=None, group_api="", name=None):
    body = client.V1SubjectAccessReview(
        spec=client.V1SubjectAccessReviewSpec(
            user=f"probe-{group.replace(':', '-')}",
            groups=[group, "system:authenticated"],
            resource_attributes=client.V1ResourceAttributes(verb=verb, resource=resource, namespace=namespace, group=group_api, name=name),
        )
    )
    return client.AuthorizationV1Api(kube).create_subject_access_review(body).status.allowed


# The local team namespace (k8s_namespaces_team_list, published as namespaces.team): never a platform one.
TEAM = TEAMS[0]


@pytest.mark.parametrize(
    ("group", "verb", "resource", "namespace", "api_group", "allowed"),
    [
        (DEV, "list", "pods", None, "", True),  # every namespace
        (DEV, "list", "pods", "argocd", "", True),
        (DEV, "get", "deployments", "kube-system", "apps", True),
        (DEV, "list", "nodes", None, "", True),
        (DEV, "get", "secrets", TEAM, "", False),
        (DEV, "list", "secrets", None, "", False),
        (DEV, "watch", "secrets", "argocd", "", False),
        (DEV, "create", "secrets", TEAM, "", False),
        (DEV, "update", "deployments", TEAM, "apps", True),
        (DEV, "create", "deployments", TEAM, "apps", True),
        (DEV, "update", "deployments", "argocd", "apps", False),
        # The platform namespaces that held IRSA accounts and secrets used to be team namespaces.
        (DEV, "create", "pods", "litellm", "", False),
        (DEV, "create", "jobs", "platform", "batch", False),
        (DEV, "create", "pods", TEAM, "", True),
        (DEV, "create", "cronjobs", TEAM, "batch", True),
        (DEV, "delete", "configmaps", "argocd", "", False),
        (DEV, "create", "rolebindings", TEAM, "rbac.authorization.k8s.io", False),
        (DEV, "create", "clusterrolebindings", None, "rbac.authorization.k8s.io", False),
        (DEV, "create", "pods/exec", TEAM, "", False),
        (OPS, "get", "secrets", "argocd", "", True),
        (OPS, "delete", "customresourcedefinitions", None, "apiextensions.k8s.io", True),
        (OPS, "patch", "applications", "argocd", "argoproj.io", True),
    ],
)
def test_rbac_grants_exactly_what_it_should(kube, group, verb, resource, namespace, api_group, allowed):
    assert _sar(kube, group, verb, resource, namespace, api_group) is allowed


def test_unbound_group_gets_nothing(kube):
    assert _sar(kube, "platform:nobody", "list", "pods", "argocd") is False


@pytest.mark.parametrize("entry", DEFAULTS["k8s_bootstrap_service_accounts"], ids=lambda e: f"{e['namespace']}/{e['name']}")
def test_service_account_carries_its_role_arn(core, outputs, entry):
    sa = core.read_namespaced_service_account(entry["name"], entry["namespace"])
    assert sa.metadata.annotations["eks.amazonaws.com/role-arn"] == outputs["irsa"]["roles"][f"{entry['namespace']}/{entry['name']}"]


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("platform-gitops-repo", ("argocd.argoproj.io/secret-type", "repository")),
        ("argocd-sso", ("app.kubernetes.io/part-of", "argocd")),
    ],
)
def test_bootstrap_secret_holds_the_secrets_manager_values(core, stored, name, label):
    secret = core.read_namespaced_secret(name, "argocd")
    assert secret.metadata.labels[label[0]] == label[1]
    decoded = {k: base64.b64decode(v).decode() for k, v in secret.data.items()}
    entry = SECRETS[name]
    value = stored[name]
    # The inventory's static data, with the one template it holds (the GitOps repository URL) rendered.
    repo_url = yaml.safe_load((ROOT / "inventories/project.yml").read_text())["platform_gitops_repo_url"]
    static = {k: str(v).replace("{{ platform_gitops_repo_url }}", repo_url) for k, v in entry.get("static_data", {}).items()}
    expected = {**static, **({entry["key"]: value} if entry.get("key") else value)}
    assert decoded == {k: str(v) for k, v in expected.items()}


def test_secret_tasks_never_log():
    tasks = yaml.safe_load((ROOT / "roles/k8s_bootstrap/tasks/secrets.yml").read_text())
    for task in tasks:
        assert task.get("no_log") is True, task["name"]


def test_appproject_is_accepted_with_the_expected_spec(custom):
    project = custom.get_namespaced_custom_object("argoproj.io", "v1alpha1", "argocd", "appprojects", "platform")
    spec = project["spec"]
    # The one builder of the AppProject is the gitops phase: the bootstrap applied exactly its file.
    rendered = WORKSPACE / ".outputs" / "local" / "tree" / "gitops" / "local" / "project.yaml"
    wanted = yaml.safe_load(rendered.read_text())
    assert spec == wanted["spec"]
    assert project["metadata"]["labels"] == wanted["metadata"]["labels"]
    assert "https://github.com/example-org/platform-gitops.git" in spec["sourceRepos"]
    assert "*" not in spec["sourceRepos"]
    assert set(NAMESPACES) <= {d["namespace"] for d in spec["destinations"]}
    assert {d["server"] for d in spec["destinations"]} == {"https://kubernetes.default.svc"}
    assert all(r["group"] != "*" and r["kind"] != "*" for r in spec["clusterResourceWhitelist"])


def test_root_application_syncs_automatically_without_allow_empty(custom):
    app = custom.get_namespaced_custom_object("argoproj.io", "v1alpha1", "argocd", "applications", "platform-root")
    spec = app["spec"]
    assert spec["project"] == "platform"
    assert spec["source"]["path"] == "gitops/local/apps"
    assert spec["destination"] == {"server": "https://kubernetes.default.svc", "namespace": "argocd"}
    assert spec["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True, "allowEmpty": False}


def test_secret_values_never_appear_in_verbose_ansible_output(stored):
    """Re-run the bootstrap phase with -vvv (a no-op by now) and look for every stored value."""
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1", MOSAIC_WORKSPACE=str(WORKSPACE))
    playbook = Path(sys.executable).with_name("ansible-playbook")
    result = subprocess.run(
        [str(playbook), "-i", str(ROOT / "inventories/local"), str(ROOT / "playbooks/bootstrap.yml"), "-vvv"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert "Apply the ArgoCD bootstrap secrets from Secrets Manager" in out
    assert re.search(r"changed=0 ", out.split("PLAY RECAP")[-1]), out[-2000:]
    secrets = [stored["platform-gitops-repo"], stored["argocd-sso"]["client_secret"]]
    assert all(len(value) >= 16 for value in secrets)
    for value in secrets:
        assert value not in out, "a bootstrap secret value reached the output"
