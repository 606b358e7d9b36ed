# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: human_role_policy
short_description: Build the inline policy of a human permission set (dev, ops, break-glass)
version_added: 0.1.0
description:
  - C(read) reads the platform's control plane and never its data. C(operate) adds the day-2 actions of the
    runbooks on the platform's own resources (by name prefix) and the storage and messaging keys by ARN, never
    secret values, and denies object writes on the protected (log, audit, backup) buckets.
  - C(break-glass) is C(operate) plus reading and putting the platform secrets with the secrets key.
options:
  _input:
    description: C(read), C(operate) or C(break-glass).
    type: str
    required: true
  prefix:
    description: Resource prefix (C(platform_prefix)).
    type: str
    required: true
  slug:
    description: Project slug (C(platform_slug)).
    type: str
    required: true
  env:
    description: Environment (C(platform_env)).
    type: str
    required: true
  account_id:
    description: The 12-digit AWS account id.
    type: str
    required: true
  region:
    description: AWS region.
    type: str
    required: true
  kms_keys:
    description: Key purpose to key ARN.
    type: dict
  allow_missing_keys:
    description: Leave the KMS statement out when key ARNs are missing (check mode on a clean account).
    type: bool
    default: false
  protected_buckets:
    description: ARNs of the log, audit and backup buckets; required for C(operate) and C(break-glass).
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Render the read-only policy
  ansible.builtin.set_fact:
    __policy: "{{ 'read' | mosaic.platform.human_role_policy(prefix='p-dev', slug='p', env='dev', account_id='123456789012', region='eu-west-1') }}"
"""

RETURN = r"""
_value:
  description: The permission policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.iam_permissions import Naming, PermissionPolicyError, human_policy


def _human_role_policy(level, prefix, slug, env, account_id, region, kms_keys=None, allow_missing_keys=False, protected_buckets=None):
    try:
        return human_policy(
            level,
            Naming(prefix, slug, env, str(account_id), region),
            kms_keys=kms_keys,
            allow_missing_keys=bool(allow_missing_keys),
            protected_buckets=protected_buckets,
        )
    except PermissionPolicyError as exc:
        raise AnsibleFilterError(f"human_role_policy: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"human_role_policy": _human_role_policy}
