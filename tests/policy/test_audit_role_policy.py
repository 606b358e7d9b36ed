"""The audit role's policy allows exactly the calls the scheduled audits make.

The modules come from the playbooks the audits workflow runs (and the role task files they include); the AWS
operations of the collection's own modules come from their source; each call is replayed through the offline
evaluator against the policy and the permissions boundary (moto evaluates no IAM policy, BRIEF.md section 4).
amazon.aws.s3_object's calls (mode put) are listed by hand from its code.
"""

from __future__ import annotations

import re
from pathlib import Path

import botocore.session
import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.audit_policy import ATHENA_CALLER_ACTIONS, AUDIT_CALLS, audit_role_policy
from ansible_collections.mosaic.platform.plugins.module_utils.deploy_policy import iam_action
from ansible_collections.mosaic.platform.plugins.module_utils.iam_evaluator import allowed
from ansible_collections.mosaic.platform.plugins.module_utils.permissions_boundary import boundary_arn, boundary_policy
from botocore import xform_name

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "audits.yml"
ACCOUNT, REGION = "123456789012", "eu-west-1"
RESOURCES = {
    "report_bucket": f"acme-dev-logs-{ACCOUNT}",
    "report_prefix": "audits",
    "athena_workgroup": "acme-dev-audit",
    "athena_database": "acme_dev_audit",
    "athena_results_prefix": "athena-results",
    "waf_log_bucket": f"aws-waf-logs-acme-dev-{ACCOUNT}",
    "metrics_namespace": "Mosaic/Audits",
}
STORAGE_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/storage"
POLICY = audit_role_policy(ACCOUNT, REGION, kms_key_arns=[STORAGE_KEY, ""], **RESOURCES)
BOUNDARY = boundary_policy(boundary_arn(ACCOUNT, "acme-dev-permissions-boundary"))
LOGS = f"arn:aws:s3:::{RESOURCES['report_bucket']}"
WAF = f"arn:aws:s3:::{RESOURCES['waf_log_bucket']}"
REPORT = f"{LOGS}/audits/iam-review/2026-11-30/iam-review-2026-11-30.md"
# The resource (and condition context) each call of the audits names.
CALL_RESOURCES = {
    "iam:GetAccountAuthorizationDetails": ("*", {}),
    "ce:GetCostAndUsage": ("*", {}),
    "tag:GetResources": ("*", {}),
    "cloudwatch:PutMetricData": ("*", {"cloudwatch:namespace": "Mosaic/Audits"}),
    "athena:StartQueryExecution": (f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/acme-dev-audit", {}),
    "athena:GetQueryExecution": (f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/acme-dev-audit", {}),
    "athena:GetQueryResults": (f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/acme-dev-audit", {}),
    "s3:ListBucket": (LOGS, {}),
    "s3:GetBucketOwnershipControls": (LOGS, {}),
    "s3:GetObject": (REPORT, {}),
    "s3:PutObject": (REPORT, {}),
}
# What Athena reads and writes with the caller's permissions while the WAF anomaly query runs.
ATHENA_CALLS = [
    ("glue:GetDatabase", f"arn:aws:glue:{REGION}:{ACCOUNT}:database/acme_dev_audit"),
    ("glue:GetTable", f"arn:aws:glue:{REGION}:{ACCOUNT}:table/acme_dev_audit/waf_logs"),
    ("glue:GetPartitions", f"arn:aws:glue:{REGION}:{ACCOUNT}:table/acme_dev_audit/waf_logs"),
    ("s3:GetObject", f"{WAF}/AWSLogs/{ACCOUNT}/WAFLogs/{REGION}/acme-dev-edge/2026/11/30/00/00/log.gz"),
    ("s3:ListBucket", WAF),
    ("s3:GetBucketLocation", WAF),
    ("s3:PutObject", f"{LOGS}/athena-results/4f1c.csv"),
    ("s3:GetObject", f"{LOGS}/athena-results/4f1c.csv"),
    ("s3:GetBucketLocation", LOGS),
    ("kms:GenerateDataKey", STORAGE_KEY),
    ("kms:Decrypt", STORAGE_KEY),
]


def _tasks(tasks):
    for task in tasks or []:
        yield task
        for section in ("block", "rescue", "always"):
            yield from _tasks(task.get(section))


def _modules_of_tasks(tasks, role=None):
    found = set()
    for task in _tasks(tasks):
        include = task.get("ansible.builtin.include_role") or task.get("ansible.builtin.import_role")
        if include:
            role = include["name"].split(".")[-1]
            found |= _modules_of_file(ROOT / "roles" / role / "tasks" / f"{include.get('tasks_from', 'main')}.yml", role)
            continue
        included = task.get("ansible.builtin.include_tasks") or task.get("ansible.builtin.import_tasks")
        if included:
            found |= _modules_of_file(ROOT / "roles" / role / "tasks" / str(included), role)
            continue
        found |= {key for key in task if key.count(".") == 2 and not key.startswith("ansible.builtin.")}
    return found


def _modules_of_file(path, role):
    return _modules_of_tasks(yaml.safe_load(path.read_text()), role)


def audit_playbooks():
    """The playbooks the audits workflow runs."""
    return sorted(set(re.findall(r"ansible-playbook (playbooks/\S+\.yml)", WORKFLOW.read_text())))


def audit_modules():
    found = set()
    for playbook in audit_playbooks():
        for play in yaml.safe_load((ROOT / playbook).read_text()):
            found |= _modules_of_tasks(play.get("tasks"))
    return found


def operations_in_source(module):
    """The AWS operations a collection module's source (and the collection module_utils it imports) calls."""
    path = ROOT / "plugins" / "modules" / f"{module.split('.')[-1]}.py"
    source = path.read_text()
    service = re.search(r"module\.client\(\s*\"([a-z0-9-]+)\"", source).group(1)
    for util in re.findall(r"mosaic\.platform\.plugins\.module_utils\.(\w+) import", source):
        source += (ROOT / "plugins" / "module_utils" / f"{util}.py").read_text()
    operations = botocore.session.get_session().get_service_model(service).operation_names
    called = {op for op in operations if re.search(rf"\.{xform_name(op)}\(", source)}
    called |= {op for op in operations if re.search(rf"get_paginator\(\s*\"{xform_name(op)}\"", source)}
    return called


def test_the_workflow_runs_the_four_audits_and_assumes_the_audit_role_in_their_environment():
    assert audit_playbooks() == ["playbooks/audit_tags.yml", "playbooks/cost_report.yml", "playbooks/iam_review.yml", "playbooks/waf_anomalies.yml"]
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    for name, job in jobs.items():
        assert job["environment"] == "${{ matrix.env }}-audits", name
        credentials = [s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
        assert [s["with"]["role-to-assume"] for s in credentials] == ["${{ vars.AWS_AUDIT_ROLE_ARN }}"], name


def test_the_modules_of_the_audits_are_the_ones_whose_calls_are_listed():
    assert audit_modules() == set(AUDIT_CALLS)


@pytest.mark.parametrize("module", sorted(m for m in AUDIT_CALLS if m.startswith("mosaic.platform.")))
def test_the_listed_calls_of_a_collection_module_are_the_ones_in_its_source(module):
    assert operations_in_source(module) == {operation for _, operation in AUDIT_CALLS[module]}


def audit_actions():
    return sorted({iam_action(service, operation) for calls in AUDIT_CALLS.values() for service, operation in calls})


@pytest.mark.parametrize("action", audit_actions())
def test_every_call_of_the_audits_is_allowed_by_the_policy_and_the_boundary(action):
    resource, context = CALL_RESOURCES[action]
    assert allowed(POLICY, action, resource, context), action
    assert allowed(BOUNDARY, action, resource, context), f"{action} is outside the permissions boundary"


@pytest.mark.parametrize(("action", "resource"), ATHENA_CALLS)
def test_what_athena_does_for_the_query_is_allowed(action, resource):
    assert allowed(POLICY, action, resource), (action, resource)
    assert allowed(BOUNDARY, action, resource)


def test_the_policy_allows_nothing_else():
    granted = {a for s in POLICY["Statement"] for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert all(s["Effect"] == "Allow" and "*" not in "".join(s["Action"]) for s in POLICY["Statement"])
    assert granted == set(audit_actions()) | set(ATHENA_CALLER_ACTIONS) | {"s3:GetBucketLocation", "kms:Decrypt", "kms:GenerateDataKey"}


@pytest.mark.parametrize(
    ("action", "resource", "context"),
    [
        ("cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": "AWS/EC2"}),
        ("s3:PutObject", f"{LOGS}/cloudtrail/AWSLogs/{ACCOUNT}/forged.json.gz", {}),
        ("s3:PutObject", f"{WAF}/forged.gz", {}),
        ("s3:DeleteObject", REPORT, {}),
        ("athena:StartQueryExecution", f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/primary", {}),
        ("iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/acme-dev-x", {}),
        ("iam:GetRole", f"arn:aws:iam::{ACCOUNT}:role/acme-dev-x", {}),
        ("kms:Decrypt", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/other", {}),
    ],
)
def test_the_policy_denies_what_the_audits_do_not_do(action, resource, context):
    assert not allowed(POLICY, action, resource, context)


def test_no_key_no_kms_statement():
    policy = audit_role_policy(ACCOUNT, REGION, kms_key_arns=["", ""], **RESOURCES)
    assert not [s for s in policy["Statement"] if s["Sid"] == "UseTheBucketKeys"]
