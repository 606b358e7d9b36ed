"""sso_permission_sets and sso_account_assignments: several objects in one run, against moto in-process.

moto 5.2.5 implements the sso-admin and identitystore calls these modules make (create, converge, each in check mode
and for real, each twice). Provisioning and a FAILED assignment are Stubber-tested for the single forms
(tests/unit/test_sso_access.py); those live paths are covered only against real AWS.
"""

from __future__ import annotations

import json

import pytest
from ansible_collections.mosaic.platform.plugins.modules import sso_account_assignments, sso_permission_sets
from test_edge_audit_cost_harness import ACCOUNT, run_module

# The moto_session fixture.
pytest_plugins = ["test_edge_audit_cost_harness"]

POLICY = {"Version": "2012-10-17", "Statement": [{"Sid": "R", "Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"}]}
READONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
SSO_WRITES = {
    "CreatePermissionSet",
    "UpdatePermissionSet",
    "PutInlinePolicyToPermissionSet",
    "DeleteInlinePolicyFromPermissionSet",
    "AttachManagedPolicyToPermissionSet",
    "DetachManagedPolicyFromPermissionSet",
    "ProvisionPermissionSet",
    "CreateAccountAssignment",
    "CreateGroup",
}


@pytest.fixture
def clients(moto_session):
    return moto_session.client("sso-admin"), moto_session.client("identitystore")


def one(name, **over):
    return {"name": name, "description": f"set {name}", "session_duration": "PT4H", "inline_policy": json.dumps(POLICY), "tags": {"Name": name}, **over}


SETS = [one("p-dev"), one("p-ops", managed_policy_arns=[READONLY])]


def run_sets(capsys, sets, check=False):
    return run_module(sso_permission_sets.main, capsys, {"permission_sets": sets}, check=check)


def run_assign(capsys, assignments, check=False, **over):
    return run_module(sso_account_assignments.main, capsys, {"account_id": ACCOUNT, "assignments": assignments, **over}, check=check)


def ops(api_calls):
    return [op for op, _ in api_calls]


def writes(api_calls):
    return [op for op in ops(api_calls) if op in SSO_WRITES]


def stored_sets(sso):
    instance = sso.list_instances()["Instances"][0]["InstanceArn"]
    arns = sso.list_permission_sets(InstanceArn=instance)["PermissionSets"]
    return {d["Name"]: d for d in (sso.describe_permission_set(InstanceArn=instance, PermissionSetArn=a)["PermissionSet"] for a in arns)}


def test_sets_check_mode_on_a_clean_instance_calls_no_write(capsys, clients, api_calls):
    sso, _ = clients
    result = run_sets(capsys, SETS, check=True)
    assert result["changed"] is True
    assert {n: (s["arn"], s["changes"]) for n, s in result["permission_sets"].items()} == {"p-dev": ("", ["created"]), "p-ops": ("", ["created"])}
    assert writes(api_calls) == []
    assert stored_sets(sso) == {}


def test_sets_create_then_again_reads_the_list_once_and_writes_nothing(capsys, clients, api_calls):
    sso, _ = clients
    first = run_sets(capsys, SETS)
    assert first["changed"] is True
    stored = stored_sets(sso)
    assert sorted(stored) == ["p-dev", "p-ops"] and stored["p-ops"]["SessionDuration"] == "PT4H"
    assert first["permission_sets"]["p-ops"]["arn"] == stored["p-ops"]["PermissionSetArn"]
    instance = first["permission_sets"]["p-ops"]["instance_arn"]
    attached = sso.list_managed_policies_in_permission_set(InstanceArn=instance, PermissionSetArn=stored["p-ops"]["PermissionSetArn"])
    assert [p["Arn"] for p in attached["AttachedManagedPolicies"]] == [READONLY]
    api_calls.clear()
    second = run_sets(capsys, SETS)
    assert second["changed"] is False
    assert all(s["changes"] == [] for s in second["permission_sets"].values())
    assert writes(api_calls) == []
    assert ops(api_calls).count("ListPermissionSets") == 1 and ops(api_calls).count("DescribePermissionSet") == 2
    assert run_sets(capsys, SETS, check=True)["changed"] is False


