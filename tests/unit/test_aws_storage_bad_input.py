"""aws_storage: each validation rule fails with its own message, naming the value, before any API call."""

from __future__ import annotations

import pytest
from test_bad_input import assert_rule_failed, assert_spec_failed, assert_validation_passed, run_role

KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
BASE = {
    "aws_storage_prefix": "p-local",
    "aws_storage_account_id": "123456789012",
    "aws_storage_region": "eu-west-1",
    "aws_storage_kms_key_arn": KEY,
    "aws_storage_tags": {"Project": "P", "Env": "local", "Owner": "o", "Component": "storage"},
    # The role's default access-log bucket is access-logs; these cases keep one log bucket, named logs.
    "aws_storage_access_log_purpose": "logs",
}
LOGS = {"purpose": "logs", "delivery": ["s3_access_logs", "alb"]}
FIRST_API_TASK = "Manage the buckets"
REPLICATION = {"aws_storage_buckets": [LOGS, {"purpose": "media", "critical": True}], "aws_storage_replication_enabled": True}


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_storage_buckets": "media"}, "aws_storage_buckets"),
        ({"aws_storage_buckets": [LOGS, {"purpose": "media", "versionin": True}]}, "versionin"),
        ({"aws_storage_buckets": [{"purpose": "logs", "delivery": ["ftp"]}]}, "delivery"),
        ({"aws_storage_buckets": [LOGS, {"purpose": "media", "lifecycle": {"warm": 30}}]}, "warm"),
        ({"aws_storage_object_lock_mode": "LEGAL_HOLD"}, "aws_storage_object_lock_mode"),
        ({"aws_storage_buckets": [LOGS, {"purpose": "audit", "object_lock": "sometimes"}]}, "object_lock"),
    ],
)
def test_argument_spec_rejects_bad_input(tmp_path, extra, needle):
    assert_spec_failed(run_role(tmp_path, "aws_storage", {**BASE, **extra}), needle)


