"""Every bucket control of aws_storage, read back from the local stack with boto3.

The bucket policies are checked as documents (moto never evaluates them, and answers 403 to object
calls under an aws:SecureTransport condition: BRIEF.md section 4), with the same checker the role uses.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.s3_policies import ELB_ACCOUNTS, check_bucket_policy

ROOT = Path(__file__).resolve().parents[3]

PURPOSES = ["access-logs", "logs", "waf-logs", "media", "artifacts", "backups", "observability", "search-snapshots", "graph-backups"]
SSE_S3 = {"access-logs", "logs"}  # receive S3 server access logs or ALB access logs: SSE-S3 only


@pytest.fixture(scope="module")
def s3(aws):
    return aws("s3")


@pytest.fixture(scope="module")
def buckets(outputs):
    return outputs["storage"]["buckets"]


def name_of(buckets, purpose):
    return buckets[purpose]["name"]


def test_outputs_name_every_bucket_by_convention(buckets, platform):
    assert sorted(buckets) == sorted(PURPOSES)
    for purpose, bucket in buckets.items():
        expected = (
            f"aws-waf-logs-{platform['prefix']}-{platform['account']}" if purpose == "waf-logs" else f"{platform['prefix']}-{purpose}-{platform['account']}"
        )
        assert bucket == {"name": expected, "arn": f"arn:aws:s3:::{expected}"}


@pytest.mark.parametrize("purpose", PURPOSES)
def test_public_access_is_blocked(s3, buckets, purpose):
    block = s3.get_public_access_block(Bucket=name_of(buckets, purpose))["PublicAccessBlockConfiguration"]
    assert block == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}


@pytest.mark.parametrize("purpose", PURPOSES)
def test_bucket_owner_enforced(s3, buckets, purpose):
    rules = s3.get_bucket_ownership_controls(Bucket=name_of(buckets, purpose))["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]


@pytest.mark.parametrize("purpose", PURPOSES)
def test_default_encryption(s3, buckets, outputs, purpose):
    rule = s3.get_bucket_encryption(Bucket=name_of(buckets, purpose))["ServerSideEncryptionConfiguration"]["Rules"][0]
    default = rule["ApplyServerSideEncryptionByDefault"]
    if purpose in SSE_S3:
        assert default == {"SSEAlgorithm": "AES256"}
    else:
        assert default == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": outputs["kms"]["storage"]["arn"]}
        assert rule["BucketKeyEnabled"] is True


@pytest.mark.parametrize("purpose", PURPOSES)
def test_versioning_enabled(s3, buckets, purpose):
    assert s3.get_bucket_versioning(Bucket=name_of(buckets, purpose))["Status"] == "Enabled"


@pytest.mark.parametrize("purpose", PURPOSES)
def test_policy_is_tls_only_and_passes_the_checker(s3, buckets, platform, purpose):
    name = name_of(buckets, purpose)
    policy = json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])
    check_bucket_policy(policy, name, platform["account"])
    deny = next(s for s in policy["Statement"] if s["Sid"] == "DenyInsecureTransport")
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert sorted(deny["Resource"]) == [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]


def _principals(policy):
    return [json.dumps(s["Principal"], sort_keys=True) for s in policy["Statement"] if s["Effect"] == "Allow"]


def test_access_log_bucket_admits_the_access_logs_of_every_other_bucket_only(s3, buckets, platform):
    policy = json.loads(s3.get_bucket_policy(Bucket=name_of(buckets, "access-logs"))["Policy"])
    access = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert all(s["Principal"] == {"Service": "logging.s3.amazonaws.com"} for s in access)
    sources = sorted(s["Condition"]["ArnLike"]["aws:SourceArn"] for s in access)
    assert sources == sorted(f"arn:aws:s3:::{b['name']}" for p, b in buckets.items() if p != "access-logs")
    assert all(s["Condition"]["StringEquals"]["aws:SourceAccount"] == platform["account"] for s in access)


def test_log_bucket_admits_cloudtrail_and_alb_only(s3, buckets, platform):
    name = name_of(buckets, "logs")
    policy = json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert not any(s["Principal"] == {"Service": "logging.s3.amazonaws.com"} for s in policy["Statement"] if s["Effect"] == "Allow")
    trail = statements["CloudTrailWrite"]
    assert trail["Resource"] == f"arn:aws:s3:::{name}/cloudtrail/AWSLogs/{platform['account']}/*"
    assert trail["Condition"]["StringEquals"]["aws:SourceAccount"] == platform["account"]
    assert statements["AlbAccessLogsDelivery"]["Principal"] == {"AWS": f"arn:aws:iam::{ELB_ACCOUNTS[platform['region']]}:root"}
    assert not any("delivery.logs.amazonaws.com" in p for p in _principals(policy))


def test_waf_bucket_admits_log_delivery_only(s3, buckets, platform):
    policy = json.loads(s3.get_bucket_policy(Bucket=name_of(buckets, "waf-logs"))["Policy"])
    assert set(_principals(policy)) == {json.dumps({"Service": "delivery.logs.amazonaws.com"})}
    for statement in (s for s in policy["Statement"] if s["Effect"] == "Allow"):
        assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == platform["account"]


@pytest.mark.parametrize("purpose", ["media", "artifacts", "backups", "observability", "search-snapshots", "graph-backups"])
def test_data_buckets_admit_no_one(s3, buckets, purpose):
    policy = json.loads(s3.get_bucket_policy(Bucket=name_of(buckets, purpose))["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["DenyInsecureTransport"]


@pytest.mark.parametrize("purpose", PURPOSES)
def test_lifecycle_tiers(s3, buckets, storage_defaults, purpose):
    rules = s3.get_bucket_lifecycle_configuration(Bucket=name_of(buckets, purpose))["Rules"]
    assert len(rules) == 1
    rule = rules[0]
    override = next(b for b in storage_defaults["aws_storage_buckets"] if b["purpose"] == purpose).get("lifecycle", {})
    tiers = {**storage_defaults["aws_storage_lifecycle_defaults"], **override}
    assert rule["ID"] == "tiering" and rule["Status"] == "Enabled"
    assert rule["Transitions"] == [
        {"Days": tiers["warm_days"], "StorageClass": "STANDARD_IA"},
        {"Days": tiers["archive_days"], "StorageClass": tiers["archive_storage_class"]},
    ]
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == tiers["noncurrent_expiration_days"]
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": tiers["abort_multipart_days"]}
    if tiers["expiration_days"]:
        assert rule["Expiration"] == {"Days": tiers["expiration_days"]}
    else:
        assert "Expiration" not in rule


@pytest.mark.parametrize("purpose", PURPOSES)
def test_access_logging_goes_to_the_access_log_bucket(s3, buckets, purpose):
    """Every bucket, the audit log bucket included, logs its access to access-logs, which does not log into itself."""
    name = name_of(buckets, purpose)
    enabled = s3.get_bucket_logging(Bucket=name).get("LoggingEnabled")
    if purpose == "access-logs":
        assert enabled is None
    else:
        assert enabled == {"TargetBucket": name_of(buckets, "access-logs"), "TargetPrefix": f"s3/{name}/"}


@pytest.mark.parametrize("purpose", PURPOSES)
def test_object_lock_only_on_the_audit_log_bucket(s3, buckets, storage_defaults, purpose):
    """The CloudTrail bucket keeps every log version for the inventory's retention (GOVERNANCE outside prod)."""
    name = name_of(buckets, purpose)
    if purpose != "logs":
        with pytest.raises(s3.exceptions.ClientError, match="ObjectLockConfigurationNotFound"):
            s3.get_object_lock_configuration(Bucket=name)
        return
    lock = s3.get_object_lock_configuration(Bucket=name)["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled"
    retention = {k: v for k, v in lock["Rule"]["DefaultRetention"].items() if v}  # moto adds "Years": 0
    assert retention == {"Mode": "GOVERNANCE", "Days": storage_defaults["aws_storage_object_lock_days"]}


@pytest.mark.parametrize("purpose", PURPOSES)
def test_tags(s3, buckets, platform, purpose):
    name = name_of(buckets, purpose)
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=name)["TagSet"]}
    # The AWS Backup tier of the purpose, from platform_backup_tiers (inventories/project.yml); none for the others.
    tier = yaml.safe_load((ROOT / "inventories" / "project.yml").read_text())["platform_backup_tiers"]["buckets"].get(purpose)
    assert tags == {
        "Project": platform["project"],
        "Env": platform["env"],
        "Owner": platform["owner"],
        "Component": "storage",
        "Name": name,
        "Purpose": purpose,
        **({"Backup": tier} if tier else {}),
    }
