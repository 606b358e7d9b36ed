#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sns_subscription
short_description: Manage one SNS subscription with its filter policy and raw delivery
version_added: 0.1.0
description:
  - Creates, updates or deletes the subscription of one endpoint to one SNS topic, with its
    C(FilterPolicy), C(FilterPolicyScope) and C(RawMessageDelivery) attributes.
  - M(community.aws.sns_topic) subscribes endpoints but cannot set a filter policy, so the aws_messaging role
    manages subscriptions here and leaves C(purge_subscriptions=false) on the topic.
  - Supports check mode and diff mode. In check mode a missing topic reports C(changed) instead of failing.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  topic_arn:
    description: ARN of the topic.
    type: str
    required: true
  protocol:
    description: Subscription protocol.
    type: str
    required: true
    choices: [sqs, lambda, firehose, https, http, email, email-json, sms, application]
  endpoint:
    description: Endpoint to subscribe (the queue ARN for C(sqs)).
    type: str
    required: true
  filter_policy:
    description: Filter policy document. Omit to leave the current one; C({}) removes it.
    type: dict
  filter_policy_scope:
    description: Whether the filter policy applies to message attributes or to the message body.
    type: str
    choices: [MessageAttributes, MessageBody]
  raw_message_delivery:
    description: Deliver the raw message instead of the SNS JSON envelope. Omit to leave the current setting.
    type: bool
  state:
    description: Whether the subscription exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Subscribe a queue to order events only
  mosaic.platform.sns_subscription:
    topic_arn: arn:aws:sns:eu-west-1:123456789012:p-events
    protocol: sqs
    endpoint: arn:aws:sqs:eu-west-1:123456789012:p-jobs
    filter_policy:
      type: [order]
    raw_message_delivery: true
"""

RETURN = r"""
subscription_arn:
  description: >-
    ARN of the subscription (empty in check mode when it would be created, after deletion, and while an e-mail
    or HTTPS subscription waits for its owner's confirmation: then the module changes nothing).
  returned: always
  type: str
  sample: arn:aws:sns:eu-west-1:123456789012:p-events:0e4f9f6b-7a1f-4e2a-9a0e-2b0f1d1f3c11
changed_attributes:
  description: Names of the subscription attributes that were (or would be) set.
  returned: always
  type: list
  elements: str
  sample: [FilterPolicy]
"""

import json

try:  # noqa: SIM105 the amazon.aws idiom: AnsibleAWSModule reports a missing botocore
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def desired_attributes(params):
    """The subscription attributes the options ask for, in SNS wire form; unset options are left alone."""
    wanted = {}
    if params.get("filter_policy") is not None:
        wanted["FilterPolicy"] = json.dumps(params["filter_policy"], sort_keys=True) if params["filter_policy"] else ""
    if params.get("filter_policy_scope") and params.get("filter_policy"):
        wanted["FilterPolicyScope"] = params["filter_policy_scope"]
    if params.get("raw_message_delivery") is not None:
        wanted["RawMessageDelivery"] = str(bool(params["raw_message_delivery"])).lower()
    return wanted


def _same(key, current, wanted):
    if key == "FilterPolicy":
        return (json.loads(current) if current else {}) == (json.loads(wanted) if wanted else {})
    return str(current or "").lower() == str(wanted or "").lower()


PENDING = "PendingConfirmation"


def find_subscription(client, topic_arn, protocol, endpoint):
    """The subscription's ARN, PENDING while an e-mail or HTTPS owner has not confirmed it, else None."""
    paginator = client.get_paginator("list_subscriptions_by_topic")
    found = None
    for page in paginator.paginate(TopicArn=topic_arn):
        for sub in page.get("Subscriptions", []):
            if sub["Protocol"] == protocol and sub["Endpoint"] == endpoint and sub["SubscriptionArn"] != "Deleted":
                if sub["SubscriptionArn"] != PENDING:
                    return sub["SubscriptionArn"]
                found = PENDING
    return found


def ensure_subscription(client, params, check_mode):
    """Return (changed, subscription_arn, changed attribute names, before, after)."""
    topic_arn, protocol, endpoint = params["topic_arn"], params["protocol"], params["endpoint"]
    try:
        arn = find_subscription(client, topic_arn, protocol, endpoint)
    except is_boto3_error_code("NotFound"):
        if check_mode and params.get("state", "present") == "present":
            return True, "", sorted(desired_attributes(params)), {}, desired_attributes(params)
        if params.get("state") == "absent":
            return False, "", [], {}, {}
        raise ValueError(f"topic {topic_arn} does not exist") from None
    wanted = desired_attributes(params)
    if arn == PENDING:
        # Subscribed and waiting for its owner: subscribing again would only resend the confirmation, and a
        # pending subscription has no ARN to set attributes on or to unsubscribe (SNS expires it after 3 days).
        return False, "", [], {}, {}
    if params.get("state") == "absent":
        if arn and not check_mode:
            client.unsubscribe(SubscriptionArn=arn, aws_retry=True)
        return bool(arn), "", [], {"subscription_arn": arn or ""}, {}
    if not arn:
        if not check_mode:
            create = {k: v for k, v in wanted.items() if v != ""}
            arn = client.subscribe(TopicArn=topic_arn, Protocol=protocol, Endpoint=endpoint, Attributes=create, ReturnSubscriptionArn=True, aws_retry=True)[
                "SubscriptionArn"
            ]
        return True, arn or "", sorted(wanted), {}, wanted
    current = client.get_subscription_attributes(SubscriptionArn=arn, aws_retry=True)["Attributes"]
    to_set = {k: v for k, v in wanted.items() if not _same(k, current.get(k, ""), v)}
    if not check_mode:
        # FilterPolicy first: SNS refuses a FilterPolicyScope without a filter policy.
        for key in sorted(to_set, key=lambda k: k != "FilterPolicy"):
            client.set_subscription_attributes(SubscriptionArn=arn, AttributeName=key, AttributeValue=to_set[key], aws_retry=True)
    return bool(to_set), arn, sorted(to_set), {k: current.get(k, "") for k in to_set}, to_set


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "topic_arn": {"type": "str", "required": True},
            "protocol": {
                "type": "str",
                "required": True,
                "choices": ["sqs", "lambda", "firehose", "https", "http", "email", "email-json", "sms", "application"],
            },
            "endpoint": {"type": "str", "required": True},
            "filter_policy": {"type": "dict"},
            "filter_policy_scope": {"type": "str", "choices": ["MessageAttributes", "MessageBody"]},
            "raw_message_delivery": {"type": "bool"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        supports_check_mode=True,
    )
    client = module.client("sns", retry_decorator=AWSRetry.jittered_backoff())
    try:
        changed, arn, names, before, after = ensure_subscription(client, module.params, module.check_mode)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
        module.fail_json_aws(exc, msg=f"Could not manage the subscription of {module.params['endpoint']} to {module.params['topic_arn']}")
    result = {"changed": changed, "subscription_arn": arn, "changed_attributes": names}
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
