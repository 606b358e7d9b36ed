#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cloudwatch_metric_alarms
short_description: Manage a list of CloudWatch metric alarms and their tags in one run
version_added: 0.2.0
description:
  - Creates or converges every alarm of O(alarms) in one module run, with its metric, statistic, threshold, periods,
    missing-data treatment and actions, and its tags.
  - The alarms are read with one C(DescribeAlarms) call per 100 names; an alarm whose settings differ is put again
    (C(PutMetricAlarm) replaces the whole alarm). C(PutMetricAlarm) takes tags only when it creates an alarm, so the
    tags of an existing alarm are read and reconciled with C(TagResource) and C(UntagResource).
  - The tags of the existing alarms come from the tagging API (see the notes; the alarm's own read is
    C(ListTagsForResource)).
  - M(amazon.aws.cloudwatch_metric_alarm) in a loop costs one module run per alarm and has no tags option.
  - Alarms are only created or updated; removing one is left to M(amazon.aws.cloudwatch_metric_alarm) with
    C(state=absent).
  - In check mode nothing is written; an alarm that does not exist yet is reported as created, with no call.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  alarms:
    description: The alarms.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Alarm name.
        type: str
        required: true
      description:
        description: Alarm description.
        type: str
        default: ""
      namespace:
        description: Metric namespace (C(AWS/SQS), ...).
        type: str
        required: true
      metric_name:
        description: Metric name.
        type: str
        required: true
      dimensions:
        description: Metric dimensions, name to value.
        type: dict
        default: {}
      statistic:
        description: Statistic of the metric.
        type: str
        required: true
        choices: [SampleCount, Average, Sum, Minimum, Maximum]
      comparison:
        description: How the statistic compares with O(alarms[].threshold).
        type: str
        required: true
        choices: [GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold]
      threshold:
        description: Threshold.
        type: float
        required: true
      period:
        description: Period in seconds.
        type: int
        required: true
      evaluation_periods:
        description: Periods evaluated.
        type: int
        required: true
      treat_missing_data:
        description: How missing data points count.
        type: str
        default: missing
        choices: [breaching, notBreaching, ignore, missing]
      alarm_actions:
        description: ARNs notified when the alarm fires.
        type: list
        elements: str
        default: []
      ok_actions:
        description: ARNs notified when the alarm returns to OK.
        type: list
        elements: str
        default: []
      insufficient_data_actions:
        description: ARNs notified on insufficient data.
        type: list
        elements: str
        default: []
      tags:
        description: Tags of the alarm.
        type: dict
        default: {}
  purge_tags:
    description: Remove tags of the alarms that O(alarms[].tags) does not list.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - mosaic.platform.tag_listing
"""

EXAMPLES = r"""
- name: Alarm on messages in the dead-letter queues
  mosaic.platform.cloudwatch_metric_alarms:
    alarms:
      - name: p-jobs-dlq-depth
        namespace: AWS/SQS
        metric_name: ApproximateNumberOfMessagesVisible
        dimensions: {QueueName: p-jobs-dlq}
        statistic: Maximum
        comparison: GreaterThanThreshold
        threshold: 0
        period: 60
        evaluation_periods: 1
        treat_missing_data: notBreaching
        alarm_actions: [arn:aws:sns:eu-west-1:123456789012:p-alerts]
        tags: {Component: messaging, Name: p-jobs-dlq-depth}
"""

RETURN = r"""
alarms:
  description: Per alarm name, its ARN (built in check mode before it exists) and what changed (or would).
  returned: always
  type: dict
  sample: {"p-jobs-dlq-depth": {"arn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:p-jobs-dlq-depth", "changed": ["created"]}}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list, boto3_tag_list_to_ansible_dict
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, arn_prefix, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import listed_tags, reconcile_tags, tags_match

# DescribeAlarms takes at most 100 names.
BATCH = 100


def alarm_request(spec):
    """The PutMetricAlarm parameters of one alarm spec, without its tags."""
    return {
        "AlarmName": spec["name"],
        "AlarmDescription": spec["description"],
        "Namespace": spec["namespace"],
        "MetricName": spec["metric_name"],
        "Dimensions": [{"Name": k, "Value": str(v)} for k, v in sorted(spec["dimensions"].items())],
        "Statistic": spec["statistic"],
        "ComparisonOperator": spec["comparison"],
        "Threshold": float(spec["threshold"]),
        "Period": spec["period"],
        "EvaluationPeriods": spec["evaluation_periods"],
        "TreatMissingData": spec["treat_missing_data"],
        "ActionsEnabled": True,
        "AlarmActions": list(spec["alarm_actions"]),
        "OKActions": list(spec["ok_actions"]),
        "InsufficientDataActions": list(spec["insufficient_data_actions"]),
    }


