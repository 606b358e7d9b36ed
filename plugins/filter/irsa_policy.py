# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: irsa_policy
short_description: Build the least-privilege permission policy of an IRSA role from a named template
version_added: 0.1.0
description:
  - Templates C(secret-store), C(keda), C(velero), C(aws-load-balancer-controller), C(loki), C(thanos),
    C(ebs-csi), C(queue-consumer), C(neo4j-backup) and C(bedrock-invoke), built from the collection's naming conventions and checked (no C(*:*),
    no service-wide wildcard action, KMS actions only on named key ARNs).
options:
  _input:
    description: Template name.
    type: str
    required: true
  prefix:
    description: Resource prefix (C(platform_prefix)).
    type: str
    required: true
  slug:
    description: Project slug (C(platform_slug)), the first segment of secret names and SSM paths.
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
  params:
    description:
      - Template variables (C(secrets) for secret-store, C(queues) for keda and queue-consumer,
        C(bucket_purpose) to override a bucket, C(prefix) for neo4j-backup).
    type: dict
  kms_keys:
    description: Key purpose to key ARN (C(data), C(secrets), C(storage), C(messaging)).
    type: dict
  allow_missing_keys:
    description: Leave KMS statements out when a key ARN is missing (a check-mode run on a clean account).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Render the KEDA policy
  ansible.builtin.set_fact:
    __policy: >-
      {{ 'keda' | mosaic.platform.irsa_policy(prefix='p-dev', slug='p', env='dev', account_id='123456789012',
                                               region='eu-west-1', params={'queues': ['jobs']}) }}
"""

RETURN = r"""
_value:
  description: The permission policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.iam_permissions import Naming, PermissionPolicyError, irsa_policy


def _irsa_policy(template, prefix, slug, env, account_id, region, params=None, kms_keys=None, allow_missing_keys=False):
    try:
        naming = Naming(prefix, slug, env, str(account_id), region)
        return irsa_policy(template, naming, params=params, kms_keys=kms_keys, allow_missing_keys=bool(allow_missing_keys))
    except PermissionPolicyError as exc:
        raise AnsibleFilterError(f"irsa_policy: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"irsa_policy": _irsa_policy}
