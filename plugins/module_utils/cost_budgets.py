# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The budgets of the aws_cost role: a total budget and one per Component tag.

Built here, so the tests check the same documents the role hands to the budgets_budget module.
"""

from __future__ import annotations

import re

from ansible_collections.mosaic.platform.plugins.module_utils.arn_patterns import arn_regex

_COMPONENT = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SNS_ARN = arn_regex("sns_topic")


class BudgetError(ValueError):
    """A budget set breaks the cost baseline."""


def subscribers(emails: list[str] | None, sns_topic_arn: str | None) -> list[dict]:
    subs = [{"type": "EMAIL", "address": e} for e in sorted(set(emails or []))]
    if sns_topic_arn:
        subs.append({"type": "SNS", "address": sns_topic_arn})
    return subs


def notifications(forecasted: list[float], actual: list[float], subs: list[dict]) -> list[dict]:
    return [
        {"notification_type": kind, "comparison_operator": "GREATER_THAN", "threshold": float(t), "threshold_type": "PERCENTAGE", "subscribers": subs}
        for kind, thresholds in (("FORECASTED", forecasted), ("ACTUAL", actual))
        for t in sorted(set(thresholds))
    ]


def platform_budgets(
    prefix: str,
    total_amount: float,
    components: list[dict] | None = None,
    forecasted_thresholds: list[float] | None = None,
    actual_thresholds: list[float] | None = None,
    emails: list[str] | None = None,
    sns_topic_arn: str | None = None,
    currency: str = "USD",
) -> list[dict]:
    """One monthly total budget plus one per component (cost filter TagKeyValue user:Component$<name>)."""
    subs = subscribers(emails, sns_topic_arn)
    notes = notifications(forecasted_thresholds or [100], actual_thresholds or [80, 100], subs)
    budgets = [{"name": f"{prefix}-total", "limit_amount": float(total_amount), "limit_unit": currency, "cost_filters": {}, "notifications": notes}]
    for component in sorted(components or [], key=lambda c: c["name"]):
        budgets.append(
            {
                "name": f"{prefix}-{component['name']}",
                "limit_amount": float(component["amount"]),
                "limit_unit": currency,
                "cost_filters": {"TagKeyValue": [f"user:Component${component['name']}"]},
                "notifications": notes,
            }
        )
    check_budgets(budgets)
    return budgets


def check_budgets(budgets: list[dict]) -> list[dict]:
    names = [b["name"] for b in budgets]
    if len(set(names)) != len(names):
        raise BudgetError(f"budget names must be unique: {names}")
    for budget in budgets:
        name = budget["name"]
        if float(budget["limit_amount"]) <= 0:
            raise BudgetError(f"budget {name}: limit_amount must be positive")
        for value in (budget.get("cost_filters") or {}).get("TagKeyValue", []):
            key, _sep, component = value.partition("$")
            if key != "user:Component" or not _COMPONENT.match(component):
                raise BudgetError(f"budget {name}: TagKeyValue must be user:Component$<component>, got {value!r}")
        kinds = {n["notification_type"] for n in budget["notifications"]}
        if kinds != {"ACTUAL", "FORECASTED"}:
            raise BudgetError(f"budget {name}: needs both ACTUAL and FORECASTED notifications, has {sorted(kinds)}")
        for note in budget["notifications"]:
            subs = note["subscribers"]
            if not 1 <= len(subs) <= 11:
                raise BudgetError(f"budget {name}: a notification needs 1 to 11 subscribers, has {len(subs)}")
            if sum(1 for s in subs if s["type"] == "SNS") > 1:
                raise BudgetError(f"budget {name}: at most one SNS subscriber per notification")
            for sub in subs:
                pattern = _EMAIL if sub["type"] == "EMAIL" else _SNS_ARN
                if not pattern.match(sub["address"]):
                    raise BudgetError(f"budget {name}: bad {sub['type']} subscriber {sub['address']!r}")
            if note["threshold_type"] == "PERCENTAGE" and not 0 < float(note["threshold"]) <= 1000:
                raise BudgetError(f"budget {name}: percentage threshold {note['threshold']} outside (0, 1000]")
    return budgets
