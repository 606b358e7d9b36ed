"""s3_lifecycle_rules: create/converge x check/real x twice, for rules of several buckets in one run, against moto
in-process; the other rules of a bucket are kept, and aws_storage's writer (s3_buckets_config) and this one, run in turn,
never undo each other."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.mosaic.platform.plugins.modules import s3_buckets_config, s3_lifecycle_rules
from moto import mock_aws

AUTH = {"region": "eu-west-1", "access_key": "testing", "secret_key": "testing"}
GRAPH, BACKUPS = "p-graph-backups", "p-backups"
NEO4J = {"bucket": GRAPH, "id": "neo4j-retention", "prefix": "neo4j/", "expiration_days": 35}
POSTGRES = {"bucket": BACKUPS, "id": "postgres-dump-retention", "prefix": "postgres/", "expiration_days": 35}
# The rule community.aws.s3_lifecycle wrote for POSTGRES with abort_incomplete_multipart_upload_days 7 (the role before).
POSTGRES_RULE = {
    "ID": "postgres-dump-retention",
    "Filter": {"Prefix": "postgres/"},
    "Status": "Enabled",
    "Expiration": {"Days": 35},
    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
}
# aws_storage's whole-bucket tiering rule, as s3_buckets_config writes it.
TIERING = {"id": "tiering", "transitions": [{"days": 30, "storage_class": "STANDARD_IA"}], "noncurrent_expiration_days": 30, "abort_multipart_days": 7}
TIERING_RULE = {
    "ID": "tiering",
    "Filter": {"Prefix": ""},
    "Status": "Enabled",
    "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}],
    "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
}
WRITES = {"PutBucketLifecycleConfiguration", "DeleteBucketLifecycle"}


pytestmark = pytest.mark.usefixtures("in_process_aws")


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        for name in (GRAPH, BACKUPS):
            client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        yield client


def run(capsys, rules, check_mode=False):
    args = {**AUTH, "rules": rules, "_ansible_check_mode": check_mode}
    with patch_module_args(args), pytest.raises(SystemExit):
        s3_lifecycle_rules.main()
    return json.loads(capsys.readouterr().out)


def run_storage(capsys, name):
    args = {**AUTH, "buckets": [{"name": name, "lifecycle_rule": TIERING}]}
    with patch_module_args(args), pytest.raises(SystemExit):
        s3_buckets_config.main()
    return json.loads(capsys.readouterr().out)


def rules_of(client, name):
    try:
        return client.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]
    except client.exceptions.ClientError:
        return []


def operations(api_calls):
    return [operation for operation, _ in api_calls]


def test_check_mode_writes_nothing_and_reports_every_rule(capsys, s3, api_calls):
    result = run(capsys, [NEO4J, POSTGRES], check_mode=True)
    assert result["changed"] is True
    assert result["buckets"] == {GRAPH: {"changed": ["neo4j-retention"]}, BACKUPS: {"changed": ["postgres-dump-retention"]}}
    assert WRITES.isdisjoint(operations(api_calls))
    assert rules_of(s3, BACKUPS) == []


def test_check_mode_reports_a_bucket_not_created_yet_as_would_change(capsys, s3, api_calls):
    result = run(capsys, [{**POSTGRES, "bucket": "p-not-yet"}], check_mode=True)
    assert result["changed"] is True
    assert result["buckets"] == {"p-not-yet": {"changed": ["postgres-dump-retention"]}}
    assert WRITES.isdisjoint(operations(api_calls))


def test_a_missing_bucket_fails_a_real_run(capsys, s3):
    result = run(capsys, [{**POSTGRES, "bucket": "p-not-yet"}])
    assert result["failed"] is True
    assert result["msg"] == "Bucket p-not-yet does not exist"


def test_create_then_again_reads_once_per_bucket_and_writes_nothing(capsys, s3, api_calls):
    first = run(capsys, [NEO4J, POSTGRES])
    assert first["changed"] is True
    assert rules_of(s3, BACKUPS) == [POSTGRES_RULE]
    assert rules_of(s3, GRAPH) == [{**POSTGRES_RULE, "ID": "neo4j-retention", "Filter": {"Prefix": "neo4j/"}}]
    api_calls.clear()
    second = run(capsys, [NEO4J, POSTGRES])
    assert second["changed"] is False
    assert second["buckets"] == {GRAPH: {"changed": []}, BACKUPS: {"changed": []}}
    assert operations(api_calls) == ["GetBucketLifecycleConfiguration"] * 2


def test_two_rules_of_one_bucket_are_written_in_one_call(capsys, s3, api_calls):
    both = [{**NEO4J, "bucket": BACKUPS}, POSTGRES]
    assert run(capsys, both)["buckets"] == {BACKUPS: {"changed": ["neo4j-retention", "postgres-dump-retention"]}}
    assert operations(api_calls).count("PutBucketLifecycleConfiguration") == 1
    assert [r["ID"] for r in rules_of(s3, BACKUPS)] == ["neo4j-retention", "postgres-dump-retention"]
    assert run(capsys, both)["changed"] is False


def test_drift_is_reported_in_check_mode_and_converged_by_a_real_run(capsys, s3, api_calls):
    run(capsys, [NEO4J, POSTGRES])
    s3.put_bucket_lifecycle_configuration(
        Bucket=BACKUPS, LifecycleConfiguration={"Rules": [{**POSTGRES_RULE, "Expiration": {"Days": 3}, "Status": "Disabled"}]}
    )
    api_calls.clear()
    planned = run(capsys, [NEO4J, POSTGRES], check_mode=True)
    assert planned["buckets"] == {GRAPH: {"changed": []}, BACKUPS: {"changed": ["postgres-dump-retention"]}}
    assert WRITES.isdisjoint(operations(api_calls))
    applied = run(capsys, [NEO4J, POSTGRES])
    assert applied["buckets"] == planned["buckets"]
    assert rules_of(s3, BACKUPS) == [POSTGRES_RULE]
    assert run(capsys, [NEO4J, POSTGRES])["changed"] is False


def test_the_two_writers_of_a_bucket_keep_each_others_rules(capsys, s3):
    assert run_storage(capsys, BACKUPS)["changed"] is True
    assert run(capsys, [POSTGRES])["changed"] is True
    assert rules_of(s3, BACKUPS) == [TIERING_RULE, POSTGRES_RULE]
    # In turn, each finds its rule as it left it and changes nothing; the other rule stays.
    assert run_storage(capsys, BACKUPS)["changed"] is False
    assert run(capsys, [POSTGRES])["changed"] is False
    # A changed retention replaces only its own rule, in its place; then the tiering writer still sees no change.
    assert run(capsys, [{**POSTGRES, "expiration_days": 40}])["changed"] is True
    assert rules_of(s3, BACKUPS) == [TIERING_RULE, {**POSTGRES_RULE, "Expiration": {"Days": 40}}]
    assert run_storage(capsys, BACKUPS)["changed"] is False
    assert rules_of(s3, BACKUPS) == [TIERING_RULE, {**POSTGRES_RULE, "Expiration": {"Days": 40}}]


@pytest.mark.parametrize(
    ("rules", "needle"),
    [
        ([POSTGRES, POSTGRES], "rules bucket/id pairs must be unique (got ['p-backups/postgres-dump-retention'] more than once)"),
        (
            [{**POSTGRES, "expiration_days": 0}],
            "rules expiration_days must be 1 or more and abort_multipart_days 0 or more (got it wrong on ['postgres-dump-retention'])",
        ),
        (
            [{**POSTGRES, "prefix": ""}],
            "rules prefix must not be empty, a rule on the whole bucket would expire every object (got it on ['postgres-dump-retention'])",
        ),
    ],
)
def test_bad_input_fails_before_any_call(capsys, s3, api_calls, rules, needle):
    result = run(capsys, rules)
    assert result["failed"] is True
    assert result["msg"] == needle
    assert api_calls == []
