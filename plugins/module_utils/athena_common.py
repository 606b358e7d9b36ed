# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Athena helpers shared by athena_workgroup and athena_queries: the workgroup, its ARN and its tags.

athena_queries keeps its DDL markers as workgroup tags under DDL_MARKER_PREFIX, and athena_workgroup
must not purge them: both modules read this one prefix.
"""

from __future__ import annotations

import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

# Tags under this prefix belong to athena_queries (SHA-256 of the last DDL statement that succeeded).
DDL_MARKER_PREFIX = "mosaic:ddl:"
# Athena tag keys: 1-128 Unicode letters, digits, spaces and + - = . _ : / @; the aws: prefix is reserved.
_TAG_KEY = re.compile(r"[\w +\-=.:/@]{1,128}")


def tag_key_error(key):
    """Why key is not a valid Athena tag key, or None when it is."""
    if not _TAG_KEY.fullmatch(key or ""):
        return "must be 1-128 letters, digits, spaces and + - = . _ : / @"
    if key.lower().startswith("aws:"):
        return "must not start with the reserved prefix aws:"
    return None


def workgroup_arn(module, name):
    account = module.client("sts").get_caller_identity()["Account"]
    region = module.region
    partition = "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"
    return f"arn:{partition}:athena:{region}:{account}:workgroup/{name}"


def get_workgroup(client, name):
    try:
        # AWS answers InvalidRequestException for an unknown workgroup; moto answers an empty WorkGroup.
        return client.get_work_group(aws_retry=True, WorkGroup=name).get("WorkGroup") or None
    except is_boto3_error_code("InvalidRequestException"):
        return None


def workgroup_tags(client, arn):
    """The tags of an existing workgroup as a dict."""
    tags, request = [], {"ResourceARN": arn}
    while True:
        try:
            page = client.list_tags_for_resource(aws_retry=True, **request)
        except is_boto3_error_code("InvalidRequestException"):
            # moto answers "Resource ... Does Not Exist" for a workgroup that has no tags.
            return {}
        tags.extend(page.get("Tags", []))
        if not page.get("NextToken"):
            return boto3_tag_list_to_ansible_dict(tags)
        request["NextToken"] = page["NextToken"]
