# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: platform_budgets
short_description: Build the platform's AWS Budgets (total and per Component)
version_added: 0.1.0
description:
  - Builds the budgets the aws_cost role hands to M(mosaic.platform.budgets_budget) - one monthly total and one per
    Component tag (cost filter C(TagKeyValue) C(user:Component$<name>)), each with FORECASTED and ACTUAL notifications
    to the e-mail addresses and/or the alerts SNS topic - and checks them.
options:
  _input:
    description: Name prefix of the budgets.
    type: str
    required: true
  total_amount:
    description: Monthly limit of the total budget.
    type: float
    required: true
  components:
    description: List of C({name, amount}) per Component tag value.
    type: list
    elements: dict
  forecasted_thresholds:
    description: Percentages of the limit for FORECASTED notifications.
    type: list
    elements: float
  actual_thresholds:
    description: Percentages of the limit for ACTUAL notifications.
    type: list
    elements: float
  emails:
    description: E-mail subscribers.
    type: list
    elements: str
  sns_topic_arn:
    description: SNS topic subscriber.
    type: str
  currency:
    description: Currency of the limits.
    type: str
    default: USD
"""

EXAMPLES = r"""
- name: Render the budgets
  ansible.builtin.set_fact:
    __budgets: "{{ 'legacyplatform-prod' | mosaic.platform.platform_budgets(total_amount=1000, components=[{'name': 'edge', 'amount': 100}],
                   emails=['finops@example.com']) }}"
"""

RETURN = r"""
_value:
  description: Budgets as options of M(mosaic.platform.budgets_budget).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.cost_budgets import BudgetError, platform_budgets


def _platform_budgets(
    prefix, total_amount, components=None, forecasted_thresholds=None, actual_thresholds=None, emails=None, sns_topic_arn=None, currency="USD"
):
    try:
        return platform_budgets(
            str(prefix),
            total_amount,
            components=components,
            forecasted_thresholds=forecasted_thresholds,
            actual_thresholds=actual_thresholds,
            emails=emails,
            sns_topic_arn=sns_topic_arn or None,
            currency=currency,
        )
    except (BudgetError, KeyError, TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"platform_budgets: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"platform_budgets": _platform_budgets}
