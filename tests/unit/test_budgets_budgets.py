"""budgets_budgets: several budgets in one run, create/converge x check/real x twice, against moto in-process.

moto answers 500 to UpdateBudget, DescribeSubscribersForNotification and the Budgets tagging calls (BRIEF.md
section 4): a changed limit and changed tags are request shapes here (botocore Stubber), verified against real
AWS only.
"""

from __future__ import annotations

import datetime

import pytest
from ansible_collections.mosaic.platform.plugins.modules import budgets_budgets as module
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
READS = {"DescribeBudgets", "DescribeNotificationsForBudget", "DescribeSubscribersForNotification", "ListTagsForResource", "GetCallerIdentity"}


def budget(name, amount=50, **over):
    return {"name": name, "limit_amount": amount, "cost_filters": {}, "notifications": NOTES, "tags": {"Name": name}, **over}


BUDGETS = [budget("p-total", 300), budget("p-edge", cost_filters={"TagKeyValue": ["user:Component$edge"]})]


@pytest.fixture
def budgets(moto_session, monkeypatch):
    # moto_server (the local stack) answers a bare HTTP 500 to these calls; in-process moto lacks them.
    for action in ("describe_subscribers_for_notification", "list_tags_for_resource"):
        monkeypatch.setattr(BudgetsResponse, action, lambda self: ("Internal Server Error", {"status": 500}), raising=False)
    return moto_session.client("budgets")


def run(capsys, items, check=False):
    return run_module(module.main, capsys, {"account_id": ACCOUNT, "budgets": items}, check=check)


def names(budgets):
    return sorted(b["BudgetName"] for b in budgets.describe_budgets(AccountId=ACCOUNT).get("Budgets", []))


def notes(budgets, name):
    found = budgets.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName=name)["Notifications"]
    return sorted((n["NotificationType"], float(n["Threshold"])) for n in found)


def writes(api_calls):
    return [op for op, _ in api_calls if op not in READS]


def test_check_mode_on_a_clean_account_creates_nothing_and_calls_no_write(capsys, budgets, api_calls):
    result = run(capsys, BUDGETS, check=True)
    assert result["changed"] is True
    assert result["budgets"]["p-edge"] == {
        "budget": {"type": "COST", "time_unit": "MONTHLY", "limit": "50.00", "unit": "USD", "cost_filters": {"TagKeyValue": ["user:Component$edge"]}},
        "changed": True,
    }
    assert result["diff"]["before"] == {"p-total": {}, "p-edge": {}}
    assert names(budgets) == []
    assert writes(api_calls) == []


def test_create_then_again_reads_the_list_once_and_writes_nothing(capsys, budgets, api_calls):
    first = run(capsys, BUDGETS)
    assert first["changed"] is True
    assert names(budgets) == ["p-edge", "p-total"]
    stored = budgets.describe_budget(AccountId=ACCOUNT, BudgetName="p-edge")["Budget"]
    assert float(stored["BudgetLimit"]["Amount"]) == 50.0 and stored["CostFilters"] == {"TagKeyValue": ["user:Component$edge"]}
    assert notes(budgets, "p-total") == [("ACTUAL", 80.0), ("FORECASTED", 100.0)]
    api_calls.clear()
    second = run(capsys, BUDGETS)
    assert second["changed"] is False
    assert all(not b["changed"] for b in second["budgets"].values())
    assert writes(api_calls) == []
    ops = [op for op, _ in api_calls]
    assert ops.count("DescribeBudgets") == 1 and "DescribeBudget" not in ops
    assert ops.count("DescribeNotificationsForBudget") == 2
    # The emulator's 500 is met once per kind of read, then that read is skipped for the other budget.
    assert ops.count("DescribeSubscribersForNotification") == 1 and ops.count("ListTagsForResource") == 1
    assert "cannot read the subscribers" in str(second.get("warnings"))
    assert not run(capsys, BUDGETS, check=True)["changed"]


def test_changed_notifications_are_planned_in_check_mode_then_converged(capsys, budgets):
    run(capsys, BUDGETS)
    wider = [BUDGETS[0], {**BUDGETS[1], "notifications": [*NOTES[1:], {"notification_type": "ACTUAL", "threshold": 100, "subscribers": SUBS}]}]
    planned = run(capsys, wider, check=True)
    assert planned["changed"] and not planned["budgets"]["p-total"]["changed"]
    assert planned["diff"]["after"]["p-edge"]["notification_changes"] == [
        "create notification ('ACTUAL', 'GREATER_THAN', 100.0, 'PERCENTAGE')",
        "delete notification ('FORECASTED', 'GREATER_THAN', 100.0, 'PERCENTAGE')",
    ]
    assert notes(budgets, "p-edge") == [("ACTUAL", 80.0), ("FORECASTED", 100.0)]
    assert run(capsys, wider)["changed"]
    assert notes(budgets, "p-edge") == [("ACTUAL", 80.0), ("ACTUAL", 100.0)]
    assert not run(capsys, wider)["changed"]


