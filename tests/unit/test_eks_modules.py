"""eks_access_entry, eks_addon and eks_cluster_config: request shapes with botocore's Stubber, and
the cluster's delete (and whole lifecycle) against moto, which has create/describe/delete_cluster.

moto 5.2.5 answers 404 to access entries and add-ons, ignores accessConfig and lacks
UpdateClusterVersion and AssociateEncryptionConfig (BRIEF.md section 4), so every call is
scripted here: create / modify / delete x check mode / real x twice. The Stubber fails a test on
any call that was not scripted, so "the second run makes no change" is checked by the absence
of a write call.
"""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.modules import eks_access_entry, eks_addon, eks_cluster_config
from botocore.stub import Stubber
from moto import mock_aws

CLUSTER = "legacyplatform-prod-main"
OPS = "arn:aws:iam::123456789012:role/legacyplatform-prod-platform-ops"
ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
ENTRY_ARN = f"arn:aws:eks:eu-west-1:123456789012:access-entry/{CLUSTER}/role/123456789012/x/abc"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
AUTH = {"region": "eu-west-1", "access_key": "testing", "secret_key": "testing"}
NOT_FOUND = "ResourceNotFoundException"


@pytest.fixture(autouse=True)
def _no_endpoint(monkeypatch):
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def eks(monkeypatch):
    client = boto3.client("eks", region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
    stubber = Stubber(client)
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, *a, **kw: client)
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


def run(capsys, module, check_mode=False, **params):
    with patch_module_args({**AUTH, **params, "_ansible_check_mode": check_mode}), pytest.raises(SystemExit):
        module.main()
    result = json.loads(capsys.readouterr().out)
    return result


# -- eks_access_entry ---------------------------------------------------------------------

ENTRY = {"clusterName": CLUSTER, "principalArn": OPS, "accessEntryArn": ENTRY_ARN, "kubernetesGroups": ["platform:ops"], "type": "STANDARD", "tags": {}}
ENTRY_ARGS = {"cluster_name": CLUSTER, "principal_arn": OPS, "kubernetes_groups": ["platform:ops"], "access_policies": [{"policy_arn": ADMIN}]}
ADMIN_ASSOC = {"policyArn": ADMIN, "accessScope": {"type": "cluster"}}


def _entry_missing(eks):
    eks.add_client_error("describe_access_entry", NOT_FOUND, expected_params={"clusterName": CLUSTER, "principalArn": OPS})


def _entry_found(eks, entry=None, policies=None):
    eks.add_response("describe_access_entry", {"accessEntry": entry or ENTRY}, {"clusterName": CLUSTER, "principalArn": OPS})
    eks.add_response("list_associated_access_policies", {"clusterName": CLUSTER, "principalArn": OPS, "associatedAccessPolicies": policies or []})


@pytest.mark.parametrize("attempt", [1, 2])
def test_access_entry_create_in_check_mode_calls_no_write(capsys, eks, attempt):
    _entry_missing(eks)
    result = run(capsys, eks_access_entry, check_mode=True, **ENTRY_ARGS)
    assert result["changed"] is True


def test_access_entry_create_then_again(capsys, eks):
    _entry_missing(eks)
    eks.add_response(
        "create_access_entry",
        {"accessEntry": ENTRY},
        {"clusterName": CLUSTER, "principalArn": OPS, "type": "STANDARD", "kubernetesGroups": ["platform:ops"]},
    )
    eks.add_response(
        "associate_access_policy",
        {"clusterName": CLUSTER, "principalArn": OPS, "associatedAccessPolicy": ADMIN_ASSOC},
        {"clusterName": CLUSTER, "principalArn": OPS, "policyArn": ADMIN, "accessScope": {"type": "cluster"}},
    )
    assert run(capsys, eks_access_entry, **ENTRY_ARGS)["changed"] is True
    # Second run: everything in place, no write call scripted.
    _entry_found(eks, policies=[ADMIN_ASSOC])
    assert run(capsys, eks_access_entry, **ENTRY_ARGS)["changed"] is False
    _entry_found(eks, policies=[ADMIN_ASSOC])
    assert run(capsys, eks_access_entry, check_mode=True, **ENTRY_ARGS)["changed"] is False


