#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: resource_tags_info
short_description: List resources and their tags through the Resource Groups Tagging API
version_added: 0.1.0
description:
  - Pages through C(GetResources) of the Resource Groups Tagging API in one region, optionally filtered by tags and resource
    types, and returns each resource ARN with its tags. The tagging standard checks and the tag coverage report use it.
  - No amazon.aws or community.aws module reads the Tagging API.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  tag_filters:
    description: Tag key to value (or list of values); a resource must match every key. An empty list matches any value.
    type: dict
    default: {}
  resource_type_filters:
    description: Resource types such as C(s3:bucket) or C(acm:certificate).
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Resources of this environment
  mosaic.platform.resource_tags_info:
    tag_filters:
      Project: LegacyPlatform
      Env: prod
  register: __resources
"""

RETURN = r"""
resources:
  description: Resources with their tags, sorted by ARN.
  returned: always
  type: list
  elements: dict
  contains:
    arn: {description: Resource ARN., type: str}
    tags: {description: Tag key to value., type: dict}
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def main():
    argument_spec = {
        "tag_filters": {"type": "dict", "default": {}},
        "resource_type_filters": {"type": "list", "elements": "str", "default": []},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("resourcegroupstaggingapi", retry_decorator=AWSRetry.jittered_backoff())
    request = {}
    if module.params["tag_filters"]:
        request["TagFilters"] = [
            {"Key": key, "Values": [str(v) for v in (value if isinstance(value, list) else [value])]} for key, value in module.params["tag_filters"].items()
        ]
    if module.params["resource_type_filters"]:
        request["ResourceTypeFilters"] = module.params["resource_type_filters"]
    try:
        mappings = client.get_paginator("get_resources").paginate(**request).build_full_result().get("ResourceTagMappingList", [])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to list resources through the Tagging API")
    resources = sorted(({"arn": m["ResourceARN"], "tags": {t["Key"]: t["Value"] for t in m.get("Tags", [])}} for m in mappings), key=lambda r: r["arn"])
    module.exit_json(changed=False, resources=resources)


if __name__ == "__main__":
    main()
