#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sso_permission_sets
short_description: Manage a list of IAM Identity Center permission sets in one run
version_added: 0.2.0
description:
  - Creates or converges every permission set of O(permission_sets) in one module run, as
    M(mosaic.platform.sso_permission_set) does for one (description, session duration, relay state, inline policy
    and AWS managed policies, both authoritative).
  - The sets of the instance are read once (C(ListPermissionSets), C(DescribePermissionSet) per set); a converged set
    then costs C(GetInlinePolicyForPermissionSet) and C(ListManagedPoliciesInPermissionSet), and no write.
  - When a change reaches a set that is already provisioned to accounts, the set is provisioned again
    (C(ALL_PROVISIONED_ACCOUNTS)) so the C(AWSReservedSSO_<name>_<hash>) roles follow.
  - Tags are set when a set is created; later tag changes are not reconciled (the local emulator has no tagging API
    for permission sets).
  - Sets are only created or updated; removing one is left to M(mosaic.platform.sso_permission_set) with
    C(state=absent).
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  instance_arn:
    description: ARN of the Identity Center instance. Defaults to the only instance of the account or organization.
    type: str
  permission_sets:
    description: The permission sets.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Permission set name, at most 32 characters; the provisioned roles are named after it.
        type: str
        required: true
      description:
        description: Description shown in the access portal. Defaults to the name.
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
      tags:
        description: Tags set at creation.
        type: dict
        default: {}
  provision:
    description: Provision a changed set again to the accounts it is provisioned to.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Supports check mode; a check run on a clean instance reports every set as created and calls no write API.
"""

EXAMPLES = r"""
- name: Manage the dev and ops permission sets
  mosaic.platform.sso_permission_sets:
    permission_sets:
      - name: acme-prod-dev
        inline_policy: "{{ lookup('ansible.builtin.file', 'dev.json') }}"
      - name: acme-prod-ops
        session_duration: PT4H
        inline_policy: "{{ lookup('ansible.builtin.file', 'ops.json') }}"
"""

RETURN = r"""
permission_sets:
  description:
    - Per set name, its ARN (empty in check mode before creation), instance, identity store, session duration and what
      differed (C(created), C(Description), C(SessionDuration), C(inline_policy), C(managed_policy_arns)).
  returned: always
  type: dict
  sample:
    acme-prod-ops:
      arn: arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef
      name: acme-prod-ops
      instance_arn: arn:aws:sso:::instance/ssoins-0123456789abcdef
      identity_store_id: d-0123456789
      session_duration: PT4H
      changes: []
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.sso_access import SSOAccessError, ensure_permission_sets


def main():
    set_spec = {
        "name": {"type": "str", "required": True},
        "description": {"type": "str"},
        "session_duration": {"type": "str", "default": "PT1H"},
        "relay_state": {"type": "str"},
        "inline_policy": {"type": "json"},
        "managed_policy_arns": {"type": "list", "elements": "str", "default": []},
        "tags": {"type": "dict", "default": {}},
    }
    argument_spec = {
        "instance_arn": {"type": "str"},
        "permission_sets": {"type": "list", "elements": "dict", "required": True, "options": set_spec},
        "provision": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    try:
        client = module.client("sso-admin")
        changed, result = ensure_permission_sets(client, params["permission_sets"], params["instance_arn"], params["provision"], module.check_mode)
    except SSOAccessError as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg="Failed to manage the permission sets")
    module.exit_json(changed=changed, permission_sets=result)


if __name__ == "__main__":
    main()
