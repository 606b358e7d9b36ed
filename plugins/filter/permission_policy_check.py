# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: permission_policy_check
short_description: Check a permission policy against the least-privilege baseline
version_added: 0.1.0
description:
  - Returns the policy unchanged when it grants no C(*:*), no service-wide wildcard action (C(s3:*)), no
    C(NotAction)/C(NotResource), and KMS actions only on named key ARNs; fails otherwise.
  - Used on the inline policies an inventory gives the CI deploy roles.
options:
  _input:
    description: The policy document (dict or JSON text).
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Check an inline policy
  ansible.builtin.set_fact:
    __policy: "{{ my_policy | mosaic.platform.permission_policy_check }}"
"""

RETURN = r"""
_value:
  description: The policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.iam_permissions import PermissionPolicyError, check_permission_policy


def _permission_policy_check(policy):
    try:
        return check_permission_policy(policy)
    except (PermissionPolicyError, ValueError) as exc:
        raise AnsibleFilterError(f"permission_policy_check: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"permission_policy_check": _permission_policy_check}
