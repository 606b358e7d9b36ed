"""The dev group's workloads and the ValidatingAdmissionPolicy of k8s_bootstrap, on the local kube-apiserver.

Every request impersonates a developer (Impersonate-User / Impersonate-Group, as kubectl --as/--as-group) and is a
server-side dry run (dryRun=All): it goes through authentication, RBAC and every admission plugin, and stores nothing.

In its team namespace a developer may create workloads (the role's RoleBinding), never run them as an IRSA service
account. The platform namespaces are not team namespaces, so RBAC refuses a developer there first; the admission
policy is the second wall for the day a RoleBinding opens one: the tests that probe it bind the dev group's edit role
in the platform namespaces for their duration (a regression of the RBAC the role applies), and remove it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.k8s_admission import ACCOUNT_MESSAGE, POLICY_NAME, REFERENCE_MESSAGE
from ansible_collections.mosaic.platform.plugins.module_utils.k8s_policies import DEV_EDIT_RULES
from ansible_collections.mosaic.platform.plugins.module_utils.platform_outputs import read_outputs
from kubernetes import client
from kubernetes.client.rest import ApiException

ROOT = Path(__file__).resolve().parents[3]
TEAM = yaml.safe_load((ROOT / "inventories/local/group_vars/local/k8s_namespaces.yml").read_text())["k8s_namespaces_team_list"][0]["name"]
DEV = "platform:dev"
EDIT_ROLE = "mosaic-platform:dev-edit"
PROBE_BINDING = "verify-dev-edit-probe"
DENIED_BY = f"ValidatingAdmissionPolicy '{POLICY_NAME}'"
# Pod Security `restricted` (every platform and team namespace here): what the probe pods must satisfy, so the only
# admission plugin that can refuse them is the policy under test.
RESTRICTED = {
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}
CONTAINER_RESTRICTED = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}


@pytest.fixture(scope="module")
def outputs(platform):
    return read_outputs(str(platform["outputs_dir"]), "local-main")


@pytest.fixture(scope="module")
def irsa_accounts(outputs):
    accounts = sorted(outputs["irsa"]["roles"])
    assert "litellm/litellm" in accounts and "platform/jobs-worker" in accounts and "platform/neo4j-backup" in accounts
    return accounts


@pytest.fixture(scope="module")
def dev(kube):
    """An API client that impersonates a developer of the dev group."""
    kubeconfig = kube.configuration
    impersonating = client.ApiClient(configuration=kubeconfig)
    impersonating.set_default_header("Impersonate-User", "dev-probe@example.com")
    impersonating.set_default_header("Impersonate-Group", DEV)
    return impersonating


def _pod_spec(service_account=None, **extra) -> dict:
    container = {"name": "app", "image": "registry.invalid/app:1", "securityContext": dict(CONTAINER_RESTRICTED)}
    container.update(extra.pop("container", {}))
    spec = {"securityContext": dict(RESTRICTED), "containers": [container], **extra}
    if service_account:
        spec["serviceAccountName"] = service_account
    return spec


def _workload(kind: str, name: str, spec: dict) -> dict:
    labels = {"app": name}
    template = {"metadata": {"labels": labels}, "spec": spec}
    if kind == "Pod":
        return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}
    if kind in ("Job", "CronJob"):
        job = {"template": {**template, "spec": {**spec, "restartPolicy": "Never"}}}
        if kind == "Job":
            return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name}, "spec": job}
        return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name}, "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": job}}}
    body = {"selector": {"matchLabels": labels}, "template": template}
    if kind == "StatefulSet":
        body["serviceName"] = name
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name}, "spec": body}


CREATE = {
    "Pod": lambda api, ns, body: client.CoreV1Api(api).create_namespaced_pod(ns, body, dry_run="All"),
    "Deployment": lambda api, ns, body: client.AppsV1Api(api).create_namespaced_deployment(ns, body, dry_run="All"),
    "StatefulSet": lambda api, ns, body: client.AppsV1Api(api).create_namespaced_stateful_set(ns, body, dry_run="All"),
    "DaemonSet": lambda api, ns, body: client.AppsV1Api(api).create_namespaced_daemon_set(ns, body, dry_run="All"),
    "ReplicaSet": lambda api, ns, body: client.AppsV1Api(api).create_namespaced_replica_set(ns, body, dry_run="All"),
    "Job": lambda api, ns, body: client.BatchV1Api(api).create_namespaced_job(ns, body, dry_run="All"),
    "CronJob": lambda api, ns, body: client.BatchV1Api(api).create_namespaced_cron_job(ns, body, dry_run="All"),
}
# The kinds the dev group may create (its edit role); the policy test covers the others (DaemonSets...) as CEL.
RESOURCE_KINDS = {"pods": "Pod", "deployments": "Deployment", "statefulsets": "StatefulSet", "daemonsets": "DaemonSet"}
RESOURCE_KINDS |= {"replicasets": "ReplicaSet", "jobs": "Job", "cronjobs": "CronJob"}
KINDS = sorted(RESOURCE_KINDS[r] for rule in DEV_EDIT_RULES if "create" in rule["verbs"] for r in rule["resources"] if r in RESOURCE_KINDS)
# Every way a pod spec reaches a Secret.
SECRET_REFS = {
    "secret-volume": {"volumes": [{"name": "s", "secret": {"secretName": "litellm-secrets"}}]},
    "projected-volume": {"volumes": [{"name": "s", "projected": {"sources": [{"configMap": {"name": "c"}}, {"secret": {"name": "litellm-secrets"}}]}}]},
    "env-secret-key-ref": {"container": {"env": [{"name": "KEY", "valueFrom": {"secretKeyRef": {"name": "litellm-secrets", "key": "LITELLM_MASTER_KEY"}}}]}},
    "env-from-secret": {"container": {"envFrom": [{"secretRef": {"name": "litellm-secrets"}}]}},
    "init-container-env-from": {
        "initContainers": [
            {
                "name": "init",
                "image": "registry.invalid/init:1",
                "securityContext": dict(CONTAINER_RESTRICTED),
                "envFrom": [{"secretRef": {"name": "litellm-secrets"}}],
            }
        ]
    },
}


def _create(api, kind, namespace, body):
    return CREATE[kind](api, namespace, body)


def _denied(api, kind, namespace, body) -> str:
    with pytest.raises(ApiException) as err:
        _create(api, kind, namespace, body)
    assert err.value.status == 403, err.value.body
    return err.value.body


def _allowed(kube, namespace, verb="create", resource="pods") -> bool:
    review = client.V1SubjectAccessReview(
        spec=client.V1SubjectAccessReviewSpec(
            user="dev-probe@example.com",
            groups=[DEV, "system:authenticated"],
            resource_attributes=client.V1ResourceAttributes(verb=verb, resource=resource, namespace=namespace),
        )
    )
    return client.AuthorizationV1Api(kube).create_subject_access_review(review).status.allowed


@pytest.fixture(scope="class")
def platform_edit(kube, outputs, irsa_accounts):
    """The dev group's edit role bound in every platform namespace and every IRSA account's namespace, for one class only."""
    rbac = client.RbacAuthorizationV1Api(kube)
    namespaces = sorted(set(outputs["namespaces"]["names"]) | {a.split("/", 1)[0] for a in irsa_accounts})
    binding = {
        "metadata": {"name": PROBE_BINDING},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": EDIT_ROLE},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": DEV}],
    }
    for ns in namespaces:
        rbac.create_namespaced_role_binding(ns, binding)
    try:
        deadline = time.monotonic() + 30
        while not all(_allowed(kube, ns) for ns in namespaces):
            assert time.monotonic() < deadline, "the probe RoleBindings never took effect"
            time.sleep(0.5)
        yield namespaces
    finally:
        for ns in namespaces:
            rbac.delete_namespaced_role_binding(PROBE_BINDING, ns)


def test_policy_and_binding_are_stored_and_deny(kube):
    api = client.AdmissionregistrationV1Api(kube)
    policy = api.read_validating_admission_policy(POLICY_NAME)
    assert policy.spec.failure_policy == "Fail"
    assert [c.expression for c in policy.spec.match_conditions] == [f'"{DEV}" in request.userInfo.groups']
    binding = api.read_validating_admission_policy_binding(POLICY_NAME)
    assert binding.spec.policy_name == POLICY_NAME
    assert binding.spec.validation_actions == ["Deny"]


def test_policy_data_is_the_outputs(kube, outputs):
    """The namespaces and IRSA accounts in the stored policy are the cluster outputs' (no copy in an inventory)."""
    policy = client.AdmissionregistrationV1Api(kube).read_validating_admission_policy(POLICY_NAME)
    # The two data variables are CEL list literals of strings, which JSON reads as well.
    variables = {v.name: json.loads(v.expression) for v in policy.spec.variables if v.name in ("platformNamespaces", "irsaServiceAccounts")}
    assert variables["platformNamespaces"] == sorted({*outputs["namespaces"]["names"], "kube-system"})
    assert variables["irsaServiceAccounts"] == sorted(outputs["irsa"]["roles"])
    assert TEAM not in variables["platformNamespaces"]


