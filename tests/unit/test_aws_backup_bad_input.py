"""aws_backup: each validation rule fails with its own message, naming the value, before any API call."""

from __future__ import annotations

import pytest
from test_bad_input import assert_rule_failed, assert_spec_failed, assert_validation_passed, run_role

BASE = {
    "platform_prefix": "p-local",
    "platform_env": "local",
    "platform_aws_region": "eu-west-1",
    "platform_aws_account_id": "123456789012",
    "platform_tags": {"Project": "P", "Env": "local", "Owner": "o"},
    "aws_kms_outputs": {"data": {"arn": "arn:aws:kms:eu-west-1:123456789012:key/k"}},
    "aws_identity_outputs": {"permissions_boundary_arn": "arn:aws:iam::123456789012:policy/p-local-permissions-boundary"},
}
FIRST_API_TASK = "Create the missing backup vaults"
LOCK = {"enabled": True, "min_retention_days": 7, "max_retention_days": 400}


def test_argument_spec_rejects_bad_input(tmp_path):
    assert_spec_failed(run_role(tmp_path, "aws_backup", {**BASE, "aws_backup_tiers": [{"name": "daily", "schedule": "cron(0 3 * * ? *)"}]}), "retention_days")


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_backup_account_id": "1234"}, "aws_backup_account_id must be 12 digits (got '1234')"),
        ({"aws_backup_copy_region": "eu-west-1"}, "aws_backup_copy_region must differ from aws_backup_region (both are 'eu-west-1')"),
        (
            {"aws_backup_tiers": [{"name": "Daily", "schedule": "cron(0 3 * * ? *)", "retention_days": 14}]},
            "aws_backup_tiers names must match ^[a-z][a-z0-9-]{0,30}$ (got ['Daily'])",
        ),
        (
            {"aws_backup_tiers": [{"name": "daily", "schedule": "cron(0 3 * * ? *)", "retention_days": 14}] * 2},
            "aws_backup_tiers names must be unique (got ['daily'] more than once)",
        ),
        (
            {"aws_backup_tiers": [{"name": "daily", "schedule": "rate(1 day)", "retention_days": 14}]},
            "aws_backup_tiers entries need a schedule cron(...) expression (got ['rate(1 day)'])",
        ),
        (
            {"aws_backup_tiers": [{"name": "daily", "schedule": "cron(0 3 * * ? *)", "retention_days": 3}]},
            "aws_backup_tiers retention_days must be >= 7 (got {'daily': 3})",
        ),
        (
            {"aws_backup_tiers": [{"name": "pitr", "schedule": "cron(0 3 * * ? *)", "retention_days": 60, "continuous": True}]},
            "aws_backup_tiers with continuous keep retention_days <= 35 (got {'pitr': 60})",
        ),
        ({"platform_env": "prod"}, "aws_backup_vault_lock.enabled is required when platform_env is prod (got False)"),
        (
            {"aws_backup_vault_lock": {**LOCK, "min_retention_days": 20}},
            "aws_backup_vault_lock.min_retention_days must be 1 to the shortest aws_backup_tiers retention_days (14) (got 20)",
        ),
        (
            {"aws_backup_vault_lock": {**LOCK, "max_retention_days": 30}},
            "aws_backup_vault_lock.max_retention_days must be at least the longest aws_backup_tiers retention_days (35) (got 30)",
        ),
        (
            {"aws_kms_outputs": {"data": {"arn": "arn:aws:kms:eu-west-1:123456789012:alias/p-data"}}},
            "aws_backup_kms_key_arn (or aws_kms_outputs.data.arn) must be a KMS key ARN; run aws_kms first"
            " (got 'arn:aws:kms:eu-west-1:123456789012:alias/p-data')",
        ),
        ({"aws_backup_tags": {"Project": "P"}}, "aws_backup_tags must carry Project, Env, Owner and Component (got {'Project': 'P'})"),
        (
            {"aws_identity_outputs": {}},
            "aws_backup_permissions_boundary_arn (or aws_identity_outputs.permissions_boundary_arn) must be an IAM managed policy ARN;"
            " run aws_identity first (got '')",
        ),
    ],
)
def test_rule_fails_with_its_own_message(tmp_path, extra, needle):
    assert_rule_failed(run_role(tmp_path, "aws_backup", {**BASE, **extra}), needle, FIRST_API_TASK)


def test_good_input_passes_every_rule(tmp_path):
    assert_validation_passed(run_role(tmp_path, "aws_backup", {**BASE, "platform_env": "prod", "aws_backup_vault_lock": LOCK}))
