"""IAM Identity Center ensure-functions (the logic of sso_permission_set and sso_account_assignment).

moto 5.2.5 implements the sso-admin and identitystore calls used here (create, modify and delete, each in check mode
and for real, each twice). What it lacks (permission set provisioning status, a FAILED assignment, several
instances) is checked with botocore's Stubber: those live paths are covered only against real AWS.
"""

from __future__ import annotations

import json

import boto3
import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.sso_access import (
    SSOAccessError,
    ensure_account_assignment,
    ensure_permission_set,
    reserved_role_arn,
    session_seconds,
)
from botocore.exceptions import WaiterError
from botocore.stub import ANY, Stubber
from moto import mock_aws

REGION = "eu-west-1"
ACCOUNT = "123456789012"
POLICY = {"Version": "2012-10-17", "Statement": [{"Sid": "R", "Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"}]}
READONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
GROUP = "9a672b3314-6b1e6a53-2dbb-4f43-a9b6-c3b4a1f3a7e2"
GROUP_ARN = f"arn:aws:identitystore::{ACCOUNT}:group/d-0123456789/{GROUP}"
REQUEST = "a1f07a8e-56f6-4c44-8c9a-6c6d5b43a7f2"


@pytest.fixture
def clients(monkeypatch):
    for var in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield boto3.client("sso-admin", region_name=REGION), boto3.client("identitystore", region_name=REGION)


def ps_params(**over):
    params = {
        "name": "p-ops",
        "description": "ops",
        "session_duration": "PT4H",
        "inline_policy": POLICY,
        "managed_policy_arns": [],
        "tags": {"Env": "test"},
        "provision": True,
        "state": "present",
    }
    params.update(over)
    return params


def sets(sso):
    instance = sso.list_instances()["Instances"][0]["InstanceArn"]
    return [
        sso.describe_permission_set(InstanceArn=instance, PermissionSetArn=a)["PermissionSet"]
        for a in sso.list_permission_sets(InstanceArn=instance)["PermissionSets"]
    ]


def test_permission_set_create_modify_delete_matrix(clients):
    sso, _ = clients
    # create: check mode changes nothing, then real, then again (no change)
    changed, result = ensure_permission_set(sso, ps_params(), True)
    assert changed and result["changes"] == ["created"] and result["arn"] == ""
    assert sets(sso) == []
    changed, result = ensure_permission_set(sso, ps_params(), False)
    assert changed and result["arn"].startswith("arn:aws:sso:::instance/")
    instance = result["instance_arn"]
    assert json.loads(sso.get_inline_policy_for_permission_set(InstanceArn=instance, PermissionSetArn=result["arn"])["InlinePolicy"]) == POLICY
    assert ensure_permission_set(sso, ps_params(), False)[0] is False
    assert ensure_permission_set(sso, ps_params(), True)[0] is False

    # modify: session, policy and managed policies, check mode first
    wanted = ps_params(session_duration="PT1H", inline_policy={**POLICY, "Statement": [{**POLICY["Statement"][0], "Sid": "S"}]}, managed_policy_arns=[READONLY])
    changed, diff = ensure_permission_set(sso, wanted, True)
    assert changed and set(diff["changes"]) == {"SessionDuration", "inline_policy", "managed_policy_arns"}
    assert sets(sso)[0]["SessionDuration"] == "PT4H"
    assert ensure_permission_set(sso, wanted, False)[0] is True
    assert sets(sso)[0]["SessionDuration"] == "PT1H"
    attached = sso.list_managed_policies_in_permission_set(InstanceArn=instance, PermissionSetArn=result["arn"])["AttachedManagedPolicies"]
    assert [p["Arn"] for p in attached] == [READONLY]
    assert ensure_permission_set(sso, wanted, False)[0] is False

    # managed policies are authoritative, and an empty inline policy removes it
    assert ensure_permission_set(sso, ps_params(session_duration="PT1H", inline_policy=None), False)[0] is True
    assert sso.list_managed_policies_in_permission_set(InstanceArn=instance, PermissionSetArn=result["arn"])["AttachedManagedPolicies"] == []
    assert sso.get_inline_policy_for_permission_set(InstanceArn=instance, PermissionSetArn=result["arn"])["InlinePolicy"] == ""

    # delete: check mode, real, twice
    assert ensure_permission_set(sso, ps_params(state="absent"), True)[0] is True
    assert len(sets(sso)) == 1
    assert ensure_permission_set(sso, ps_params(state="absent"), False)[0] is True
    assert sets(sso) == []
    assert ensure_permission_set(sso, ps_params(state="absent"), False)[0] is False


