#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sso_permission_set
short_description: Manage an IAM Identity Center permission set
version_added: 0.1.0
description:
  - Creates, updates or deletes a permission set of an IAM Identity Center instance, with its description, session
    duration, relay state, inline policy and AWS managed policies (both authoritative).
  - When a change reaches a permission set that is already provisioned to accounts, the set is provisioned again
    (C(ALL_PROVISIONED_ACCOUNTS)) so the C(AWSReservedSSO_<name>_<hash>) roles follow.
  - O(tags) are set when the set is created; later tag changes are not reconciled (the local emulator has no
    tagging API for permission sets).
  - No amazon.aws or community.aws module manages permission sets.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  instance_arn:
    description: ARN of the Identity Center instance. Defaults to the only instance of the account or organization.
    type: str
  name:
    description: Permission set name, at most 32 characters; the provisioned roles are named after it.
    type: str
    required: true
  description:
    description: Description shown in the access portal. Defaults to O(name).
    type: str
  session_duration:
    description: ISO-8601 session length, 1 to 12 hours (C(PT1H), C(PT8H)).
    type: str
    default: PT1H
  relay_state:
    description: URL the console opens after sign-in.
    type: str
  inline_policy:
    description: Inline policy document. Empty removes it.
    type: json
  managed_policy_arns:
    description: AWS managed policy ARNs attached to the set (authoritative).
    type: list
    elements: str
    default: []
  provision:
    description: Provision a changed set again to the accounts it is provisioned to.
    type: bool
    default: true
  tags:
    description: Tags set at creation.
    type: dict
    default: {}
  state:
    description: Whether the permission set exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Supports check mode; a check run on a clean instance reports the set as created and calls no write API.
"""

EXAMPLES = r"""
- name: Manage the ops permission set
  mosaic.platform.sso_permission_set:
    name: acme-prod-ops
    session_duration: PT4H
    inline_policy: "{{ lookup('ansible.builtin.file', 'ops.json') }}"
"""

RETURN = r"""
arn:
  description: Permission set ARN; empty in check mode before creation.
  returned: always
  type: str
name:
  description: Permission set name.
  returned: always
  type: str
instance_arn:
  description: Identity Center instance ARN.
  returned: when state is present
  type: str
identity_store_id:
  description: Identity store of the instance.
  returned: when state is present
  type: str
changes:
  description: What differed (C(created), C(Description), C(SessionDuration), C(inline_policy), C(managed_policy_arns)).
  returned: when state is present
  type: list
  elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.sso_access import SSOAccessError, ensure_permission_set


def main():
    argument_spec = {
        "instance_arn": {"type": "str"},
        "name": {"type": "str", "required": True},
        "description": {"type": "str"},
        "session_duration": {"type": "str", "default": "PT1H"},
        "relay_state": {"type": "str"},
        "inline_policy": {"type": "json"},
        "managed_policy_arns": {"type": "list", "elements": "str", "default": []},
        "provision": {"type": "bool", "default": True},
        "tags": {"type": "dict", "default": {}},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("sso-admin")
    try:
        changed, result = ensure_permission_set(client, module.params, module.check_mode)
    except SSOAccessError as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg=f"Failed to manage permission set {module.params['name']}")
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
