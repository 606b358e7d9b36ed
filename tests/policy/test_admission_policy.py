"""The ValidatingAdmissionPolicy of the dev group's workloads, as a document and as CEL.

Its expressions are evaluated here with cel-python (the API server uses cel-go; the two agree on the standard
macros the policy uses: has, exists, in, the ternary), over the prod data: the platform namespaces of
k8s_namespaces and the IRSA accounts of the prod cluster outputs. tests/integration/default/test_k8s_admission.py
sends the same kinds of requests, impersonating a developer, to the local kube-apiserver.
"""

from __future__ import annotations

from pathlib import Path

import celpy
import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.k8s_admission import ACCOUNT_MESSAGE, POLICY_NAME, REFERENCE_MESSAGE, admission_policy
from ansible_collections.mosaic.platform.plugins.module_utils.k8s_policies import K8sPolicyError
from celpy import celtypes

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_NAMESPACES = [n["name"] for n in yaml.safe_load((ROOT / "roles/k8s_namespaces/defaults/main.yml").read_text())["k8s_namespaces_list"]]
IRSA = sorted(yaml.safe_load((ROOT / "tests/fixtures/outputs/prod/prod-main/cluster.yml").read_text())["outputs"]["irsa"]["roles"])
DEV = "platform:dev"
POLICY, BINDING = admission_policy(DEV, [*PLATFORM_NAMESPACES, "kube-system"], IRSA)
ENV = celpy.Environment()


def _cel(expression: str, activation: dict):
    return ENV.program(ENV.compile(expression)).evaluate(activation)


def _activation(policy: dict, obj: dict, namespace: str, groups: list[str]) -> dict:
    activation = {"object": celpy.json_to_cel(obj), "request": celpy.json_to_cel({"namespace": namespace, "userInfo": {"groups": groups}})}
    variables: dict = {}
    # Each variable may read the ones before it, as in the API server.
    for variable in policy["spec"]["variables"]:
        activation["variables"] = celtypes.MapType({celtypes.StringType(k): v for k, v in variables.items()})
        variables[variable["name"]] = _cel(variable["expression"], activation)
    activation["variables"] = celtypes.MapType({celtypes.StringType(k): v for k, v in variables.items()})
    return activation


def admit(obj: dict, namespace: str, groups: list[str] | None = None, policy: dict = POLICY) -> list[str]:
    """The messages of the validations that refuse obj (empty: admitted), as the binding's Deny would."""
    groups = [DEV, "system:authenticated"] if groups is None else groups
    activation = _activation(policy, obj, namespace, groups)
    if not all(_cel(c["expression"], activation) for c in policy["spec"]["matchConditions"]):
        return []
    return [str(_cel(v["messageExpression"], activation)) for v in policy["spec"]["validations"] if not _cel(v["expression"], activation)]


def _spec(**extra) -> dict:
    container = {"name": "app", "image": "registry.invalid/app:1", **extra.pop("container", {})}
    return {"containers": [container], **extra}


def workload(kind: str, spec: dict) -> dict:
    if kind == "Pod":
        return {"apiVersion": "v1", "kind": "Pod", "spec": spec}
    template = {"template": {"spec": spec}}
    if kind == "CronJob":
        return {"apiVersion": "batch/v1", "kind": "CronJob", "spec": {"jobTemplate": {"spec": template}}}
    version = {"Job": "batch/v1", "ReplicationController": "v1"}.get(kind, "apps/v1")
    return {"apiVersion": version, "kind": kind, "spec": template}


KINDS = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"]
SECRET_REFS = {
    "secret-volume": {"volumes": [{"name": "s", "secret": {"secretName": "litellm-secrets"}}]},
    "projected-volume": {"volumes": [{"name": "p", "projected": {"sources": [{"configMap": {"name": "c"}}, {"secret": {"name": "litellm-secrets"}}]}}]},
    "env-secret-key-ref": {
        "container": {"env": [{"name": "K", "value": "v"}, {"name": "S", "valueFrom": {"secretKeyRef": {"name": "litellm-secrets", "key": "k"}}}]}
    },
    "env-from-secret": {"container": {"envFrom": [{"configMapRef": {"name": "c"}}, {"secretRef": {"name": "litellm-secrets"}}]}},
    "init-container": {"initContainers": [{"name": "i", "env": [{"name": "S", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]}]},
    "ephemeral-container": {"ephemeralContainers": [{"name": "e", "envFrom": [{"secretRef": {"name": "s"}}]}]},
}
# References that are not a Secret: they must not trip the policy.
OTHER_REFS = {
    "config-map-volume": {"volumes": [{"name": "c", "configMap": {"name": "c"}}]},
    "projected-token": {"volumes": [{"name": "t", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}, {"configMap": {"name": "c"}}]}}]},
    "env-config-map": {
        "container": {"env": [{"name": "C", "valueFrom": {"configMapKeyRef": {"name": "c", "key": "k"}}}], "envFrom": [{"configMapRef": {"name": "c"}}]}
    },
    "empty-dir": {"volumes": [{"name": "e", "emptyDir": {}}]},
}


def test_policy_matches_every_workload_kind_on_create_and_update():
    spec = POLICY["spec"]
    kinds = {(g, r) for rule in spec["matchConstraints"]["resourceRules"] for g in rule["apiGroups"] for r in rule["resources"]}
    assert kinds == {
        ("", "pods"),
        ("", "pods/ephemeralcontainers"),
        ("", "replicationcontrollers"),
        *(("apps", r) for r in ("deployments", "statefulsets", "daemonsets", "replicasets")),
        ("batch", "jobs"),
        ("batch", "cronjobs"),
    }
    assert all(rule["operations"] == ["CREATE", "UPDATE"] for rule in spec["matchConstraints"]["resourceRules"])
    assert spec["failurePolicy"] == "Fail"
    assert "paramKind" not in spec


