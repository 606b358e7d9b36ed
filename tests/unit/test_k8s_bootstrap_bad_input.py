"""k8s_bootstrap: each validation rule fails with its own message, naming the value, before it talks to a cluster."""

from __future__ import annotations

import pytest
from test_bad_input import assert_rule_failed, assert_spec_failed, assert_validation_passed, run_role

BASE = {
    "platform_kubeconfig": "/nonexistent/kubeconfig",
    "platform_env": "dev",
    "platform_prefix": "legacyplatform-dev",
    "platform_aws_region": "eu-west-1",
    "platform_workspace": "/nonexistent",
    "k8s_bootstrap_namespaces": ["argocd", "platform"],
    "k8s_bootstrap_netpol_apiserver_cidrs": ["10.0.0.0/16"],
    "k8s_bootstrap_netpol_allows": [],
    "k8s_bootstrap_service_accounts": [],
    "k8s_bootstrap_secrets": [],
    # What the role otherwise reads from the earlier phases' outputs (the mosaic.platform.outputs lookup).
    "k8s_bootstrap_netpol_endpoint_cidrs": [],
    "k8s_bootstrap_irsa_roles": {},
    "k8s_bootstrap_rbac_team_namespaces": [],
}
FIRST_CALL = "List the existing namespaces"
ROLE = "arn:aws:iam::123456789012:role/p-dev-irsa-app"
ALLOW = {"name": "x", "namespace": "platform", "direction": "ingress"}
DNS = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"k8s_bootstrap_argocd_install": "kustomize"}, "k8s_bootstrap_argocd_install"),
        ({"k8s_bootstrap_netpol_allows": [{"name": "x", "namespace": "platform", "direction": "sideways"}]}, "direction"),
        ({"k8s_bootstrap_secrets": [{"name": "x", "namespace": "argocd", "secretid": "y"}]}, "secretid"),
        ({"k8s_bootstrap_netpol_apiserver_port": "https"}, "k8s_bootstrap_netpol_apiserver_port"),
    ],
)
def test_argument_spec_rejects_bad_types(tmp_path, extra, needle):
    assert_spec_failed(run_role(tmp_path, "k8s_bootstrap", {**BASE, **extra}), needle)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"k8s_bootstrap_namespaces": []}, "k8s_bootstrap_namespaces must list the platform namespaces, from namespaces.names of the cluster outputs (got [])"),
        ({"k8s_bootstrap_namespaces": ["argocd", "platform", "Bad_NS"]}, f"k8s_bootstrap_namespaces must be DNS labels ({DNS}) (got ['Bad_NS'])"),
        (
            {"k8s_bootstrap_rbac_team_namespaces": ["team-a", "platform"]},
            "k8s_bootstrap_rbac_team_namespaces must not be platform namespaces (k8s_bootstrap_namespaces or kube-system) (got ['platform'])",
        ),
        (
            {"k8s_bootstrap_rbac_team_namespaces": ["argocd"]},
            "k8s_bootstrap_rbac_team_namespaces must not be platform namespaces (k8s_bootstrap_namespaces or kube-system) (got ['argocd'])",
        ),
        (
            {"k8s_bootstrap_rbac_team_namespaces": ["kube-system"]},
            "k8s_bootstrap_rbac_team_namespaces must not be platform namespaces (k8s_bootstrap_namespaces or kube-system) (got ['kube-system'])",
        ),
        ({"k8s_bootstrap_netpol_apiserver_cidrs": []}, "k8s_bootstrap_netpol_apiserver_cidrs must list at least one CIDR (got [])"),
        ({"k8s_bootstrap_netpol_apiserver_cidrs": ["10.0.0.0"]}, "k8s_bootstrap_netpol_apiserver_cidrs must be IPv4 CIDRs (got ['10.0.0.0'])"),
        (
            {"k8s_bootstrap_netpol_apiserver_cidrs": ["10.0.0.0/16", "0.0.0.0/0"]},
            "k8s_bootstrap_netpol_apiserver_cidrs must not include 0.0.0.0/0 (got ['10.0.0.0/16', '0.0.0.0/0'])",
        ),
        ({"k8s_bootstrap_netpol_endpoint_cidrs": ["vpce"]}, "k8s_bootstrap_netpol_endpoint_cidrs must be IPv4 CIDRs (got ['vpce'])"),
        ({"k8s_bootstrap_netpol_apiserver_port": 70000}, "k8s_bootstrap_netpol_apiserver_port must be an integer from 1 to 65535 (got '70000')"),
        (
            {"k8s_bootstrap_netpol_allows": [{**ALLOW, "name": "Bad_Name"}]},
            f"k8s_bootstrap_netpol_allows and k8s_bootstrap_netpol_data_services names must be DNS labels ({DNS}) (got ['Bad_Name'])",
        ),
        (
            {"k8s_bootstrap_netpol_allows": [ALLOW], "k8s_bootstrap_netpol_data_services": [ALLOW]},
            "k8s_bootstrap_netpol_allows and k8s_bootstrap_netpol_data_services names must be unique (got ['x'] more than once)",
        ),
        (
            {"k8s_bootstrap_netpol_allows": [{**ALLOW, "namespace": "elsewhere"}]},
            "k8s_bootstrap_netpol_allows and k8s_bootstrap_netpol_data_services must target a platform namespace or '*' (got ['elsewhere/x'])",
        ),
        (
            {"k8s_bootstrap_service_accounts": [{"namespace": "elsewhere", "name": "app", "role_arn": ROLE}]},
            "k8s_bootstrap_service_accounts must target platform namespaces (got ['elsewhere/app'])",
        ),
        (
            {"k8s_bootstrap_service_accounts": [{"namespace": "platform", "name": "app"}]},
            "k8s_bootstrap_service_accounts need an IAM role ARN, from k8s_bootstrap_irsa_roles (irsa.roles, written by eks_irsa) "
            "or the entry's role_arn (got {'platform/app': ''})",
        ),
        (
            {"k8s_bootstrap_service_accounts": [{"namespace": "platform", "name": "app", "role_arn": "arn:aws:iam::1:role/x"}]},
            "k8s_bootstrap_service_accounts need an IAM role ARN, from k8s_bootstrap_irsa_roles (irsa.roles, written by eks_irsa) "
            "or the entry's role_arn (got {'platform/app': 'arn:aws:iam::1:role/x'})",
        ),
        (
            {"k8s_bootstrap_secrets": [{"name": "repo", "namespace": "elsewhere", "secret_id": "p/dev/argocd/github-app"}]},
            "k8s_bootstrap_secrets must target platform namespaces (got ['elsewhere/repo'])",
        ),
        (
            {"k8s_bootstrap_argocd_namespace": "gitops"},
            "k8s_bootstrap_argocd_namespace must be one of k8s_bootstrap_namespaces ['argocd', 'platform'] (got 'gitops')",
        ),
        (
            {"k8s_bootstrap_argocd_install": "crds-only", "k8s_bootstrap_argocd_crds_dir": ""},
            "k8s_bootstrap_argocd_crds_dir must be set when k8s_bootstrap_argocd_install is crds-only (got '')",
        ),
        (
            {"k8s_bootstrap_argocd_install": "crds-only", "k8s_bootstrap_argocd_crds_dir": "/nonexistent/crds/argo-cd"},
            "k8s_bootstrap_argocd_crds_dir must hold the argo-cd CRD files (*.yaml) when k8s_bootstrap_argocd_install is crds-only "
            "(got '/nonexistent/crds/argo-cd'): in a checkout run `make crds` (the pinned upstream CRDs, checksums verified, "
            "into .cache/crds), or point MOSAIC_ARGOCD_CRDS_DIR at a copy of them",
        ),
        (
            {"k8s_bootstrap_gitops_repo_url": "git@github.com:org/repo.git"},
            "k8s_bootstrap_gitops_repo_url must be an https:// URL (got 'git@github.com:org/repo.git')",
        ),
    ],
)
def test_rule_fails_with_its_own_message(tmp_path, extra, needle):
    assert_rule_failed(run_role(tmp_path, "k8s_bootstrap", {**BASE, **extra}), needle, FIRST_CALL)


