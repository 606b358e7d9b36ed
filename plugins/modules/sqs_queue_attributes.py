#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sqs_queue_attributes
short_description: Set SQS queue attributes that community.aws.sqs_queue does not manage
version_added: 0.1.0
description:
  - Sets named attributes of an existing SQS queue, such as C(RedriveAllowPolicy), which
    M(community.aws.sqs_queue) cannot set. Only the named attributes are compared and changed.
  - JSON attributes (policies) may be given as dicts; they are compared as documents, not as text.
  - Supports check mode and diff mode. In check mode a missing queue reports C(changed) instead of failing,
    so a check run on a clean account passes.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  name:
    description: Queue name or queue URL.
    type: str
    required: true
  attributes:
    description:
      - Attributes to set, by their SQS name (C(RedriveAllowPolicy), C(VisibilityTimeout), ...).
      - Dict and list values are sent as JSON. An empty string clears an attribute.
    type: dict
    required: true
notes:
  - moto 5.2.5 drops C(RedriveAllowPolicy) silently and refuses to read it back, so that attribute is covered
    only by request-shape unit tests (botocore Stubber) and against real AWS.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Let only the work queue use its dead-letter queue
  mosaic.platform.sqs_queue_attributes:
    name: p-jobs-dlq
    attributes:
      RedriveAllowPolicy:
        redrivePermission: byQueue
        sourceQueueArns: [arn:aws:sqs:eu-west-1:123456789012:p-jobs]
"""

RETURN = r"""
queue_url:
  description: URL of the queue.
  returned: when the queue exists
  type: str
  sample: https://sqs.eu-west-1.amazonaws.com/123456789012/p-jobs-dlq
changed_attributes:
  description: Names of the attributes that were (or in check mode would be) set.
  returned: always
  type: list
  elements: str
  sample: [RedriveAllowPolicy]
"""

try:  # noqa: SIM105 the amazon.aws idiom: AnsibleAWSModule reports a missing botocore
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mosaic.platform.plugins.module_utils.aws_attributes import normalize_attribute, wire_attribute


def queue_url_of(client, name):
    if name.startswith(("https://", "http://")):
        return name
    try:
        return client.get_queue_url(QueueName=name, aws_retry=True)["QueueUrl"]
    except is_boto3_error_code("AWS.SimpleQueueService.NonExistentQueue"):
        return None


def ensure_attributes(client, name, attributes, check_mode):
    """Return (changed, queue_url, changed names, before, after); never writes in check mode."""
    url = queue_url_of(client, name)
    if url is None:
        if check_mode:
            return True, None, sorted(attributes), {}, attributes
        raise ValueError(f"queue {name} does not exist")
    current = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"], aws_retry=True).get("Attributes", {})
    to_set = {k: wire_attribute(v) for k, v in attributes.items() if normalize_attribute(current.get(k, "")) != normalize_attribute(v)}
    if to_set and not check_mode:
        client.set_queue_attributes(QueueUrl=url, Attributes=to_set, aws_retry=True)
    before = {k: current.get(k, "") for k in to_set}
    return bool(to_set), url, sorted(to_set), before, {k: attributes[k] for k in to_set}


def main():
    module = AnsibleAWSModule(
        argument_spec={"name": {"type": "str", "required": True}, "attributes": {"type": "dict", "required": True}},
        supports_check_mode=True,
    )
    client = module.client("sqs", retry_decorator=AWSRetry.jittered_backoff())
    try:
        changed, url, names, before, after = ensure_attributes(client, module.params["name"], module.params["attributes"], module.check_mode)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
        module.fail_json_aws(exc, msg=f"Could not set the attributes of queue {module.params['name']}")
    result = {"changed": changed, "changed_attributes": names}
    if url:
        result["queue_url"] = url
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
