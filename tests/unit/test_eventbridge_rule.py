"""EventBridge rule ensure-function (the logic of eventbridge_rule) against moto in-process: create, modify and
delete, each in check mode and for real, each twice; targets and tags authoritative."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.events_rules import ensure_rule
from moto import mock_aws

REGION = "eu-west-1"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:p-alerts"
ISSUER = {"sessionIssuer": {"userName": [{"prefix": "AWSReservedSSO_p-bg_"}]}}
PATTERN = {"detail-type": ["AWS API Call via CloudTrail"], "detail": {"userIdentity": {"sessionContext": ISSUER}}}


@pytest.fixture
def events(monkeypatch):
    for var in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield boto3.client("events", region_name=REGION)


def params(**over):
    p = {
        "name": "p-break-glass-use",
        "description": "d",
        "event_pattern": json.dumps(PATTERN),
        "rule_state": "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
        "targets": [{"id": "alerts", "arn": TOPIC}],
        "tags": {"Env": "test"},
        "state": "present",
    }
    p.update(over)
    return p


def rules(events):
    return events.list_rules()["Rules"]


def test_rule_create_modify_delete_matrix(events):
    changed, result = ensure_rule(events, params(), True)
    assert changed and result["changes"] == ["created"] and rules(events) == []
    changed, result = ensure_rule(events, params(), False)
    assert changed and result["arn"].endswith(":rule/p-break-glass-use")
    rule = events.describe_rule(Name="p-break-glass-use")
    assert rule["State"] == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    assert json.loads(rule["EventPattern"]) == PATTERN
    assert events.list_targets_by_rule(Rule="p-break-glass-use")["Targets"] == [{"Id": "alerts", "Arn": TOPIC}]
    assert events.list_tags_for_resource(ResourceARN=result["arn"])["Tags"] == [{"Key": "Env", "Value": "test"}]
    # the same pattern as a dict, keys in another order: no change
    assert ensure_rule(events, params(event_pattern=dict(reversed(list(PATTERN.items())))), False)[0] is False
    assert ensure_rule(events, params(), True)[0] is False

    other = "arn:aws:sns:eu-west-1:123456789012:p-other"
    wanted = params(rule_state="ENABLED", targets=[{"id": "other", "arn": other}], tags={"Env": "prod"})
    changed, diff = ensure_rule(events, wanted, True)
    assert changed and set(diff["changes"]) == {"State", "targets", "tags"}
    assert events.describe_rule(Name="p-break-glass-use")["State"] == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    assert ensure_rule(events, wanted, False)[0] is True
    assert events.describe_rule(Name="p-break-glass-use")["State"] == "ENABLED"
    assert events.list_targets_by_rule(Rule="p-break-glass-use")["Targets"] == [{"Id": "other", "Arn": other}]
    assert events.list_tags_for_resource(ResourceARN=result["arn"])["Tags"] == [{"Key": "Env", "Value": "prod"}]
    assert ensure_rule(events, wanted, False)[0] is False

    assert ensure_rule(events, params(state="absent"), True)[0] is True
    assert len(rules(events)) == 1
    assert ensure_rule(events, params(state="absent"), False)[0] is True
    assert rules(events) == []
    assert ensure_rule(events, params(state="absent"), False)[0] is False
