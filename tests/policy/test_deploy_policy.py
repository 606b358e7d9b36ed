"""The deploy role's policy: generated from a recorded converge, replayed through the offline evaluator.

moto evaluates no IAM policy (BRIEF.md section 4): these tests are the control that the deploy role can run
every call of a converge, and nothing it never made.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.deploy_policy import (
    add_unrecorded,
    call_resource,
    emulation_only,
    generate,
    iam_action,
    reduce_calls,
    render,
)
from ansible_collections.mosaic.platform.plugins.module_utils.iam_evaluator import allowed
from ansible_collections.mosaic.platform.plugins.module_utils.permissions_boundary import boundary_arn, boundary_policy

ACCOUNT = "123456789012"
BOUNDARY = boundary_arn(ACCOUNT, "acme-dev-permissions-boundary")
VALUES = {"Partition": "aws", "Prefix": "acme-dev", "Slug": "acme", "Env": "dev", "Account": ACCOUNT, "Region": "eu-west-1"}
ROLE = f"arn:aws:iam::{ACCOUNT}:role/acme-dev-irsa-keda"
BACKUP_POLICY = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"

# -- the generator and the evaluator ---------------------------------------------------------------

RECORDING = [
    '{"service": "s3", "operation": "HeadBucket", "params": {"Bucket": "acme-dev-media-123456789012"}}',
    '{"service": "s3", "operation": "PutBucketEncryption", "params": {"Bucket": "acme-dev-media-123456789012"}}',
    '{"service": "ec2", "operation": "DescribeVpcs", "params": {}}',
    json.dumps({"service": "iam", "operation": "CreateRole", "params": {"RoleName": "acme-dev-irsa-keda", "PermissionsBoundary": BOUNDARY}}),
    '{"service": "iam", "operation": "PutRolePolicy", "params": {"RoleName": "acme-dev-irsa-keda", "PolicyName": "p"}}',
    '{"service": "sqs", "operation": "GetQueueAttributes", "params": {"QueueUrl": "http://127.0.0.1:5005/123456789012/acme-dev-jobs"}}',
    '{"service": "monitoring", "operation": "PutMetricAlarm", "params": {"AlarmName": "acme-dev-jobs-age"}}',
    '{"service": "secretsmanager", "operation": "CreateSecret", "params": {"Name": "acme/dev/neo4j/auth"}}',
    '{"service": "eks", "operation": "CreateCluster", "params": {"name": "acme-dev-main", "roleArn": "arn:aws:iam::123456789012:role/acme-dev-eks-cluster"}}',
    json.dumps({"service": "iam", "operation": "AttachRolePolicy", "params": {"RoleName": "acme-dev-backup", "PolicyArn": BACKUP_POLICY}}),
    '{"service": "backup", "operation": "CreateBackupVault", "region": "eu-central-1", "params": {"BackupVaultName": "acme-dev-copy"}}',
]


@pytest.fixture
def calls():
    return reduce_calls(RECORDING, VALUES)


@pytest.fixture
def policy(calls):
    return render(generate(calls, VALUES), dict(VALUES, Boundary=BOUNDARY))


def test_botocore_operations_map_to_iam_actions():
    assert iam_action("s3", "HeadBucket") == "s3:ListBucket"
    assert iam_action("s3", "PutBucketEncryption") == "s3:PutEncryptionConfiguration"
    assert iam_action("monitoring", "PutMetricAlarm") == "cloudwatch:PutMetricAlarm"
    assert call_resource("sqs", {"QueueUrl": "http://h/1/acme-dev-jobs"}, VALUES) == "arn:aws:sqs:eu-west-1:123456789012:acme-dev-jobs"


@pytest.mark.parametrize(
    ("operation", "action"),
    [
        ("CreateBudget", "ModifyBudget"),
        ("CreateSubscriber", "ModifyBudget"),
        ("UpdateBudget", "ModifyBudget"),
        ("DescribeBudget", "ViewBudget"),
        ("DescribeSubscribersForNotification", "ViewBudget"),
        ("TagResource", "TagResource"),
    ],
)
def test_budgets_operations_map_to_the_two_budgets_actions(operation, action):
    # IAM knows no budgets:CreateBudget or budgets:DescribeBudget: a policy naming them would allow nothing.
    assert iam_action("budgets", operation) == f"budgets:{action}"


def test_a_budget_created_by_name_is_scoped_to_it():
    params = {"AccountId": ACCOUNT, "Budget": {"BudgetName": "acme-dev-total"}}
    assert call_resource("budgets", params, VALUES) == f"arn:aws:budgets::{ACCOUNT}:budget/acme-dev-total"


def test_calls_the_emulator_cannot_record_join_the_recording(policy):
    unrecorded = [{"action": "ce:UpdateCostAllocationTagsStatus", "resource": "*", "why": "moto lacks it"}]
    calls = reduce_calls(RECORDING, VALUES, unrecorded)
    assert {"action": "ce:UpdateCostAllocationTagsStatus", "resource": "*"} in calls
    assert allowed(render(generate(calls, VALUES), dict(VALUES, Boundary=BOUNDARY)), "ce:UpdateCostAllocationTagsStatus", "*")
    assert not allowed(policy, "ce:UpdateCostAllocationTagsStatus", "*")


def test_every_recorded_call_replays_allowed(calls, policy):
    for call in calls:
        context = call.get("context", {})
        assert allowed(policy, call["action"], call["resource"], context), call


def test_named_calls_are_scoped_to_the_platform_prefixes(policy):
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["S3OnPlatformResources"]["Resource"] == ["arn:aws:s3:::acme-dev-*", "arn:aws:s3:::aws-waf-logs-acme-dev-*"]
    assert by_sid["CallsThatNameNoPlatformResource"]["Resource"] == "*"
    assert "ec2:DescribeVpcs" in by_sid["CallsThatNameNoPlatformResource"]["Action"]
    assert not allowed(policy, "s3:PutEncryptionConfiguration", "arn:aws:s3:::someone-elses-bucket")
    assert not allowed(policy, "secretsmanager:CreateSecret", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:other/prod/x")
    assert not allowed(policy, "iam:PutRolePolicy", "arn:aws:iam::123456789012:role/Admin")


def test_a_role_handed_to_a_service_needs_pass_role_on_the_platform_prefix(calls, policy):
    assert {"action": "iam:PassRole", "resource": "arn:aws:iam::123456789012:role/acme-dev-eks-cluster"} in calls
    assert allowed(policy, "iam:PassRole", "arn:aws:iam::123456789012:role/acme-dev-eks-cluster")
    assert not allowed(policy, "iam:PassRole", "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole")


def test_only_the_recorded_managed_policies_may_be_attached(policy):
    backup_role = f"arn:aws:iam::{ACCOUNT}:role/acme-dev-backup"
    assert allowed(policy, "iam:AttachRolePolicy", backup_role, {"iam:PolicyARN": BACKUP_POLICY})
    assert not allowed(policy, "iam:AttachRolePolicy", backup_role, {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"})


def test_a_call_to_another_region_names_its_resource_there(calls):
    assert {"action": "backup:CreateBackupVault", "resource": "arn:aws:backup:eu-central-1:123456789012:backup-vault:acme-dev-copy"} in calls


def test_a_call_the_recording_never_made_is_refused(policy):
    assert not allowed(policy, "ec2:TerminateInstances", "*")
    assert not allowed(policy, "s3:DeleteBucket", "arn:aws:s3:::acme-dev-media-123456789012")


def test_the_deploy_policy_creates_roles_only_with_the_boundary(policy):
    assert not allowed(policy, "iam:CreateRole", ROLE)
    assert not allowed(policy, "iam:CreateRole", ROLE, {"iam:PermissionsBoundary": "arn:aws:iam::123456789012:policy/x"})
    assert allowed(policy, "iam:CreateRole", ROLE, {"iam:PermissionsBoundary": BOUNDARY})
    assert not allowed(policy, "iam:DeleteRolePermissionsBoundary", ROLE)
    assert not allowed(policy, "iam:CreatePolicyVersion", BOUNDARY)


def test_reads_on_every_resource_share_a_wildcard_per_service_but_writes_and_data_lists_do_not():
    unscoped = ["ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:CreateVpc", "kms:ListAliases", "kms:ListKeys", "rds:DescribeDBEngineVersions"]
    data_lists = ["sns:ListTopics", "sns:ListSubscriptions", "cognito-idp:ListUserPools", "cognito-idp:ListGroups"]
    doc = generate([{"action": a, "resource": "*"} for a in unscoped + data_lists], VALUES)
    [statement] = [s for s in doc["Statement"] if s["Sid"] == "CallsThatNameNoPlatformResource"]
    assert statement["Action"] == [
        "cognito-idp:ListGroups",
        "cognito-idp:ListUserPools",
        "ec2:CreateVpc",
        "ec2:Describe*",
        "kms:List*",
        "rds:DescribeDBEngineVersions",
        "sns:ListSubscriptions",
        "sns:ListTopics",
    ]
    assert not allowed(doc, "ec2:CreateSubnet", "*")
    assert not allowed(doc, "cognito-idp:ListUsers", "*")
    assert allowed(doc, "ec2:DescribeRouteTables", "*")


def test_the_generator_is_deterministic(calls):
    assert generate(calls, VALUES) == generate(list(reversed(calls)), VALUES)


# -- the committed recording and policy ------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
FILES = ROOT / "roles" / "aws_identity" / "files"
RECORDED = json.loads((FILES / "deploy_calls.json").read_text())
TEMPLATE = json.loads((FILES / "deploy_policy.json").read_text())
LOCAL_BOUNDARY = boundary_arn(RECORDED["values"]["Account"], RECORDED["values"]["Prefix"] + "-permissions-boundary")
LOCAL_POLICY = render(TEMPLATE, dict(RECORDED["values"], Boundary=LOCAL_BOUNDARY))
# The first converge runs as an administrator: the deploy role cannot create itself, and under its own
# policy it may never rewrite itself (a reviewed change to it needs an administrator too).
CI_ROLES = "arn:aws:iam::{Account}:role/{Prefix}-ci-*".format(**RECORDED["values"])


def _is_bootstrap(call):
    return fnmatchcase(call["resource"], CI_ROLES) and not call["action"].split(":")[1].startswith(("Get", "List"))


def test_the_committed_policy_is_what_the_generator_makes_of_the_recording():
    assert generate(RECORDED["calls"], RECORDED["values"]) == TEMPLATE, "stale: run scripts/deploy_policy.py generate"


def test_the_unrecorded_calls_are_in_the_committed_recording():
    unrecorded = json.loads((FILES / "deploy_calls_unrecorded.json").read_text())["calls"]
    assert unrecorded and all(call["why"] for call in unrecorded)
    for call in (c for c in unrecorded if "resource" in c):
        assert {"action": call["action"], "resource": call["resource"]} in RECORDED["calls"], call
    for call in (c for c in unrecorded if "like" in c):
        like = {c["resource"] for c in RECORDED["calls"] if c["action"] == call["like"]}
        assert like, f"{call['like']} is not recorded: {call}"
        assert like <= {c["resource"] for c in RECORDED["calls"] if c["action"] == call["action"]}, call


def test_a_drift_only_write_is_allowed_where_its_recorded_sibling_is():
    unrecorded = [{"action": "iam:TagRole", "like": "iam:CreateRole", "why": "drift only"}]
    calls = reduce_calls(RECORDING, VALUES, unrecorded)
    assert {"action": "iam:TagRole", "resource": ROLE} in calls, "on the created role, without CreateRole's boundary condition"
    assert {"action": "iam:CreateRole", "resource": ROLE, "context": {"iam:PermissionsBoundary": BOUNDARY}} in calls
    assert add_unrecorded(calls, unrecorded) == calls, "adding the same list again changes nothing"
    generated = render(generate(calls, VALUES), dict(VALUES, Boundary=BOUNDARY))
    assert allowed(generated, "iam:TagRole", ROLE)
    assert not allowed(generated, "iam:TagRole", f"arn:aws:iam::{ACCOUNT}:role/someone-elses-role")


def test_the_recording_covers_every_phase_of_a_converge():
    prefixes = {c["action"].split(":")[0] for c in RECORDED["calls"]}
    assert {"kms", "ec2", "iam", "s3", "sqs", "sns", "secretsmanager", "wafv2", "cloudtrail", "rds", "es", "cognito-idp", "backup", "eks"} <= prefixes


@pytest.mark.parametrize("call", [c for c in RECORDED["calls"] if not _is_bootstrap(c)], ids=lambda c: f"{c['action']} {c['resource']}")
def test_every_call_of_a_converge_is_allowed_by_the_deploy_policy(call):
    context = call.get("context", {})
    assert allowed(LOCAL_POLICY, call["action"], call["resource"], context)
    assert allowed(boundary_policy(LOCAL_BOUNDARY), call["action"], call["resource"], context), "outside the boundary"


def test_every_role_a_converge_creates_carries_the_boundary():
    """The recording is a full converge: IRSA, service and CI roles were all created with the boundary (people come
    through Identity Center, whose roles AWS provisions: the local stand-ins are not in the recording)."""
    created = [c for c in RECORDED["calls"] if c["action"] == "iam:CreateRole"]
    names = {c["resource"].rsplit("/", 1)[1].removeprefix(RECORDED["values"]["Prefix"] + "-") for c in created}
    assert {"ci-deploy", "backup", "search-snapshots", "irsa-velero"} <= names
    assert not [c for c in RECORDED["calls"] if emulation_only(c)]
    assert all(c.get("context", {}).get("iam:PermissionsBoundary") == LOCAL_BOUNDARY for c in created)


def test_the_deploy_role_cannot_rewrite_the_ci_roles():
    bootstrap = [c for c in RECORDED["calls"] if _is_bootstrap(c)]
    assert {c["action"] for c in bootstrap} >= {"iam:CreateRole", "iam:PutRolePolicy"}
    for call in bootstrap:
        assert not allowed(LOCAL_POLICY, call["action"], call["resource"], {"iam:PermissionsBoundary": LOCAL_BOUNDARY}), call


def test_the_deploy_policy_fits_the_inline_policy_quota():
    """IAM counts at most 10,240 characters (whitespace excluded) for all inline policies of a role."""
    inventory = yaml.safe_load((ROOT / "inventories" / "prod" / "group_vars" / "prod" / "aws_identity.yml").read_text())
    [deploy] = inventory["aws_identity_ci_roles"]
    doc = dict(LOCAL_POLICY, Statement=LOCAL_POLICY["Statement"] + deploy["inline_policy"]["Statement"])
    assert len(re.sub(r"\s", "", json.dumps(doc))) < 10240
