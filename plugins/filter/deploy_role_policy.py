# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: deploy_role_policy
short_description: Render the generated deploy policy for one environment
version_added: 0.1.0
description:
  - Fills the placeholders (C(${Prefix}), C(${Slug}), C(${Env}), C(${Account}), C(${Region}), C(${Partition}),
    C(${Boundary})) of the policy template C(scripts/deploy_policy.py) generated from a recorded converge, and appends
    the statements of an extra policy (the CI role's C(inline_policy)).
options:
  _input:
    description: The policy template (C(roles/aws_identity/files/deploy_policy.json)).
    type: dict
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
  boundary_arn:
    description: The permissions boundary every created role must carry.
    type: str
    required: true
  extra:
    description: A policy whose statements are appended.
    type: dict
"""

EXAMPLES = r"""
- name: Render the deploy policy
  ansible.builtin.set_fact:
    __policy: >-
      {{ lookup('ansible.builtin.file', 'deploy_policy.json') | from_json | mosaic.platform.deploy_role_policy(
           prefix='p-dev', slug='p', env='dev', account_id='123456789012', region='eu-west-1',
           boundary_arn='arn:aws:iam::123456789012:policy/p-dev-permissions-boundary') }}
"""

RETURN = r"""
_value:
  description: The deploy policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.deploy_policy import render


def _deploy_role_policy(template, prefix, slug, env, account_id, region, boundary_arn, extra=None, partition="aws"):
    if not (str(account_id).isdigit() and len(str(account_id)) == 12):
        raise AnsibleFilterError(f"deploy_role_policy: account_id must be 12 digits, got {account_id!r}")
    values = {"Partition": partition, "Prefix": prefix, "Slug": slug, "Env": env, "Account": str(account_id), "Region": region, "Boundary": boundary_arn}
    doc = render(template, values)
    if extra:
        doc["Statement"] = list(doc["Statement"]) + list(extra.get("Statement", []))
    return doc


class FilterModule:
    def filters(self):
        return {"deploy_role_policy": _deploy_role_policy}
