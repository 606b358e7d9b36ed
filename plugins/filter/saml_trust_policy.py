# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: saml_trust_policy
short_description: Build the trust policy of a human role federated through SAML
version_added: 0.1.0
description:
  - Trusts the IAM Identity Center (or any SAML) provider through C(sts:AssumeRoleWithSAML), with the
    C(SAML:aud) condition pinned to the AWS sign-in endpoint.
options:
  _input:
    description: ARN of the IAM SAML provider.
    type: str
    required: true
  audience:
    description: Value of the C(SAML:aud) condition.
    type: str
    default: https://signin.aws.amazon.com/saml
"""

EXAMPLES = r"""
- name: Render a human role trust policy
  ansible.builtin.set_fact:
    __trust: "{{ 'arn:aws:iam::123456789012:saml-provider/AWSSSO_x_DO_NOT_DELETE' | mosaic.platform.saml_trust_policy }}"
"""

RETURN = r"""
_value:
  description: The trust policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.trust_policies import SAML_AUDIENCE, TrustPolicyError, saml_trust_policy


def _saml_trust_policy(saml_provider_arn, audience=SAML_AUDIENCE):
    try:
        return saml_trust_policy(str(saml_provider_arn), audience)
    except TrustPolicyError as exc:
        raise AnsibleFilterError(f"saml_trust_policy: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"saml_trust_policy": _saml_trust_policy}
