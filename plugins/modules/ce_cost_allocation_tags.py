#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ce_cost_allocation_tags
short_description: Activate (or deactivate) user-defined cost allocation tags in Cost Explorer
version_added: 0.1.0
description:
  - Sets the status of user-defined cost allocation tag keys (C(UpdateCostAllocationTagsStatus)) so that Cost Explorer,
    Budgets and the cost and usage reports can group and filter by them.
  - No amazon.aws or community.aws module manages cost allocation tags.
  - Billing lists a tag key only after a resource has carried it (up to 24 hours later). A key billing does not list yet
    cannot be activated; the module warns, returns it in RV(missing_tag_keys) and reports no change for it, so a later
    run activates it.
  - Cost Explorer has one endpoint, in C(us-east-1), and is called from the management (payer) account.
  - The local emulator lacks these calls and answers a bare HTTP 500 without an AWS error code; there the module warns
    and changes nothing. The request shapes are covered by Stubber unit tests only.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  tag_keys:
    description: User-defined tag keys (case-sensitive), at most 100.
    type: list
    elements: str
    required: true
  status:
    description: Status the keys must have.
    type: str
    choices: [active, inactive]
    default: active
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Activate the tagging standard's keys as cost allocation tags
  mosaic.platform.ce_cost_allocation_tags:
    tag_keys: [Project, Env, Owner, Component]
    region: us-east-1
"""

RETURN = r"""
cost_allocation_tags:
  description: The listed keys after the run, with their status (C(Active) or C(Inactive)).
  returned: success
  type: list
  elements: dict
  sample: [{tag_key: Component, status: Active}]
missing_tag_keys:
  description: Keys billing does not list yet (never seen on a resource, or seen less than 24 hours ago).
  returned: success
  type: list
  elements: str
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# The API's limits: ListCostAllocationTags takes 100 keys, UpdateCostAllocationTagsStatus 20 per call.
LIST_LIMIT = 100
UPDATE_LIMIT = 20


def list_tags(client, keys: list[str]) -> dict[str, str]:
    """Status of each listed user-defined key: {key: 'Active' | 'Inactive'}."""
    found: dict[str, str] = {}
    kwargs = {"TagKeys": keys, "Type": "UserDefined", "MaxResults": LIST_LIMIT}
    while True:
        page = client.list_cost_allocation_tags(aws_retry=True, **kwargs)
        found.update({tag["TagKey"]: tag["Status"] for tag in page.get("CostAllocationTags", [])})
        if not page.get("NextToken"):
            return found
        kwargs["NextToken"] = page["NextToken"]


def plan(wanted: str, keys: list[str], current: dict[str, str]) -> tuple[list[str], list[str]]:
    """(keys whose status must change, keys billing does not list yet), each in the order given."""
    return [k for k in keys if k in current and current[k] != wanted], [k for k in keys if k not in current]


def update(client, keys: list[str], status: str) -> list[dict]:
    """Set the status in batches; return the per-key errors the API reports."""
    errors = []
    for start in range(0, len(keys), UPDATE_LIMIT):
        batch = [{"TagKey": key, "Status": status} for key in keys[start : start + UPDATE_LIMIT]]
        errors += client.update_cost_allocation_tags_status(aws_retry=True, CostAllocationTagsStatus=batch).get("Errors", [])
    return errors


def snake(current: dict[str, str], keys: list[str]) -> list[dict]:
    return [{"tag_key": key, "status": current[key]} for key in keys if key in current]


def main():
    argument_spec = {
        "tag_keys": {"type": "list", "elements": "str", "required": True, "no_log": False},
        "status": {"type": "str", "choices": ["active", "inactive"], "default": "active"},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    keys = list(dict.fromkeys(module.params["tag_keys"]))
    if not keys or len(keys) > LIST_LIMIT:
        module.fail_json(msg=f"tag_keys must list 1 to {LIST_LIMIT} keys (got {len(keys)})")
    wanted = module.params["status"].capitalize()
    client = module.client("ce", retry_decorator=AWSRetry.jittered_backoff())

    try:
        try:
            current = list_tags(client, keys)
        except is_boto3_error_code("500"):
            # Only an emulator answers a bare HTTP 500 without an AWS error code (moto lacks these calls).
            module.warn("cannot read the cost allocation tags; left unchanged")
            module.exit_json(changed=False, cost_allocation_tags=[], missing_tag_keys=[])
        changes, missing = plan(wanted, keys, current)
        if missing:
            module.warn(f"billing does not list the tag keys {', '.join(missing)} yet (a resource must carry them first); run again later")
        after = {**current, **dict.fromkeys(changes, wanted)}
        if not changes:
            module.exit_json(changed=False, cost_allocation_tags=snake(current, keys), missing_tag_keys=missing)
        diff = {"before": {k: current[k] for k in changes}, "after": dict.fromkeys(changes, wanted)}
        if module.check_mode:
            module.exit_json(changed=True, diff=diff, cost_allocation_tags=snake(after, keys), missing_tag_keys=missing)
        errors = update(client, changes, wanted)
        if errors:
            detail = "; ".join(f"{e.get('TagKey')}: {e.get('Code')} {e.get('Message', '')}".strip() for e in errors)
            module.fail_json(msg=f"Failed to set the cost allocation tags to {wanted}: {detail}", errors=errors)
        module.exit_json(changed=True, diff=diff, cost_allocation_tags=snake(after, keys), missing_tag_keys=missing)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to manage the cost allocation tags")


if __name__ == "__main__":
    main()