def test_sets_drift_is_planned_in_check_mode_then_converged(capsys, clients, api_calls):
    sso, _ = clients
    run_sets(capsys, SETS)
    changed = [SETS[0], one("p-ops", session_duration="PT8H", managed_policy_arns=[])]
    api_calls.clear()
    planned = run_sets(capsys, changed, check=True)
    assert planned["permission_sets"]["p-ops"]["changes"] == ["SessionDuration", "managed_policy_arns"]
    assert planned["permission_sets"]["p-dev"]["changes"] == []
    assert writes(api_calls) == []
    applied = run_sets(capsys, changed)
    assert applied["permission_sets"]["p-ops"]["changes"] == ["SessionDuration", "managed_policy_arns"]
    assert stored_sets(sso)["p-ops"]["SessionDuration"] == "PT8H"
    assert run_sets(capsys, changed)["changed"] is False


def test_sets_empty_list_calls_nothing(capsys, clients, api_calls):
    assert run_sets(capsys, [])["changed"] is False
    assert api_calls == []


@pytest.mark.parametrize(
    ("sets", "needle"),
    [
        ([one("p-a"), one("p-a")], "permission_sets names must be unique (got ['p-a'] more than once)"),
        ([one("p a")], "name must match ^[\\w+=,.@-]{1,32}$, got 'p a'"),
        ([one("p-a", session_duration="PT13H")], "session_duration must be 1 to 12 hours, got 'PT13H'"),
    ],
)
def test_sets_bad_input_fails_before_any_call(capsys, clients, api_calls, sets, needle):
    result = run_sets(capsys, sets)
    assert result["failed"] is True
    assert needle in result["msg"]
    assert api_calls == []


ASSIGNMENTS = [
    {"permission_set_name": "p-dev", "principal_name": "platform-dev"},
    {"permission_set_name": "p-ops", "principal_name": "platform-ops"},
    {"permission_set_name": "p-ops", "principal_name": "platform-dev"},
]


def store_of(sso):
    return sso.list_instances()["Instances"][0]["IdentityStoreId"]


def assigned(sso, set_arn):
    instance = sso.list_instances()["Instances"][0]["InstanceArn"]
    found = sso.list_account_assignments(InstanceArn=instance, AccountId=ACCOUNT, PermissionSetArn=set_arn)["AccountAssignments"]
    return sorted(a["PrincipalId"] for a in found)


def test_assignments_before_the_sets_exist_are_planned_in_check_mode(capsys, clients, api_calls):
    result = run_assign(capsys, ASSIGNMENTS, check=True)
    assert result["changed"] is True
    assert {a["changes"][0] for a in result["assignments"]} == {"permission set not created yet"}
    assert writes(api_calls) == []


def test_assignments_create_then_again_read_each_kind_once(capsys, clients, api_calls):
    sso, ids = clients
    sets = run_sets(capsys, SETS)["permission_sets"]
    groups = {n: ids.create_group(IdentityStoreId=store_of(sso), DisplayName=n)["GroupId"] for n in ("platform-dev", "platform-ops")}  # as SCIM would
    api_calls.clear()
    planned = run_assign(capsys, ASSIGNMENTS, check=True)
    assert [a["changes"] for a in planned["assignments"]] == [["assigned"]] * 3
    assert writes(api_calls) == []
    assert assigned(sso, sets["p-ops"]["arn"]) == []
    first = run_assign(capsys, ASSIGNMENTS)
    assert first["changed"] is True
    assert assigned(sso, sets["p-ops"]["arn"]) == sorted([groups["platform-ops"], groups["platform-dev"]])
    assert assigned(sso, sets["p-dev"]["arn"]) == [groups["platform-dev"]]
    api_calls.clear()
    second = run_assign(capsys, ASSIGNMENTS)
    assert second["changed"] is False
    assert [a["principal_id"] for a in second["assignments"]] == [groups["platform-dev"], groups["platform-ops"], groups["platform-dev"]]
    assert writes(api_calls) == []
    assert ops(api_calls).count("GetGroupId") == 2 and ops(api_calls).count("ListAccountAssignments") == 2
    assert ops(api_calls).count("ListPermissionSets") == 1
    assert run_assign(capsys, ASSIGNMENTS, check=True)["changed"] is False


