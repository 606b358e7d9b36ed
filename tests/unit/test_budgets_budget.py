"""budgets_budget: create, notifications and delete against moto; UpdateBudget, subscriber and tag changes through Stubbers.

moto answers 500 to UpdateBudget, DescribeSubscribersForNotification and the Budgets tagging calls (BRIEF.md
section 4): a changed limit or filter, a changed subscriber list and changed tags are request shapes here,
verified against real AWS only.
"""

from __future__ import annotations

import datetime

import pytest
from ansible_collections.mosaic.platform.plugins.modules import budgets_budget as module
from moto.budgets.responses import BudgetsResponse
from test_edge_audit_cost_harness import ACCOUNT, run_module

# The moto_session and stubbed fixtures.
pytest_plugins = ["test_edge_audit_cost_harness"]

TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:p-alerts"
SUBS = [{"type": "SNS", "address": TOPIC}, {"type": "EMAIL", "address": "finops@example.com"}]
NOTES = [
    {"notification_type": "FORECASTED", "threshold": 100, "subscribers": SUBS},
    {"notification_type": "ACTUAL", "threshold": 80, "subscribers": SUBS},
]
ARGS = {
    "name": "p-edge",
    "account_id": ACCOUNT,
    "limit_amount": 50,
    "cost_filters": {"TagKeyValue": ["user:Component$edge"]},
    "notifications": NOTES,
    "tags": {"Component": "cost"},
}


@pytest.fixture
def budgets(moto_session, monkeypatch):
    # In-process moto raises NotImplementedError for DescribeSubscribersForNotification; moto_server (the local
    # stack) answers a bare HTTP 500. Reproduce the server's answer, the one the module meets in molecule.
    for action in ("describe_subscribers_for_notification", "list_tags_for_resource"):
        monkeypatch.setattr(BudgetsResponse, action, lambda self: ("Internal Server Error", {"status": 500}), raising=False)
    return moto_session.client("budgets")


def names(budgets):
    return [b["BudgetName"] for b in budgets.describe_budgets(AccountId=ACCOUNT).get("Budgets", [])]


def notes(budgets):
    found = budgets.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName="p-edge")["Notifications"]
    return sorted((n["NotificationType"], float(n["Threshold"])) for n in found)


def test_create_check_real_twice(capsys, budgets):
    assert run_module(module.main, capsys, ARGS, check=True)["changed"]
    assert names(budgets) == []
    assert run_module(module.main, capsys, ARGS)["changed"]
    budget = budgets.describe_budget(AccountId=ACCOUNT, BudgetName="p-edge")["Budget"]
    assert float(budget["BudgetLimit"]["Amount"]) == 50.0 and budget["TimeUnit"] == "MONTHLY" and budget["BudgetType"] == "COST"
    assert budget["CostFilters"] == {"TagKeyValue": ["user:Component$edge"]}
    assert notes(budgets) == [("ACTUAL", 80.0), ("FORECASTED", 100.0)]
    second = run_module(module.main, capsys, ARGS)
    assert not second["changed"]
    assert "cannot read the subscribers" in str(second.get("warnings")), sorted(second)
    assert "cannot read the tags" in str(second.get("warnings"))
    assert not run_module(module.main, capsys, ARGS, check=True)["changed"]


def test_modify_notifications_check_real_twice(capsys, budgets):
    run_module(module.main, capsys, ARGS)
    wider = {**ARGS, "notifications": [*NOTES[1:], {"notification_type": "ACTUAL", "threshold": 100, "subscribers": SUBS}]}
    checked = run_module(module.main, capsys, wider, check=True)
    assert checked["changed"] and notes(budgets) == [("ACTUAL", 80.0), ("FORECASTED", 100.0)]
    assert run_module(module.main, capsys, wider)["changed"]
    assert notes(budgets) == [("ACTUAL", 80.0), ("ACTUAL", 100.0)]
    assert not run_module(module.main, capsys, wider)["changed"]
    assert not run_module(module.main, capsys, wider, check=True)["changed"]


def test_modify_limit_in_check_mode_calls_no_update(capsys, budgets):
    run_module(module.main, capsys, ARGS)
    checked = run_module(module.main, capsys, {**ARGS, "limit_amount": 75}, check=True)
    assert checked["changed"] and checked["diff"]["after"]["limit"] == "75.00"
    assert float(budgets.describe_budget(AccountId=ACCOUNT, BudgetName="p-edge")["Budget"]["BudgetLimit"]["Amount"]) == 50.0


def _stored(amount):
    return {
        "Budget": {
            "BudgetName": "p-edge",
            "BudgetLimit": {"Amount": amount, "Unit": "USD"},
            "CostFilters": {"TagKeyValue": ["user:Component$edge"]},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
            "TimePeriod": {"Start": datetime.datetime(2026, 11, 1), "End": datetime.datetime(2087, 6, 15)},
            "CalculatedSpend": {"ActualSpend": {"Amount": "0", "Unit": "USD"}},
            "LastUpdatedTime": datetime.datetime(2026, 11, 26),
        }
    }


def _note(kind, threshold):
    return {"NotificationType": kind, "ComparisonOperator": "GREATER_THAN", "Threshold": float(threshold), "ThresholdType": "PERCENTAGE"}


