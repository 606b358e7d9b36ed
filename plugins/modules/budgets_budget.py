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

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mosaic.platform.plugins.module_utils.budgets_converge import (
    BUDGET_SPEC,
    budget_document,
    comparable_budget,
    converge_budget,
    create_budget,
    get_budget,
)


def main():
    argument_spec = {
        "name": {"type": "str", "required": True},
        "account_id": {"type": "str"},
        "limit_amount": {"type": "float"},
        **BUDGET_SPEC,
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

        notifications = [dict(n) for n in params["notifications"]]
        if current is None:
            diff = create_budget(module, client, account, params)
            module.exit_json(changed=True, budget=diff["after"], notifications=notifications, diff=diff)
        changed, diff = converge_budget(module, client, account, params, current)
        module.exit_json(changed=changed, budget=comparable_budget(budget_document(params)), notifications=notifications, diff=diff)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the budget {name}")


if __name__ == "__main__":
    main()