def test_assignments_given_the_sets_and_instance_read_neither(capsys, clients, api_calls, moto_session):
    sso, ids = clients
    sets = run_sets(capsys, SETS)["permission_sets"]
    for name in ("platform-dev", "platform-ops"):
        ids.create_group(IdentityStoreId=store_of(sso), DisplayName=name)
    by_arn = [dict(a, permission_set_arn=sets[a["permission_set_name"]]["arn"]) for a in ASSIGNMENTS]
    instance = {"instance_arn": sets["p-dev"]["instance_arn"], "identity_store_id": sets["p-dev"]["identity_store_id"]}
    iam = moto_session.client("iam")
    reserved = "/aws-reserved/sso.amazonaws.com/eu-west-1/"
    # Identity Center provisions this role with the first assignment; moto does not, so the test stands in.
    ops_role = "AWSReservedSSO_p-ops_0123456789abcdef"  # pragma: allowlist secret
    iam.create_role(RoleName=ops_role, Path=reserved, AssumeRolePolicyDocument=json.dumps(POLICY))
    iam.create_role(RoleName="elsewhere", AssumeRolePolicyDocument=json.dumps(POLICY))
    first = run_assign(capsys, by_arn, provisioned_roles=True, **instance)
    assert first["changed"] is True
    assert assigned(sso, sets["p-dev"]["arn"]) != []
    api_calls.clear()
    second = run_assign(capsys, by_arn, provisioned_roles=True, **instance)
    assert second["changed"] is False
    assert not {"ListInstances", "ListPermissionSets", "DescribePermissionSet"} & set(ops(api_calls))
    assert second["provisioned_roles"] == [{"role_name": ops_role, "path": reserved, "arn": f"arn:aws:iam::{ACCOUNT}:role{reserved}{ops_role}"}]
    # An empty ARN (a set check mode has not created) falls back to the lookup by name.
    planned = run_assign(capsys, [dict(by_arn[0], permission_set_arn="")], check=True, **instance)
    assert planned["changed"] is False
    assert "provisioned_roles" not in planned


def test_an_unsynced_group_fails_naming_it_unless_the_emulator_creates_it(capsys, clients):
    sso, ids = clients
    run_sets(capsys, SETS)
    failed = run_assign(capsys, ASSIGNMENTS[:1])
    assert failed["failed"] is True
    assert "group 'platform-dev' not found in identity store" in failed["msg"]
    planned = run_assign(capsys, ASSIGNMENTS, check=True, create_group=True)
    assert planned["assignments"][0]["changes"] == ["group created", "assigned"]
    assert ids.list_groups(IdentityStoreId=store_of(sso))["Groups"] == []
    assert run_assign(capsys, ASSIGNMENTS, create_group=True)["changed"] is True
    assert sorted(g["DisplayName"] for g in ids.list_groups(IdentityStoreId=store_of(sso))["Groups"]) == ["platform-dev", "platform-ops"]
    assert run_assign(capsys, ASSIGNMENTS, create_group=True)["changed"] is False


@pytest.mark.parametrize(
    ("assignments", "needle"),
    [
        ([{"permission_set_name": "p-dev"}], "assignments[0] needs exactly one of principal_name and principal_id"),
        ([{"permission_set_name": "p-dev", "principal_name": "g", "principal_id": "x"}], "assignments[0] needs exactly one of principal_name and principal_id"),
        ([{"permission_set_name": "p-dev", "principal_type": "USER", "principal_name": "u"}], "assignments[0]: principal_name resolves groups only"),
    ],
)
def test_assignments_bad_input_fails_before_any_call(capsys, clients, api_calls, assignments, needle):
    result = run_assign(capsys, assignments)
    assert result["failed"] is True
    assert needle in result["msg"]
    assert api_calls == []
