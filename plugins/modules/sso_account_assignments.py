#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sso_account_assignments
short_description: Assign IAM Identity Center permission sets to groups or users of one account, all in one run
version_added: 0.2.0
description:
  - Creates every missing assignment of O(assignments) on O(account_id), as M(mosaic.platform.sso_account_assignment)
    does for one, and waits until Identity Center reports them done (all requested before the first wait).
  - The permission sets of the instance are read once, each group once (C(GetGroupId) by display name) and the
    assignments of each set once (C(ListAccountAssignments)); an assignment that exists costs no write.
  - Given O(assignments[].permission_set_arn) on every assignment, the permission sets are not read; given both
    O(instance_arn) and O(identity_store_id), the instance is not looked up. Both as M(mosaic.platform.sso_permission_sets)
    returns them.
  - O(provisioned_roles) returns the roles Identity Center provisioned in the account, for the ARNs EKS access
    entries and resource policies name.
  - Groups come from the identity source (SCIM); a group that is not there fails naming it, unless
    O(create_group) (the local emulator only).
  - Assignments are only created; removing one is left to M(mosaic.platform.sso_account_assignment) with
    C(state=absent).
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
    description: The 12-digit AWS account the assignments grant access to.
    type: str
    required: true
  assignments:
    description: The assignments.
    type: list
    elements: dict
    required: true
    suboptions:
      permission_set_name:
        description: Name of the permission set.
        type: str
        required: true
      permission_set_arn:
        description:
          - ARN of the permission set, as M(mosaic.platform.sso_permission_sets) returns it. Empty or unset, the set
            is found by its name.
        type: str
      principal_type:
        description: Kind of principal.
        type: str
        choices: [GROUP, USER]
        default: GROUP
      principal_name:
        description: Display name of the group. Exactly one of O(assignments[].principal_name) and O(assignments[].principal_id).
        type: str
      principal_id:
        description: Identity store id of the group or user.
        type: str
  create_group:
    description: Create a missing group. Only for the local emulator, where no identity source syncs groups.
    type: bool
    default: false
  wait:
    description: Wait until the new assignments are created.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for each.
    type: int
    default: 300
  provisioned_roles:
    description:
      - After the assignments (and the wait), list the roles under C(/aws-reserved/sso.amazonaws.com/) with one
        paginated C(ListRoles), and return them in RV(provisioned_roles).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Supports check mode; an assignment of a set that does not exist yet is reported as a change and calls nothing.
"""

EXAMPLES = r"""
- name: Assign the permission sets to the identity-store groups
  mosaic.platform.sso_account_assignments:
    account_id: "123456789012"
    assignments:
      - {permission_set_name: acme-prod-ops, principal_name: platform-ops}
      - {permission_set_name: acme-prod-dev, principal_name: platform-dev}
"""

RETURN = r"""
assignments:
  description: Per assignment, in the order given, the set and principal resolved and what changed (C(group created), C(assigned)).
  returned: always
  type: list
  elements: dict
  sample:
    - permission_set_name: acme-prod-ops
      permission_set_arn: arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef
      principal_name: platform-ops
      principal_id: 9a672b3314-6b1e6a53-2dbb-4f43-a9b6-c3b4a1f3a7e2
      account_id: "123456789012"
      changes: []
provisioned_roles:
  description:
    - With O(provisioned_roles), the roles Identity Center provisioned in the account (C(AWSReservedSSO_<set>_<hash>)),
      sorted by name; the input mosaic.platform.sso_role_arn takes.
  returned: when O(provisioned_roles)
  type: list
  elements: dict
  sample:
    - role_name: AWSReservedSSO_acme-prod-ops_0123456789abcdef
      path: /aws-reserved/sso.amazonaws.com/eu-west-1/
      arn: arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_acme-prod-ops_0123456789abcdef
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.sso_access import RESERVED_ROLE_PATH_PREFIX, SSOAccessError, ensure_account_assignments


def provisioned_roles(iam):
    roles = iam.get_paginator("list_roles").paginate(PathPrefix=RESERVED_ROLE_PATH_PREFIX).build_full_result()["Roles"]
    return sorted(({"role_name": r["RoleName"], "path": r["Path"], "arn": r["Arn"]} for r in roles), key=lambda r: r["role_name"])


def main():
    assignment_spec = {
        "permission_set_name": {"type": "str", "required": True},
        "permission_set_arn": {"type": "str"},
        "principal_type": {"type": "str", "choices": ["GROUP", "USER"], "default": "GROUP"},
        "principal_name": {"type": "str"},
        "principal_id": {"type": "str"},
    }
    argument_spec = {
        "instance_arn": {"type": "str"},
        "identity_store_id": {"type": "str"},
        "account_id": {"type": "str", "required": True},
        "assignments": {"type": "list", "elements": "dict", "required": True, "options": assignment_spec},
        "create_group": {"type": "bool", "default": False},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 300},
        "provisioned_roles": {"type": "bool", "default": False},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        changed, result = ensure_account_assignments(module.client("sso-admin"), module.client("identitystore"), module.params, module.check_mode)
        extra = {"provisioned_roles": provisioned_roles(module.client("iam"))} if module.params["provisioned_roles"] else {}
    except SSOAccessError as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg="Failed to manage the account assignments")
    module.exit_json(changed=changed, assignments=result, **extra)


if __name__ == "__main__":
    main()
