#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cloudwatch_resource_tags
short_description: Manage the tags of a CloudWatch alarm or other CloudWatch resource
version_added: 0.1.0
description:
  - Adds, updates and (with O(purge_tags)) removes the tags of a CloudWatch resource by ARN.
  - M(amazon.aws.cloudwatch_metric_alarm) has no tags option, so the aws_messaging role tags its alarms here.
  - Supports check mode and diff mode. In check mode a missing resource reports C(changed) instead of failing.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  resource_arn:
    description: ARN of the alarm (C(arn:aws:cloudwatch:<region>:<account>:alarm:<name>)) or rule.
    type: str
    required: true
  tags:
    description: Tags the resource must carry.
    type: dict
    required: true
  purge_tags:
    description: Remove tags that are not in O(tags).
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Tag an alarm
  mosaic.platform.cloudwatch_resource_tags:
    resource_arn: arn:aws:cloudwatch:eu-west-1:123456789012:alarm:p-jobs-dlq-depth
    tags:
      Project: LegacyPlatform
      Component: messaging
"""

RETURN = r"""
tags:
  description: The tags the resource carries after the run (in check mode, would carry).
  returned: always
  type: dict
  sample: {"Component": "messaging"}
"""

try:  # noqa: SIM105 the amazon.aws idiom: AnsibleAWSModule reports a missing botocore
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_tags


def ensure_tags(client, arn, tags, purge_tags, check_mode):
    """Return (changed, before, after); never writes in check mode."""
    wanted = {str(k): str(v) for k, v in tags.items()}
    try:
        current = {t["Key"]: t["Value"] for t in client.list_tags_for_resource(ResourceARN=arn, aws_retry=True).get("Tags", [])}
    except is_boto3_error_code("ResourceNotFoundException"):
        if check_mode:
            return True, {}, wanted
        raise ValueError(f"resource {arn} does not exist") from None
    changed, after = reconcile_tags(
        current,
        wanted,
        purge_tags,
        check_mode,
        tag=lambda tags: client.tag_resource(ResourceARN=arn, Tags=[{"Key": k, "Value": v} for k, v in sorted(tags.items())], aws_retry=True),
        untag=lambda keys: client.untag_resource(ResourceARN=arn, TagKeys=keys, aws_retry=True),
    )
    return changed, current, after


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "resource_arn": {"type": "str", "required": True},
            "tags": {"type": "dict", "required": True},
            "purge_tags": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    client = module.client("cloudwatch", retry_decorator=AWSRetry.jittered_backoff())
    try:
        changed, before, after = ensure_tags(client, module.params["resource_arn"], module.params["tags"], module.params["purge_tags"], module.check_mode)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
        module.fail_json_aws(exc, msg=f"Could not tag {module.params['resource_arn']}")
    result = {"changed": changed, "tags": after}
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
