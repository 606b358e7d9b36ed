"""Bad aws_storage input fails before any API call, with a message naming the variable."""

from __future__ import annotations

import pytest
from test_bad_input import run_role

BASE = {
    "aws_storage_prefix": "p-local",
    "aws_storage_account_id": "123456789012",
    "aws_storage_region": "eu-west-1",
    "aws_storage_kms_key_arn": "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555",
    "aws_storage_tags": {"Project": "P", "Env": "local", "Owner": "o", "Component": "storage"},
}
LOGS = {"purpose": "logs", "delivery": ["s3_access_logs", "alb"]}


def _fails_before_api(tmp_path, extra, needle):
    result = run_role(tmp_path, "aws_storage", {**BASE, **extra})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert needle in out, out
    assert "Manage the buckets" not in out, "the role reached an API call"
    return out


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_storage_buckets": "media"}, "aws_storage_buckets"),
        ({"aws_storage_buckets": [LOGS, {"purpose": "media", "versionin": True}]}, "versionin"),
        ({"aws_storage_buckets": [{"purpose": "logs", "delivery": ["ftp"]}]}, "delivery"),
        ({"aws_storage_buckets": [LOGS, {"purpose": "media", "lifecycle": {"warm": 30}}]}, "warm"),
        ({"aws_storage_buckets": [LOGS], "aws_storage_account_id": 12}, "aws_storage_account_id"),
    ],
)
def test_argument_spec_rejects_bad_input(tmp_path, extra, needle):
    out = _fails_before_api(tmp_path, extra, needle)
    assert "Validating arguments against arg spec" in out


@pytest.mark.parametrize(
    ("buckets", "needle"),
    [
        ([LOGS, {"purpose": "Media Files"}], "aws_storage_buckets purposes must be unique"),
        ([LOGS, {"purpose": "logs"}], "aws_storage_buckets purposes must be unique"),
        ([{"purpose": "media"}], "aws_storage_access_log_purpose"),
        ([LOGS, {"purpose": "waf-logs", "delivery": ["waf"]}], "aws-waf-logs-"),
        ([{"purpose": "logs", "delivery": ["alb"], "encryption": "aws:kms"}], "alb delivery need encryption AES256"),
        ([LOGS, {"purpose": "media", "lifecycle": {"warm_days": 30, "archive_days": 45}}], "aws_storage_buckets[media].lifecycle"),
        ([LOGS, {"purpose": "media", "lifecycle": {"warm_days": 10}}], "warm_days >= 30"),
        ([LOGS, {"purpose": "media", "lifecycle": {"archive_storage_class": "GLACIER"}}], "GLACIER_IR or DEEP_ARCHIVE"),
    ],
)
def test_assert_rejects_bad_buckets(tmp_path, buckets, needle):
    _fails_before_api(tmp_path, {"aws_storage_buckets": buckets}, needle)


def test_kms_buckets_need_a_key(tmp_path):
    _fails_before_api(tmp_path, {"aws_storage_buckets": [LOGS, {"purpose": "media"}], "aws_storage_kms_key_arn": ""}, "aws_storage_kms_key_arn")


@pytest.mark.parametrize(
    "extra",
    [
        {"aws_storage_replication_enabled": True},
        {"aws_storage_replication_enabled": True, "aws_storage_replica_region": "eu-west-1"},
        {
            "aws_storage_replication_enabled": True,
            "aws_storage_replica_region": "eu-central-1",
            "aws_storage_replica_kms_key_arn": BASE["aws_storage_kms_key_arn"],
        },
    ],
)
def test_replication_needs_another_region_and_a_key_there(tmp_path, extra):
    _fails_before_api(tmp_path, {"aws_storage_buckets": [LOGS, {"purpose": "media", "critical": True}], **extra}, "aws_storage_replication_enabled needs")