def _media(**kwargs):
    return {"aws_storage_buckets": [LOGS, {"purpose": "media", **kwargs}]}


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({**_media(), "aws_storage_account_id": "12345"}, "aws_storage_account_id must be 12 digits (got '12345')"),
        # The argument spec turns an integer into a string; the rule names it.
        ({**_media(), "aws_storage_account_id": 12}, "aws_storage_account_id must be 12 digits (got '12')"),
        (
            {"aws_storage_buckets": [LOGS, {"purpose": "Media Files"}]},
            "aws_storage_buckets purposes must match ^[a-z0-9][a-z0-9-]{0,30}$ (got ['Media Files'])",
        ),
        ({"aws_storage_buckets": [LOGS, {"purpose": "logs"}]}, "aws_storage_buckets purposes must be unique (got ['logs'] more than once)"),
        (
            _media(name="Media_Bucket"),
            "aws_storage_buckets names (given, or <aws_storage_prefix>-<purpose>-<account>) must be 3 to 63 characters "
            "matching ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ (got ['Media_Bucket'])",
        ),
        (
            {"aws_storage_buckets": [{"purpose": "media"}]},
            "aws_storage_buckets must have a bucket with purpose aws_storage_access_log_purpose (got 'logs' not in ['media'])",
        ),
        (
            {"aws_storage_buckets": [LOGS, {"purpose": "waf-logs", "delivery": ["waf"]}]},
            "aws_storage_buckets with waf delivery must be named aws-waf-logs-* (got ['p-local-waf-logs-123456789012'])",
        ),
        (
            {"aws_storage_buckets": [{"purpose": "logs", "delivery": ["s3_access_logs"], "encryption": "aws:kms"}]},
            "aws_storage_buckets with s3_access_logs delivery must use encryption AES256, S3 server access logs support no SSE-KMS (got aws:kms on ['logs'])",
        ),
        (
            {"aws_storage_buckets": [{"purpose": "logs", "delivery": ["alb"], "encryption": "aws:kms"}]},
            "aws_storage_buckets with alb delivery must use encryption AES256, ALB access logs support no SSE-KMS (got aws:kms on ['logs'])",
        ),
        (
            _media(object_lock=True, versioning=False),
            "aws_storage_buckets with object_lock must keep versioning on, Object Lock needs it (got versioning false on ['media'])",
        ),
        (
            {"aws_storage_buckets": [{**LOGS, "object_lock": True}]},
            "aws_storage_buckets with object_lock must not receive S3 server access logs (delivery s3_access_logs or the "
            "aws_storage_access_log_purpose bucket), S3 refuses that target with a default retention (got ['logs'])",
        ),
        (
            {**_media(object_lock=True), "platform_env": "prod", "aws_storage_object_lock_mode": "GOVERNANCE"},
            "aws_storage_object_lock_mode must be COMPLIANCE when platform_env is prod (got 'GOVERNANCE')",
        ),
        ({**_media(), "aws_storage_object_lock_days": 0}, "aws_storage_object_lock_days must be an integer from 1 to 36500 (got '0')"),
        (
            {**_media(), "aws_storage_kms_key_arn": ""},
            "aws_storage_buckets with encryption aws:kms need a KMS key ARN in kms_key_arn or aws_storage_kms_key_arn "
            "(aws_kms_outputs.storage.arn); run aws_kms first (got {'media': ''})",
        ),
        (
            _media(kms_key_arn="arn:aws:kms:eu-west-1:123456789012:alias/storage"),
            "aws_storage_buckets with encryption aws:kms need a KMS key ARN in kms_key_arn or aws_storage_kms_key_arn "
            "(aws_kms_outputs.storage.arn); run aws_kms first (got {'media': 'arn:aws:kms:eu-west-1:123456789012:alias/storage'})",
        ),
        (
            REPLICATION,
            "aws_storage_replica_region must be an AWS region other than aws_storage_region 'eu-west-1' when aws_storage_replication_enabled (got '')",
        ),
        (
            {**REPLICATION, "aws_storage_replica_region": "eu-west-1"},
            "aws_storage_replica_region must be an AWS region other than aws_storage_region 'eu-west-1' when aws_storage_replication_enabled (got 'eu-west-1')",
        ),
        (
            {
                "aws_storage_buckets": [LOGS, {"purpose": "media", "critical": True, "name": "m" * 56}],
                "aws_storage_replication_enabled": True,
                "aws_storage_replica_region": "eu-central-1",
            },
            "aws_storage_buckets flagged critical must have names of 55 characters at most when aws_storage_replication_enabled "
            f"(the replica adds -replica) (got ['{'m' * 56}'])",
        ),
        (
            {**REPLICATION, "aws_storage_replica_region": "eu-central-1", "aws_storage_replica_kms_key_arn": KEY},
            "aws_storage_replica_kms_key_arn must be a KMS key ARN in aws_storage_replica_region 'eu-central-1' "
            f"when aws_storage_replication_enabled (got '{KEY}'): run mosaic.platform.aws_kms earlier with aws_kms_replica_region "
            "(platform_replica_region) set to that region, which creates the storage key's twin there (aws_kms_outputs['storage-replica']), "
            "or set aws_storage_replica_kms_key_arn",
        ),
        (
            {**_media(), "aws_storage_backup_tiers": {"media": "standard", "videos": "standard"}},
            "aws_storage_backup_tiers must name purposes of aws_storage_buckets (got ['videos'], not among ['logs', 'media'])",
        ),
        ({**_media(), "aws_storage_tags": {"Project": "P"}}, "aws_storage_tags must carry Project, Env, Owner and Component (got {'Project': 'P'})"),
        (
            _media(lifecycle={"warm_days": 10}),
            "aws_storage_buckets lifecycle warm_days (merged with aws_storage_lifecycle_defaults) must be at least 30, "
            "S3 refuses STANDARD_IA transitions before day 30 (got {'media': 10})",
        ),
        (
            _media(lifecycle={"warm_days": 30, "archive_days": 45}),
            "aws_storage_buckets lifecycle archive_days (merged with aws_storage_lifecycle_defaults) must be at least warm_days + 30 "
            "(got {'media': {'warm_days': 30, 'archive_days': 45}})",
        ),
        (
            _media(lifecycle={"expiration_days": 60}),
            "aws_storage_buckets lifecycle expiration_days (merged with aws_storage_lifecycle_defaults) must be 0 or beyond archive_days "
            "(got {'media': {'archive_days': 90, 'expiration_days': 60}})",
        ),
        (
            _media(lifecycle={"archive_storage_class": "GLACIER"}),
            "aws_storage_buckets lifecycle archive_storage_class (merged with aws_storage_lifecycle_defaults) must be GLACIER_IR or "
            "DEEP_ARCHIVE (got {'media': 'GLACIER'})",
        ),
        (
            _media(lifecycle={"noncurrent_expiration_days": 0}),
            "aws_storage_buckets lifecycle noncurrent_expiration_days (merged with aws_storage_lifecycle_defaults) must be at least 1 (got {'media': 0})",
        ),
        (
            _media(lifecycle={"abort_multipart_days": 0}),
            "aws_storage_buckets lifecycle abort_multipart_days (merged with aws_storage_lifecycle_defaults) must be at least 1 (got {'media': 0})",
        ),
    ],
)
def test_rule_fails_with_its_own_message(tmp_path, extra, needle):
    assert_rule_failed(run_role(tmp_path, "aws_storage", {**BASE, **extra}), needle, FIRST_API_TASK)


def test_good_input_passes_every_rule(tmp_path):
    extra = {
        "aws_storage_buckets": [
            LOGS,
            {"purpose": "waf-logs", "name": "aws-waf-logs-p-local-123456789012", "delivery": ["waf"]},
            {"purpose": "media", "critical": True, "lifecycle": {"expiration_days": 365}},
            {"purpose": "backups", "lifecycle": {"archive_storage_class": "DEEP_ARCHIVE", "archive_days": 120}},
        ],
        "aws_storage_replication_enabled": True,
        "aws_storage_replica_region": "eu-central-1",
        "aws_storage_replica_kms_key_arn": "arn:aws:kms:eu-central-1:123456789012:key/11111111-2222-3333-4444-555555555555",
        "aws_identity_outputs": {"permissions_boundary_arn": "arn:aws:iam::123456789012:policy/p-local-permissions-boundary"},
    }
    assert_validation_passed(run_role(tmp_path, "aws_storage", {**BASE, **extra}))


def test_the_default_buckets_pass_every_rule(tmp_path):
    defaults = {k: v for k, v in BASE.items() if k != "aws_storage_access_log_purpose"}
    assert_validation_passed(run_role(tmp_path, "aws_storage", defaults))


def test_prod_defaults_to_compliance_mode(tmp_path):
    defaults = {k: v for k, v in BASE.items() if k != "aws_storage_access_log_purpose"}
    assert_validation_passed(run_role(tmp_path, "aws_storage", {**defaults, "platform_env": "prod"}))
