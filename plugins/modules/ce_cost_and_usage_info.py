#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ce_cost_and_usage_info
short_description: Read one month's cost from Cost Explorer, grouped by a cost allocation tag
version_added: 0.1.0
description:
  - Calls C(GetCostAndUsage) for one calendar month (C(MONTHLY) granularity) grouped by a user-defined cost allocation
    tag, following every page, and returns the results as the API gives them.
  - No amazon.aws or community.aws module reads Cost Explorer.
  - The tag must be active as a cost allocation tag (M(mosaic.platform.ce_cost_allocation_tags)); cost of resources
    without it comes back under the group key C(<tag>$) (empty value).
  - Cost Explorer has one endpoint, in C(us-east-1). Each call is billed by AWS (USD 0.01 a request).
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  month:
    description: Month C(YYYY-MM); default the month before the current one (UTC).
    type: str
  group_by_tag:
    description: Tag key to group by.
    type: str
    default: Component
  metric:
    description: Cost metric.
    type: str
    choices: [UnblendedCost, AmortizedCost, BlendedCost, NetUnblendedCost, NetAmortizedCost]
    default: UnblendedCost
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read last month's cost by Component
  mosaic.platform.ce_cost_and_usage_info:
    region: us-east-1
  register: __cost
"""

RETURN = r"""
time_period:
  description: The period read; C(End) is exclusive.
  returned: success
  type: dict
  sample: {Start: "2026-10-01", End: "2026-11-01"}
results_by_time:
  description: The API's C(ResultsByTime) of every page, as returned (C(Groups) with C(Keys) and C(Metrics)).
  returned: success
  type: list
  elements: dict
"""

import contextlib
import datetime

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mosaic.platform.plugins.module_utils.cost_report import month_period


def read_costs(client, period: dict, tag: str, metric: str) -> list[dict]:
    kwargs = {"TimePeriod": period, "Granularity": "MONTHLY", "Metrics": [metric], "GroupBy": [{"Type": "TAG", "Key": tag}]}
    results: list[dict] = []
    while True:
        page = client.get_cost_and_usage(aws_retry=True, **kwargs)
        results += page.get("ResultsByTime") or []
        if not page.get("NextPageToken"):
            return results
        kwargs["NextPageToken"] = page["NextPageToken"]


def main():
    argument_spec = {
        "month": {"type": "str"},
        "group_by_tag": {"type": "str", "default": "Component"},
        "metric": {
            "type": "str",
            "default": "UnblendedCost",
            "choices": ["UnblendedCost", "AmortizedCost", "BlendedCost", "NetUnblendedCost", "NetAmortizedCost"],
        },
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    month = module.params["month"]
    try:
        period = month_period(month)
    except ValueError:
        module.fail_json(msg=f"month must be YYYY-MM (got '{month}')")
    if period["End"] > datetime.datetime.now(datetime.UTC).date().replace(day=1).isoformat() and month:
        module.warn(f"month {month} is not over yet: its cost is partial")
    client = module.client("ce", retry_decorator=AWSRetry.jittered_backoff())
    try:
        results = read_costs(client, period, module.params["group_by_tag"], module.params["metric"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to read the cost of {period['Start'][:7]} by {module.params['group_by_tag']}")
    module.exit_json(changed=False, time_period=period, results_by_time=results)


if __name__ == "__main__":
    main()
