"""s3_buckets_config: create/converge x check/real x twice, for several buckets in one run, against moto in-process;
the other lifecycle rules of a bucket are kept, and a no-op run makes no write call."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.modules import s3_buckets_config
from moto import mock_aws

AUTH = {"region": "eu-west-1", "access_key": "testing", "secret_key": "testing"}
LOGS, MEDIA, BACKUPS = "p-access-logs", "p-media", "p-backups"
TIERING = {
    "id": "tiering",
    "transitions": [{"days": 30, "storage_class": "STANDARD_IA"}, {"days": 90, "storage_class": "GLACIER_IR"}],
    "expiration_days": 400,
    "noncurrent_expiration_days": 30,
    "abort_multipart_days": 7,
}
# The rule community.aws.s3_lifecycle wrote for the same input (and the role before this module).
TIERING_RULE = {
    "ID": "tiering",
    "Filter": {"Prefix": ""},
    "Status": "Enabled",
    "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER_IR"}],
    "Expiration": {"Days": 400},
    "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
}
# A rule of another role (aws_data's retention of a backup prefix).
POSTGRES_RULE = {
    "ID": "postgres-retention",
    "Filter": {"Prefix": "postgres/"},
    "Status": "Enabled",
    "Expiration": {"Days": 35},
    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
}
WRITES = ("PutBucketLifecycleConfiguration", "PutBucketLogging", "PutBucketAcl", "DeleteBucketLifecycle")


pytestmark = pytest.mark.usefixtures("in_process_aws")


@pytest.fixture
def calls(monkeypatch):
    """The S3 operations the module calls, in order."""
    seen = []
    real_client = AnsibleAWSModule.client

    def recording_client(self, *args, **kwargs):
        client = real_client(self, *args, **kwargs)
        client.meta.events.register("before-call.s3.*", lambda model, **_: seen.append(model.name))
        return client

    monkeypatch.setattr(AnsibleAWSModule, "client", recording_client)
    return seen


def _policy(target, sources):
    # What the role's bucket policy grants: the logging service writes under s3/<source>/.
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{target}/s3/{source}/*",
            }
            for source in sources
        ],
    }


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        for name in (LOGS, MEDIA, BACKUPS):
            client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        client.put_bucket_policy(Bucket=LOGS, Policy=json.dumps(_policy(LOGS, [MEDIA, BACKUPS])))
        yield client


def run(capsys, buckets, check_mode=False, diff=False):
    args = {**AUTH, "buckets": buckets, "_ansible_check_mode": check_mode, "_ansible_diff": diff}
    with patch_module_args(args), pytest.raises(SystemExit):
        s3_buckets_config.main()
    return json.loads(capsys.readouterr().out)


def bucket(name, **over):
    spec = {"name": name, "lifecycle_rule": TIERING}
    if name != LOGS:
        spec["logging"] = {"target_bucket": LOGS, "target_prefix": f"s3/{name}/"}
    return {**spec, **over}


ALL = [bucket(LOGS), bucket(MEDIA), bucket(BACKUPS)]


def rules_of(client, name):
    return client.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]


def test_check_mode_writes_nothing_and_reports_every_change(capsys, s3, calls):
    result = run(capsys, ALL, check_mode=True)
    assert result["changed"] is True
    assert result["buckets"] == {LOGS: {"changed": ["lifecycle"]}, MEDIA: {"changed": ["lifecycle", "logging"]}, BACKUPS: {"changed": ["lifecycle", "logging"]}}
    assert not set(calls) & set(WRITES)
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchLifecycleConfiguration"):
        s3.get_bucket_lifecycle_configuration(Bucket=MEDIA)
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=MEDIA)


def test_check_mode_reports_a_bucket_not_created_yet_as_would_change(capsys, s3, calls):
    result = run(capsys, [bucket("p-not-yet")], check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["buckets"]["p-not-yet"] == {"changed": ["lifecycle", "logging"]}
    assert result["diff"]["after"]["p-not-yet"]["lifecycle"] == TIERING_RULE
    assert not set(calls) & set(WRITES)


def test_a_missing_bucket_fails_a_real_run(capsys, s3):
    result = run(capsys, [bucket("p-not-yet")])
    assert result["failed"] is True
    assert result["msg"] == "Bucket p-not-yet does not exist"


def test_create_then_again_writes_nothing(capsys, s3, calls):
    first = run(capsys, ALL)
    assert first["changed"] is True
    for name in (LOGS, MEDIA, BACKUPS):
        assert rules_of(s3, name) == [TIERING_RULE]
    assert s3.get_bucket_logging(Bucket=MEDIA)["LoggingEnabled"] == {"TargetBucket": LOGS, "TargetPrefix": f"s3/{MEDIA}/"}
    # The log bucket does not log into itself, and no ACL is granted (BucketOwnerEnforced: the policy allows it).
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=LOGS)
    assert "PutBucketAcl" not in calls
    calls.clear()
    second = run(capsys, ALL)
    assert second["changed"] is False
    assert second["buckets"] == {name: {"changed": []} for name in (LOGS, MEDIA, BACKUPS)}
    # One lifecycle read per bucket, one logging read per logging bucket, nothing written.
    assert sorted(calls) == sorted(["GetBucketLifecycleConfiguration"] * 3 + ["GetBucketLogging"] * 2)


def test_other_lifecycle_rules_are_kept(capsys, s3):
    s3.put_bucket_lifecycle_configuration(Bucket=BACKUPS, LifecycleConfiguration={"Rules": [POSTGRES_RULE]})
    assert run(capsys, [bucket(BACKUPS)])["buckets"][BACKUPS]["changed"] == ["lifecycle", "logging"]
    assert rules_of(s3, BACKUPS) == [POSTGRES_RULE, TIERING_RULE]
    assert run(capsys, [bucket(BACKUPS)])["changed"] is False
    # A changed tier replaces only its own rule, in its place.
    longer = {**TIERING, "noncurrent_expiration_days": 60}
    assert run(capsys, [bucket(BACKUPS, lifecycle_rule=longer)])["buckets"][BACKUPS]["changed"] == ["lifecycle"]
    assert rules_of(s3, BACKUPS) == [POSTGRES_RULE, {**TIERING_RULE, "NoncurrentVersionExpiration": {"NoncurrentDays": 60}}]


def test_drift_is_reported_in_check_mode_and_converged_by_a_real_run(capsys, s3, calls):
    run(capsys, ALL)
    drifted = {**TIERING_RULE, "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}]}
    s3.put_bucket_lifecycle_configuration(Bucket=MEDIA, LifecycleConfiguration={"Rules": [drifted, POSTGRES_RULE]})
    s3.put_bucket_logging(Bucket=MEDIA, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": LOGS, "TargetPrefix": f"s3/{BACKUPS}/"}})
    calls.clear()
    planned = run(capsys, ALL, check_mode=True, diff=True)
    assert planned["buckets"][MEDIA] == {"changed": ["lifecycle", "logging"]}
    assert planned["buckets"][BACKUPS] == {"changed": []}
    assert planned["diff"]["before"][MEDIA]["logging"]["TargetPrefix"] == f"s3/{BACKUPS}/"
    assert planned["diff"]["after"][MEDIA]["logging"]["TargetPrefix"] == f"s3/{MEDIA}/"
    assert not set(calls) & set(WRITES)
    assert rules_of(s3, MEDIA) == [drifted, POSTGRES_RULE]
    applied = run(capsys, ALL)
    assert applied["buckets"][MEDIA] == {"changed": ["lifecycle", "logging"]}
    assert rules_of(s3, MEDIA) == [TIERING_RULE, POSTGRES_RULE]
    assert s3.get_bucket_logging(Bucket=MEDIA)["LoggingEnabled"]["TargetPrefix"] == f"s3/{MEDIA}/"
    assert run(capsys, ALL)["changed"] is False


def test_an_equal_rule_in_another_form_is_no_change(capsys, s3, calls):
    # AWS may answer the whole-bucket filter as {} and the transitions in another order: the same rule.
    same = {**TIERING_RULE, "Filter": {}, "Transitions": list(reversed(TIERING_RULE["Transitions"]))}
    s3.put_bucket_lifecycle_configuration(Bucket=LOGS, LifecycleConfiguration={"Rules": [same]})
    assert run(capsys, [bucket(LOGS)])["changed"] is False
    assert "PutBucketLifecycleConfiguration" not in calls


def test_without_expiration_the_rule_has_none(capsys, s3):
    run(capsys, [bucket(MEDIA, lifecycle_rule={**TIERING, "expiration_days": 0})])
    assert "Expiration" not in rules_of(s3, MEDIA)[0]


@pytest.mark.parametrize(
    ("buckets", "needle"),
    [
        ([bucket(MEDIA), bucket(MEDIA)], "buckets names must be unique (got ['p-media'] more than once)"),
        (
            [bucket(LOGS, logging={"target_bucket": LOGS})],
            "buckets logging target_bucket must be another bucket, a bucket logging into itself logs each delivery (got ['p-access-logs'])",
        ),
        (
            [bucket(MEDIA, lifecycle_rule={**TIERING, "expiration_days": -1})],
            "buckets lifecycle_rule days must be 0 or more (got a negative one on ['p-media'])",
        ),
        ([bucket(MEDIA, lifecycle_rule={**TIERING, "transitions": [{"days": 30, "storage_class": "standard_ia"}]})], "storage_class must be one of"),
    ],
)
def test_bad_input_fails_before_any_call(capsys, s3, calls, buckets, needle):
    result = run(capsys, buckets)
    assert result["failed"] is True
    assert needle in result["msg"]
    assert calls == []
