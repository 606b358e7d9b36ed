# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compare and converge one AWS budget: shared by budgets_budget (one budget) and budgets_budgets (a list).

A ``spec`` is one budget as the modules take it (name, budget_type, limit_amount, limit_unit, time_unit,
cost_filters, notifications, tags, purge_tags). ``unreadable`` is a set the caller keeps for one run: once the
emulator answers a bare HTTP 500 to a kind of read (``subscribers``, ``tags``), the next budgets skip that read.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list, boto3_tag_list_to_ansible_dict
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_tags

# The options of one notification, shared by both modules' argument specs.
SUBSCRIBER_SPEC = {"type": {"type": "str", "choices": ["EMAIL", "SNS"], "required": True}, "address": {"type": "str", "required": True}}
NOTIFICATION_SPEC = {
    "notification_type": {"type": "str", "choices": ["ACTUAL", "FORECASTED"], "required": True},
    "comparison_operator": {"type": "str", "choices": ["GREATER_THAN", "LESS_THAN", "EQUAL_TO"], "default": "GREATER_THAN"},
    "threshold": {"type": "float", "required": True},
    "threshold_type": {"type": "str", "choices": ["PERCENTAGE", "ABSOLUTE_VALUE"], "default": "PERCENTAGE"},
    "subscribers": {"type": "list", "elements": "dict", "required": True, "options": SUBSCRIBER_SPEC},
}
BUDGET_SPEC = {
    "budget_type": {"type": "str", "choices": ["COST", "USAGE"], "default": "COST"},
    "limit_unit": {"type": "str", "default": "USD"},
    "time_unit": {"type": "str", "choices": ["DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY"], "default": "MONTHLY"},
    "cost_filters": {"type": "dict", "default": {}},
    "notifications": {"type": "list", "elements": "dict", "default": [], "options": NOTIFICATION_SPEC},
}


def amount(value):
    # Budgets keeps amounts as strings; "100", "100.0" and "100.00" are the same limit.
    return f"{float(value):.2f}"


def budget_document(spec):
    budget = {
        "BudgetName": spec["name"],
        "BudgetType": spec["budget_type"],
        "TimeUnit": spec["time_unit"],
        "BudgetLimit": {"Amount": amount(spec["limit_amount"]), "Unit": spec["limit_unit"]},
    }
    if spec["cost_filters"]:
        budget["CostFilters"] = {k: sorted(v if isinstance(v, list) else [v]) for k, v in spec["cost_filters"].items()}
    return budget


def comparable_budget(budget):
    return {
        "type": budget.get("BudgetType"),
        "time_unit": budget.get("TimeUnit"),
        "limit": amount(budget.get("BudgetLimit", {}).get("Amount", 0)),
        "unit": budget.get("BudgetLimit", {}).get("Unit"),
        "cost_filters": {k: sorted(v) for k, v in (budget.get("CostFilters") or {}).items()},
    }


def notification_key(notification):
    return (
        notification["NotificationType"],
        notification["ComparisonOperator"],
        float(notification["Threshold"]),
        notification.get("ThresholdType", "PERCENTAGE"),
    )


def wanted_notifications(spec):
    wanted = {}
    for item in spec["notifications"]:
        notification = {
            "NotificationType": item["notification_type"],
            "ComparisonOperator": item["comparison_operator"],
            "Threshold": float(item["threshold"]),
            "ThresholdType": item["threshold_type"],
        }
        subscribers = sorted({(s["type"], s["address"]) for s in item["subscribers"]})
        wanted[notification_key(notification)] = (notification, [{"SubscriptionType": t, "Address": a} for t, a in subscribers])
    return wanted


def _emulator_gap(module, unreadable, kind, what):
    # Only an emulator answers a bare HTTP 500 without an AWS error code (moto lacks the call): the value cannot
    # be read there, so it is left as it is.
    module.warn(f"cannot read {what}; left unchanged")
    if unreadable is not None:
        unreadable.add(kind)


def current_subscribers(module, client, account, name, notification, unreadable=None):
    if unreadable is not None and "subscribers" in unreadable:
        return None
    try:
        found = client.describe_subscribers_for_notification(aws_retry=True, AccountId=account, BudgetName=name, Notification=notification)["Subscribers"]
    except is_boto3_error_code("500"):
        _emulator_gap(module, unreadable, "subscribers", f"the subscribers of a notification of {name}")
        return None
    return sorted(({"SubscriptionType": s["SubscriptionType"], "Address": s["Address"]} for s in found), key=lambda s: (s["SubscriptionType"], s["Address"]))