def test_access_entry_modify_groups_and_policies_in_check_mode(capsys, eks):
    _entry_found(eks, entry=dict(ENTRY, kubernetesGroups=["old"]), policies=[{"policyArn": VIEW, "accessScope": {"type": "cluster"}}])
    assert run(capsys, eks_access_entry, check_mode=True, **ENTRY_ARGS)["changed"] is True


def test_access_entry_modify_groups_and_policies(capsys, eks):
    eks.add_response("describe_access_entry", {"accessEntry": dict(ENTRY, kubernetesGroups=["old"])}, {"clusterName": CLUSTER, "principalArn": OPS})
    eks.add_response("update_access_entry", {"accessEntry": ENTRY}, {"clusterName": CLUSTER, "principalArn": OPS, "kubernetesGroups": ["platform:ops"]})
    eks.add_response(
        "list_associated_access_policies",
        {"clusterName": CLUSTER, "principalArn": OPS, "associatedAccessPolicies": [{"policyArn": VIEW, "accessScope": {"type": "cluster"}}]},
    )
    eks.add_response(
        "associate_access_policy",
        {"clusterName": CLUSTER, "principalArn": OPS, "associatedAccessPolicy": ADMIN_ASSOC},
        {"clusterName": CLUSTER, "principalArn": OPS, "policyArn": ADMIN, "accessScope": {"type": "cluster"}},
    )
    eks.add_response("disassociate_access_policy", {}, {"clusterName": CLUSTER, "principalArn": OPS, "policyArn": VIEW})
    assert run(capsys, eks_access_entry, **ENTRY_ARGS)["changed"] is True
    _entry_found(eks, policies=[ADMIN_ASSOC])
    assert run(capsys, eks_access_entry, **ENTRY_ARGS)["changed"] is False


def test_access_entry_namespace_scope_request(capsys, eks):
    _entry_found(eks, policies=[])
    eks.add_response(
        "associate_access_policy",
        {
            "clusterName": CLUSTER,
            "principalArn": OPS,
            "associatedAccessPolicy": {"policyArn": VIEW, "accessScope": {"type": "namespace", "namespaces": ["a", "b"]}},
        },
        {"clusterName": CLUSTER, "principalArn": OPS, "policyArn": VIEW, "accessScope": {"type": "namespace", "namespaces": ["a", "b"]}},
    )
    args = dict(ENTRY_ARGS, access_policies=[{"policy_arn": VIEW, "scope": "namespace", "namespaces": ["b", "a"]}])
    assert run(capsys, eks_access_entry, **args)["changed"] is True


@pytest.mark.parametrize("check_mode", [True, False])
def test_access_entry_delete_then_again(capsys, eks, check_mode):
    eks.add_response("describe_access_entry", {"accessEntry": ENTRY}, {"clusterName": CLUSTER, "principalArn": OPS})
    if not check_mode:
        eks.add_response("delete_access_entry", {}, {"clusterName": CLUSTER, "principalArn": OPS})
    assert run(capsys, eks_access_entry, check_mode=check_mode, cluster_name=CLUSTER, principal_arn=OPS, state="absent")["changed"] is True
    _entry_missing(eks)
    assert run(capsys, eks_access_entry, check_mode=check_mode, cluster_name=CLUSTER, principal_arn=OPS, state="absent")["changed"] is False


def test_access_entry_refuses_system_groups_before_any_call(capsys, eks):
    result = run(capsys, eks_access_entry, cluster_name=CLUSTER, principal_arn=OPS, kubernetes_groups=["system:masters"])
    assert result["failed"] is True and "system:" in result["msg"]


# -- eks_addon ----------------------------------------------------------------------------

CNI_ARN = f"arn:aws:eks:eu-west-1:123456789012:addon/{CLUSTER}/vpc-cni/abc"
CNI = {
    "addonName": "vpc-cni",
    "clusterName": CLUSTER,
    "addonArn": CNI_ARN,
    "addonVersion": "v1.20.4-eksbuild.2",
    "status": "ACTIVE",
    "configurationValues": '{"enableNetworkPolicy": "true"}',
    "tags": {},
}
CNI_ARGS = {"cluster_name": CLUSTER, "name": "vpc-cni", "version": "v1.20.4-eksbuild.2", "configuration_values": {"enableNetworkPolicy": "true"}}