def test_good_input_passes_every_rule(tmp_path):
    extra = {
        "k8s_bootstrap_netpol_allows": [ALLOW, {**ALLOW, "name": "y", "namespace": "*"}],
        "k8s_bootstrap_netpol_endpoint_cidrs": ["10.0.8.0/24"],
        # One role from the cluster outputs, one from the entry.
        "k8s_bootstrap_service_accounts": [{"namespace": "platform", "name": "app"}, {"namespace": "argocd", "name": "repo", "role_arn": ROLE}],
        "k8s_bootstrap_irsa_roles": {"platform/app": ROLE},
        "k8s_bootstrap_secrets": [{"name": "repo", "namespace": "argocd", "secret_id": "p/dev/argocd/github-app"}],
        "k8s_bootstrap_rbac_team_namespaces": ["team-a"],
    }
    assert_validation_passed(run_role(tmp_path, "k8s_bootstrap", {**BASE, **extra}))


def test_crds_only_passes_with_a_crd_source(tmp_path):
    crds = tmp_path / "argo-cd"
    crds.mkdir()
    (crds / "appproject-crd.yaml").write_text("kind: CustomResourceDefinition\n")
    extra = {"k8s_bootstrap_argocd_install": "crds-only", "k8s_bootstrap_argocd_crds_dir": str(crds)}
    assert_validation_passed(run_role(tmp_path, "k8s_bootstrap", {**BASE, **extra}))
