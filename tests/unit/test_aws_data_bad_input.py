"""Bad input to aws_data fails before any API call: argument specs for types, choices and unknown keys, one assert
per rule for the rest, each case with that rule's own message (aws_network, aws_auth and aws_backup have their own
files)."""

from __future__ import annotations

import pytest
from test_bad_input import assert_rule_failed, assert_spec_failed, assert_validation_passed, run_role

PLATFORM = {
    "platform_prefix": "p-test",
    "platform_slug": "p",
    "platform_env": "test",
    "platform_domain": "test.example.com",
    "platform_aws_region": "eu-west-1",
    "platform_aws_account_id": "123456789012",
    "platform_cluster_name": "p-test-main",
    "platform_local_stack": True,
    "platform_tags": {"Project": "P", "Env": "test", "Owner": "o"},
    "aws_kms_outputs": {
        "data": {"arn": "arn:aws:kms:eu-west-1:123456789012:key/d"},
        "secrets": {"arn": "arn:aws:kms:eu-west-1:123456789012:key/s"},
        "storage": {"arn": "arn:aws:kms:eu-west-1:123456789012:key/t"},
    },
    "aws_network_outputs": {"private_subnet_ids": ["subnet-a", "subnet-b", "subnet-c"], "security_group_ids": {"postgres": "sg-1", "opensearch": "sg-2"}},
    "aws_identity_outputs": {"permissions_boundary_arn": "arn:aws:iam::123456789012:policy/p-local-permissions-boundary"},
}


def _dump(**changes):
    return {"schedule": "30 1 * * *", "retention_days": 35, "database": "postgres", "namespace": "platform", "service_account": "postgres-dump", **changes}


FIRST_API_TASK = {
    "aws_network": "Manage the VPC",
    "aws_data": "Manage Postgres, tasks",
    "aws_auth": "Manage the user pool",
    "aws_backup": "Create the missing backup vaults",
}


@pytest.mark.parametrize(
    ("role", "extra", "needle"),
    [
        ("aws_data", {"aws_data_postgres": "big"}, "aws_data_postgres"),
        ("aws_data", {"aws_data_postgres_storage_type": "magnetic"}, "aws_data_postgres_storage_type"),
        ("aws_data", {"aws_data_opensearch": {"domain_name": "x"}}, "aws_data_opensearch"),
        ("aws_data", {"platform_aws_account_id": "1234"}, "aws_data_account_id must be 12 digits (got '1234')"),
        ("aws_data", {"aws_data_tags": {"Project": "P"}}, "aws_data_tags must carry Project, Env, Owner and Component (got keys ['Project'])"),
        ("aws_data", {"aws_data_kms_key_arn": "alias/p-data"}, "aws_data_kms_key_arn must be a KMS key ARN, the aws_kms data key (got 'alias/p-data')"),
        (
            "aws_data",
            {"aws_data_storage_kms_key_arn": "alias/p-storage"},
            "aws_data_storage_kms_key_arn must be a KMS key ARN, the aws_kms storage key (got 'alias/p-storage')",
        ),
        (
            "aws_data",
            {"aws_data_postgres_dump": _dump(schedule="daily")},
            "aws_data_postgres_dump.schedule must be a 5-field cron expression (got 'daily')",
        ),
        (
            "aws_data",
            {"aws_data_postgres_dump": _dump(retention_days=3)},
            "aws_data_postgres_dump.retention_days must be at least 7 (got 3)",
        ),
        (
            "aws_data",
            {"aws_data_postgres_dump": _dump(database="Plat-form")},
            "aws_data_postgres_dump.database must be a lowercase Postgres database name (got 'Plat-form')",
        ),
        (
            "aws_data",
            {"aws_data_backup_tiers": {"postgres": "Critical!", "opensearch": "standard"}},
            "aws_data_backup_tiers values must be AWS Backup tier names, lowercase (got {'postgres': 'Critical!', 'opensearch': 'standard'})",
        ),
        ("aws_data", {"aws_data_private_subnet_ids": ["subnet-a"]}, "aws_data_private_subnet_ids must name at least two subnets (got ['subnet-a'])"),
    ],
)
def test_rejects_bad_input_before_any_api_call(tmp_path, role, extra, needle):
    result = run_role(tmp_path, role, {**PLATFORM, **extra})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert needle in out, out[-3000:]
    assert FIRST_API_TASK[role] not in out, "the role reached an API call"


def _retention(days):
    base = {
        "identifier": "p-test-postgres",
        "engine_version": "16.4",
        "parameter_family": "postgres16",
        "instance_class": "db.t4g.medium",
        "allocated_storage": 20,
        "max_allocated_storage": 100,
        "multi_az": False,
        "master_username": "admin_user",
        "preferred_backup_window": "02:00-03:00",
        "preferred_maintenance_window": "sun:03:30-sun:04:30",
    }
    return dict(base, backup_retention_days=days)