def _addon(eks, addon=None):
    if addon is None:
        eks.add_client_error("describe_addon", NOT_FOUND, expected_params={"clusterName": CLUSTER, "addonName": "vpc-cni"})
    else:
        eks.add_response("describe_addon", {"addon": addon}, {"clusterName": CLUSTER, "addonName": "vpc-cni"})


@pytest.mark.parametrize("attempt", [1, 2])
def test_addon_create_in_check_mode_calls_no_write(capsys, eks, attempt):
    _addon(eks)
    assert run(capsys, eks_addon, check_mode=True, **CNI_ARGS)["changed"] is True


def test_addon_create_with_network_policy_then_again(capsys, eks):
    _addon(eks)
    eks.add_response(
        "create_addon",
        {"addon": dict(CNI, status="CREATING")},
        {
            "clusterName": CLUSTER,
            "addonName": "vpc-cni",
            "addonVersion": "v1.20.4-eksbuild.2",
            "resolveConflicts": "OVERWRITE",
            "configurationValues": '{"enableNetworkPolicy": "true"}',
        },
    )
    _addon(eks, CNI)  # wait: ACTIVE
    result = run(capsys, eks_addon, **CNI_ARGS)
    assert result["changed"] is True and result["addon"]["status"] == "ACTIVE"
    _addon(eks, CNI)
    assert run(capsys, eks_addon, **CNI_ARGS)["changed"] is False
    _addon(eks, CNI)
    assert run(capsys, eks_addon, check_mode=True, **CNI_ARGS)["changed"] is False


def test_addon_modify_version_and_role_in_check_mode(capsys, eks):
    _addon(eks, dict(CNI, addonVersion="v1.19.0-eksbuild.1"))
    assert run(capsys, eks_addon, check_mode=True, **CNI_ARGS)["changed"] is True


def test_addon_modify_version_role_and_configuration(capsys, eks):
    role = "arn:aws:iam::123456789012:role/legacyplatform-prod-irsa-ebs-csi"
    _addon(eks, dict(CNI, addonVersion="v1.19.0-eksbuild.1", configurationValues=""))
    eks.add_response(
        "update_addon",
        {"update": {"id": "u-1", "status": "InProgress", "type": "AddonUpdate"}},
        {
            "clusterName": CLUSTER,
            "addonName": "vpc-cni",
            "resolveConflicts": "OVERWRITE",
            "addonVersion": "v1.20.4-eksbuild.2",
            "serviceAccountRoleArn": role,
            "configurationValues": '{"enableNetworkPolicy": "true"}',
        },
    )
    eks.add_response("describe_update", {"update": {"id": "u-1", "status": "Successful"}}, {"name": CLUSTER, "updateId": "u-1", "addonName": "vpc-cni"})
    _addon(eks, dict(CNI, serviceAccountRoleArn=role))
    assert run(capsys, eks_addon, service_account_role_arn=role, **CNI_ARGS)["changed"] is True
    _addon(eks, dict(CNI, serviceAccountRoleArn=role))
    assert run(capsys, eks_addon, service_account_role_arn=role, **CNI_ARGS)["changed"] is False


@pytest.mark.parametrize("check_mode", [True, False])
def test_addon_delete_then_again(capsys, eks, check_mode):
    _addon(eks, CNI)
    if not check_mode:
        eks.add_response("delete_addon", {"addon": dict(CNI, status="DELETING")}, {"clusterName": CLUSTER, "addonName": "vpc-cni"})
        _addon(eks)  # wait: gone
    assert run(capsys, eks_addon, check_mode=check_mode, cluster_name=CLUSTER, name="vpc-cni", state="absent")["changed"] is True
    _addon(eks)
    assert run(capsys, eks_addon, check_mode=check_mode, cluster_name=CLUSTER, name="vpc-cni", state="absent")["changed"] is False


# -- eks_cluster_config -------------------------------------------------------------------

