#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cloudwatch_metric_data
short_description: Publish data points of a custom CloudWatch metric
version_added: 0.1.0
description:
  - Sends data points with C(PutMetricData), for example one C(AuditRuns) point per audit run, so that a run
    leaves a CloudWatch record an alarm or a dashboard can read.
  - No amazon.aws or community.aws module publishes metric data.
  - Every run that is not in check mode publishes and reports a change; in check mode nothing is sent.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  namespace:
    description: Metric namespace (not starting with C(AWS/)).
    type: str
    required: true
  metrics:
    description: The data points.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Metric name.
        type: str
        required: true
      value:
        description: The value.
        type: float
        required: true
      unit:
        description: Unit of the value.
        type: str
        default: Count
      dimensions:
        description: Dimension names to values.
        type: dict
        default: {}
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Record an audit run and its findings
  mosaic.platform.cloudwatch_metric_data:
    namespace: Mosaic/Audits
    metrics:
      - {name: AuditRuns, value: 1, dimensions: {Audit: iam-review, Env: prod}}
      - {name: AuditFindings, value: 3, dimensions: {Audit: iam-review, Env: prod}}
"""

RETURN = r"""
metric_data:
  description: The data points sent (or that would be sent, in check mode), in the API's form.
  returned: success
  type: list
  elements: dict
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# PutMetricData takes at most 1000 data points a call; an audit sends a handful.
BATCH = 1000


def metric_data(metrics: list[dict]) -> list[dict]:
    return [
        {
            "MetricName": m["name"],
            "Value": float(m["value"]),
            "Unit": m["unit"],
            "Dimensions": [{"Name": k, "Value": str(v)} for k, v in sorted((m.get("dimensions") or {}).items())],
        }
        for m in metrics
    ]


def main():
    argument_spec = {
        "namespace": {"type": "str", "required": True},
        "metrics": {
            "type": "list",
            "elements": "dict",
            "required": True,
            "options": {
                "name": {"type": "str", "required": True},
                "value": {"type": "float", "required": True},
                "unit": {"type": "str", "default": "Count"},
                "dimensions": {"type": "dict", "default": {}},
            },
        },
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    namespace = module.params["namespace"]
    if namespace.startswith("AWS/"):
        module.fail_json(msg=f"namespace must not start with AWS/ (got '{namespace}')")
    data = metric_data(module.params["metrics"])
    if module.check_mode:
        module.exit_json(changed=True, metric_data=data)
    client = module.client("cloudwatch", retry_decorator=AWSRetry.jittered_backoff())
    try:
        for start in range(0, len(data), BATCH):
            client.put_metric_data(aws_retry=True, Namespace=namespace, MetricData=data[start : start + BATCH])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to publish metric data to {namespace}")
    module.exit_json(changed=True, metric_data=data)


if __name__ == "__main__":
    main()
