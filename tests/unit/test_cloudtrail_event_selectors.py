"""cloudtrail_event_selectors against moto (moto 5.2.5 stores advanced event selectors): create/modify x
check/real x twice, order-free comparison, and basic selectors replaced by the advanced ones."""

from __future__ import annotations

import pytest
from ansible_collections.mosaic.platform.plugins.modules import cloudtrail_event_selectors as module
from test_edge_audit_cost_harness import run_module

# The moto_session fixture.
pytest_plugins = ["test_edge_audit_cost_harness"]

BUCKET = "arn:aws:s3:::p-backups-123456789012/"
MANAGEMENT = {"name": "Management events", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]}


def data(*prefixes):
    return {
        "name": "S3 data events",
        "field_selectors": [
            {"field": "eventCategory", "equals": ["Data"]},
            {"field": "resources.type", "equals": ["AWS::S3::Object"]},
            {"field": "resources.ARN", "starts_with": list(prefixes)},
        ],
    }


@pytest.fixture
def trail(moto_session):
    s3 = moto_session.client("s3")
    s3.create_bucket(Bucket="trail-logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    client = moto_session.client("cloudtrail")
    client.create_trail(Name="trail", S3BucketName="trail-logs")
    return client


def selectors(client):
    return client.get_event_selectors(TrailName="trail").get("AdvancedEventSelectors") or []


def test_create_check_real_twice(capsys, trail):
    args = {"trail_name": "trail", "advanced_event_selectors": [MANAGEMENT, data(BUCKET)]}
    checked = run_module(module.main, capsys, args, check=True)
    assert checked["changed"] and selectors(trail) == []
    assert checked["diff"]["after"]["advanced_event_selectors"][0] == {
        "Name": "Management events",
        "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
    }
    assert run_module(module.main, capsys, args)["changed"]
    stored = {s["Name"]: s["FieldSelectors"] for s in selectors(trail)}
    assert stored["Management events"] == [{"Field": "eventCategory", "Equals": ["Management"]}]
    assert {"Field": "resources.ARN", "StartsWith": [BUCKET]} in stored["S3 data events"]
    assert not run_module(module.main, capsys, args)["changed"]
    assert not run_module(module.main, capsys, args, check=True)["changed"]


def test_order_of_selectors_and_values_is_no_change(capsys, trail):
    other = "arn:aws:s3:::p-media-123456789012/"
    run_module(module.main, capsys, {"trail_name": "trail", "advanced_event_selectors": [MANAGEMENT, data(BUCKET, other)]})
    shuffled = {"trail_name": "trail", "advanced_event_selectors": [data(other, BUCKET), MANAGEMENT]}
    assert not run_module(module.main, capsys, shuffled)["changed"]


def test_modify_check_real_twice(capsys, trail):
    run_module(module.main, capsys, {"trail_name": "trail", "advanced_event_selectors": [MANAGEMENT]})
    wider = {"trail_name": "trail", "advanced_event_selectors": [MANAGEMENT, data(BUCKET)]}
    checked = run_module(module.main, capsys, wider, check=True)
    assert checked["changed"] and [s["Name"] for s in selectors(trail)] == ["Management events"]
    assert run_module(module.main, capsys, wider)["changed"]
    assert sorted(s["Name"] for s in selectors(trail)) == ["Management events", "S3 data events"]
    assert not run_module(module.main, capsys, wider)["changed"]


def test_basic_event_selectors_are_replaced(capsys, trail):
    trail.put_event_selectors(TrailName="trail", EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])
    args = {"trail_name": "trail", "advanced_event_selectors": [MANAGEMENT]}
    result = run_module(module.main, capsys, args)
    assert result["changed"] and result["diff"]["before"]["event_selectors"][0]["ReadWriteType"] == "WriteOnly"
    assert trail.get_event_selectors(TrailName="trail").get("EventSelectors") in (None, [])
    assert not run_module(module.main, capsys, args)["changed"]


def test_a_missing_trail_fails_naming_it(capsys, moto_session):
    result = run_module(module.main, capsys, {"trail_name": "nope", "advanced_event_selectors": [MANAGEMENT]})
    assert result["failed"] and "Failed to manage the event selectors of trail nope" in result["msg"]


def test_check_mode_before_the_trail_exists_reports_the_change(capsys, moto_session):
    result = run_module(module.main, capsys, {"trail_name": "nope", "advanced_event_selectors": [MANAGEMENT]}, check=True)
    assert result["changed"] and not result.get("failed")
    assert result["diff"]["after"]["advanced_event_selectors"][0]["Name"] == "Management events"
