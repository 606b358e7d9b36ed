# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: cost_report_metrics
short_description: The CloudWatch data points of a cost report
version_added: 0.1.0
description:
  - Turns the result of P(mosaic.platform.cost_by_component#filter) into the C(metrics) of
    M(mosaic.platform.cloudwatch_metric_data) - C(ComponentCost) for each component, untagged cost included
    (dimensions C(Component) and C(Env)), and C(AttributionCoverage) in percent (dimension C(Env)).
options:
  _input:
    description: The cost report (keys C(components) and C(coverage_percent)).
    type: dict
    required: true
  env:
    description: The environment, the C(Env) dimension of every data point.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Publish the cost report
  mosaic.platform.cloudwatch_metric_data:
    namespace: Mosaic/Audits
    metrics: "{{ __report | mosaic.platform.cost_report_metrics(env='prod') }}"
"""

RETURN = r"""
_value:
  description: A list of C(name), C(value), C(unit) and C(dimensions).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.cost_report import cost_report_metrics


def _cost_report_metrics(report, env):
    try:
        return cost_report_metrics(dict(report), str(env))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise AnsibleFilterError(f"cost_report_metrics: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"cost_report_metrics": _cost_report_metrics}
