# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: opensearch_access_policy
short_description: Build an OpenSearch domain access policy for named roles
version_added: 0.1.0
description:
  - Only the named IAM principals may call the domain's HTTP API (C(es:ESHttp*) actions named one by
    one); fine-grained access control then maps them to OpenSearch roles.
options:
  _input:
    description: The domain ARN.
    type: str
    required: true
  principals:
    description: IAM role ARNs allowed to reach the domain.
    type: list
    elements: str
    required: true
  jaeger_roles:
    description:
      - Jaeger's IAM roles (C(role_arn), C(index_prefix)), admitted only on the paths Jaeger calls (the domain root,
        C(_bulk), C(_template/<prefix>-*), C(<prefix>-*)), by a condition on C(aws:PrincipalArn) so the role may not exist yet.
    type: list
    elements: dict
    default: []
"""

EXAMPLES = r"""
- name: Render the domain access policy
  ansible.builtin.set_fact:
    __policy: "{{ domain_arn | mosaic.platform.opensearch_access_policy(principals=[admin_role_arn]) }}"
"""

RETURN = r"""
_value:
  description: The access policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.data_policies import opensearch_access_policy
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError


def _opensearch_access_policy(domain_arn, principals, jaeger_roles=None):
    try:
        return opensearch_access_policy(domain_arn, principals, jaeger_roles=jaeger_roles)
    except PolicyError as exc:
        raise AnsibleFilterError(f"opensearch_access_policy: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"opensearch_access_policy": _opensearch_access_policy}
