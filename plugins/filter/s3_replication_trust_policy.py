# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: s3_replication_trust_policy
short_description: Build the trust policy of the S3 replication role
version_added: 0.1.0
description:
  - Lets C(s3.amazonaws.com) assume the replication role for this account only (C(aws:SourceAccount)).
options:
  _input:
    description: The 12-digit AWS account id.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Render the trust policy
  ansible.builtin.set_fact:
    __trust: "{{ '123456789012' | mosaic.platform.s3_replication_trust_policy }}"
"""

RETURN = r"""
_value:
  description: The trust policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError
from ansible_collections.mosaic.platform.plugins.module_utils.s3_policies import replication_trust_policy


def _s3_replication_trust_policy(account_id):
    try:
        return replication_trust_policy(str(account_id))
    except PolicyError as exc:
        raise AnsibleFilterError(f"s3_replication_trust_policy: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"s3_replication_trust_policy": _s3_replication_trust_policy}