def test_a_new_budget_next_to_converged_ones_is_the_only_change(capsys, budgets):
    run(capsys, BUDGETS[:1])
    result = run(capsys, BUDGETS)
    assert {n: b["changed"] for n, b in result["budgets"].items()} == {"p-total": False, "p-edge": True}
    assert names(budgets) == ["p-edge", "p-total"]


def _stored(name, amount):
    return {
        "BudgetName": name,
        "BudgetLimit": {"Amount": amount, "Unit": "USD"},
        "TimeUnit": "MONTHLY",
        "BudgetType": "COST",
        "TimePeriod": {"Start": datetime.datetime(2026, 11, 1), "End": datetime.datetime(2087, 6, 15)},
        "CalculatedSpend": {"ActualSpend": {"Amount": "0", "Unit": "USD"}},
        "LastUpdatedTime": datetime.datetime(2026, 11, 26),
    }


def _note(kind, threshold):
    return {"NotificationType": kind, "ComparisonOperator": "GREATER_THAN", "Threshold": float(threshold), "ThresholdType": "PERCENTAGE"}


SUB_LIST = [{"SubscriptionType": "EMAIL", "Address": "finops@example.com"}, {"SubscriptionType": "SNS", "Address": TOPIC}]


def _stub_converged_rest(stub, name, tags):
    stub.add_response("describe_notifications_for_budget", {"Notifications": [_note("FORECASTED", 100), _note("ACTUAL", 80)]}, None)
    for _ in range(2):
        stub.add_response("describe_subscribers_for_notification", {"Subscribers": SUB_LIST}, None)
    arn = f"arn:aws:budgets::{ACCOUNT}:budget/{name}"
    stub.add_response("list_tags_for_resource", {"ResourceTags": [{"Key": k, "Value": v} for k, v in tags.items()]}, {"ResourceARN": arn})
    return arn


def test_limit_and_tag_changes_request_shapes(capsys, stubbed):
    stub = stubbed("budgets")
    stub.add_response("describe_budgets", {"Budgets": [_stored("p-total", "300.0"), _stored("p-one", "50.0")]}, {"AccountId": ACCOUNT})
    _stub_converged_rest(stub, "p-total", {"Name": "p-total"})
    expected = _stored("p-one", "75.00")
    del expected["CalculatedSpend"], expected["LastUpdatedTime"]
    stub.add_response("update_budget", {}, {"AccountId": ACCOUNT, "NewBudget": expected})
    arn = _stub_converged_rest(stub, "p-one", {"Name": "p-one", "Stale": "yes"})
    stub.add_response("untag_resource", {}, {"ResourceARN": arn, "ResourceTagKeys": ["Stale"]})
    result = run(capsys, [budget("p-total", 300), budget("p-one", 75)])
    assert {n: b["changed"] for n, b in result["budgets"].items()} == {"p-total": False, "p-one": True}
    assert result["diff"]["before"]["p-one"]["limit"] == "50.00" and result["diff"]["after"]["p-one"]["limit"] == "75.00"
    assert result["diff"]["after"]["p-one"]["tags"] == {"Name": "p-one"}


def test_limit_change_in_check_mode_calls_no_update(capsys, stubbed):
    stub = stubbed("budgets")
    stub.add_response("describe_budgets", {"Budgets": [_stored("p-one", "50.0")]}, {"AccountId": ACCOUNT})
    _stub_converged_rest(stub, "p-one", {"Name": "p-one"})
    # No update_budget response is queued: a call would fail the Stubber.
    result = run(capsys, [budget("p-one", 75)], check=True)
    assert result["changed"] and result["diff"]["after"]["p-one"]["limit"] == "75.00"


@pytest.mark.parametrize(
    ("items", "needle"),
    [
        ([budget("p-a"), budget("p-a")], "budgets names must be unique (got ['p-a'] more than once)"),
        ([{"name": "p-a"}], "missing required arguments: limit_amount found in budgets"),
        ([budget("p-a", notifications=[{"notification_type": "ACTUAL", "threshold": 80, "subscribers": [{"type": "SMS", "address": "x"}]}])], "SMS"),
    ],
)
def test_bad_input_fails_before_any_call(capsys, budgets, api_calls, items, needle):
    result = run(capsys, items)
    assert result["failed"] is True
    assert needle in result["msg"]
    assert api_calls == []
