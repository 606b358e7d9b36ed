"""Tier 0: the parts of every example environment agree (outputs, rendered tree, inventory, catalog), and each join
fails when it is broken on purpose."""

from __future__ import annotations

import pytest
from joins import CHECKS, load, own_pod_specs

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


def test_a_second_chart_account_with_the_first_ones_role_is_caught(prod):
    p = prod.copy()
    values = p.files["gitops/prod/values/kube-prometheus-stack/cluster.yaml"][0]
    values["alertmanager"]["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"] = p.outputs["irsa"]["roles"]["observability/prometheus"]
    found = CHECKS["irsa"](p)
    assert any("the chart account observability/alertmanager is annotated []" in v for v in found), found
    assert any("the chart account observability/prometheus is annotated" in v for v in found), found


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


# ---------------------------------------------------------------- secret stores


def test_an_external_secret_on_a_cluster_store_is_caught(prod):
    p = prod.copy()
    _mutated_doc(p, "manifests/neo4j/externalsecret-neo4j-auth.yaml")["spec"]["secretStoreRef"] = {"kind": "ClusterSecretStore", "name": "aws-secrets-manager"}
    assert "secret stores: ExternalSecret platform/neo4j-auth reads through a ClusterSecretStore, not its namespace's SecretStore" in CHECKS["secret_stores"](p)


def test_a_cluster_secret_store_in_the_tree_is_caught(prod):
    p = prod.copy()
    store = {"apiVersion": "external-secrets.io/v1", "kind": "ClusterSecretStore", "metadata": {"name": "aws-secrets-manager"}, "spec": {}}
    p.files["gitops/prod/manifests/external-secrets/clustersecretstore-aws-secrets-manager.yaml"] = [store]
    assert any(v.endswith("is a ClusterSecretStore, which serves every namespace") for v in CHECKS["secret_stores"](p))


def test_an_external_secret_without_a_store_in_its_namespace_is_caught(prod):
    p = prod.copy()
    _mutated_doc(p, "manifests/neo4j/externalsecret-neo4j-auth.yaml")["metadata"]["namespace"] = "velero"
    assert "secret stores: ExternalSecret velero/neo4j-auth reads through velero/aws-secrets-manager, which the tree does not define" in CHECKS[
        "secret_stores"
    ](p)


def test_a_store_role_without_the_key_is_caught(prod):
    p = prod.copy()
    entry = next(e for e in p.irsa_entries if e["namespace"] == "observability" and e["service_account"] == "secret-store")
    entry["vars"]["secrets"].remove("grafana/admin")
    assert any(
        v.startswith("secret stores: the role of observability/aws-secrets-manager may not read legacyplatform/prod/grafana/admin")
        for v in CHECKS["secret_stores"](p)
    )


def test_a_store_role_reading_another_namespace_is_caught(prod):
    # The old single role: every secret of the environment.
    p = prod.copy()
    entry = next(e for e in p.irsa_entries if e["namespace"] == "platform" and e["service_account"] == "secret-store")
    entry["vars"]["secrets"].append("litellm/*")
    violations = CHECKS["secret_stores"](p)
    assert "secret stores: the role of platform/aws-secrets-manager may read legacyplatform/prod/litellm/master-key, a secret of ['litellm']" in violations


def test_a_store_role_for_another_rds_instance_is_caught(prod):
    # The Postgres dump reads the RDS-managed master secret of aws_data's instance: the store's role must name that instance.
    p = prod.copy()
    entry = next(e for e in p.irsa_entries if e["namespace"] == "platform" and e["service_account"] == "secret-store")
    entry["vars"]["rds_master_secret_of"] = "legacyplatform-prod-other"  # noqa: S105 an RDS instance identifier, not a password
    secret = p.outputs["data"]["postgres"]["master_secret_arn"]
    assert f"secret stores: the role of platform/aws-secrets-manager may not read {secret}, which ExternalSecret platform/postgres-dump reads" in CHECKS[
        "secret_stores"
    ](p)


def test_a_store_on_an_account_without_a_role_is_caught(prod):
    p = prod.copy()
    store = _mutated_doc(p, "manifests/neo4j/secretstore-aws-secrets-manager.yaml")
    store["spec"]["provider"]["aws"]["auth"]["jwt"]["serviceAccountRef"]["name"] = "neo4j"
    assert "secret stores: the SecretStore platform/aws-secrets-manager authenticates as a service account without an eks_irsa role" in CHECKS["secret_stores"](
        p
    )


# ---------------------------------------------------------------- Cognito groups -> roles


def _rbac(p):
    return p.files["gitops/base/values/argo-cd.yaml"][0]["configs"]["rbac"]


def _oauth(p, layer):
    return p.values("kube-prometheus-stack", layer)["grafana"]["grafana.ini"]["auth.generic_oauth"]


def test_argocd_default_role_is_caught(prod):
    # Every Cognito user used to read every Application.
    p = prod.copy()
    _rbac(p)["policy.default"] = "role:readonly"
    assert "auth roles: ArgoCD's policy.default is 'role:readonly': a user in no group gets that role" in CHECKS["auth_roles"](p)


def test_argocd_reading_another_claim_is_caught(prod):
    p = prod.copy()
    _rbac(p)["scopes"] = "[groups, cognito:groups]"
    assert any(v.startswith("auth roles: ArgoCD reads groups from '[groups, cognito:groups]'") for v in CHECKS["auth_roles"](p))


