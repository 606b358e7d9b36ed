# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: irsa_trust_policy
short_description: Build the trust policy of an IRSA role
version_added: 0.1.0
description:
  - Trusts exactly one Kubernetes service account of one cluster, through the cluster's IAM OIDC provider
    (C(StringEquals) on C(<issuer>:sub) = C(system:serviceaccount:<ns>:<sa>) and C(<issuer>:aud) = C(sts.amazonaws.com)).
options:
  _input:
    description: The 12-digit AWS account id.
    type: str
    required: true
  issuer:
    description: The cluster's OIDC issuer URL (C(https://oidc.eks.<region>.amazonaws.com/id/<id>)).
    type: str
    required: true
  namespace:
    description: Namespace of the service account.
    type: str
    required: true
  service_account:
    description: Name of the service account.
    type: str
    required: true
  partition:
    description: AWS partition.
    type: str
    default: aws
"""

EXAMPLES = r"""
- name: Render an IRSA trust policy
  ansible.builtin.set_fact:
    __trust: "{{ '123456789012' | mosaic.platform.irsa_trust_policy(issuer=issuer, namespace='keda', service_account='keda-operator') }}"
"""

RETURN = r"""
_value:
  description: The trust policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.trust_policies import TrustPolicyError, irsa_trust_policy


def _irsa_trust_policy(account_id, issuer, namespace, service_account, partition="aws"):
    try:
        return irsa_trust_policy(str(account_id), issuer, namespace, service_account, partition)
    except TrustPolicyError as exc:
        raise AnsibleFilterError(f"irsa_trust_policy: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"irsa_trust_policy": _irsa_trust_policy}
