"""cloudwatchlogs_log_groups: create/converge x check/real x twice, for several log groups in one run, against moto
in-process; a converged run reads once per group at most and writes nothing."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.mosaic.platform.plugins.modules import cloudwatchlogs_log_groups
from moto import mock_aws

AUTH = {"region": "eu-west-1", "access_key": "testing", "secret_key": "testing"}
AUDIT, ERROR = "/aws/opensearch/search/audit", "/aws/opensearch/search/error"
TAGS = {"Project": "P", "Env": "dev"}
KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
WRITES = {"CreateLogGroup", "PutRetentionPolicy", "TagResource", "UntagResource", "DeleteLogGroup", "DeleteRetentionPolicy"}


pytestmark = pytest.mark.usefixtures("in_process_aws")


@pytest.fixture
def logs():
    with mock_aws():
        yield boto3.client("logs", region_name="eu-west-1")


def run(capsys, log_groups, check_mode=False):
    args = {**AUTH, "log_groups": log_groups, "_ansible_check_mode": check_mode}
    with patch_module_args(args), pytest.raises(SystemExit):
        cloudwatchlogs_log_groups.main()
    return json.loads(capsys.readouterr().out)


def spec(name, **over):
    return {"name": name, "retention": 365, "tags": TAGS, **over}


def groups_of(client):
    return {g["logGroupName"]: g for g in client.describe_log_groups()["logGroups"]}


def tags_of(client, name):
    return client.list_tags_for_resource(resourceArn=groups_of(client)[name]["logGroupArn"])["tags"]


def operations(api_calls):
    return [operation for operation, _ in api_calls]


def test_check_mode_creates_nothing_and_reports_the_creation(capsys, logs, api_calls):
    result = run(capsys, [spec(AUDIT), spec(ERROR)], check_mode=True)
    assert result["changed"] is True
    assert result["log_groups"] == {AUDIT: {"changed": ["created"]}, ERROR: {"changed": ["created"]}}
    assert WRITES.isdisjoint(operations(api_calls))
    assert groups_of(logs) == {}


def test_create_then_again_reads_once_and_writes_nothing(capsys, logs, api_calls):
    first = run(capsys, [spec(AUDIT, kms_key_id=KEY), spec(ERROR)])
    assert first["changed"] is True
    groups = groups_of(logs)
    assert sorted(groups) == [AUDIT, ERROR]
    assert groups[AUDIT]["retentionInDays"] == 365
    assert groups[AUDIT]["kmsKeyId"] == KEY
    assert "kmsKeyId" not in groups[ERROR]
    assert tags_of(logs, ERROR) == TAGS
    api_calls.clear()
    second = run(capsys, [spec(AUDIT, kms_key_id=KEY), spec(ERROR)])
    assert second == {"changed": False, "log_groups": {AUDIT: {"changed": []}, ERROR: {"changed": []}}, "invocation": second["invocation"]}
    # One DescribeLogGroups, and both groups' tags in one listing.
    assert operations(api_calls) == ["DescribeLogGroups", "GetResources"]
    assert api_calls[0][1] == {"logGroupNamePrefix": "/aws/opensearch/search/"}


def test_a_single_group_reads_its_own_tags(capsys, logs, api_calls):
    run(capsys, [spec(AUDIT)])
    api_calls.clear()
    assert run(capsys, [spec(AUDIT)])["changed"] is False
    assert operations(api_calls) == ["DescribeLogGroups", "ListTagsForResource"]


def test_a_group_the_tag_listing_misses_or_shows_stale_is_read_on_its_own(capsys, logs, api_calls, monkeypatch):
    run(capsys, [spec(AUDIT), spec(ERROR)])
    arns = {name: group["logGroupArn"] for name, group in groups_of(logs).items()}
    logs.tag_resource(resourceArn=arns[ERROR], tags={"Env": "prod"})
    # The listing misses the audit group (tagged minutes ago) and shows the error group's tags before the hand edit: the
    # audit group is read on its own; the edit, made within the listing's lag, is left to the next run (the trade).
    stale = {arns[ERROR]: dict(TAGS)}
    monkeypatch.setattr(cloudwatchlogs_log_groups, "listed_tags", lambda _module, _arns: stale)
    api_calls.clear()
    assert run(capsys, [spec(AUDIT), spec(ERROR)])["changed"] is False
    assert [p["resourceArn"] for op, p in api_calls if op == "ListTagsForResource"] == [arns[AUDIT]]
    # A difference the listing shows is confirmed by the group's own tags before anything is written.
    stale[arns[ERROR]] = {"Env": "stale"}
    api_calls.clear()
    assert run(capsys, [spec(AUDIT), spec(ERROR)])["log_groups"][ERROR]["changed"] == ["tags"]
    assert [p["resourceArn"] for op, p in api_calls if op == "ListTagsForResource"] == [arns[AUDIT], arns[ERROR]]
    assert tags_of(logs, ERROR) == TAGS


def test_drift_is_reported_in_check_mode_and_converged_by_a_real_run(capsys, logs, api_calls):
    run(capsys, [spec(AUDIT), spec(ERROR)])
    logs.put_retention_policy(logGroupName=AUDIT, retentionInDays=7)
    arn = groups_of(logs)[ERROR]["logGroupArn"]
    logs.tag_resource(resourceArn=arn, tags={"Extra": "x", "Env": "prod"})
    api_calls.clear()
    planned = run(capsys, [spec(AUDIT), spec(ERROR)], check_mode=True)
    assert planned["log_groups"] == {AUDIT: {"changed": ["retention"]}, ERROR: {"changed": ["tags"]}}
    assert WRITES.isdisjoint(operations(api_calls))
    assert groups_of(logs)[AUDIT]["retentionInDays"] == 7
    applied = run(capsys, [spec(AUDIT), spec(ERROR)])
    assert applied["log_groups"] == planned["log_groups"]
    assert groups_of(logs)[AUDIT]["retentionInDays"] == 365
    assert tags_of(logs, ERROR) == TAGS
    assert run(capsys, [spec(AUDIT), spec(ERROR)])["changed"] is False


def test_without_purge_or_tags_the_other_tags_and_retention_stay(capsys, logs):
    run(capsys, [spec(AUDIT)])
    logs.tag_resource(resourceArn=groups_of(logs)[AUDIT]["logGroupArn"], tags={"Extra": "x"})
    assert run(capsys, [spec(AUDIT, purge_tags=False)])["changed"] is False
    assert run(capsys, [{"name": AUDIT}])["changed"] is False
    assert tags_of(logs, AUDIT) == {**TAGS, "Extra": "x"}
    assert groups_of(logs)[AUDIT]["retentionInDays"] == 365


def test_another_kms_key_is_left_alone_with_a_warning(capsys, logs, api_calls):
    run(capsys, [spec(AUDIT)])
    api_calls.clear()
    result = run(capsys, [spec(AUDIT, kms_key_id=KEY)])
    assert result["changed"] is False
    # str(): the warnings are plain strings or structured events, depending on what ran before in the process.
    assert len(result["warnings"]) == 1
    assert f"log group {AUDIT} has the KMS key '', not {KEY}: the key is set at creation only" in str(result["warnings"])
    assert WRITES.isdisjoint(operations(api_calls))


@pytest.mark.parametrize(
    ("log_groups", "needle"),
    [
        ([spec(AUDIT), spec(AUDIT)], f"log_groups names must be unique (got ['{AUDIT}'] more than once)"),
        (
            [spec(AUDIT, retention=2)],
            "log_groups retention must be one of [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, "
            f"1827, 2192, 2557, 2922, 3288, 3653] (got another value on ['{AUDIT}'])",
        ),
    ],
)
def test_bad_input_fails_before_any_call(capsys, logs, api_calls, log_groups, needle):
    result = run(capsys, log_groups)
    assert result["failed"] is True
    assert result["msg"] == needle
    assert api_calls == []
