"""k8s_bootstrap rejects bad input before it talks to a cluster, naming the variable."""

from __future__ import annotations

import pytest
from test_bad_input import run_role

BASE = {
    "platform_kubeconfig": "/nonexistent/kubeconfig",
    "platform_env": "dev",
    "platform_prefix": "legacyplatform-dev",
    "platform_aws_region": "eu-west-1",
    "platform_workspace": "/nonexistent",
    "k8s_namespaces_list": [{"name": "argocd"}, {"name": "platform"}],
    "k8s_bootstrap_netpol_apiserver_cidrs": ["10.0.0.0/16"],
    "k8s_bootstrap_netpol_allows": [],
    "k8s_bootstrap_service_accounts": [],
    "k8s_bootstrap_secrets": [],
    # What the role otherwise reads from the earlier phases' outputs (the mosaic.platform.outputs lookup).
    "k8s_bootstrap_netpol_endpoint_cidrs": [],
    "k8s_bootstrap_irsa_roles": {},
}
FIRST_CALL = "List the existing namespaces"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"k8s_bootstrap_netpol_apiserver_cidrs": ["0.0.0.0/0"]}, "k8s_bootstrap_netpol_apiserver_cidrs"),
        ({"k8s_bootstrap_netpol_apiserver_cidrs": []}, "k8s_bootstrap_netpol_apiserver_cidrs"),
        ({"k8s_bootstrap_rbac_team_namespaces": ["argocd"]}, "k8s_bootstrap_rbac_team_namespaces"),
        ({"k8s_bootstrap_rbac_team_namespaces": ["nowhere"]}, "k8s_bootstrap_rbac_team_namespaces"),
        ({"k8s_bootstrap_service_accounts": [{"namespace": "platform", "name": "app"}]}, "missing: ['platform/app']"),
        ({"k8s_bootstrap_service_accounts": [{"namespace": "platform", "name": "app", "role_arn": "arn:aws:iam::1:role/x"}]}, "platform/app"),
        ({"k8s_bootstrap_argocd_install": "crds-only", "k8s_bootstrap_argocd_crds_dir": ""}, "k8s_bootstrap_argocd_crds_dir"),
        ({"k8s_bootstrap_netpol_allows": [{"name": "x", "namespace": "elsewhere"}]}, "k8s_bootstrap_netpol_allows"),
        ({"k8s_bootstrap_gitops_repo_url": "git@github.com:org/repo.git"}, "k8s_bootstrap_gitops_repo_url"),
    ],
)
def test_k8s_bootstrap_rejects_bad_values_before_any_call(tmp_path, extra, needle):
    result = run_role(tmp_path, "k8s_bootstrap", {**BASE, **extra})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert needle in out
    assert FIRST_CALL not in out, "the role reached the cluster"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"k8s_bootstrap_argocd_install": "kustomize"}, "k8s_bootstrap_argocd_install"),
        ({"k8s_bootstrap_netpol_allows": [{"name": "x", "namespace": "platform", "direction": "sideways"}]}, "direction"),
        ({"k8s_bootstrap_secrets": [{"name": "x", "namespace": "argocd", "secretid": "y"}]}, "secretid"),
        ({"k8s_bootstrap_netpol_apiserver_port": "https"}, "k8s_bootstrap_netpol_apiserver_port"),
    ],
)
def test_k8s_bootstrap_rejects_bad_types_in_argument_validation(tmp_path, extra, needle):
    result = run_role(tmp_path, "k8s_bootstrap", {**BASE, **extra})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "Validating arguments against arg spec" in out
    assert needle in out
    assert FIRST_CALL not in out
