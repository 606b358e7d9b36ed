"""The budgets of aws_cost, as documents: total + per Component, both notification kinds, valid subscribers."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.cost_budgets import BudgetError, check_budgets, platform_budgets

TOPIC = "arn:aws:sns:eu-west-1:123456789012:p-local-alerts"


@pytest.fixture
def budgets():
    return platform_budgets(
        "p-local",
        100,
        components=[{"name": "edge", "amount": 10}, {"name": "audit", "amount": 5}],
        forecasted_thresholds=[100],
        actual_thresholds=[80, 100],
        emails=["finops@example.com"],
        sns_topic_arn=TOPIC,
    )


def test_total_and_one_budget_per_component(budgets):
    assert [b["name"] for b in budgets] == ["p-local-total", "p-local-audit", "p-local-edge"]
    assert budgets[0]["cost_filters"] == {}
    assert budgets[2]["cost_filters"] == {"TagKeyValue": ["user:Component$edge"]}
    assert budgets[2]["limit_amount"] == 10.0


def test_forecasted_and_actual_notifications_to_every_subscriber(budgets):
    for budget in budgets:
        kinds = sorted((n["notification_type"], n["threshold"]) for n in budget["notifications"])
        assert kinds == [("ACTUAL", 80.0), ("ACTUAL", 100.0), ("FORECASTED", 100.0)]
        for note in budget["notifications"]:
            assert {"type": "SNS", "address": TOPIC} in note["subscribers"]
            assert {"type": "EMAIL", "address": "finops@example.com"} in note["subscribers"]


def _broken(budgets, mutate):
    doc = copy.deepcopy(budgets)
    mutate(doc)
    return doc


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d[1]["notifications"].__setitem__(slice(None), [n for n in d[1]["notifications"] if n["notification_type"] == "ACTUAL"]), "FORECASTED"),
        (lambda d: d[1].update(cost_filters={"TagKeyValue": ["user:Team$edge"]}), "user:Component"),
        (lambda d: d[1].update(limit_amount=0), "positive"),
        (lambda d: d[0]["notifications"][0].update(subscribers=[]), "1 to 11"),
        (lambda d: d[0]["notifications"][0]["subscribers"].append({"type": "SNS", "address": TOPIC + "2"}), "one SNS"),
        (lambda d: d[0]["notifications"][0]["subscribers"].append({"type": "EMAIL", "address": "not-an-address"}), "bad EMAIL"),
        (lambda d: d[0]["notifications"][0].update(threshold=0), "outside"),
        (lambda d: d.append(copy.deepcopy(d[0])), "unique"),
    ],
)
def test_check_rejects_broken_budgets(budgets, mutate, message):
    with pytest.raises(BudgetError, match=message):
        check_budgets(_broken(budgets, mutate))


def test_builder_needs_a_subscriber():
    with pytest.raises(BudgetError, match="1 to 11"):
        platform_budgets("p", 100)
