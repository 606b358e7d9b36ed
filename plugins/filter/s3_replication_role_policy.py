# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: s3_replication_role_policy
short_description: Build the least-privilege permissions policy of the S3 replication role
version_added: 0.1.0
description:
  - Builds the inline policy of the role S3 assumes to replicate SSE-KMS buckets to another region. It may read
    object versions of the source buckets, write replicas into the replica buckets, decrypt with the source key
    and encrypt with the replica key only through S3 (C(kms:ViaService)) and only for those buckets.
options:
  _input:
    description: Source bucket name to replica bucket name.
    type: dict
    required: true
  source_key_arn:
    description: KMS key of the source buckets.
    type: str
    required: true
  replica_key_arn:
    description: KMS key of the replica buckets, in the replica region.
    type: str
    required: true
  region:
    description: Region of the source buckets.
    type: str
    required: true
  replica_region:
    description: Region of the replica buckets.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Render the replication role policy
  ansible.builtin.set_fact:
    __policy: >-
      {{ {'p-media-1': 'p-media-1-replica'} | mosaic.platform.s3_replication_role_policy(
           source_key_arn=storage_key, replica_key_arn=replica_key, region='eu-west-1', replica_region='eu-central-1') }}
"""

RETURN = r"""
_value:
  description: The IAM policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError
from ansible_collections.mosaic.platform.plugins.module_utils.s3_policies import replication_role_policy


def _s3_replication_role_policy(pairs, source_key_arn, replica_key_arn, region, replica_region):
    try:
        return replication_role_policy(pairs, source_key_arn, replica_key_arn, region, replica_region)
    except PolicyError as exc:
        raise AnsibleFilterError(f"s3_replication_role_policy: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"s3_replication_role_policy": _s3_replication_role_policy}