@pytest.mark.parametrize("days", [0, 3, 36])
def test_aws_data_validates_backup_retention_before_any_api_call(tmp_path, days):
    result = run_role(tmp_path, "aws_data", {**PLATFORM, "aws_data_postgres": _retention(days)})
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"aws_data_postgres.backup_retention_days must be 7..35 for PITR (got '{days}')" in out
    assert "Manage the snapshot and backup buckets" not in out and "Manage the OpenSearch" not in out


def test_prod_requires_multi_az(tmp_path):
    prod = {**PLATFORM, "platform_env": "prod"}
    for role, needle in [("aws_data", "aws_data_postgres.multi_az must be true in prod (got 'False')")]:
        result = run_role(tmp_path, role, prod)
        out = result.stdout + result.stderr
        assert result.returncode != 0, role
        assert needle in out, (role, out[-2000:])
        assert FIRST_API_TASK[role] not in out


TEMPLATE = {"name": "documents", "index_patterns": ["documents-*"], "dimension": 768, "engine": "faiss", "space_type": "l2"}
PIPELINE = {"name": "hybrid", "normalization": "min_max", "combination": "arithmetic_mean", "weights": [0.3, 0.7]}
SM_POLICY = {"name": "nightly", "schedule": "0 1 * * *", "deletion_schedule": "0 3 * * *", "max_age": "35d", "max_count": 40, "min_count": 7}


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (
            {"aws_data_search_index_templates": [dict(TEMPLATE, space_type="cosinesimil")]},
            "aws_data_search_index_templates[documents].space_type must be one of ['l2', 'innerproduct'] for engine faiss (got 'cosinesimil')",
        ),
        (
            {"aws_data_search_index_templates": [dict(TEMPLATE, dimension=16001)]},
            "aws_data_search_index_templates[documents].dimension must be 1..16000 (got 16001)",
        ),
        (
            {"aws_data_search_pipeline": dict(PIPELINE, weights=[0.5, 0.6])},
            "aws_data_search_pipeline.weights must be non-negative and sum to 1.0 (got [0.5, 0.6])",
        ),
        (
            {"aws_data_search_snapshot_policy": dict(SM_POLICY, schedule="nightly")},
            "aws_data_search_snapshot_policy.schedule and deletion_schedule must be 5-field cron expressions (got 'nightly' and '0 3 * * *')",
        ),
        ({"aws_data_search_snapshot_policy": dict(SM_POLICY, max_age="35")}, "aws_data_search_snapshot_policy.max_age must be <n>d or <n>h (got '35')"),
        (
            {"aws_data_search_snapshot_policy": dict(SM_POLICY, min_count=50)},
            "aws_data_search_snapshot_policy.min_count must be 1..max_count (got min_count 50, max_count 40)",
        ),
        (
            {"aws_data_search_jaeger": {"role_name": "p-test-irsa-jaeger", "index_prefix": "Jaeger*"}},
            "aws_data_search_jaeger.index_prefix must be a lower-case index prefix (got 'Jaeger*')",
        ),
        (
            {"aws_data_search_jaeger": {"role_name": "p test", "index_prefix": "jaeger"}},
            "aws_data_search_jaeger.role_name must be an IAM role name (got 'p test')",
        ),
    ],
)
def test_search_objects_rules(tmp_path, extra, needle):
    assert_rule_failed(run_role(tmp_path, "aws_data", {**PLATFORM, **extra}), needle, FIRST_API_TASK["aws_data"])


def test_search_template_engine_is_a_spec_choice(tmp_path):
    result = run_role(tmp_path, "aws_data", {**PLATFORM, "aws_data_search_index_templates": [dict(TEMPLATE, engine="annoy")]})
    assert_spec_failed(result, "engine")


def test_good_search_objects_pass_every_rule(tmp_path):
    lucene = dict(TEMPLATE, engine="lucene", space_type="cosinesimil", dimension=1024)
    extra = {"aws_data_search_index_templates": [TEMPLATE, lucene], "aws_data_search_pipeline": PIPELINE, "aws_data_search_snapshot_policy": SM_POLICY}
    # The inputs of earlier roles too, so the play passes inputs.yml and reaches its first API call.
    extra["aws_storage_outputs"] = {
        "buckets": {"search-snapshots": {"name": "p-snapshots"}, "graph-backups": {"name": "p-graph"}, "backups": {"name": "p-backups"}}
    }
    extra["aws_access_outputs"] = {"sso_roles_with_path": {"ops": "arn:aws:iam::123456789012:role/p-ops"}}
    assert_validation_passed(run_role(tmp_path, "aws_data", {**PLATFORM, **extra}))
