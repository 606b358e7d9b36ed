"""aws_access: each validation rule fails with its own message, naming the value, before any API call."""

from __future__ import annotations

import pytest
from test_bad_input import assert_rule_failed, assert_spec_failed, assert_validation_passed, run_role

ACCOUNT = "123456789012"
PLATFORM = {
    "platform_prefix": "p-local",
    "platform_slug": "p",
    "platform_env": "local",
    "platform_aws_region": "eu-west-1",
    "platform_aws_account_id": ACCOUNT,
    "platform_tags": {"Project": "P", "Env": "local", "Owner": "o"},
    # What aws_storage and aws_messaging publish earlier in the play.
    "aws_storage_outputs": {
        "buckets": {
            p: {"name": f"p-local-{p}-{ACCOUNT}", "arn": f"arn:aws:s3:::p-local-{p}-{ACCOUNT}"}
            for p in ("logs", "waf-logs", "media", "backups", "graph-backups", "search-snapshots")
        }
    },
    "aws_messaging_outputs": {"alerts_topic_arn": f"arn:aws:sns:eu-west-1:{ACCOUNT}:p-local-alerts"},
}
FIRST_API_TASK = "Manage the permission sets"
OPS = {"key": "ops", "access": "operate", "groups": ["platform-ops"]}


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_access_permission_sets": "ops"}, "aws_access_permission_sets"),
        ({"aws_access_permission_sets": [{**OPS, "access": "admin"}]}, "access"),
        ({"aws_access_permission_sets": [{"access": "read"}]}, "key"),
        ({"aws_access_permission_sets": [{**OPS, "group": ["x"]}]}, "group"),
        ({"aws_access_create_groups": "sometimes"}, "aws_access_create_groups"),
    ],
)
def test_spec_rejects_bad_input(tmp_path, extra, needle):
    assert_spec_failed(run_role(tmp_path, "aws_access", {**PLATFORM, **extra}), needle)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_access_permission_sets": [{**OPS, "key": "Ops"}]}, "aws_access_permission_sets keys must match ^[a-z0-9][a-z0-9-]{0,19}$ (got ['Ops'])"),
        ({"aws_access_permission_sets": [OPS, {**OPS, "access": "read"}]}, "aws_access_permission_sets keys must be unique (got ['ops'] more than once)"),
        (
            {"aws_access_name_prefix": "legacyplatform-staging"} | {"aws_access_permission_sets": [{**OPS, "key": "break-glass", "access": "break-glass"}]},
            "aws_access_name_prefix plus '-' plus each aws_access_permission_sets key must match ^[\\w+=,.@-]{1,32}$ "
            "(got ['legacyplatform-staging-break-glass']): shorten aws_access_name_prefix",
        ),
        (
            {"aws_access_permission_sets": [{**OPS, "session_duration": "PT13H"}, {**OPS, "key": "dev", "session_duration": "3600"}]},
            "aws_access_permission_sets session_duration must match ^PT([1-9]|1[0-2])H$ (got ['PT13H', '3600'])",
        ),
        ({"aws_access_account_id": "1234"}, "aws_access_account_id must be 12 digits (got '1234')"),
        (
            {"aws_access_instance_arn": "arn:aws:iam::123456789012:role/x"},
            "aws_access_instance_arn must be empty or an Identity Center instance ARN (got 'arn:aws:iam::123456789012:role/x')",
        ),
        ({"aws_access_create_groups": True}, "aws_access_create_groups must be false outside the local stack (platform_local_stack is false)"),
        (
            {"aws_access_emulate_provisioning": True},
            "aws_access_emulate_provisioning must be false outside the local stack (platform_local_stack is false)",
        ),
        (
            {"aws_storage_outputs": {"buckets": {}}},
            "aws_access_protected_bucket_arns must hold one S3 bucket ARN per aws_access_protected_bucket_purposes entry "
            "['logs', 'waf-logs', 'backups', 'graph-backups', 'search-snapshots'] (got []): run aws_storage earlier in the play",
        ),
        (
            {"aws_messaging_outputs": {}},
            "aws_access_alerts_topic_arn must be an SNS topic ARN when aws_access_break_glass_alarm is on (got ''): run aws_messaging earlier in the play",
        ),
        ({"aws_access_tags": {"Project": "P"}}, "aws_access_tags must carry Project, Env, Owner and Component (got {'Project': 'P'})"),
    ],
)
def test_rule_fails_with_its_own_message(tmp_path, extra, needle):
    assert_rule_failed(run_role(tmp_path, "aws_access", {**PLATFORM, **extra}), needle, FIRST_API_TASK)


def test_good_input_passes_every_rule(tmp_path):
    assert_validation_passed(run_role(tmp_path, "aws_access", PLATFORM))


def test_the_local_stack_may_create_groups_and_emulate_provisioning(tmp_path):
    extra = {"platform_local_stack": True, "aws_access_create_groups": True, "aws_access_emulate_provisioning": True}
    assert_validation_passed(run_role(tmp_path, "aws_access", {**PLATFORM, **extra}))


def test_a_read_only_set_needs_no_protected_buckets(tmp_path):
    extra = {"aws_access_permission_sets": [{"key": "dev", "access": "read"}], "aws_storage_outputs": {"buckets": {}}, "aws_messaging_outputs": {}}
    assert_validation_passed(run_role(tmp_path, "aws_access", {**PLATFORM, **extra}))
