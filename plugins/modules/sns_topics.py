#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sns_topics
short_description: Manage a list of SNS topics, each with its attributes, tags and subscriptions, in one run
version_added: 0.2.0
description:
  - Creates or converges every topic of O(topics) in one module run, with the attributes given (C(DisplayName),
    C(Policy), C(KmsMasterKeyId), ...; others are left alone), the tags, and the subscriptions given with their
    C(FilterPolicy), C(FilterPolicyScope) and C(RawMessageDelivery). Subscriptions not listed are left alone.
  - The topics are found with one C(ListTopics) call and the subscriptions with one C(ListSubscriptions) call. A
    converged topic then costs C(GetTopicAttributes), a confirmed subscription with attributes to compare
    C(GetSubscriptionAttributes), and nothing is written.
  - The tags of the existing topics come from the tagging API (see the notes; the topic's own read is
    C(ListTagsForResource)).
  - A subscription waiting for its owner's confirmation (e-mail, HTTPS) is left alone, as subscribing again would only
    resend the confirmation, and it has no ARN to set attributes on.
  - M(community.aws.sns_topic) in a loop costs one module run per topic, sets no C(KmsMasterKeyId) and no filter
    policy, and fails a check run that would create a topic.
  - Topics and subscriptions are only created or updated; removing them is left to M(community.aws.sns_topic).
  - In check mode nothing is written; a topic that does not exist yet is reported as created (with its
    subscriptions), with no call.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  topics:
    description: The topics.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Topic name.
        type: str
        required: true
      attributes:
        description: Attributes by their SNS name. Dict values (policies) are sent as JSON and compared as documents.
        type: dict
        default: {}
      tags:
        description: Tags of the topic.
        type: dict
        default: {}
      subscriptions:
        description: Endpoints subscribed to the topic.
        type: list
        elements: dict
        default: []
        suboptions:
          protocol:
            description: Subscription protocol.
            type: str
            required: true
            choices: [sqs, lambda, firehose, https, http, email, email-json, sms, application]
          endpoint:
            description:
              - Endpoint to subscribe (the queue ARN for C(sqs)).
              - Kept out of the log and of the result, as an HTTPS endpoint may carry a token and an address is personal data.
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
  purge_tags:
    description: Remove tags of the topics that O(topics[].tags) does not list.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - mosaic.platform.tag_listing
"""

EXAMPLES = r"""
- name: Manage a topic with a queue subscribed to order events only
  mosaic.platform.sns_topics:
    topics:
      - name: p-events
        attributes:
          KmsMasterKeyId: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
        tags: {Component: messaging, Name: p-events}
        subscriptions:
          - protocol: sqs
            endpoint: arn:aws:sqs:eu-west-1:123456789012:p-jobs
            filter_policy: {type: [order]}
            raw_message_delivery: true
"""

RETURN = r"""
topics:
  description: >-
    Per topic name, its ARN (empty in check mode before it exists) and what changed (or would); a subscription
    change names the subscription by its position in O(topics[].subscriptions), not by its endpoint.
  returned: always
  type: dict
  sample: {"p-events": {"arn": "arn:aws:sns:eu-west-1:123456789012:p-events", "changed": ["created", "subscription 0 (sqs) created"]}}
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list, boto3_tag_list_to_ansible_dict
from ansible_collections.mosaic.platform.plugins.module_utils.aws_attributes import same_attribute, wire_attribute
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import listed_tags, reconcile_tags, tags_match

PENDING = "PendingConfirmation"
PROTOCOLS = ["sqs", "lambda", "firehose", "https", "http", "email", "email-json", "sms", "application"]


def desired_subscription_attributes(sub):
    """The subscription attributes a spec asks for, in SNS wire form; unset options are left alone."""
    wanted = {}
    if sub.get("filter_policy") is not None:
        wanted["FilterPolicy"] = json.dumps(sub["filter_policy"], sort_keys=True) if sub["filter_policy"] else ""
    if sub.get("filter_policy_scope") and sub.get("filter_policy"):
        wanted["FilterPolicyScope"] = sub["filter_policy_scope"]
    if sub.get("raw_message_delivery") is not None:
        wanted["RawMessageDelivery"] = str(bool(sub["raw_message_delivery"])).lower()
    return wanted


def list_topics(client):
    """Existing topic ARNs by name, from one ListTopics."""
    topics = client.get_paginator("list_topics").paginate().build_full_result().get("Topics", [])
    return {t["TopicArn"].rsplit(":", 1)[-1]: t["TopicArn"] for t in topics}


def list_subscriptions(client):
    """Subscription ARNs (or PENDING) by (topic ARN, protocol, endpoint), from one ListSubscriptions; a confirmed
    subscription wins over a pending one of the same endpoint."""
    found = {}
    for sub in client.get_paginator("list_subscriptions").paginate().build_full_result().get("Subscriptions", []):
        if sub["SubscriptionArn"] == "Deleted":
            continue
        key = (sub["TopicArn"], sub["Protocol"], sub["Endpoint"])
        if found.get(key) in (None, PENDING):
            found[key] = sub["SubscriptionArn"]
    return found