SUB_LIST = [{"SubscriptionType": "EMAIL", "Address": "finops@example.com"}, {"SubscriptionType": "SNS", "Address": TOPIC}]


BUDGET_ARN = f"arn:aws:budgets::{ACCOUNT}:budget/p-edge"


def _stub_notifications(stub, subscribers=SUB_LIST, tags=None):
    stub.add_response("describe_notifications_for_budget", {"Notifications": [_note("FORECASTED", 100), _note("ACTUAL", 80)]}, None)
    for _ in range(2):
        stub.add_response("describe_subscribers_for_notification", {"Subscribers": subscribers}, None)
    stored = {"Component": "cost"} if tags is None else tags
    stub.add_response("list_tags_for_resource", {"ResourceTags": [{"Key": k, "Value": v} for k, v in stored.items()]}, {"ResourceARN": BUDGET_ARN})


def test_update_limit_request_shape_then_no_change(capsys, stubbed):
    stub = stubbed("budgets")
    stub.add_response("describe_budget", _stored("50.0"), {"AccountId": ACCOUNT, "BudgetName": "p-edge"})
    expected = dict(_stored("75.00")["Budget"])
    del expected["CalculatedSpend"], expected["LastUpdatedTime"]
    stub.add_response("update_budget", {}, {"AccountId": ACCOUNT, "NewBudget": expected})
    _stub_notifications(stub)
    assert run_module(module.main, capsys, {**ARGS, "limit_amount": 75})["changed"]

    stub.add_response("describe_budget", _stored("75.0"), {"AccountId": ACCOUNT, "BudgetName": "p-edge"})
    _stub_notifications(stub)
    assert not run_module(module.main, capsys, {**ARGS, "limit_amount": 75})["changed"]


def test_subscriber_change_request_shape(capsys, stubbed):
    stub = stubbed("budgets")
    stub.add_response("describe_budget", _stored("50.0"), None)
    stub.add_response("describe_notifications_for_budget", {"Notifications": [_note("FORECASTED", 100), _note("ACTUAL", 80)]}, None)
    old = [{"SubscriptionType": "EMAIL", "Address": "old@example.com"}, {"SubscriptionType": "SNS", "Address": TOPIC}]
    for kind, threshold in (("FORECASTED", 100), ("ACTUAL", 80)):
        stub.add_response("describe_subscribers_for_notification", {"Subscribers": old}, None)
        common = {"AccountId": ACCOUNT, "BudgetName": "p-edge", "Notification": _note(kind, threshold)}
        stub.add_response("create_subscriber", {}, {**common, "Subscriber": {"SubscriptionType": "EMAIL", "Address": "finops@example.com"}})
        stub.add_response("delete_subscriber", {}, {**common, "Subscriber": {"SubscriptionType": "EMAIL", "Address": "old@example.com"}})
    stub.add_response("list_tags_for_resource", {"ResourceTags": [{"Key": "Component", "Value": "cost"}]}, {"ResourceARN": BUDGET_ARN})
    assert run_module(module.main, capsys, ARGS)["changed"]


def test_tag_change_request_shape_then_no_change(capsys, stubbed):
    stub = stubbed("budgets")
    stub.add_response("describe_budget", _stored("50.0"), None)
    _stub_notifications(stub, tags={"Component": "edge", "Stale": "yes"})
    stub.add_response("untag_resource", {}, {"ResourceARN": BUDGET_ARN, "ResourceTagKeys": ["Stale"]})
    stub.add_response("tag_resource", {}, {"ResourceARN": BUDGET_ARN, "ResourceTags": [{"Key": "Component", "Value": "cost"}]})
    result = run_module(module.main, capsys, ARGS)
    assert result["changed"]
    assert result["diff"]["before"]["tags"] == {"Component": "edge", "Stale": "yes"}
    assert result["diff"]["after"]["tags"] == {"Component": "cost"}

    stub.add_response("describe_budget", _stored("50.0"), None)
    _stub_notifications(stub)
    assert not run_module(module.main, capsys, ARGS)["changed"]


def test_tag_change_in_check_mode_calls_no_tagging(capsys, stubbed):
    stub = stubbed("budgets")
    stub.add_response("describe_budget", _stored("50.0"), None)
    _stub_notifications(stub, tags={})
    # No tag_resource response is queued: a call would fail the Stubber.
    assert run_module(module.main, capsys, ARGS, check=True)["changed"]
    stub.assert_no_pending_responses()


def test_delete_check_real_twice(capsys, budgets):
    run_module(module.main, capsys, ARGS)
    gone = {"name": "p-edge", "account_id": ACCOUNT, "state": "absent"}
    assert run_module(module.main, capsys, gone, check=True)["changed"]
    assert names(budgets) == ["p-edge"]
    assert run_module(module.main, capsys, gone)["changed"]
    assert names(budgets) == []
    assert not run_module(module.main, capsys, gone)["changed"]
    assert not run_module(module.main, capsys, gone, check=True)["changed"]


def test_rejects_an_unknown_subscriber_type(capsys, budgets):
    bad = {**ARGS, "notifications": [{"notification_type": "ACTUAL", "threshold": 80, "subscribers": [{"type": "SMS", "address": "x"}]}]}
    result = run_module(module.main, capsys, bad)
    assert result["failed"] and "SMS" in result["msg"]
