# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: service_role_trust
short_description: Build the trust policy of a role an AWS service assumes for this account
version_added: 0.1.0
description:
  - Trust for a service principal (C(es.amazonaws.com), C(backup.amazonaws.com)) bound to the account
    with C(aws:SourceAccount), so the service cannot be used as a confused deputy by another account.
options:
  _input:
    description: The service principal.
    type: str
    required: true
  account_id:
    description: The 12-digit AWS account id.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Render the OpenSearch snapshot role trust
  ansible.builtin.set_fact:
    __trust: "{{ 'es.amazonaws.com' | mosaic.platform.service_role_trust(account_id='123456789012') }}"
"""

RETURN = r"""
_value:
  description: The trust policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.data_policies import service_role_trust
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError


def _service_role_trust(service, account_id):
    try:
        return service_role_trust(service, str(account_id))
    except PolicyError as exc:
        raise AnsibleFilterError(f"service_role_trust: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"service_role_trust": _service_role_trust}