def reconcile_notifications(module, client, account, spec, unreadable=None):
    """Create, delete and re-subscribe the notifications of an existing budget; return the list of changes."""
    name = spec["name"]
    existing = client.describe_notifications_for_budget(aws_retry=True, AccountId=account, BudgetName=name).get("Notifications", [])
    existing = {notification_key(n): n for n in existing}
    wanted = wanted_notifications(spec)
    changes = []
    for key, (notification, subscribers) in wanted.items():
        if key not in existing:
            changes.append(f"create notification {key}")
            if not module.check_mode:
                client.create_notification(aws_retry=True, AccountId=account, BudgetName=name, Notification=notification, Subscribers=subscribers)
            continue
        current = current_subscribers(module, client, account, name, existing[key], unreadable)
        if current is None or current == subscribers:
            continue
        for sub in [s for s in subscribers if s not in current]:
            changes.append(f"subscribe {sub['Address']} to {key}")
            if not module.check_mode:
                client.create_subscriber(aws_retry=True, AccountId=account, BudgetName=name, Notification=existing[key], Subscriber=sub)
        for sub in [s for s in current if s not in subscribers]:
            changes.append(f"unsubscribe {sub['Address']} from {key}")
            if not module.check_mode:
                client.delete_subscriber(aws_retry=True, AccountId=account, BudgetName=name, Notification=existing[key], Subscriber=sub)
    for key, notification in existing.items():
        if key not in wanted:
            changes.append(f"delete notification {key}")
            if not module.check_mode:
                client.delete_notification(aws_retry=True, AccountId=account, BudgetName=name, Notification=notification)
    return changes


def budget_arn(client, account, name):
    return f"arn:{client.meta.partition}:budgets::{account}:budget/{name}"


def reconcile_budget_tags(module, client, account, spec, unreadable=None):
    """Return the tag change as {before, after}, or None when nothing changes."""
    if spec["tags"] is None or (unreadable is not None and "tags" in unreadable):
        return None
    name = spec["name"]
    arn = budget_arn(client, account, name)
    try:
        current = boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, ResourceARN=arn).get("ResourceTags", []))
    except is_boto3_error_code("500"):
        # As for subscribers: moto lacks Budgets tagging.
        _emulator_gap(module, unreadable, "tags", f"the tags of the budget {name}")
        return None
    changed, after = reconcile_tags(
        current,
        spec["tags"],
        spec["purge_tags"],
        module.check_mode,
        tag=lambda tags: client.tag_resource(aws_retry=True, ResourceARN=arn, ResourceTags=ansible_dict_to_boto3_tag_list(tags)),
        untag=lambda keys: client.untag_resource(aws_retry=True, ResourceARN=arn, ResourceTagKeys=keys),
    )
    return {"before": current, "after": after} if changed else None


def get_budget(client, account, name):
    try:
        return client.describe_budget(aws_retry=True, AccountId=account, BudgetName=name)["Budget"]
    except is_boto3_error_code("NotFoundException"):
        return None


def create_budget(module, client, account, spec):
    """Create the budget with its notifications and tags in one call (none in check mode); return its diff."""
    wanted = budget_document(spec)
    if not module.check_mode:
        request = {
            "AccountId": account,
            "Budget": wanted,
            "NotificationsWithSubscribers": [{"Notification": n, "Subscribers": s} for n, s in wanted_notifications(spec).values()],
        }
        if spec["tags"]:
            request["ResourceTags"] = ansible_dict_to_boto3_tag_list(spec["tags"])
        client.create_budget(aws_retry=True, **request)
    return {"before": {}, "after": comparable_budget(wanted)}


def converge_budget(module, client, account, spec, current, unreadable=None):
    """Bring an existing budget, its notifications and tags to ``spec``; return (changed, diff)."""
    wanted = budget_document(spec)
    before, after = comparable_budget(current), comparable_budget(wanted)
    changed = before != after
    if changed and not module.check_mode:
        # UpdateBudget replaces the whole budget; keep what AWS computes (TimePeriod, CostTypes, spend).
        new_budget = dict(current, **wanted)
        new_budget.pop("CalculatedSpend", None)
        new_budget.pop("LastUpdatedTime", None)
        if "CostFilters" not in wanted:
            new_budget.pop("CostFilters", None)
        client.update_budget(aws_retry=True, AccountId=account, NewBudget=new_budget)
    changes = reconcile_notifications(module, client, account, spec, unreadable)
    tags = reconcile_budget_tags(module, client, account, spec, unreadable)
    diff = {"before": dict(before), "after": dict(after)}
    if changes:
        diff["after"]["notification_changes"] = changes
    if tags:
        diff["before"]["tags"], diff["after"]["tags"] = tags["before"], tags["after"]
    return changed or bool(changes) or bool(tags), diff
