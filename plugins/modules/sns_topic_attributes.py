#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sns_topic_attributes
short_description: Set SNS topic attributes that community.aws.sns_topic does not manage
version_added: 0.1.0
description:
  - Sets named attributes of an existing SNS topic, such as C(KmsMasterKeyId) (server-side encryption),
    which M(community.aws.sns_topic) cannot set. Only the named attributes are compared and changed.
  - Supports check mode and diff mode. In check mode a missing topic reports C(changed) instead of failing.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  topic_arn:
    description: ARN of the topic.
    type: str
    required: true
  attributes:
    description:
      - Attributes to set, by their SNS name (C(KmsMasterKeyId), C(SignatureVersion), ...).
      - Dict and list values are sent as JSON. An empty string clears an attribute.
    type: dict
    required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Encrypt a topic with the messaging key
  mosaic.platform.sns_topic_attributes:
    topic_arn: arn:aws:sns:eu-west-1:123456789012:p-events
    attributes:
      KmsMasterKeyId: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
"""

RETURN = r"""
changed_attributes:
  description: Names of the attributes that were (or in check mode would be) set.
  returned: always
  type: list
  elements: str
  sample: [KmsMasterKeyId]
"""

try:  # noqa: SIM105 the amazon.aws idiom: AnsibleAWSModule reports a missing botocore
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mosaic.platform.plugins.module_utils.aws_attributes import normalize_attribute, wire_attribute


def ensure_attributes(client, topic_arn, attributes, check_mode):
    """Return (changed, changed names, before, after); never writes in check mode."""
    try:
        current = client.get_topic_attributes(TopicArn=topic_arn, aws_retry=True)["Attributes"]
    except is_boto3_error_code("NotFound"):
        if check_mode:
            return True, sorted(attributes), {}, attributes
        raise ValueError(f"topic {topic_arn} does not exist") from None
    to_set = {k: wire_attribute(v) for k, v in attributes.items() if normalize_attribute(current.get(k, "")) != normalize_attribute(v)}
    if not check_mode:
        for key, value in sorted(to_set.items()):
            client.set_topic_attributes(TopicArn=topic_arn, AttributeName=key, AttributeValue=value, aws_retry=True)
    return bool(to_set), sorted(to_set), {k: current.get(k, "") for k in to_set}, {k: attributes[k] for k in to_set}


def main():
    module = AnsibleAWSModule(
        argument_spec={"topic_arn": {"type": "str", "required": True}, "attributes": {"type": "dict", "required": True}},
        supports_check_mode=True,
    )
    client = module.client("sns", retry_decorator=AWSRetry.jittered_backoff())
    try:
        changed, names, before, after = ensure_attributes(client, module.params["topic_arn"], module.params["attributes"], module.check_mode)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
        module.fail_json_aws(exc, msg=f"Could not set the attributes of topic {module.params['topic_arn']}")
    result = {"changed": changed, "changed_attributes": names}
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
