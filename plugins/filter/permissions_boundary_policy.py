# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: permissions_boundary_policy
short_description: Build the permissions boundary every role of the collection carries
version_added: 0.1.0
description:
  - Allows what a role's own policy allows, and denies creating a role or user without this boundary, removing it
    from a principal, editing or deleting the boundary policy, and creating static credentials.
options:
  _input:
    description: The boundary policy's own ARN (C(arn:aws:iam::<account>:policy/<name>)).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Render the boundary
  ansible.builtin.set_fact:
    __boundary: "{{ 'arn:aws:iam::123456789012:policy/p-dev-permissions-boundary' | mosaic.platform.permissions_boundary_policy }}"
"""

RETURN = r"""
_value:
  description: The boundary policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.arn_patterns import arn_regex
from ansible_collections.mosaic.platform.plugins.module_utils.permissions_boundary import boundary_policy

_POLICY_ARN = arn_regex("iam_policy")


def _permissions_boundary_policy(arn):
    if not _POLICY_ARN.match(str(arn)):
        raise AnsibleFilterError(f"permissions_boundary_policy: {arn!r} is not an IAM managed policy ARN")
    return boundary_policy(str(arn))


class FilterModule:
    def filters(self):
        return {"permissions_boundary_policy": _permissions_boundary_policy}
