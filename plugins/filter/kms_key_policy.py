# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: kms_key_policy
short_description: Build a least-privilege KMS key policy
version_added: 0.1.0
description:
  - Builds the key policy the M(amazon.aws.kms_key) task of the aws_kms role applies, and checks it
    against the security baseline (no C(kms:*), no public principal, account-wide use only through
    named services, service principals bound to the account).
options:
  _input:
    description: The 12-digit AWS account id.
    type: str
    required: true
  region:
    description: Region used to build the C(kms:ViaService) names.
    type: str
    required: true
  via_services:
    description: Service prefixes (C(s3), C(sqs), C(secretsmanager), ...) through which the account may use the key.
    type: list
    elements: str
  admin_principals:
    description: Principals allowed to manage (not use) the key. Defaults to the account root.
    type: list
    elements: str
  usage_principals:
    description: Role ARNs allowed to use the key directly.
    type: list
    elements: str
  service_principals:
    description: Service principals (C(cloudtrail.amazonaws.com)) allowed to use the key for this account.
    type: list
    elements: str
  partition:
    description: AWS partition.
    type: str
    default: aws
"""

EXAMPLES = r"""
- name: Render a key policy
  ansible.builtin.set_fact:
    __policy: "{{ '123456789012' | mosaic.platform.kms_key_policy(region='eu-west-1', via_services=['s3', 'sqs']) }}"
"""

RETURN = r"""
_value:
  description: The key policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError, kms_key_policy


def _kms_key_policy(account_id, region, via_services=None, admin_principals=None, usage_principals=None, service_principals=None, partition="aws"):
    try:
        return kms_key_policy(
            str(account_id),
            region,
            via_services=via_services,
            admin_principals=admin_principals,
            usage_principals=usage_principals,
            service_principals=service_principals,
            partition=partition,
        )
    except PolicyError as exc:
        raise AnsibleFilterError(f"kms_key_policy: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"kms_key_policy": _kms_key_policy}
