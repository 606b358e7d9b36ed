#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sso_account_assignment
short_description: Assign an IAM Identity Center permission set to a group or user on an account
version_added: 0.1.0
description:
  - Creates or deletes one account assignment and, by default, waits until Identity Center reports it done (the
    C(AWSReservedSSO_<permission set>_<hash>) role then exists in the account).
  - Groups come from the identity source (Google Workspace or GitHub synced through SCIM) and are looked up by
    display name in the identity store; a missing group fails, unless O(create_group) (the local emulator only).
  - No amazon.aws or community.aws module manages account assignments.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  instance_arn:
    description: ARN of the Identity Center instance. Defaults to the only instance.
    type: str
  identity_store_id:
    description: Identity store to look groups up in. Defaults to the instance's.
    type: str
  account_id:
    description: The 12-digit AWS account the assignment grants access to.
    type: str
    required: true
  permission_set_name:
    description: Name of the permission set. One of O(permission_set_name) and O(permission_set_arn) is required.
    type: str
  permission_set_arn:
    description: ARN of the permission set.
    type: str
  principal_type:
    description: Kind of principal.
    type: str
    choices: [GROUP, USER]
    default: GROUP
  principal_name:
    description: Display name of the group. One of O(principal_name) and O(principal_id) is required.
    type: str
  principal_id:
    description: Identity store id of the group or user.
    type: str
  create_group:
    description: Create a missing group. Only for the local emulator, where no identity source syncs groups.
    type: bool
    default: false
  wait:
    description: Wait until the assignment is created or deleted.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 300
  state:
    description: Whether the assignment exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Supports check mode.
"""

EXAMPLES = r"""
- name: Give the platform-ops group the ops permission set on the prod account
  mosaic.platform.sso_account_assignment:
    account_id: "123456789012"
    permission_set_name: acme-prod-ops
    principal_name: platform-ops
"""

RETURN = r"""
permission_set_arn:
  description: Permission set ARN.
  returned: when the permission set exists
  type: str
principal_id:
  description: Identity store id of the principal; empty in check mode for a group still to be created.
  returned: when the permission set exists
  type: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.sso_access import SSOAccessError, ensure_account_assignment


def main():
    argument_spec = {
        "instance_arn": {"type": "str"},
        "identity_store_id": {"type": "str"},
        "account_id": {"type": "str", "required": True},
        "permission_set_name": {"type": "str"},
        "permission_set_arn": {"type": "str"},
        "principal_type": {"type": "str", "choices": ["GROUP", "USER"], "default": "GROUP"},
        "principal_name": {"type": "str"},
        "principal_id": {"type": "str"},
        "create_group": {"type": "bool", "default": False},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 300},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_one_of=[["permission_set_name", "permission_set_arn"], ["principal_name", "principal_id"]],
        mutually_exclusive=[["permission_set_name", "permission_set_arn"], ["principal_name", "principal_id"]],
    )
    try:
        changed, result = ensure_account_assignment(module.client("sso-admin"), module.client("identitystore"), module.params, module.check_mode)
    except SSOAccessError as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg="Failed to manage the account assignment")
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