def test_a_change_is_provisioned_again_to_the_accounts(clients):
    sso, _ = clients
    _, result = ensure_permission_set(sso, ps_params(), False)
    sso.provision_permission_set(InstanceArn=result["instance_arn"], PermissionSetArn=result["arn"], TargetType="AWS_ACCOUNT", TargetId=ACCOUNT)
    _, modified = ensure_permission_set(sso, ps_params(session_duration="PT2H"), False)
    assert modified["provisioning_request_id"]


def test_provisioning_request_shape():
    """The provisioning call as real AWS receives it (moto ignores TargetType)."""
    sso = boto3.client("sso-admin", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")  # noqa: S106 dummy keys for the Stubber
    instance, ps = "arn:aws:sso:::instance/ssoins-0123456789abcdef", "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef"
    with Stubber(sso) as stub:
        stub.add_response("list_instances", {"Instances": [{"InstanceArn": instance, "IdentityStoreId": "d-0123456789"}]})
        stub.add_response("list_permission_sets", {"PermissionSets": [ps]}, {"InstanceArn": instance})
        stub.add_response(
            "describe_permission_set",
            {"PermissionSet": {"Name": "p-ops", "PermissionSetArn": ps, "Description": "ops", "SessionDuration": "PT1H"}},
            {"InstanceArn": instance, "PermissionSetArn": ps},
        )
        stub.add_response("update_permission_set", {}, {"InstanceArn": instance, "PermissionSetArn": ps, "Description": "ops", "SessionDuration": "PT4H"})
        stub.add_response("get_inline_policy_for_permission_set", {"InlinePolicy": json.dumps(POLICY)}, {"InstanceArn": instance, "PermissionSetArn": ps})
        stub.add_response("list_managed_policies_in_permission_set", {"AttachedManagedPolicies": []}, {"InstanceArn": instance, "PermissionSetArn": ps})
        stub.add_response("list_accounts_for_provisioned_permission_set", {"AccountIds": [ACCOUNT]}, {"InstanceArn": instance, "PermissionSetArn": ps})
        stub.add_response(
            "provision_permission_set",
            {"PermissionSetProvisioningStatus": {"RequestId": "b2f07a8e-56f6-4c44-8c9a-6c6d5b43a7f1", "Status": "IN_PROGRESS"}},
            {"InstanceArn": instance, "PermissionSetArn": ps, "TargetType": "ALL_PROVISIONED_ACCOUNTS"},
        )
        changed, result = ensure_permission_set(sso, ps_params(), False)
        stub.assert_no_pending_responses()
    assert changed and result["changes"] == ["SessionDuration"] and result["provisioning_request_id"] == "b2f07a8e-56f6-4c44-8c9a-6c6d5b43a7f1"


def test_several_instances_need_an_instance_arn():
    sso = boto3.client("sso-admin", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")  # noqa: S106 dummy keys for the Stubber
    two = [{"InstanceArn": f"arn:aws:sso:::instance/ssoins-{i}123456789abcdef", "IdentityStoreId": f"d-{i}"} for i in (1, 2)]
    with Stubber(sso) as stub:
        stub.add_response("list_instances", {"Instances": two})
        with pytest.raises(SSOAccessError, match="found 2 IAM Identity Center instances: give instance_arn"):
            ensure_permission_set(sso, ps_params(), True)


@pytest.mark.parametrize(("name", "needle"), [("x" * 33, "name must match"), ("bad name", "name must match")])
def test_bad_names_fail_before_any_call(name, needle):
    with pytest.raises(SSOAccessError, match=needle):
        ensure_permission_set(None, ps_params(name=name), True)


@pytest.mark.parametrize(("duration", "seconds"), [("PT1H", 3600), ("PT1H30M", 5400), ("PT12H", 43200), ("PT90M", 5400)])
def test_session_durations(duration, seconds):
    assert session_seconds(duration) == seconds


@pytest.mark.parametrize("duration", ["PT30M", "PT13H", "1h", "", "P1D"])
def test_bad_session_durations(duration):
    with pytest.raises(SSOAccessError, match="session_duration"):
        session_seconds(duration)


def assignment_params(**over):
    params = {
        "account_id": ACCOUNT,
        "permission_set_name": "p-ops",
        "principal_type": "GROUP",
        "principal_name": "platform-ops",
        "create_group": False,
        "state": "present",
    }
    params.update(over)
    return params


def assigned(sso, instance, ps_arn):
    return sso.list_account_assignments(InstanceArn=instance, AccountId=ACCOUNT, PermissionSetArn=ps_arn)["AccountAssignments"]


def test_assignment_to_a_synced_group_matrix(clients):
    sso, ids = clients
    _, ps = ensure_permission_set(sso, ps_params(), False)
    instance, store = ps["instance_arn"], ps["identity_store_id"]
    group = ids.create_group(IdentityStoreId=store, DisplayName="platform-ops")["GroupId"]  # as SCIM would
    assert ensure_account_assignment(sso, ids, assignment_params(), True)[0] is True
    assert assigned(sso, instance, ps["arn"]) == []
    changed, result = ensure_account_assignment(sso, ids, assignment_params(), False)
    assert changed and result["principal_id"] == group
    assert [(a["PrincipalType"], a["PrincipalId"]) for a in assigned(sso, instance, ps["arn"])] == [("GROUP", group)]
    assert ensure_account_assignment(sso, ids, assignment_params(), False)[0] is False
    assert ensure_account_assignment(sso, ids, assignment_params(), True)[0] is False

    assert ensure_account_assignment(sso, ids, assignment_params(state="absent"), True)[0] is True
    assert len(assigned(sso, instance, ps["arn"])) == 1
    assert ensure_account_assignment(sso, ids, assignment_params(state="absent"), False)[0] is True
    assert assigned(sso, instance, ps["arn"]) == []
    assert ensure_account_assignment(sso, ids, assignment_params(state="absent"), False)[0] is False


def test_a_group_the_identity_source_has_not_synced_fails_naming_it(clients):
    sso, ids = clients
    _, ps = ensure_permission_set(sso, ps_params(), False)
    with pytest.raises(SSOAccessError, match=r"group 'platform-ops' not found in identity store d-\w+: sync it from the identity source \(SCIM\) first"):
        ensure_account_assignment(sso, ids, assignment_params(), False)
    assert ids.list_groups(IdentityStoreId=ps["identity_store_id"])["Groups"] == []
    # Removing an assignment of a group that is gone is no change, and creates nothing.
    assert ensure_account_assignment(sso, ids, assignment_params(state="absent", create_group=True), False)[0] is False
    assert ids.list_groups(IdentityStoreId=ps["identity_store_id"])["Groups"] == []


def test_the_emulator_may_create_the_group(clients):
    sso, ids = clients
    _, ps = ensure_permission_set(sso, ps_params(), False)
    changed, result = ensure_account_assignment(sso, ids, assignment_params(create_group=True), True)
    assert changed and result["principal_id"] == ""
    assert ids.list_groups(IdentityStoreId=ps["identity_store_id"])["Groups"] == []
    assert ensure_account_assignment(sso, ids, assignment_params(create_group=True), False)[0] is True
    assert [g["DisplayName"] for g in ids.list_groups(IdentityStoreId=ps["identity_store_id"])["Groups"]] == ["platform-ops"]
    assert ensure_account_assignment(sso, ids, assignment_params(create_group=True), False)[0] is False


def test_check_mode_before_the_permission_set_exists(clients):
    sso, ids = clients
    changed, result = ensure_account_assignment(sso, ids, assignment_params(), True)
    assert changed and result["permission_set_arn"] == ""
    with pytest.raises(SSOAccessError, match="permission set 'p-ops' not found"):
        ensure_account_assignment(sso, ids, assignment_params(), False)


def test_a_failed_assignment_stops_the_wait():
    """Real AWS answers IN_PROGRESS, then SUCCEEDED or FAILED; moto answers SUCCEEDED at once."""
    sso = boto3.client("sso-admin", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")  # noqa: S106 dummy keys for the Stubber
    ids = boto3.client("identitystore", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")  # noqa: S106 dummy keys for the Stubber
    instance, ps = "arn:aws:sso:::instance/ssoins-0123456789abcdef", "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef"
    key = {"TargetId": ACCOUNT, "TargetType": "AWS_ACCOUNT", "PermissionSetArn": ps, "PrincipalType": "GROUP", "PrincipalId": GROUP, "InstanceArn": instance}
    with Stubber(sso) as stub, Stubber(ids) as ids_stub:
        stub.add_response("list_instances", {"Instances": [{"InstanceArn": instance, "IdentityStoreId": "d-0123456789"}]})
        ids_stub.add_response(
            "get_group_id",
            {"GroupId": GROUP, "IdentityStoreId": "d-0123456789", "GroupArn": GROUP_ARN},
            {"IdentityStoreId": "d-0123456789", "AlternateIdentifier": ANY},
        )
        stub.add_response("list_account_assignments", {"AccountAssignments": []}, {"InstanceArn": instance, "AccountId": ACCOUNT, "PermissionSetArn": ps})
        stub.add_response(
            "create_account_assignment",
            {"AccountAssignmentCreationStatus": {"Status": "IN_PROGRESS", "RequestId": REQUEST}},
            key,
        )
        stub.add_response(
            "describe_account_assignment_creation_status",
            {"AccountAssignmentCreationStatus": {"Status": "FAILED", "RequestId": REQUEST, "FailureReason": "no such account"}},
            {"InstanceArn": instance, "AccountAssignmentCreationRequestId": REQUEST},
        )
        with pytest.raises(WaiterError, match="AssignmentCreated failed"):
            ensure_account_assignment(sso, ids, assignment_params(permission_set_name=None, permission_set_arn=ps), False)
        stub.assert_no_pending_responses()


PATH = "/aws-reserved/sso.amazonaws.com/eu-west-1/"
OPS_ROLE = "AWSReservedSSO_p-ops_0123456789abcdef"  # pragma: allowlist secret


@pytest.mark.parametrize(
    ("roles", "with_path", "arn"),
    [
        ([{"role_name": OPS_ROLE, "path": PATH}], False, f"arn:aws:iam::{ACCOUNT}:role/{OPS_ROLE}"),
        (
            [{"role_name": OPS_ROLE, "path": PATH}],
            True,
            f"arn:aws:iam::{ACCOUNT}:role{PATH}{OPS_ROLE}",
        ),
        # another set whose name starts the same, a role outside the reserved path, a guessed name: none match
        ([{"role_name": "AWSReservedSSO_p-ops-2_0123456789abcdef", "path": PATH}], False, ""),  # pragma: allowlist secret
        ([{"role_name": OPS_ROLE, "path": "/"}], False, ""),
        ([{"role_name": "p-ops", "path": PATH}], False, ""),
        ([], False, ""),
    ],
)
def test_reserved_role_arn(roles, with_path, arn):
    assert reserved_role_arn(roles, "p-ops", ACCOUNT, with_path=with_path) == arn


def test_two_reserved_roles_for_one_set_fail():
    roles = [{"role_name": f"AWSReservedSSO_p-ops_{h}", "path": PATH} for h in ("0123456789abcdef", "fedcba9876543210")]
    with pytest.raises(SSOAccessError, match="several roles for permission set p-ops"):
        reserved_role_arn(roles, "p-ops", ACCOUNT)