def converge_topic(module, client, spec, arn, listed=None):
    """Create the topic or set the attributes that differ, and reconcile its tags; return (arn, changes).

    ``listed`` is the topic's tags from the tagging API, if it showed them: taken only when they already match.
    """
    check, tags = module.check_mode, {str(k): str(v) for k, v in spec["tags"].items()}
    if arn is None:
        if check:
            return None, ["created"]
        params = {"Name": spec["name"], "Attributes": {k: wire_attribute(v) for k, v in spec["attributes"].items()}}
        if tags:
            params["Tags"] = ansible_dict_to_boto3_tag_list(tags)
        return client.create_topic(aws_retry=True, **params)["TopicArn"], ["created"]
    changes = []
    current = client.get_topic_attributes(aws_retry=True, TopicArn=arn)["Attributes"]
    to_set = {k: wire_attribute(v) for k, v in spec["attributes"].items() if not same_attribute(k, current.get(k, ""), v)}
    if to_set:
        changes.append("attributes " + ", ".join(sorted(to_set)))
        if not check:
            for key, value in sorted(to_set.items()):
                client.set_topic_attributes(aws_retry=True, TopicArn=arn, AttributeName=key, AttributeValue=value)
    if listed is not None and tags_match(listed, tags, module.params["purge_tags"]):
        have = listed
    else:
        have = boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, ResourceArn=arn).get("Tags", []))
    tags_changed = reconcile_tags(
        have,
        tags,
        module.params["purge_tags"],
        check,
        tag=lambda add: client.tag_resource(aws_retry=True, ResourceArn=arn, Tags=ansible_dict_to_boto3_tag_list(add)),
        untag=lambda keys: client.untag_resource(aws_retry=True, ResourceArn=arn, TagKeys=keys),
    )[0]
    if tags_changed:
        changes.append("tags")
    return arn, changes


def converge_subscription(module, client, topic_arn, sub, existing):
    """Subscribe the endpoint or set the attributes that differ; return what changed (or would), or None."""
    wanted = desired_subscription_attributes(sub)
    sub_arn = existing.get((topic_arn, sub["protocol"], sub["endpoint"])) if topic_arn else None
    if sub_arn == PENDING:
        # Waiting for its owner: subscribing again would only resend the confirmation (SNS expires it after 3 days).
        return None
    if sub_arn is None:
        if not module.check_mode:
            create = {k: v for k, v in wanted.items() if v != ""}
            client.subscribe(
                aws_retry=True, TopicArn=topic_arn, Protocol=sub["protocol"], Endpoint=sub["endpoint"], Attributes=create, ReturnSubscriptionArn=True
            )
        return "created"
    if not wanted:
        return None
    current = client.get_subscription_attributes(aws_retry=True, SubscriptionArn=sub_arn)["Attributes"]
    to_set = {k: v for k, v in wanted.items() if not _same_subscription_attribute(k, current.get(k, ""), v)}
    if not to_set:
        return None
    if not module.check_mode:
        # FilterPolicy first: SNS refuses a FilterPolicyScope without a filter policy.
        for key in sorted(to_set, key=lambda k: k != "FilterPolicy"):
            client.set_subscription_attributes(aws_retry=True, SubscriptionArn=sub_arn, AttributeName=key, AttributeValue=to_set[key])
    return "attributes " + ", ".join(sorted(to_set))


def _same_subscription_attribute(key, current, wanted):
    if key == "FilterPolicy":
        return (json.loads(current) if current else {}) == (json.loads(wanted) if wanted else {})
    return str(current or "").lower() == str(wanted or "").lower()


def main():
    subscription_spec = {
        "protocol": {"type": "str", "required": True, "choices": PROTOCOLS},
        "endpoint": {"type": "str", "required": True, "no_log": True},
        "filter_policy": {"type": "dict"},
        "filter_policy_scope": {"type": "str", "choices": ["MessageAttributes", "MessageBody"]},
        "raw_message_delivery": {"type": "bool"},
    }
    topic_spec = {
        "name": {"type": "str", "required": True},
        "attributes": {"type": "dict", "default": {}},
        "tags": {"type": "dict", "default": {}},
        "subscriptions": {"type": "list", "elements": "dict", "default": [], "options": subscription_spec},
    }
    module = AnsibleAWSModule(
        argument_spec={
            "topics": {"type": "list", "elements": "dict", "required": True, "options": topic_spec},
            "purge_tags": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    specs = module.params["topics"]
    names = [s["name"] for s in specs]
    fail_if_not_unique(module, "topics names", names)
    bad = sorted(n for n in names if not n or len(n) > 256 or not all(c.isalnum() or c in "-_" for c in n))
    if bad:
        module.fail_json(msg=f"topics names must be 1 to 256 letters, digits, - or _ (got {bad})")

    client = module.client("sns", retry_decorator=AWSRetry.jittered_backoff())
    try:
        listed = list_topics(client)
        wants_subscriptions = any(s["subscriptions"] and s["name"] in listed for s in specs)
        existing = list_subscriptions(client) if wants_subscriptions else {}
        tagged = listed_tags(module, [listed[s["name"]] for s in specs if s["name"] in listed])
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to list the topics and subscriptions")
    result = {}
    for spec in specs:
        name = spec["name"]
        try:
            arn, changes = converge_topic(module, client, spec, listed.get(name), tagged.get(listed.get(name)))
            for index, sub in enumerate(spec["subscriptions"]):
                change = converge_subscription(module, client, arn, sub, existing)
                if change:
                    changes.append(f"subscription {index} ({sub['protocol']}) {change}")
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the topic {name} or its subscriptions")
        result[name] = {"arn": arn or "", "changed": changes}
    module.exit_json(changed=any(r["changed"] for r in result.values()), topics=result)


if __name__ == "__main__":
    main()