def test_rbac_keeps_developers_out_of_platform_namespaces(kube, outputs):
    assert TEAM not in outputs["namespaces"]["names"]
    assert outputs["namespaces"]["team"] == [TEAM]
    assert _allowed(kube, TEAM)
    for ns in outputs["namespaces"]["names"]:
        assert not _allowed(kube, ns), f"the dev group may create pods in the platform namespace {ns}"


@pytest.mark.parametrize("kind", KINDS)
def test_plain_workload_is_admitted_in_the_team_namespace(dev, kind):
    created = _create(dev, kind, TEAM, _workload(kind, f"plain-{kind.lower()}", _pod_spec()))
    assert created.metadata.name == f"plain-{kind.lower()}"


@pytest.mark.parametrize("ref", sorted(SECRET_REFS))
def test_team_secret_is_admitted_in_the_team_namespace(dev, ref):
    """Only platform secrets are refused: a team's own Secret, in its namespace, stays usable."""
    spec = _pod_spec(**SECRET_REFS[ref])
    assert _create(dev, "Pod", TEAM, _workload("Pod", f"team-secret-{ref}", spec)).metadata.name


def test_rbac_refuses_a_developer_in_a_platform_namespace_before_admission(dev):
    body = _denied(dev, "Pod", "litellm", _workload("Pod", "no-rbac", _pod_spec()))
    assert "cannot create resource" in body and DENIED_BY not in body