def test_binding_denies_in_every_namespace():
    assert BINDING["kind"] == "ValidatingAdmissionPolicyBinding"
    assert BINDING["spec"] == {"policyName": POLICY_NAME, "validationActions": ["Deny"]}


def test_policy_data_comes_from_the_inputs():
    variables = {v["name"]: v["expression"] for v in POLICY["spec"]["variables"]}
    assert yaml.safe_load(variables["irsaServiceAccounts"]) == IRSA
    assert set(yaml.safe_load(variables["platformNamespaces"])) == {*PLATFORM_NAMESPACES, "kube-system"}
    assert {"litellm/litellm", "platform/jobs-worker", "platform/neo4j-backup"} <= set(IRSA)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("ref", sorted(SECRET_REFS))
def test_platform_secret_reference_is_denied(kind, ref):
    assert admit(workload(kind, _spec(**SECRET_REFS[ref])), "litellm") == [f"{REFERENCE_MESSAGE}: litellm holds platform secrets"]


@pytest.mark.parametrize("ref", sorted(SECRET_REFS))
def test_team_secret_reference_is_admitted(ref):
    assert admit(workload("Deployment", _spec(**SECRET_REFS[ref])), "team-a") == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("ref", sorted(OTHER_REFS))
def test_other_references_are_admitted_even_in_a_platform_namespace(kind, ref):
    assert admit(workload(kind, _spec(**OTHER_REFS[ref])), "platform") == []


@pytest.mark.parametrize("account", IRSA)
def test_every_irsa_service_account_is_denied(account):
    namespace, name = account.split("/")
    for kind in KINDS:
        assert admit(workload(kind, _spec(serviceAccountName=name)), namespace) == [f"{ACCOUNT_MESSAGE}: {account}"], kind


def test_deprecated_service_account_field_is_denied():
    assert admit(workload("Pod", _spec(serviceAccount="neo4j-backup")), "platform") == [f"{ACCOUNT_MESSAGE}: platform/neo4j-backup"]


def test_same_account_name_in_a_team_namespace_is_admitted():
    """IRSA trusts system:serviceaccount:<namespace>:<name>: litellm in a team namespace is another account."""
    assert admit(workload("Pod", _spec(serviceAccountName="litellm")), "team-a") == []


def test_default_account_is_denied_when_an_irsa_role_trusts_it():
    """A pod that names no account runs as default: if an IRSA role trusts that one, naming nothing is no way round."""
    policy, _ = admission_policy(DEV, ["apps"], ["apps/default"])
    for spec in (_spec(), _spec(serviceAccountName="")):
        assert admit(workload("Pod", spec), "apps", policy=policy) == [f"{ACCOUNT_MESSAGE}: apps/default"]


def test_both_references_give_both_messages():
    denied = admit(workload("Job", _spec(serviceAccountName="litellm", **SECRET_REFS["env-from-secret"])), "litellm")
    assert denied == [f"{REFERENCE_MESSAGE}: litellm holds platform secrets", f"{ACCOUNT_MESSAGE}: litellm/litellm"]


def test_plain_workload_is_admitted_everywhere():
    for namespace in [*PLATFORM_NAMESPACES, "team-a"]:
        for kind in KINDS:
            assert admit(workload(kind, _spec()), namespace) == [], (namespace, kind)


@pytest.mark.parametrize("groups", [["platform:ops", "system:authenticated"], ["system:serviceaccounts:kube-system"], []])
def test_other_groups_are_not_matched(groups):
    assert admit(workload("Pod", _spec(serviceAccountName="litellm", **SECRET_REFS["secret-volume"])), "litellm", groups) == []


@pytest.mark.parametrize(
    ("namespaces", "accounts", "needle"),
    [
        ([], ["a/b"], "no platform namespace"),
        (["Bad_NS"], [], "'Bad_NS' is not a DNS label"),
        (["apps"], ["no-slash"], "'no-slash' is not '<namespace>/<name>'"),
        (["apps"], ["apps/Bad_SA"], "'apps/Bad_SA' is not '<namespace>/<name>'"),
    ],
)
def test_builder_rejects_bad_data(namespaces, accounts, needle):
    with pytest.raises(K8sPolicyError, match=needle):
        admission_policy(DEV, namespaces, accounts)


@pytest.mark.parametrize("env", sorted(p.name for p in (ROOT / "inventories").iterdir() if (p / "group_vars").is_dir()))
def test_no_inventory_makes_a_platform_namespace_a_team_namespace(env):
    """The role's asserts refuse it at run time; this keeps the committed inventories from trying."""
    group_vars = ROOT / "inventories" / env / "group_vars"
    values: dict = {}
    for path in sorted(group_vars.rglob("*.yml")):
        values.update(yaml.safe_load(path.read_text()) or {})
    platform = {n["name"] for n in values.get("k8s_namespaces_list", [])} or set(PLATFORM_NAMESPACES)
    teams = set(values.get("k8s_bootstrap_rbac_team_namespaces", [])) | {n["name"] for n in values.get("k8s_namespaces_team_list", [])}
    assert not teams & (platform | {"kube-system"}), f"{env}: {sorted(teams & platform)}"
