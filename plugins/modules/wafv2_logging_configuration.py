#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: wafv2_logging_configuration
short_description: Manage the logging configuration of a WAFv2 web ACL
version_added: 0.1.0
description:
  - Sends the logs of a WAFv2 web ACL to an S3 bucket (named C(aws-waf-logs-*)), a CloudWatch log group or a
    Firehose stream, with chosen request headers redacted.
  - No amazon.aws or community.aws module manages WAFv2 logging configurations.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  web_acl_arn:
    description: ARN of the web ACL.
    type: str
    required: true
  log_destination_configs:
    description:
      - ARNs of the log destinations (one is allowed by AWS). An S3 bucket or log group name must start with C(aws-waf-logs-).
      - Required when O(state=present).
    type: list
    elements: str
  redacted_headers:
    description: Request headers (case-insensitive) whose values WAF writes as C(REDACTED).
    type: list
    elements: str
    default: []
  state:
    description: Whether the logging configuration should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Log the edge web ACL to S3 with credentials redacted
  mosaic.platform.wafv2_logging_configuration:
    web_acl_arn: "{{ __acl.arn }}"
    log_destination_configs:
      - arn:aws:s3:::aws-waf-logs-legacyplatform-prod-333333333333
    redacted_headers: [authorization, cookie]
"""

RETURN = r"""
logging_configuration:
  description: The logging configuration as AWS returns it (snake_case).
  returned: when state is present
  type: dict
  contains:
    resource_arn: {description: The web ACL ARN., type: str}
    log_destination_configs: {description: Destination ARNs., type: list, elements: str}
    redacted_fields: {description: Redacted fields., type: list, elements: dict}
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def desired_config(params):
    return {
        "ResourceArn": params["web_acl_arn"],
        "LogDestinationConfigs": list(params["log_destination_configs"] or []),
        "RedactedFields": [{"SingleHeader": {"Name": h.lower()}} for h in sorted({h.lower() for h in params["redacted_headers"]})],
    }


def comparable(config):
    if not config:
        return None
    headers = sorted(f.get("SingleHeader", {}).get("Name", "").lower() for f in config.get("RedactedFields", []))
    others = sorted(str(f) for f in config.get("RedactedFields", []) if "SingleHeader" not in f)
    return {"destinations": sorted(config.get("LogDestinationConfigs", [])), "redacted_headers": headers, "other_redactions": others}


def get_config(client, arn):
    try:
        return client.get_logging_configuration(aws_retry=True, ResourceArn=arn)["LoggingConfiguration"]
    except is_boto3_error_code("WAFNonexistentItemException"):
        return None


def main():
    argument_spec = {
        "web_acl_arn": {"type": "str", "required": True},
        "log_destination_configs": {"type": "list", "elements": "str"},
        "redacted_headers": {"type": "list", "elements": "str", "default": []},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["log_destination_configs"])],
    )
    client = module.client("wafv2", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["WAFUnavailableEntityException"]))
    arn = module.params["web_acl_arn"]

    try:
        current = get_config(client, arn)
        if module.params["state"] == "absent":
            if current and not module.check_mode:
                client.delete_logging_configuration(aws_retry=True, ResourceArn=arn)
            module.exit_json(changed=bool(current), diff={"before": comparable(current) or {}, "after": {}})

        wanted = desired_config(module.params)
        before, after = comparable(current), comparable(wanted)
        if before == after:
            module.exit_json(changed=False, logging_configuration=camel_dict_to_snake_dict(current))
        if module.check_mode:
            module.exit_json(changed=True, diff={"before": before or {}, "after": after}, logging_configuration=camel_dict_to_snake_dict(wanted))
        applied = client.put_logging_configuration(aws_retry=True, LoggingConfiguration=wanted)["LoggingConfiguration"]
        module.exit_json(changed=True, diff={"before": before or {}, "after": after}, logging_configuration=camel_dict_to_snake_dict(applied))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the logging configuration of {arn}")


if __name__ == "__main__":
    main()
