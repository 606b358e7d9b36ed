#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cloudwatchlogs_log_groups
short_description: Manage a list of CloudWatch Logs log groups, each with its retention, KMS key and tags, in one run
version_added: 0.2.0
description:
  - Creates or converges every log group of O(log_groups) in one module run, with its retention and its tags, and the KMS
    key it is created with.
  - The settings are those of amazon.aws.cloudwatchlogs_log_group with C(state=present) and C(overwrite=false).
    Like it, the KMS key is set when the group is created only; a group found with another key is reported in a warning
    and left as it is (changing the key of a group is AWS's C(AssociateKmsKey), which the local emulator lacks).
  - A converged run costs one C(DescribeLogGroups) (by the longest prefix the names share) and the tags of the groups
    with O(log_groups[].tags), and no write. amazon.aws.cloudwatchlogs_log_group in a loop costs a module run per
    group, each starting Python and boto3 again.
  - The tags of the existing groups with O(log_groups[].tags) come from the tagging API (see the notes; the group's
    own read is C(ListTagsForResource)).
  - Log groups are only created or updated; removing one is left to amazon.aws.cloudwatchlogs_log_group with
    C(state=absent). The resource policy that lets a service write into a group is not managed here.
  - In check mode nothing is written; the result says what would change.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  log_groups:
    description: The log groups.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Log group name.
        type: str
        required: true
      retention:
        description:
          - Days the events are kept, one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150,
            180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653).
          - Omitted, the retention of the group is left as it is.
        type: int
      kms_key_id:
        description: ARN of the KMS key the group is created with; empty for none.
        type: str
        default: ""
      tags:
        description: The tags of the group; omitted, the tags are left as they are.
        type: dict
      purge_tags:
        description: Remove the tags of the group that O(log_groups[].tags) does not list.
        type: bool
        default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - mosaic.platform.tag_listing
"""

EXAMPLES = r"""
- name: Manage the OpenSearch log groups
  mosaic.platform.cloudwatchlogs_log_groups:
    log_groups:
      - name: /aws/opensearch/search/audit
        retention: 365
        tags: {Project: P, Env: dev}
      - name: /aws/opensearch/search/error
        retention: 365
        tags: {Project: P, Env: dev}
"""

RETURN = r"""
log_groups:
  description: Per log group name, what changed (or would in check mode).
  returned: always
  type: dict
  sample: {"/aws/opensearch/search/audit": {"changed": ["created"]}, "/aws/opensearch/search/error": {"changed": ["retention"]}}
"""

import os

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import listed_tags, tags_match

# The retentions PutRetentionPolicy accepts.
RETENTIONS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]


def describe_groups(client, names):
    """The existing groups of the names, by name: one paginated DescribeLogGroups by the prefix they share."""
    prefix = os.path.commonprefix(names)
    params = {"logGroupNamePrefix": prefix} if prefix else {}
    paginator = client.get_paginator("describe_log_groups")
    groups = paginator.paginate(**params).build_full_result()["logGroups"]
    return {g["logGroupName"]: g for g in groups if g["logGroupName"] in names}


def group_arn(group):
    """The ARN the tagging calls take: logGroupArn, or the describe ARN without its ':*' suffix."""
    arn = group["arn"]
    return group.get("logGroupArn") or (arn[:-2] if arn.endswith(":*") else arn)


def create_group(client, spec):
    params = {"logGroupName": spec["name"]}
    if spec["kms_key_id"]:
        params["kmsKeyId"] = spec["kms_key_id"]
    if spec["tags"]:
        params["tags"] = spec["tags"]
    client.create_log_group(aws_retry=True, **params)
    if spec["retention"] is not None:
        client.put_retention_policy(aws_retry=True, logGroupName=spec["name"], retentionInDays=spec["retention"])


def converge_group(module, client, spec, group, listed=None):
    """Apply the differences of an existing group; return what changed (or would).

    ``listed`` is the group's tags from the tagging API, if it showed them: taken only when they already match.
    """
    name, check, changes = spec["name"], module.check_mode, []
    if spec["retention"] is not None and group.get("retentionInDays") != spec["retention"]:
        changes.append("retention")
        if not check:
            client.put_retention_policy(aws_retry=True, logGroupName=name, retentionInDays=spec["retention"])
    if spec["kms_key_id"] and group.get("kmsKeyId", "") != spec["kms_key_id"]:
        module.warn(f"log group {name} has the KMS key '{group.get('kmsKeyId', '')}', not {spec['kms_key_id']}: the key is set at creation only")
    if spec["tags"] is not None:
        arn = group_arn(group)
        if listed is not None and tags_match(listed, spec["tags"], spec["purge_tags"]):
            current = listed
        else:
            current = client.list_tags_for_resource(aws_retry=True, resourceArn=arn).get("tags", {})
        to_add, to_remove = compare_aws_tags(current, spec["tags"], spec["purge_tags"])
        if to_add or to_remove:
            changes.append("tags")
        if to_remove and not check:
            client.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=to_remove)
        if to_add and not check:
            client.tag_resource(aws_retry=True, resourceArn=arn, tags=to_add)
    return changes


def validate(module, specs):
    fail_if_not_unique(module, "log_groups names", [s["name"] for s in specs])
    bad = [s["name"] for s in specs if s["retention"] is not None and s["retention"] not in RETENTIONS]
    if bad:
        module.fail_json(msg=f"log_groups retention must be one of {RETENTIONS} (got another value on {bad})")


def main():
    group_spec = {
        "name": {"type": "str", "required": True},
        "retention": {"type": "int"},
        "kms_key_id": {"type": "str", "default": ""},
        "tags": {"type": "dict"},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(
        argument_spec={"log_groups": {"type": "list", "elements": "dict", "required": True, "options": group_spec}},
        supports_check_mode=True,
    )
    specs = module.params["log_groups"]
    validate(module, specs)

    client = module.client("logs", retry_decorator=AWSRetry.jittered_backoff())
    try:
        existing = describe_groups(client, [s["name"] for s in specs]) if specs else {}
        listed = listed_tags(module, [group_arn(existing[s["name"]]) for s in specs if s["tags"] is not None and s["name"] in existing])
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to describe the log groups")
    result = {}
    for spec in specs:
        name = spec["name"]
        try:
            if name not in existing:
                changes = ["created"]
                if not module.check_mode:
                    create_group(client, spec)
            else:
                changes = converge_group(module, client, spec, existing[name], listed.get(group_arn(existing[name])))
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the log group {name}")
        result[name] = {"changed": changes}
    module.exit_json(changed=any(r["changed"] for r in result.values()), log_groups=result)


if __name__ == "__main__":
    main()