def test_a_group_the_user_pool_lacks_is_caught(prod):
    p = prod.copy()
    p.outputs["auth"]["groups"] = ["ops"]
    violations = CHECKS["auth_roles"](p)
    assert any(v.startswith("auth roles: ArgoCD maps the group dev, which the user pool does not have") for v in violations)
    assert any(v.startswith("auth roles: Grafana maps the group dev, which the user pool does not have") for v in violations)


def test_a_grafana_fallback_role_is_caught(prod):
    # The old path ended in || 'Viewer': every Cognito user could read every dashboard.
    p = prod.copy()
    _oauth(p, "env")["role_attribute_path"] += " || 'Viewer'"
    assert any(v.startswith("auth roles: Grafana's role_attribute_path is not only group-to-role terms") for v in CHECKS["auth_roles"](p))


def test_grafana_not_strict_is_caught(prod):
    p = prod.copy()
    _oauth(p, "base")["role_attribute_strict"] = False
    assert "auth roles: Grafana's role_attribute_strict is not true: a user in no group logs in as the default role" in CHECKS["auth_roles"](p)


# ---------------------------------------------------------------- own workloads


def _cronjob_pod(p):
    return _mutated_doc(p, "manifests/neo4j/cronjob-neo4j-backup.yaml")["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def _litellm_pod(p):
    return next(doc for path, doc in p.objects() if doc["kind"] == "Deployment" and doc["metadata"]["name"] == "litellm")["spec"]["template"]["spec"]


def test_the_own_workloads_are_checked(prod):
    owners = [owner for owner, _ in own_pod_specs(prod)]
    assert "Deployment litellm/litellm" in owners
    assert "CronJob platform/neo4j-backup" in owners


def test_a_container_without_a_cpu_limit_is_caught(prod):
    p = prod.copy()
    del _litellm_pod(p)["containers"][0]["resources"]["limits"]["cpu"]
    assert "workloads: Deployment litellm/litellm container litellm has no limits for ['cpu']" in CHECKS["workloads"](p)


def test_an_init_container_without_requests_is_caught(prod):
    p = prod.copy()
    del _cronjob_pod(p)["initContainers"][0]["resources"]
    violations = CHECKS["workloads"](p)
    assert "workloads: CronJob platform/neo4j-backup container backup has no requests for ['cpu', 'memory']" in violations


def test_a_writable_root_filesystem_is_caught(prod):
    p = prod.copy()
    _cronjob_pod(p)["initContainers"][0]["securityContext"].pop("readOnlyRootFilesystem")
    assert "workloads: CronJob platform/neo4j-backup container backup has a writable root filesystem" in CHECKS["workloads"](p)


def test_an_irsa_pod_mounting_the_token_is_caught(prod):
    p = prod.copy()
    _cronjob_pod(p).pop("automountServiceAccountToken")
    _litellm_pod(p)["automountServiceAccountToken"] = True
    violations = CHECKS["workloads"](p)
    assert "workloads: CronJob platform/neo4j-backup runs with an IRSA role and mounts the service-account token" in violations
    assert "workloads: Deployment litellm/litellm runs with an IRSA role and mounts the service-account token" in violations


# ---------------------------------------------------------------- network


def test_a_second_vpc_cidr_is_caught(prod):
    p = prod.copy()
    p.vpc_cidr = "10.30.0.0/16"
    assert any("is not the inventory's aws_network_vpc_cidr 10.30.0.0/16" in v for v in CHECKS["cidrs"](p))


def test_a_policy_outside_the_vpc_is_caught(prod):
    p = prod.copy()
    path = next(k for k in p.files if k.startswith("gitops/prod/charts/network-policies/") and "ipBlock" in str(p.files[k]))
    doc = p.files[path][0]
    for rule in doc["spec"].get("egress", []) + doc["spec"].get("ingress", []):
        for peer in rule.get("to", []) + rule.get("from", []):
            if "ipBlock" in peer:
                peer["ipBlock"]["cidr"] = "10.30.0.0/16"
    assert any("10.30.0.0/16, outside the VPC" in v for v in CHECKS["cidrs"](p))


def test_an_internet_path_that_does_not_exclude_the_vpc_is_caught(prod):
    p = prod.copy()
    path = next(k for k in p.files if k.startswith("gitops/prod/charts/network-policies/") and "0.0.0.0/0" in str(p.files[k]))
    for rule in p.files[path][0]["spec"]["egress"]:
        for peer in rule["to"]:
            peer["ipBlock"]["except"] = ["10.99.0.0/16"]
    assert any(v.startswith(f"cidr: {path} names 0.0.0.0/0, outside the VPC") for v in CHECKS["cidrs"](p))


# ---------------------------------------------------------------- versions


def test_an_unverified_chart_version_is_caught(prod):
    p = prod.copy()
    p.catalog["argo-cd"]["upstream"]["version"] = "9.6.2"
    assert any(v.startswith("versions: argo-cd 9.7.0 is not the version verified upstream") for v in CHECKS["versions"](p))
    p = prod.copy()
    app = p.files["gitops/prod/apps/velero.yaml"][0]
    app["spec"]["sources"][0]["targetRevision"] = "99.0.0"
    assert any("Application velero syncs 99.0.0" in v for v in CHECKS["versions"](p))