def alarm_differs(current, wanted):
    """Whether a described alarm differs from its request; actions compare as sets, as CloudWatch keeps them."""
    for key, value in wanted.items():
        have = current.get(key)
        if key == "Dimensions":
            have = sorted(have or [], key=lambda d: d["Name"])
        elif key.endswith("Actions"):
            have, value = sorted(have or []), sorted(value)
        elif key == "Threshold":
            have = float(have) if have is not None else None
        elif key == "AlarmDescription":
            have = have or ""
        elif key == "TreatMissingData":
            have = have or "missing"  # alarms older than the setting
        elif key == "ActionsEnabled":
            have = True if have is None else have
        if have != value:
            return True
    return False


def describe_alarms(client, names):
    """Existing metric alarms by name, one DescribeAlarms call per 100 names."""
    found = {}
    for start in range(0, len(names), BATCH):
        paginator = client.get_paginator("describe_alarms")
        pages = paginator.paginate(AlarmNames=names[start : start + BATCH], AlarmTypes=["MetricAlarm"]).build_full_result()
        found.update({a["AlarmName"]: a for a in pages.get("MetricAlarms", [])})
    return found


def converge_alarm(module, client, spec, current, listed=None):
    """Create the alarm, or put it again when it differs, and reconcile its tags; return what changed (or would).

    ``listed`` is the alarm's tags from the tagging API, if it showed them: taken only when they already match.
    """
    check, wanted = module.check_mode, alarm_request(spec)
    tags = {str(k): str(v) for k, v in spec["tags"].items()}
    if current is None:
        if not check:
            client.put_metric_alarm(aws_retry=True, Tags=ansible_dict_to_boto3_tag_list(tags), **wanted)
        return ["created"]
    changes = []
    if alarm_differs(current, wanted):
        changes.append("settings")
        if not check:
            client.put_metric_alarm(aws_retry=True, **wanted)
    arn = current["AlarmArn"]
    if listed is not None and tags_match(listed, tags, module.params["purge_tags"]):
        have = listed
    else:
        have = boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, ResourceARN=arn).get("Tags", []))
    tags_changed = reconcile_tags(
        have,
        tags,
        module.params["purge_tags"],
        check,
        tag=lambda add: client.tag_resource(aws_retry=True, ResourceARN=arn, Tags=ansible_dict_to_boto3_tag_list(add)),
        untag=lambda keys: client.untag_resource(aws_retry=True, ResourceARN=arn, TagKeys=keys),
    )[0]
    if tags_changed:
        changes.append("tags")
    return changes


def main():
    alarm_spec = {
        "name": {"type": "str", "required": True},
        "description": {"type": "str", "default": ""},
        "namespace": {"type": "str", "required": True},
        "metric_name": {"type": "str", "required": True},
        "dimensions": {"type": "dict", "default": {}},
        "statistic": {"type": "str", "required": True, "choices": ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]},
        "comparison": {
            "type": "str",
            "required": True,
            "choices": ["GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"],
        },
        "threshold": {"type": "float", "required": True},
        "period": {"type": "int", "required": True},
        "evaluation_periods": {"type": "int", "required": True},
        "treat_missing_data": {"type": "str", "default": "missing", "choices": ["breaching", "notBreaching", "ignore", "missing"]},
        "alarm_actions": {"type": "list", "elements": "str", "default": []},
        "ok_actions": {"type": "list", "elements": "str", "default": []},
        "insufficient_data_actions": {"type": "list", "elements": "str", "default": []},
        "tags": {"type": "dict", "default": {}},
    }
    module = AnsibleAWSModule(
        argument_spec={
            "alarms": {"type": "list", "elements": "dict", "required": True, "options": alarm_spec},
            "purge_tags": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    specs = module.params["alarms"]
    names = [s["name"] for s in specs]
    fail_if_not_unique(module, "alarms names", names)
    bad = [s["name"] for s in specs if s["period"] < 10 or s["evaluation_periods"] < 1]
    if bad:
        module.fail_json(msg=f"alarms need a period of at least 10 seconds and at least 1 evaluation period (got it wrong on {bad})")

    client = module.client("cloudwatch", retry_decorator=AWSRetry.jittered_backoff())
    try:
        existing = describe_alarms(client, names)
        listed = listed_tags(module, [a["AlarmArn"] for a in existing.values()])
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to describe the alarms")
    alarm_prefix = None
    result = {}
    for spec in specs:
        name, current = spec["name"], existing.get(spec["name"])
        try:
            changes = converge_alarm(module, client, spec, current, listed.get(current["AlarmArn"]) if current else None)
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the alarm {name}")
        if current is not None:
            arn = current["AlarmArn"]
        else:
            if alarm_prefix is None:
                alarm_prefix = arn_prefix(module, "cloudwatch", module.region)
            arn = f"{alarm_prefix}alarm:{name}"
        result[name] = {"arn": arn, "changed": changes}
    module.exit_json(changed=any(r["changed"] for r in result.values()), alarms=result)


if __name__ == "__main__":
    main()
