#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: budgets_budgets
short_description: Manage a list of AWS Budgets cost budgets and their notifications in one run
version_added: 0.2.0
description:
  - Creates or converges every budget of O(budgets) in one module run, as M(mosaic.platform.budgets_budget) does
    for one (the limit, time unit and cost filters, the notifications (C(ACTUAL)/C(FORECASTED)) with their e-mail
    and SNS subscribers, and the tags).
  - The budgets are read with one paginated C(DescribeBudgets); a converged budget then costs
    C(DescribeNotificationsForBudget), C(DescribeSubscribersForNotification) per notification and
    C(ListTagsForResource), and no write. M(mosaic.platform.budgets_budget) in a loop costs a module run per budget.
  - Budgets are only created or updated; removing one is left to M(mosaic.platform.budgets_budget) with
    C(state=absent).
  - The emulator has no Budgets tagging or subscriber reads (a bare HTTP 500); there the module warns once, leaves
    them as they are, and skips that read for the remaining budgets.
  - In check mode nothing is written; a budget that does not exist yet is reported as created without any call.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  account_id:
    description: Account that owns the budgets. Defaults to the caller's account.
    type: str
  budgets:
    description: The budgets.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Budget name, unique in the account.
        type: str
        required: true
      budget_type:
        description: Budget type.
        type: str
        choices: [COST, USAGE]
        default: COST
      limit_amount:
        description: Budget limit.
        type: float
        required: true
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
      tags:
        description: The tags of the budget; unset leaves them alone.
        type: dict
  purge_tags:
    description: Remove the tags of a budget that its O(budgets[].tags) does not list.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Monthly budgets of the platform and of the edge component
  mosaic.platform.budgets_budgets:
    budgets:
      - name: legacyplatform-prod-total
        limit_amount: 3000
        notifications:
          - notification_type: ACTUAL
            threshold: 80
            subscribers:
              - {type: EMAIL, address: finops@example.com}
        tags: {Project: legacyplatform, Name: legacyplatform-prod-total}
      - name: legacyplatform-prod-edge
        limit_amount: 200
        cost_filters:
          TagKeyValue: ["user:Component$edge"]
        notifications:
          - notification_type: FORECASTED
            threshold: 100
            subscribers:
              - {type: SNS, address: "arn:aws:sns:eu-west-1:333333333333:legacyplatform-prod-alerts"}
"""

RETURN = r"""
budgets:
  description: Per budget name, the budget as requested (limit, time unit, cost filters) and what changed (or would).
  returned: always
  type: dict
  sample: {"p-edge": {"budget": {"type": "COST", "time_unit": "MONTHLY", "limit": "200.00", "unit": "USD", "cost_filters": {}}, "changed": true}}
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
)
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import fail_if_not_unique


@AWSRetry.jittered_backoff()
def describe_budgets(client, account):
    """Every budget of the account by name, in one paginated read."""
    pages = client.get_paginator("describe_budgets").paginate(AccountId=account).build_full_result()
    return {b["BudgetName"]: b for b in pages.get("Budgets", [])}


def main():
    budget_spec = {"name": {"type": "str", "required": True}, "limit_amount": {"type": "float", "required": True}, **BUDGET_SPEC, "tags": {"type": "dict"}}
    module = AnsibleAWSModule(
        argument_spec={
            "account_id": {"type": "str"},
            "budgets": {"type": "list", "elements": "dict", "required": True, "options": budget_spec},
            "purge_tags": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    specs = module.params["budgets"]
    names = [s["name"] for s in specs]
    fail_if_not_unique(module, "budgets names", names)

    # Budgets is a global service with one endpoint in us-east-1.
    client = module.client("budgets", retry_decorator=AWSRetry.jittered_backoff())
    try:
        account = module.params["account_id"] or module.client("sts").get_caller_identity()["Account"]
        existing = describe_budgets(client, account)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to list the budgets")

    unreadable = set()
    result, diff = {}, {"before": {}, "after": {}}
    for spec in specs:
        name = spec["name"]
        spec = dict(spec, purge_tags=module.params["purge_tags"])
        try:
            if name in existing:
                changed, one = converge_budget(module, client, account, spec, existing[name], unreadable)
            else:
                changed, one = True, create_budget(module, client, account, spec)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Failed to manage the budget {name}")
        result[name] = {"budget": comparable_budget(budget_document(spec)), "changed": changed}
        if changed:
            diff["before"][name], diff["after"][name] = one["before"], one["after"]
    module.exit_json(changed=any(r["changed"] for r in result.values()), budgets=result, diff=diff)


if __name__ == "__main__":
    main()
