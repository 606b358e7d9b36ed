#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: budgets_budget
short_description: Manage an AWS Budgets cost budget and its notifications
version_added: 0.1.0
description:
  - Creates, updates or deletes a budget (limit, time unit, cost filters) and reconciles its notifications
    (C(ACTUAL)/C(FORECASTED) at percentage or absolute thresholds) with their e-mail and SNS subscribers.
  - Tags are set when the budget is created (C(ResourceTags)) and reconciled afterwards with O(purge_tags).
    The emulator has no Budgets tagging calls; there the tags are set at creation only, with a warning.
  - No amazon.aws or community.aws module manages AWS Budgets.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  name:
    description: Budget name, unique in the account.
    type: str
    required: true
  account_id:
    description: Account that owns the budget. Defaults to the caller's account.
    type: str
  budget_type:
    description: Budget type.
    type: str
    choices: [COST, USAGE]
    default: COST
  limit_amount:
    description: Budget limit. Required when O(state=present).
    type: float
  limit_unit:
    description: Currency (or usage unit) of the limit.
    type: str
    default: USD
  time_unit:
    description: Budget period.
    type: str
    choices: [DAILY, MONTHLY, QUARTERLY, ANNUALLY]
    default: MONTHLY
  cost_filters:
    description: 'Cost filters, for example C({"TagKeyValue": ["user:Component$edge"]}).'
    type: dict
    default: {}
  notifications:
    description: Notifications of the budget; those not listed are deleted.
    type: list
    elements: dict
    default: []
    suboptions:
      notification_type:
        description: Actual or forecasted spend.
        type: str
        choices: [ACTUAL, FORECASTED]
        required: true
      comparison_operator:
        description: Comparison with the threshold.
        type: str
        choices: [GREATER_THAN, LESS_THAN, EQUAL_TO]
        default: GREATER_THAN
      threshold:
        description: Threshold value.
        type: float
        required: true
      threshold_type:
        description: Whether the threshold is a percentage of the limit or an absolute value.
        type: str
        choices: [PERCENTAGE, ABSOLUTE_VALUE]
        default: PERCENTAGE
      subscribers:
        description: Who is notified (1 to 11; at most one SNS topic).
        type: list
        elements: dict
        required: true
        suboptions:
          type:
            description: Subscriber type.
            type: str
            choices: [EMAIL, SNS]
            required: true
          address:
            description: E-mail address or SNS topic ARN.
            type: str
            required: true
  state:
    description: Whether the budget should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Monthly budget of the edge component
  mosaic.platform.budgets_budget:
    name: legacyplatform-prod-edge
    limit_amount: 200
    cost_filters:
      TagKeyValue: ["user:Component$edge"]
    notifications:
      - notification_type: FORECASTED
        threshold: 100
        subscribers:
          - {type: SNS, address: "arn:aws:sns:eu-west-1:333333333333:legacyplatform-prod-alerts"}
      - notification_type: ACTUAL
        threshold: 80
        subscribers:
          - {type: EMAIL, address: finops@example.com}
"""

RETURN = r"""
budget:
  description: The budget name, limit, time unit and cost filters.
  returned: when state is present
  type: dict
notifications:
  description: The notifications as requested (snake_case).
  returned: when state is present
  type: list
  elements: dict
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list, boto3_tag_list_to_ansible_dict
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_tags


def amount(value):
    # Budgets keeps amounts as strings; "100", "100.0" and "100.00" are the same limit.
    return f"{float(value):.2f}"


def budget_document(params):
    budget = {
        "BudgetName": params["name"],
        "BudgetType": params["budget_type"],
        "TimeUnit": params["time_unit"],
        "BudgetLimit": {"Amount": amount(params["limit_amount"]), "Unit": params["limit_unit"]},
    }
    if params["cost_filters"]:
        budget["CostFilters"] = {k: sorted(v if isinstance(v, list) else [v]) for k, v in params["cost_filters"].items()}
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


def wanted_notifications(params):
    wanted = {}
    for item in params["notifications"]:
        notification = {
            "NotificationType": item["notification_type"],
            "ComparisonOperator": item["comparison_operator"],
            "Threshold": float(item["threshold"]),
            "ThresholdType": item["threshold_type"],
        }
        subscribers = sorted({(s["type"], s["address"]) for s in item["subscribers"]})
        wanted[notification_key(notification)] = (notification, [{"SubscriptionType": t, "Address": a} for t, a in subscribers])
    return wanted


