#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sqs_queues
short_description: Manage a list of SQS queues, each with its attributes and tags, in one run
version_added: 0.2.0
description:
  - Creates or converges every queue of O(queues) in one module run, with the attributes given (retention, visibility
    timeout, C(KmsMasterKeyId), C(RedrivePolicy), C(RedriveAllowPolicy), C(Policy), ...) and the tags. Attributes not
    given are left alone.
  - The queues are found with one C(ListQueues) call (by the names' common prefix); a queue it does not list is
    looked up with C(GetQueueUrl) before it is created, as C(ListQueues) may lag behind a new queue. A converged
    queue then costs C(GetQueueAttributes), and no write.
  - The tags of the listed queues come from the tagging API (see the notes; the queue's own read is
    C(ListQueueTags)).
  - Queues are converged in list order, so a dead-letter queue listed first exists when a later queue's
    C(RedrivePolicy) names it. C(RedriveAllowPolicy) names the source queues, so it is set after every queue of the
    list exists.
  - M(community.aws.sqs_queue) in a loop costs one module run per queue and has no C(RedriveAllowPolicy) option.
  - Queues are only created or updated; removing one is left to M(community.aws.sqs_queue) with C(state=absent).
  - In check mode nothing is written; a queue that does not exist yet is reported as created, with no call.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  queues:
    description: The queues.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Queue name.
        type: str
        required: true
      attributes:
        description:
          - Attributes by their SQS name. Dict and list values (policies) are sent as JSON and compared as documents.
        type: dict
        default: {}
      tags:
        description: Tags of the queue.
        type: dict
        default: {}
  purge_tags:
    description: Remove tags of the queues that O(queues[].tags) does not list.
    type: bool
    default: true
notes:
  - moto 5.2.5 drops C(RedriveAllowPolicy) silently and refuses to read it back, so that attribute is covered
    only by request-shape unit tests (botocore Stubber) and against real AWS.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - mosaic.platform.tag_listing
"""

EXAMPLES = r"""
- name: Manage a work queue and its dead-letter queue
  mosaic.platform.sqs_queues:
    queues:
      - name: p-jobs-dlq
        attributes:
          MessageRetentionPeriod: 1209600
          RedriveAllowPolicy: {redrivePermission: byQueue, sourceQueueArns: [arn:aws:sqs:eu-west-1:123456789012:p-jobs]}
        tags: {Component: messaging, Name: p-jobs-dlq}
      - name: p-jobs
        attributes:
          VisibilityTimeout: 60
          RedrivePolicy: {deadLetterTargetArn: arn:aws:sqs:eu-west-1:123456789012:p-jobs-dlq, maxReceiveCount: 5}
        tags: {Component: messaging, Name: p-jobs}
"""

RETURN = r"""
queues:
  description: Per queue name, its URL (empty in check mode before it exists) and what changed (or would).
  returned: always
  type: dict
  sample: {"p-jobs": {"url": "https://sqs.eu-west-1.amazonaws.com/123456789012/p-jobs", "changed": ["created"]}}
"""

import os

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mosaic.platform.plugins.module_utils.aws_attributes import same_attribute, wire_attribute
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import listed_tags, reconcile_tags, tags_match

# Names other queues, which may be created later in the same run.
DEFERRED = ("RedriveAllowPolicy",)


def list_queue_urls(client, names):
    """Queue URLs by name, from one ListQueues over the names' common prefix."""
    params = {"QueueNamePrefix": os.path.commonprefix(names)} if os.path.commonprefix(names) else {}
    urls = client.get_paginator("list_queues").paginate(**params).build_full_result().get("QueueUrls", [])
    return {url.rsplit("/", 1)[-1]: url for url in urls}


def queue_arn(client, url):
    """The queue's ARN from its URL (.../<account>/<name>), without a GetQueueAttributes."""
    account, name = url.rstrip("/").rsplit("/", 2)[-2:]
    return f"arn:{client.meta.partition}:sqs:{client.meta.region_name}:{account}:{name}"


def queue_url(client, name):
    try:
        return client.get_queue_url(aws_retry=True, QueueName=name)["QueueUrl"]
    except is_boto3_error_code("AWS.SimpleQueueService.NonExistentQueue"):
        return None


def changed_attributes(current, wanted):
    return {k: wire_attribute(v) for k, v in wanted.items() if not same_attribute(k, current.get(k, ""), v)}


def converge_queue(module, client, spec, url, listed=None):
    """Create the queue or set the attributes that differ, and reconcile its tags (deferred attributes aside).

    ``listed`` is the queue's tags from the tagging API, if it showed them: taken only when they already match.
    Returns (url, current attributes or None when created, changes).
    """
    check = module.check_mode
    wanted = {k: v for k, v in spec["attributes"].items() if k not in DEFERRED}
    tags = {str(k): str(v) for k, v in spec["tags"].items()}
    if url is None:
        if not check:
            params = {"QueueName": spec["name"], "Attributes": {k: wire_attribute(v) for k, v in wanted.items()}}
            if tags:
                params["tags"] = tags
            url = client.create_queue(aws_retry=True, **params)["QueueUrl"]
        return url, None, ["created"]
    changes = []
    current = client.get_queue_attributes(aws_retry=True, QueueUrl=url, AttributeNames=["All"]).get("Attributes", {})
    to_set = changed_attributes(current, wanted)
    if to_set:
        changes.append("attributes " + ", ".join(sorted(to_set)))
        if not check:
            client.set_queue_attributes(aws_retry=True, QueueUrl=url, Attributes=to_set)
    if listed is not None and tags_match(listed, tags, module.params["purge_tags"]):
        have = listed
    else:
        have = client.list_queue_tags(aws_retry=True, QueueUrl=url).get("Tags", {})
    tags_changed = reconcile_tags(
        have,
        tags,
        module.params["purge_tags"],
        check,
        tag=lambda add: client.tag_queue(aws_retry=True, QueueUrl=url, Tags=add),
        untag=lambda keys: client.untag_queue(aws_retry=True, QueueUrl=url, TagKeys=keys),
    )[0]
    if tags_changed:
        changes.append("tags")
    return url, current, changes


def converge_deferred(module, client, spec, url, current):
    """Set the deferred attributes (RedriveAllowPolicy) that differ, once every queue exists; return the changes."""
    wanted = {k: v for k, v in spec["attributes"].items() if k in DEFERRED}
    to_set = changed_attributes(current or {}, wanted)
    if not to_set:
        return []
    if not module.check_mode and url:
        client.set_queue_attributes(aws_retry=True, QueueUrl=url, Attributes=to_set)
    return ["attributes " + ", ".join(sorted(to_set))]


def main():
    queue_spec = {
        "name": {"type": "str", "required": True},
        "attributes": {"type": "dict", "default": {}},
        "tags": {"type": "dict", "default": {}},
    }
    module = AnsibleAWSModule(
        argument_spec={
            "queues": {"type": "list", "elements": "dict", "required": True, "options": queue_spec},
            "purge_tags": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    specs = module.params["queues"]
    names = [s["name"] for s in specs]
    fail_if_not_unique(module, "queues names", names)
    bad = sorted(n for n in names if not n or len(n) > 80 or not all(c.isalnum() or c in "-_" for c in n))
    if bad:
        module.fail_json(msg=f"queues names must be 1 to 80 letters, digits, - or _ (got {bad})")

    client = module.client("sqs", retry_decorator=AWSRetry.jittered_backoff())
    try:
        listed = list_queue_urls(client, names)
        tagged = listed_tags(module, [queue_arn(client, listed[n]) for n in names if n in listed])
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to list the queues")
    result, state = {}, {}
    for spec in specs:
        name = spec["name"]
        try:
            url = listed.get(name) or queue_url(client, name)
            url, current, changes = converge_queue(module, client, spec, url, tagged.get(queue_arn(client, url)) if url else None)
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the queue {name}")
        state[name] = (url, current)
        result[name] = {"url": url or "", "changed": changes}
    for spec in specs:
        name = spec["name"]
        try:
            result[name]["changed"] += converge_deferred(module, client, spec, *state[name])
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to set the deferred attributes of the queue {name}")
    module.exit_json(changed=any(r["changed"] for r in result.values()), queues=result)


if __name__ == "__main__":
    main()
