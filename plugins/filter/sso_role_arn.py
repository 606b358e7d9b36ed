# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: sso_role_arn
short_description: The role IAM Identity Center provisioned for a permission set, as an ARN without its path
version_added: 0.1.0
description:
  - Picks C(AWSReservedSSO_<permission set>_<16 hex>) under C(/aws-reserved/sso.amazonaws.com/) from a role list
    (the C(provisioned_roles) of M(mosaic.platform.sso_account_assignments), or the C(iam_roles) of
    amazon.aws.iam_role_info) and returns C(arn:aws:iam::<account>:role/<name>), without the path, the form EKS
    access entries match the caller against, or with it (O(with_path)), as resource policies name the role. Empty
    when the role is not provisioned yet.
options:
  _input:
    description: Roles with C(role_name) and C(path), as either module returns them.
    type: list
    elements: dict
    required: true
  permission_set:
    description: Permission set name.
    type: str
    required: true
  account_id:
    description: The 12-digit account id.
    type: str
    required: true
  with_path:
    description: Keep the path, as resource policies name the role.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Resolve the ops role
  ansible.builtin.set_fact:
    __ops_arn: "{{ __roles.iam_roles | mosaic.platform.sso_role_arn(permission_set='acme-prod-ops', account_id='123456789012') }}"
"""

RETURN = r"""
_value:
  description: The role ARN without path, or an empty string.
  type: str
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.sso_access import SSOAccessError, reserved_role_arn


def _sso_role_arn(roles, permission_set, account_id, with_path=False):
    try:
        return reserved_role_arn(list(roles or []), permission_set, str(account_id), with_path=bool(with_path))
    except SSOAccessError as exc:
        raise AnsibleFilterError(f"sso_role_arn: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"sso_role_arn": _sso_role_arn}
