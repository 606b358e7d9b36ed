#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kms_keys
short_description: Manage a list of symmetric KMS keys of one region, each found by its alias, in one run
version_added: 0.2.0
description:
  - Creates, converges or schedules for deletion every key of O(keys) in one module run. A key is identified by its
    alias. Per key, its description, whether it is enabled, automatic rotation, the key policy (C(default)) and the
    tags; only what differs is written.
  - The region's aliases are read once (C(ListAliases), paginated). A converged key then costs three reads
    (C(DescribeKey), C(GetKeyPolicy), C(GetKeyRotationStatus)) and no write; the tags of the keys wanted present come
    from the tagging API (see the notes; the key's own read is C(ListResourceTags)). amazon.aws.kms_key in a loop
    costs one module run per key (Python and boto3 started again each time) and 18 calls per converged key.
  - Keeps amazon.aws.kms_key's behaviour for the settings it manages. A key pending deletion that is wanted present has
    its deletion cancelled (it comes back disabled) and is enabled again. C(state=absent) schedules the deletion after
    O(pending_window) days; a key already pending deletion, or without the alias, is left alone. Policies are compared
    with amazon.aws' C(compare_policies) (order and single-element lists do not count as a difference); a policy that
    cannot be read (C(AccessDeniedException)) is written again. New keys are symmetric C(ENCRYPT_DECRYPT) keys created
    with their description, policy and tags, then the alias, then rotation.
  - Grants, key usage and multi-region keys are not managed; use amazon.aws.kms_key for those.
  - In check mode nothing is written; the result says what would change, and a key to create has an empty ARN and id
    (no call is made for it beyond C(ListAliases)).
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  keys:
    description: The keys.
    type: list
    elements: dict
    required: true
    suboptions:
      alias:
        description: The key's alias, C(alias/<name>) (not under C(alias/aws/)); it identifies the key.
        type: str
        required: true
      description:
        description: Key description.
        type: str
        default: ""
      policy:
        description: The key policy document (policy name C(default)). Required for a key that is present.
        type: dict
      enabled:
        description: Whether the key is enabled.
        type: bool
        default: true
      enable_key_rotation:
        description: Whether AWS rotates the key material automatically (yearly).
        type: bool
        default: true
      tags:
        description: The tags of the key.
        type: dict
        default: {}
      state:
        description: C(absent) schedules the key for deletion after O(pending_window) days.
        type: str
        choices: [present, absent]
        default: present
  purge_tags:
    description: Remove the tags not in O(keys[].tags).
    type: bool
    default: true
  pending_window:
    description: Days (7 to 30) before a key scheduled for deletion is deleted.
    type: int
    default: 30
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - mosaic.platform.tag_listing
"""

EXAMPLES = r"""
- name: Manage the customer-managed keys
  mosaic.platform.kms_keys:
    pending_window: 30
    keys:
      - alias: alias/p-dev-data
        description: "p-dev data: RDS and backups"
        policy: "{{ data_key_policy }}"
        tags: {Project: P, Env: dev, Name: p-dev-data}
      - alias: alias/p-dev-old
        state: absent
"""

RETURN = r"""
kms_keys:
  description: >-
    Per alias, the key's ARN and id (empty for a key that check mode would create, or that is absent and has no key),
    the alias, and what changed (or would). Named C(kms_keys), not C(keys), so that C(result.kms_keys) in a template
    is not the dict method C(keys).
  returned: always
  type: dict
  sample:
    alias/p-dev-data:
      arn: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
      id: 1234abcd-12ab-34cd-56ef-1234567890ab
      alias: alias/p-dev-data
      changed: [policy, tags]
"""

import json
import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list, boto3_tag_list_to_ansible_dict
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import listed_tags, reconcile_tags, tags_match

ALIAS = re.compile(r"^alias/[a-zA-Z0-9/_-]{1,250}$")


@AWSRetry.jittered_backoff()
def _list_aliases(client):
    return client.get_paginator("list_aliases").paginate().build_full_result().get("Aliases", [])


def key_ids_by_alias(client):
    """The region's aliases that point at a key (the AWS-managed ones without a key yet point at none)."""
    return {a["AliasName"]: a["TargetKeyId"] for a in _list_aliases(client) if a.get("TargetKeyId")}


def read_tags(client, key_id):
    """ListResourceTags has no paginator; a caller denied it sees no tags (as amazon.aws.kms_key)."""
    tags, params = [], {"KeyId": key_id}
    while True:
        try:
            page = client.list_resource_tags(aws_retry=True, **params)
        except is_boto3_error_code("AccessDeniedException"):
            return {}
        tags.extend(page.get("Tags", []))
        if not page.get("Truncated") or not page.get("NextMarker"):
            return boto3_tag_list_to_ansible_dict(tags, "TagKey", "TagValue")
        params["Marker"] = page["NextMarker"]


def read_policy(client, key_id):
    """The default key policy; None when it cannot be read, so it is written again (as amazon.aws.kms_key)."""
    try:
        return json.loads(client.get_key_policy(aws_retry=True, KeyId=key_id, PolicyName="default")["Policy"])
    except is_boto3_error_code("AccessDeniedException"):
        return None


def read_rotation(client, key_id):
    """Whether rotation is on; None when it cannot be read (denied, or a key in a state that has none)."""
    try:
        return client.get_key_rotation_status(aws_retry=True, KeyId=key_id)["KeyRotationEnabled"]
    except is_boto3_error_code(["AccessDeniedException", "UnsupportedOperationException", "KMSInvalidStateException"]):
        return None


def state_of(metadata, policy, rotation, tags):
    """The managed settings of an existing key, in the shape of a spec (for the diff)."""
    return {
        "description": metadata.get("Description", ""),
        "enabled": metadata["KeyState"] == "Enabled",
        "enable_key_rotation": rotation,
        "policy": policy,
        "tags": tags,
        "state": "absent" if metadata["KeyState"] == "PendingDeletion" else "present",
    }


def wanted_of(spec, before, purge_tags):
    if spec["state"] == "absent":
        return {"state": "absent"}
    tags = spec["tags"] if purge_tags or not before else {**before["tags"], **spec["tags"]}
    return {
        "description": spec["description"],
        "enabled": spec["enabled"],
        "enable_key_rotation": spec["enable_key_rotation"],
        "policy": spec["policy"],
        "tags": tags,
        "state": "present",
    }


def create_key(client, spec):
    """CreateKey with its description, policy and tags, then the alias, rotation and (if wanted) disabled."""
    params = {
        "Policy": json.dumps(spec["policy"]),
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "Origin": "AWS_KMS",
        "MultiRegion": False,
        "BypassPolicyLockoutSafetyCheck": False,
    }
    if spec["description"]:
        params["Description"] = spec["description"]
    if spec["tags"]:
        params["Tags"] = ansible_dict_to_boto3_tag_list(spec["tags"], "TagKey", "TagValue")
    metadata = client.create_key(aws_retry=True, **params)["KeyMetadata"]
    key_id = metadata["KeyId"]
    client.create_alias(aws_retry=True, AliasName=spec["alias"], TargetKeyId=key_id)
    if spec["enable_key_rotation"]:
        client.enable_key_rotation(aws_retry=True, KeyId=key_id)
    if not spec["enabled"]:
        client.disable_key(aws_retry=True, KeyId=key_id)
    return metadata


def converge_key(module, client, spec, metadata, purge_tags, listed=None):
    """Write what differs on an existing key, in amazon.aws.kms_key's order; return (changes, before).

    ``listed`` is the key's tags from the tagging API, if it showed them: taken only when they already match.
    """
    key_id, check, changes = metadata["KeyId"], module.check_mode, []
    policy, rotation = read_policy(client, key_id), read_rotation(client, key_id)
    tags = listed if listed is not None and tags_match(listed, spec["tags"], purge_tags) else read_tags(client, key_id)
    before = state_of(metadata, policy, rotation, tags)
    key_state = metadata["KeyState"]
    if key_state == "PendingDeletion":
        changes.append("deletion cancelled")
        if not check:
            client.cancel_key_deletion(aws_retry=True, KeyId=key_id)
        key_state = "Disabled"  # a key whose deletion is cancelled comes back disabled
    if key_state != ("Enabled" if spec["enabled"] else "Disabled"):
        changes.append("enabled" if spec["enabled"] else "disabled")
        if not check:
            if spec["enabled"]:
                client.enable_key(aws_retry=True, KeyId=key_id)
            else:
                client.disable_key(aws_retry=True, KeyId=key_id)
    if before["description"] != spec["description"]:
        changes.append("description")
        if not check:
            client.update_key_description(aws_retry=True, KeyId=key_id, Description=spec["description"])
    tags_changed = reconcile_tags(
        tags,
        spec["tags"],
        purge_tags,
        check,
        tag=lambda add: client.tag_resource(aws_retry=True, KeyId=key_id, Tags=ansible_dict_to_boto3_tag_list(add, "TagKey", "TagValue")),
        untag=lambda keys: client.untag_resource(aws_retry=True, KeyId=key_id, TagKeys=keys),
    )[0]
    if tags_changed:
        changes.append("tags")
    if policy is None or compare_policies(policy, spec["policy"]):
        changes.append("policy")
        if not check:
            client.put_key_policy(aws_retry=True, KeyId=key_id, PolicyName="default", Policy=json.dumps(spec["policy"]))
    if rotation != spec["enable_key_rotation"]:
        changes.append("rotation")
        if not check:
            if spec["enable_key_rotation"]:
                client.enable_key_rotation(aws_retry=True, KeyId=key_id)
            else:
                client.disable_key_rotation(aws_retry=True, KeyId=key_id)
    return changes, before


def delete_key(module, client, metadata, pending_window):
    """Schedule the deletion unless it already is; return what changed (or would)."""
    if metadata["KeyState"] == "PendingDeletion":
        return []
    if not module.check_mode:
        client.schedule_key_deletion(aws_retry=True, KeyId=metadata["KeyId"], PendingWindowInDays=pending_window)
    return ["deletion scheduled"]


def validate(module, specs, pending_window):
    aliases = [s["alias"] for s in specs]
    fail_if_not_unique(module, "keys alias", aliases)
    bad = [a for a in aliases if not ALIAS.match(a) or a.startswith("alias/aws/")]
    if bad:
        module.fail_json(msg=f"keys alias must be alias/<name> of letters, digits, /, _ and -, not under alias/aws/ (got {bad})")
    no_policy = [s["alias"] for s in specs if s["state"] == "present" and not s["policy"]]
    if no_policy:
        module.fail_json(msg=f"keys policy is required for a key that is present (missing on {no_policy})")
    if not 7 <= pending_window <= 30:
        module.fail_json(msg=f"pending_window must be 7 to 30 days (got {pending_window})")


def main():
    key_spec = {
        "alias": {"type": "str", "required": True},
        "description": {"type": "str", "default": ""},
        "policy": {"type": "dict"},
        "enabled": {"type": "bool", "default": True},
        "enable_key_rotation": {"type": "bool", "default": True, "no_log": False},
        "tags": {"type": "dict", "default": {}},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    module = AnsibleAWSModule(
        argument_spec={
            "keys": {"type": "list", "elements": "dict", "required": True, "options": key_spec, "no_log": False},
            "purge_tags": {"type": "bool", "default": True},
            "pending_window": {"type": "int", "default": 30},
        },
        supports_check_mode=True,
    )
    specs, purge_tags, pending_window = module.params["keys"], module.params["purge_tags"], module.params["pending_window"]
    validate(module, specs, pending_window)

    client = module.client("kms", retry_decorator=AWSRetry.jittered_backoff())
    try:
        existing = key_ids_by_alias(client)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to list the KMS aliases")
    described = {}
    for spec in specs:
        key_id = existing.get(spec["alias"])
        try:
            described[spec["alias"]] = client.describe_key(aws_retry=True, KeyId=key_id)["KeyMetadata"] if key_id else None
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the KMS key {spec['alias']}")
    try:
        listed = listed_tags(module, [described[s["alias"]]["Arn"] for s in specs if s["state"] == "present" and described[s["alias"]]])
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to list the tags of the KMS keys")

    result, diff = {}, {"before": {}, "after": {}}
    for spec in specs:
        alias, key_id, metadata = spec["alias"], existing.get(spec["alias"]), described[spec["alias"]]
        before, arn = None, ""
        try:
            if spec["state"] == "absent":
                changes = delete_key(module, client, metadata, pending_window) if metadata else []
                before = {"state": "present"}
            elif metadata is None:
                changes = ["created"]
                if not module.check_mode:
                    metadata = create_key(client, spec)
            else:
                changes, before = converge_key(module, client, spec, metadata, purge_tags, listed.get(metadata["Arn"]))
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the KMS key {alias}")
        if metadata:
            key_id, arn = metadata["KeyId"], metadata["Arn"]
        result[alias] = {"arn": arn, "id": key_id or "", "alias": alias, "changed": changes}
        if changes:
            diff["before"][alias] = before or {}
            diff["after"][alias] = wanted_of(spec, before, purge_tags)
    changed = any(r["changed"] for r in result.values())
    module.exit_json(changed=changed, kms_keys=result, **({"diff": diff} if module._diff else {}))


if __name__ == "__main__":
    main()