def current_subscribers(client, account, name, notification, module):
    try:
        found = client.describe_subscribers_for_notification(aws_retry=True, AccountId=account, BudgetName=name, Notification=notification)["Subscribers"]
    except is_boto3_error_code("500"):
        # Only an emulator answers a bare HTTP 500 without an AWS error code (moto lacks this call):
        # the subscribers cannot be read there, so they are left as they are.
        module.warn(f"cannot read the subscribers of a notification of {name}; left unchanged")
        return None
    return sorted(({"SubscriptionType": s["SubscriptionType"], "Address": s["Address"]} for s in found), key=lambda s: (s["SubscriptionType"], s["Address"]))


def reconcile_notifications(module, client, account, name):
    """Create, delete and re-subscribe notifications; return the list of changes."""
    existing = client.describe_notifications_for_budget(aws_retry=True, AccountId=account, BudgetName=name).get("Notifications", [])
    existing = {notification_key(n): n for n in existing}
    wanted = wanted_notifications(module.params)
    changes = []
    for key, (notification, subscribers) in wanted.items():
        if key not in existing:
            changes.append(f"create notification {key}")
            if not module.check_mode:
                client.create_notification(aws_retry=True, AccountId=account, BudgetName=name, Notification=notification, Subscribers=subscribers)
            continue
        current = current_subscribers(client, account, name, existing[key], module)
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


def reconcile_budget_tags(module, client, account, name):
    """Return the tag change as {before, after}, or None when nothing changes."""
    if module.params["tags"] is None:
        return None
    arn = budget_arn(client, account, name)
    try:
        current = boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, ResourceARN=arn).get("ResourceTags", []))
    except is_boto3_error_code("500"):
        # As for subscribers: only an emulator answers a bare HTTP 500 (moto lacks Budgets tagging).
        module.warn(f"cannot read the tags of the budget {name}; left unchanged")
        return None
    changed, after = reconcile_tags(
        current,
        module.params["tags"],
        module.params["purge_tags"],
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


def main():
    subscriber = {"type": {"type": "str", "choices": ["EMAIL", "SNS"], "required": True}, "address": {"type": "str", "required": True}}
    notification = {
        "notification_type": {"type": "str", "choices": ["ACTUAL", "FORECASTED"], "required": True},
        "comparison_operator": {"type": "str", "choices": ["GREATER_THAN", "LESS_THAN", "EQUAL_TO"], "default": "GREATER_THAN"},
        "threshold": {"type": "float", "required": True},
        "threshold_type": {"type": "str", "choices": ["PERCENTAGE", "ABSOLUTE_VALUE"], "default": "PERCENTAGE"},
        "subscribers": {"type": "list", "elements": "dict", "required": True, "options": subscriber},
    }
    argument_spec = {
        "name": {"type": "str", "required": True},
        "account_id": {"type": "str"},
        "budget_type": {"type": "str", "choices": ["COST", "USAGE"], "default": "COST"},
        "limit_amount": {"type": "float"},
        "limit_unit": {"type": "str", "default": "USD"},
        "time_unit": {"type": "str", "choices": ["DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY"], "default": "MONTHLY"},
        "cost_filters": {"type": "dict", "default": {}},
        "notifications": {"type": "list", "elements": "dict", "default": [], "options": notification},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True, required_if=[("state", "present", ["limit_amount"])])
    # Budgets is a global service with one endpoint in us-east-1.
    client = module.client("budgets", retry_decorator=AWSRetry.jittered_backoff())
    params = module.params
    name = params["name"]

    try:
        account = params["account_id"] or module.client("sts").get_caller_identity()["Account"]
        current = get_budget(client, account, name)
        if params["state"] == "absent":
            if current and not module.check_mode:
                client.delete_budget(aws_retry=True, AccountId=account, BudgetName=name)
            module.exit_json(changed=bool(current))

        wanted = budget_document(params)
        notifications = [dict(n) for n in params["notifications"]]
        if current is None:
            if not module.check_mode:
                request = {
                    "AccountId": account,
                    "Budget": wanted,
                    "NotificationsWithSubscribers": [{"Notification": n, "Subscribers": s} for n, s in wanted_notifications(params).values()],
                }
                if params["tags"]:
                    request["ResourceTags"] = ansible_dict_to_boto3_tag_list(params["tags"])
                client.create_budget(aws_retry=True, **request)
            module.exit_json(
                changed=True, budget=comparable_budget(wanted), notifications=notifications, diff={"before": {}, "after": comparable_budget(wanted)}
            )

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
        changes = reconcile_notifications(module, client, account, name)
        tags = reconcile_budget_tags(module, client, account, name)
        diff = {"before": dict(before), "after": dict(after)}
        if changes:
            diff["after"]["notification_changes"] = changes
        if tags:
            diff["before"]["tags"], diff["after"]["tags"] = tags["before"], tags["after"]
        module.exit_json(changed=changed or bool(changes) or bool(tags), budget=after, notifications=notifications, diff=diff)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the budget {name}")


if __name__ == "__main__":
    main()
