# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: cost_by_component
short_description: A month's cost by Component and its attribution coverage
version_added: 0.1.0
description:
  - Sums the C(ResultsByTime) of M(mosaic.platform.ce_cost_and_usage_info) grouped by a tag into each tag value's cost
    and share, and the attribution coverage - the tagged cost over the total, in percent, rounded down to one decimal.
  - Cost without the tag (group key C(<tag>$)) is reported as C((untagged)).
options:
  _input:
    description: The C(ResultsByTime) list.
    type: list
    elements: dict
    required: true
  metric:
    description: The metric to sum.
    type: str
    default: UnblendedCost
  tag_key:
    description: The tag the results are grouped by.
    type: str
    default: Component
"""

EXAMPLES = r"""
- name: Compute the cost report
  ansible.builtin.set_fact:
    __report: "{{ __cost.results_by_time | mosaic.platform.cost_by_component }}"
"""

RETURN = r"""
_value:
  description: >-
    Keys C(metric), C(tag_key), C(unit), C(total), C(tagged), C(untagged), C(coverage_percent) and C(components)
    (a list of C(component), C(cost), C(percent), most expensive first).
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.cost_report import cost_by_component


def _cost_by_component(results_by_time, metric="UnblendedCost", tag_key="Component"):
    try:
        return cost_by_component(list(results_by_time), metric, tag_key)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise AnsibleFilterError(f"cost_by_component: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"cost_by_component": _cost_by_component}