CLUSTER_ARN = f"arn:aws:eks:eu-west-1:123456789012:cluster/{CLUSTER}"
ALL_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
CLUSTER_ARGS = {
    "name": CLUSTER,
    "version": "1.35",
    "role_arn": "arn:aws:iam::123456789012:role/legacyplatform-prod-eks-cluster",
    "subnets": ["subnet-a", "subnet-b"],
    "endpoint_public_access": True,
    "public_access_cidrs": ["203.0.113.0/24"],
    "encryption_key_arn": KEY,
    "tags": {"Component": "cluster"},
}
ACTIVE = {
    "name": CLUSTER,
    "arn": CLUSTER_ARN,
    "version": "1.35",
    "status": "ACTIVE",
    "endpoint": "https://EXAMPLE.gr7.eu-west-1.eks.amazonaws.com",
    "resourcesVpcConfig": {"endpointPrivateAccess": True, "endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]},
    "logging": {"clusterLogging": [{"types": ALL_LOGS, "enabled": True}]},
    "accessConfig": {"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False},
    "encryptionConfig": [{"resources": ["secrets"], "provider": {"keyArn": KEY}}],
    "identity": {"oidc": {"issuer": "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"}},
    "tags": {"Component": "cluster"},
}


def _cluster(eks, cluster=None):
    if cluster is None:
        eks.add_client_error("describe_cluster", NOT_FOUND, expected_params={"name": CLUSTER})
    else:
        eks.add_response("describe_cluster", {"cluster": cluster}, {"name": CLUSTER})


@pytest.mark.parametrize("attempt", [1, 2])
def test_cluster_create_in_check_mode_calls_no_write(capsys, eks, attempt):
    _cluster(eks)
    result = run(capsys, eks_cluster_config, check_mode=True, **CLUSTER_ARGS)
    assert result["changed"] is True and result["updates"] == ["create"]


def test_cluster_create_sets_the_baseline_at_creation_then_again(capsys, eks):
    _cluster(eks)
    eks.add_response(
        "create_cluster",
        {"cluster": dict(ACTIVE, status="CREATING")},
        {
            "name": CLUSTER,
            "version": "1.35",
            "roleArn": CLUSTER_ARGS["role_arn"],
            "resourcesVpcConfig": {
                "endpointPrivateAccess": True,
                "endpointPublicAccess": True,
                "publicAccessCidrs": ["203.0.113.0/24"],
                "subnetIds": ["subnet-a", "subnet-b"],
                "securityGroupIds": [],
            },
            "logging": {"clusterLogging": [{"types": ALL_LOGS, "enabled": True}]},
            "accessConfig": {"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False},
            "encryptionConfig": [{"resources": ["secrets"], "provider": {"keyArn": KEY}}],
            "tags": {"Component": "cluster"},
        },
    )
    _cluster(eks, ACTIVE)  # wait
    assert run(capsys, eks_cluster_config, **CLUSTER_ARGS)["changed"] is True
    _cluster(eks, ACTIVE)
    assert run(capsys, eks_cluster_config, **CLUSTER_ARGS)["changed"] is False
    _cluster(eks, ACTIVE)
    assert run(capsys, eks_cluster_config, check_mode=True, **CLUSTER_ARGS)["changed"] is False


DRIFTED = dict(
    ACTIVE,
    version="1.34",
    logging={"clusterLogging": [{"types": ["api"], "enabled": True}, {"types": ALL_LOGS[1:], "enabled": False}]},
    resourcesVpcConfig={"endpointPrivateAccess": True, "endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]},
    accessConfig={"authenticationMode": "CONFIG_MAP"},
    encryptionConfig=[],
)


def test_cluster_modify_in_check_mode_lists_the_updates(capsys, eks):
    _cluster(eks, DRIFTED)
    result = run(capsys, eks_cluster_config, check_mode=True, **CLUSTER_ARGS)
    assert result["changed"] is True
    assert result["updates"] == ["version", "logging", "endpoint", "authentication_mode:API_AND_CONFIG_MAP", "authentication_mode:API", "encryption"]


def test_cluster_modify_one_update_at_a_time(capsys, eks):
    _cluster(eks, DRIFTED)

    def update(op, params, uid):
        eks.add_response(op, {"update": {"id": uid, "status": "InProgress"}}, params)
        eks.add_response("describe_update", {"update": {"id": uid, "status": "Successful"}}, {"name": CLUSTER, "updateId": uid})

    update("update_cluster_version", {"name": CLUSTER, "version": "1.35"}, "u1")
    update("update_cluster_config", {"name": CLUSTER, "logging": {"clusterLogging": [{"types": ALL_LOGS, "enabled": True}]}}, "u2")
    update(
        "update_cluster_config",
        {"name": CLUSTER, "resourcesVpcConfig": {"endpointPrivateAccess": True, "endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]}},
        "u3",
    )
    update("update_cluster_config", {"name": CLUSTER, "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}}, "u4")
    update("update_cluster_config", {"name": CLUSTER, "accessConfig": {"authenticationMode": "API"}}, "u5")
    eks.add_response(
        "associate_encryption_config",
        {"update": {"id": "u6", "status": "InProgress"}},
        {"clusterName": CLUSTER, "encryptionConfig": [{"resources": ["secrets"], "provider": {"keyArn": KEY}}]},
    )
    eks.add_response("describe_update", {"update": {"id": "u6", "status": "Successful"}}, {"name": CLUSTER, "updateId": "u6"})
    _cluster(eks, ACTIVE)
    assert run(capsys, eks_cluster_config, **CLUSTER_ARGS)["changed"] is True
    _cluster(eks, ACTIVE)
    assert run(capsys, eks_cluster_config, **CLUSTER_ARGS)["changed"] is False


def test_cluster_tags_are_synced(capsys, eks):
    _cluster(eks, dict(ACTIVE, tags={"Component": "cluster", "Stale": "x"}))
    eks.add_response("untag_resource", {}, {"resourceArn": CLUSTER_ARN, "tagKeys": ["Stale"]})
    _cluster(eks, ACTIVE)
    assert run(capsys, eks_cluster_config, **CLUSTER_ARGS)["updates"] == ["tags"]


@pytest.mark.parametrize(
    ("cluster", "args", "needle"),
    [
        (dict(ACTIVE, version="1.35"), {"version": "1.34"}, "cannot downgrade"),
        (ACTIVE, {"authentication_mode": "CONFIG_MAP"}, "cannot go back"),
        (dict(ACTIVE, encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": KEY + "x"}}]), {}, "cannot change the key"),
    ],
)
def test_cluster_refuses_what_eks_cannot_do(capsys, eks, cluster, args, needle):
    _cluster(eks, cluster)
    result = run(capsys, eks_cluster_config, **{**CLUSTER_ARGS, **args})
    assert result["failed"] is True and needle in result["msg"]


@pytest.mark.parametrize("cidrs", [["0.0.0.0/0"], ["::/0"], [], ["not-a-cidr"]])
def test_cluster_refuses_an_open_public_endpoint_before_any_call(capsys, eks, cidrs):
    result = run(capsys, eks_cluster_config, **{**CLUSTER_ARGS, "public_access_cidrs": cidrs})
    assert result["failed"] is True and "public_access_cidrs" in result["msg"]


def test_cluster_without_reported_access_config_warns_instead_of_looping(capsys, eks):
    reported = {k: v for k, v in ACTIVE.items() if k != "accessConfig"}  # older APIs and moto
    _cluster(eks, reported)
    result = run(capsys, eks_cluster_config, **CLUSTER_ARGS)
    assert result["changed"] is False
    assert "authentication mode" in json.dumps(result.get("warnings", []))


# -- eks_cluster_config: delete (state=absent) -------------------------------------------
# moto has create/describe/delete_cluster, so the delete matrix runs against it; the Stubber is used
# only for what moto cannot show: a cluster that stays DELETING while the waiter polls.


@pytest.fixture
def moto_eks(monkeypatch):
    with mock_aws():
        client = boto3.client("eks", region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
        monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, *a, **kw: client)
        yield client


def _moto_cluster(client):
    client.create_cluster(
        name=CLUSTER,
        version="1.35",
        roleArn=CLUSTER_ARGS["role_arn"],
        resourcesVpcConfig={"subnetIds": ["subnet-a", "subnet-b"]},
        tags={"Component": "cluster"},
    )


def _exists(client):
    return CLUSTER in client.list_clusters()["clusters"]


ABSENT = {"name": CLUSTER, "state": "absent"}


@pytest.mark.parametrize("attempt", [1, 2])
def test_cluster_delete_in_check_mode_calls_no_delete(capsys, moto_eks, attempt):
    _moto_cluster(moto_eks)
    for _run in range(2):  # twice: check mode never deletes, so it keeps reporting the change
        result = run(capsys, eks_cluster_config, check_mode=True, _ansible_diff=True, **ABSENT)
        assert result["changed"] is True and result["updates"] == ["delete"]
        assert result["diff"]["before"]["name"] == CLUSTER and result["diff"]["after"] == {}
        assert _exists(moto_eks)


def test_cluster_delete_then_again(capsys, moto_eks):
    _moto_cluster(moto_eks)
    result = run(capsys, eks_cluster_config, _ansible_diff=True, **ABSENT)
    assert result["changed"] is True and result["updates"] == ["delete"]
    assert result["cluster"]["name"] == CLUSTER and result["diff"]["after"] == {}
    assert not _exists(moto_eks)
    again = run(capsys, eks_cluster_config, **ABSENT)
    assert again["changed"] is False and again["cluster"] == {} and again["updates"] == []


@pytest.mark.parametrize("check_mode", [True, False])
def test_cluster_delete_of_a_missing_cluster_changes_nothing_twice(capsys, moto_eks, check_mode):
    for _run in range(2):
        result = run(capsys, eks_cluster_config, check_mode=check_mode, **ABSENT)
        assert result["changed"] is False and result["cluster"] == {}


def test_cluster_lifecycle_is_one_module_create_modify_delete(capsys, moto_eks):
    """create -> again (no change) -> modify (logging) -> delete -> again, all with eks_cluster_config."""
    args = {k: v for k, v in CLUSTER_ARGS.items() if k != "encryption_key_arn"}
    assert run(capsys, eks_cluster_config, check_mode=True, **args)["updates"] == ["create"]
    assert not _exists(moto_eks)
    assert run(capsys, eks_cluster_config, **args)["updates"] == ["create"]
    assert run(capsys, eks_cluster_config, **args)["changed"] is False
    fewer_logs = dict(args, logging_types=["api", "audit"])
    assert run(capsys, eks_cluster_config, check_mode=True, **fewer_logs)["updates"] == ["logging"]
    assert run(capsys, eks_cluster_config, **fewer_logs)["updates"] == ["logging"]
    assert run(capsys, eks_cluster_config, **fewer_logs)["changed"] is False
    assert run(capsys, eks_cluster_config, **ABSENT)["updates"] == ["delete"]
    assert run(capsys, eks_cluster_config, **ABSENT)["changed"] is False
    assert not _exists(moto_eks)


def test_cluster_delete_waits_with_the_cluster_deleted_waiter(capsys, eks, monkeypatch):
    monkeypatch.setattr(eks_cluster_config, "WAITER_DELAY", 0)
    _cluster(eks, ACTIVE)
    eks.add_response("delete_cluster", {"cluster": dict(ACTIVE, status="DELETING")}, {"name": CLUSTER})
    _cluster(eks, dict(ACTIVE, status="DELETING"))  # the waiter's first poll: still there
    _cluster(eks)  # then gone
    assert run(capsys, eks_cluster_config, **ABSENT)["changed"] is True


def test_cluster_delete_already_in_progress_only_waits(capsys, eks, monkeypatch):
    monkeypatch.setattr(eks_cluster_config, "WAITER_DELAY", 0)
    _cluster(eks, dict(ACTIVE, status="DELETING"))
    _cluster(eks)  # no delete_cluster call is scripted: the Stubber would fail on one
    assert run(capsys, eks_cluster_config, **ABSENT)["changed"] is True


def test_cluster_delete_without_wait_does_not_poll(capsys, eks):
    _cluster(eks, ACTIVE)
    eks.add_response("delete_cluster", {"cluster": dict(ACTIVE, status="DELETING")}, {"name": CLUSTER})
    assert run(capsys, eks_cluster_config, wait=False, **ABSENT)["changed"] is True


def test_cluster_delete_fails_when_the_waiter_times_out(capsys, eks, monkeypatch):
    monkeypatch.setattr(eks_cluster_config, "WAITER_DELAY", 1)
    _cluster(eks, ACTIVE)
    eks.add_response("delete_cluster", {"cluster": dict(ACTIVE, status="DELETING")}, {"name": CLUSTER})
    _cluster(eks, dict(ACTIVE, status="DELETING"))
    result = run(capsys, eks_cluster_config, wait_timeout=1, **ABSENT)
    assert result["failed"] is True and "to be deleted" in result["msg"]


def test_cluster_present_still_needs_a_version(capsys, eks):
    result = run(capsys, eks_cluster_config, name=CLUSTER)
    assert result["failed"] is True and "version" in result["msg"]
