"""Tier 0: the parts of every example environment agree (outputs, rendered tree, inventory, catalog), and each join
fails when it is broken on purpose."""

from __future__ import annotations

import pytest
from joins import CHECKS, load

ENVS = ("local", "dev", "staging", "prod")


@pytest.fixture(scope="module", params=ENVS)
def platform(request):
    return load(request.param)


@pytest.fixture(scope="module")
def prod():
    return load("prod")


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_the_parts_agree(platform, check):
    assert CHECKS[check](platform) == []


def _mutated_doc(p, suffix):
    path = next(k for k in p.files if k.endswith(suffix))
    return p.files[path][0]


# ---------------------------------------------------------------- IRSA


def test_a_service_account_annotated_with_another_role_is_caught(prod):
    p = prod.copy()
    sa = _mutated_doc(p, "manifests/neo4j/serviceaccount-neo4j-backup.yaml")
    sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] = p.outputs["irsa"]["roles"]["velero/velero"]
    assert any("ServiceAccount platform/neo4j-backup in the tree carries" in v for v in CHECKS["irsa"](p))


def test_a_role_whose_service_account_nothing_creates_is_caught(prod):
    p = prod.copy()
    p.bootstrap_accounts.remove("velero/velero")
    assert "irsa: the role of velero/velero trusts a service account that nothing creates" in CHECKS["irsa"](p)


def test_the_thanos_mismatch_of_old_is_caught(prod):
    # A role for observability/thanos while no builder creates that account (the bitnami chart never did).
    p = prod.copy()
    p.bootstrap_accounts.remove("observability/thanos")
    assert "irsa: the role of observability/thanos trusts a service account that nothing creates" in CHECKS["irsa"](p)


def test_a_chart_running_as_an_account_nobody_creates_is_caught(prod):
    # The Thanos compactor told to run as another account than the one its IRSA role trusts.
    p = prod.copy()
    p.files["gitops/base/values/thanos.yaml"][0]["compact"]["serviceAccount"]["name"] = "thanos-compactor"
    assert "irsa: thanos runs as observability/thanos-compactor (serviceAccount create: false), which the bootstrap does not create" in CHECKS["irsa"](p)


def test_an_annotation_in_values_the_catalog_does_not_declare_is_caught(prod):
    p = prod.copy()
    path = "gitops/prod/values/loki/cluster.yaml"
    p.files[path][0]["serviceAccount"] = {"annotations": {"eks.amazonaws.com/role-arn": p.outputs["irsa"]["roles"]["observability/loki"]}}
    assert any("loki's values set a role annotation" in v for v in CHECKS["irsa"](p))


def test_a_chart_account_with_the_wrong_role_is_caught(prod):
    p = prod.copy()
    values = p.files["gitops/prod/values/kube-prometheus-stack/cluster.yaml"][0]
    values["prometheus"]["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"] = "arn:aws:iam::333333333333:role/other"
    assert any("the chart account observability/prometheus is annotated" in v for v in CHECKS["irsa"](p))


def test_an_inventory_role_missing_from_the_outputs_is_caught(prod):
    p = prod.copy()
    p.irsa_entries.append({"namespace": "platform", "service_account": "new-worker", "template": "queue-consumer"})
    assert any("differ from the outputs" in v for v in CHECKS["irsa"](p))


# ---------------------------------------------------------------- hosts


def test_a_host_outside_the_certificate_is_caught():
    p = load("staging")  # prod renders no previews by default
    p.outputs["edge"]["domains"] = [d for d in p.outputs["edge"]["domains"] if not d.startswith("*.preview.")]
    assert any("pr-1.preview." in v and "no certificate name covers it" in v for v in CHECKS["hosts"](p))


def test_the_app_api_certificate_of_old_is_caught(prod):
    p = prod.copy()
    p.outputs["edge"]["domains"] = ["app.legacyplatform.example", "api.legacyplatform.example"]
    violations = CHECKS["hosts"](p)
    assert any(v.startswith("hosts: argocd.") for v in violations)
    assert any(v.startswith("hosts: grafana.") for v in violations)


# ---------------------------------------------------------------- OIDC


def test_grafana_on_another_cognito_domain_is_caught(prod):
    p = prod.copy()
    p.outputs["auth"]["hosted_ui_url"] = f"https://{p.prefix}.auth.{p.region}.amazoncognito.com"
    violations = CHECKS["oidc"](p)
    assert any("is not the domain aws_auth creates" in v for v in violations)
    assert any("Grafana's auth_url" in v for v in violations)


def test_a_foreign_client_or_issuer_is_caught(prod):
    p = prod.copy()
    p.outputs["auth"]["clients"]["grafana"]["client_id"] = "someone-else"
    p.outputs["auth"]["issuer_url"] = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12Cd34E"
    violations = CHECKS["oidc"](p)
    assert "oidc: Grafana's client_id is not the grafana client aws_auth created" in violations
    assert any("ArgoCD's issuer" in v for v in violations)


def test_callback_urls_under_another_domain_are_caught(prod):
    # The old default: <env>.legacyplatform.example.com while the hosts are under platform_domain.
    p = prod.copy()
    p.app_domain = "prod.legacyplatform.example.com"
    assert any(v.startswith("oidc: aws_auth's callback URLs are under prod.legacyplatform.example.com") for v in CHECKS["oidc"](p))


def test_argocd_with_a_foreign_client_is_caught(prod):
    p = prod.copy()
    p.outputs["auth"]["clients"]["argocd"]["client_id"] = "someone-else"
    assert "oidc: ArgoCD's clientID is not the argocd client aws_auth created" in CHECKS["oidc"](p)


def test_a_grafana_secret_nobody_reads_is_caught(prod):
    p = prod.copy()
    p.outputs["auth"]["clients"]["grafana"]["secret_arn"] += "-other"
    assert "oidc: no ExternalSecret reads the grafana client secret aws_auth stored" in CHECKS["oidc"](p)


# ---------------------------------------------------------------- network


def test_a_second_vpc_cidr_is_caught(prod):
    p = prod.copy()
    p.vpc_cidr = "10.30.0.0/16"
    assert any("is not the inventory's aws_network_vpc_cidr 10.30.0.0/16" in v for v in CHECKS["cidrs"](p))


def test_a_policy_outside_the_vpc_is_caught(prod):
    p = prod.copy()
    path = next(k for k in p.files if "charts/network-policies/" in k and "cidr" in str(p.files[k]))
    doc = p.files[path][0]
    for rule in doc["spec"].get("egress", []) + doc["spec"].get("ingress", []):
        for peer in rule.get("to", []) + rule.get("from", []):
            if "ipBlock" in peer:
                peer["ipBlock"]["cidr"] = "10.30.0.0/16"
    assert any("10.30.0.0/16, outside the VPC" in v for v in CHECKS["cidrs"](p))


# ---------------------------------------------------------------- versions


def test_an_unverified_chart_version_is_caught(prod):
    p = prod.copy()
    p.catalog["argo-cd"]["upstream"]["version"] = "9.6.2"
    assert any(v.startswith("versions: argo-cd 9.7.0 is not the version verified upstream") for v in CHECKS["versions"](p))
    p = prod.copy()
    app = p.files["gitops/prod/apps/velero.yaml"][0]
    app["spec"]["sources"][0]["targetRevision"] = "99.0.0"
    assert any("Application velero syncs 99.0.0" in v for v in CHECKS["versions"](p))
