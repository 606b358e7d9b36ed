"""aws_storage's Object Lock on the audit log bucket and the access logging of that bucket, against an
in-process moto server (moto 5.2.5 implements Object Lock): GOVERNANCE outside prod with the inventory's
retention, idempotent, the log bucket's own access logged to the separate access-log bucket, and an existing
bucket without Object Lock stopped with the role's message, nothing written, until the documented command enables it.
"""

from __future__ import annotations

import re

import boto3
import pytest
from test_aws_data_inputs import moto_endpoint, run_role_play  # noqa: F401 (fixture)

ACCOUNT = "123456789012"
ACCESS_LOGS = f"p-test-access-logs-{ACCOUNT}"
LOGS = f"p-test-logs-{ACCOUNT}"
VARS = {
    "platform_prefix": "p-test",
    "platform_env": "test",
    "platform_aws_region": "eu-west-1",
    "platform_aws_account_id": ACCOUNT,
    "platform_tags": {"Project": "P", "Env": "test", "Owner": "o"},
    # The two log buckets of the role's defaults (both SSE-S3: no KMS key needed).
    "aws_storage_buckets": [
        {"purpose": "access-logs", "delivery": ["s3_access_logs"]},
        {"purpose": "logs", "delivery": ["cloudtrail", "alb"], "object_lock": True},
    ],
    "aws_storage_object_lock_days": 7,
}

PLAY = """
- name: The buckets of aws_storage
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/amazon.aws.aws: &aws_defaults
      endpoint_url: "{endpoint}"
      region: eu-west-1
    group/community.aws.aws: *aws_defaults
    group/mosaic.platform.aws: *aws_defaults
  roles:
    - role: mosaic.platform.aws_storage
"""


def _s3(endpoint):
    return boto3.client("s3", region_name="eu-west-1", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106


def _changed(out: str) -> int:
    return int(re.search(r"localhost\s+: ok=\d+\s+changed=(\d+)", out).group(1))


def _retention(lock):
    # moto 5.2.5 adds "Years": 0 beside Days; AWS returns one of the two.
    return {k: v for k, v in lock["Rule"]["DefaultRetention"].items() if v}


def _playbook(tmp_path, endpoint):
    playbook = tmp_path / "storage.yml"
    playbook.write_text(PLAY.format(endpoint=endpoint))
    return playbook


def test_audit_bucket_is_locked_and_its_access_logged_elsewhere(tmp_path, moto_endpoint):  # noqa: F811
    playbook = _playbook(tmp_path, moto_endpoint)
    s3 = _s3(moto_endpoint)

    check = run_role_play(playbook, VARS, check=True)
    assert check.returncode == 0, check.stdout[-3000:]
    assert s3.list_buckets()["Buckets"] == [], "the --check run created a bucket"

    first = run_role_play(playbook, VARS)
    assert first.returncode == 0, first.stdout[-3000:]
    lock = s3.get_object_lock_configuration(Bucket=LOGS)["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled"
    assert _retention(lock) == {"Mode": "GOVERNANCE", "Days": 7}
    assert s3.get_bucket_logging(Bucket=LOGS)["LoggingEnabled"] == {"TargetBucket": ACCESS_LOGS, "TargetPrefix": f"s3/{LOGS}/"}
    # The access-log bucket is the end of the chain: it neither logs into itself nor carries a retention.
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=ACCESS_LOGS)
    with pytest.raises(s3.exceptions.ClientError, match="ObjectLockConfigurationNotFound"):
        s3.get_object_lock_configuration(Bucket=ACCESS_LOGS)

    again = run_role_play(playbook, VARS)
    assert again.returncode == 0, again.stdout[-3000:]
    assert _changed(again.stdout) == 0, "the second run changed something"

    longer = run_role_play(playbook, {**VARS, "aws_storage_object_lock_days": 30})
    assert longer.returncode == 0, longer.stdout[-3000:]
    assert s3.get_object_lock_configuration(Bucket=LOGS)["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]["Days"] == 30


def test_an_existing_bucket_without_object_lock_stops_the_run_until_it_is_enabled(tmp_path, moto_endpoint):  # noqa: F811
    playbook = _playbook(tmp_path, moto_endpoint)
    s3 = _s3(moto_endpoint)
    s3.create_bucket(Bucket=LOGS, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_versioning(Bucket=LOGS, VersioningConfiguration={"Status": "Enabled"})

    refused = run_role_play(playbook, VARS)
    out = " ".join((refused.stdout + refused.stderr).split())
    assert refused.returncode != 0, out[-3000:]
    assert f"aws_storage_buckets ['{LOGS}'] exist without S3 Object Lock" in out, out[-3000:]
    # s3_buckets checks the Object Lock of every existing object_lock bucket before it writes anything.
    assert "TASK [mosaic.platform.aws_storage : Apply the lifecycle tiers" not in out, "the role went on after the guard"
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [LOGS], "a bucket was created before the guard"
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchBucketPolicy"):
        s3.get_bucket_policy(Bucket=LOGS)

    # The README's path: turn Object Lock on once (S3 allows it on an existing versioned bucket), then run again.
    s3.put_object_lock_configuration(Bucket=LOGS, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    after = run_role_play(playbook, VARS)
    assert after.returncode == 0, after.stdout[-3000:]
    lock = s3.get_object_lock_configuration(Bucket=LOGS)["ObjectLockConfiguration"]
    assert _retention(lock) == {"Mode": "GOVERNANCE", "Days": 7}