@pytest.mark.usefixtures("platform_edit")
class TestWithEditRightsInPlatformNamespaces:
    """A RoleBinding opened the platform namespaces to the dev group: the policy still refuses the references."""

    @pytest.mark.parametrize("kind", KINDS)
    @pytest.mark.parametrize("ref", sorted(SECRET_REFS))
    def test_platform_secret_is_denied(self, dev, kind, ref):
        body = _denied(dev, kind, "litellm", _workload(kind, f"secret-{ref}", _pod_spec(**SECRET_REFS[ref])))
        assert DENIED_BY in body and REFERENCE_MESSAGE in body and "litellm holds platform secrets" in body

    @pytest.mark.parametrize("kind", KINDS)
    def test_irsa_service_account_is_denied_for_every_kind(self, dev, kind):
        body = _denied(dev, kind, "litellm", _workload(kind, "irsa", _pod_spec(service_account="litellm")))
        assert DENIED_BY in body and f"{ACCOUNT_MESSAGE}: litellm/litellm" in body

    # A Pod's service account must exist (the ServiceAccount admission plugin runs first); several IRSA accounts
    # are created by ArgoCD or an EKS add-on, never locally. A Deployment's template is not looked up: the policy
    # alone decides, as it would for the Pods the controller makes from it.
    def test_every_irsa_service_account_of_the_outputs_is_denied(self, dev, irsa_accounts):
        for account in irsa_accounts:
            ns, name = account.split("/", 1)
            body = _denied(dev, "Deployment", ns, _workload("Deployment", "irsa", _pod_spec(service_account=name)))
            assert f"{ACCOUNT_MESSAGE}: {account}" in body

    def test_deprecated_service_account_field_is_denied(self, dev):
        spec = {**_pod_spec(), "serviceAccount": "jobs-worker"}
        body = _denied(dev, "Deployment", "platform", _workload("Deployment", "irsa-alias", spec))
        assert f"{ACCOUNT_MESSAGE}: platform/jobs-worker" in body

    def test_update_that_adds_a_platform_secret_is_denied(self, kube, dev):
        """UPDATE is checked as well as CREATE: a plain Deployment, stored by an admin, cannot be turned into one that mounts a secret."""
        apps = client.AppsV1Api(kube)
        body = _workload("Deployment", "update-probe", _pod_spec())
        apps.create_namespaced_deployment("litellm", body)
        try:
            changed = _workload("Deployment", "update-probe", _pod_spec(**SECRET_REFS["env-from-secret"]))
            with pytest.raises(ApiException) as err:
                client.AppsV1Api(dev).replace_namespaced_deployment("update-probe", "litellm", changed, dry_run="All")
            assert err.value.status == 403 and REFERENCE_MESSAGE in err.value.body
        finally:
            apps.delete_namespaced_deployment("update-probe", "litellm")

    def test_plain_workload_is_admitted_even_in_a_platform_namespace(self, dev):
        """The policy refuses references, not developers: without them the pod passes (RBAC alone decides)."""
        assert _create(dev, "Pod", "litellm", _workload("Pod", "plain", _pod_spec())).metadata.name == "plain"


def test_platform_itself_is_not_bound_by_the_policy(kube):
    """An operator (here the admin of the local stack) still deploys the platform's own workloads."""
    spec = _pod_spec(service_account="litellm", **SECRET_REFS["env-from-secret"])
    assert _create(kube, "Deployment", "litellm", _workload("Deployment", "platform-own", spec)).metadata.name == "platform-own"


def test_probe_bindings_are_gone(kube):
    """The module's RoleBindings were removed: the cluster is as the bootstrap left it."""
    rbac = client.RbacAuthorizationV1Api(kube)
    leftovers = [b.metadata.namespace for b in rbac.list_role_binding_for_all_namespaces().items if b.metadata.name == PROBE_BINDING]
    assert leftovers == []
