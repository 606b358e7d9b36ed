# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: s3_bucket_access_policy
short_description: Build a least-privilege IAM policy for one S3 bucket
version_added: 0.1.0
description:
  - List on the bucket (limited to O(prefix) when given) and object read or read-write on its keys;
    no wildcard action, no other bucket.
options:
  _input:
    description: The bucket name.
    type: str
    required: true
  access:
    description: C(read) or C(write) (read, put, delete).
    type: str
    default: write
  prefix:
    description: Key prefix the policy is limited to.
    type: str
    default: ""
  kms_key_arn:
    description:
      - The bucket's SSE-KMS key. When given, the policy also allows the key actions S3 needs on the caller's
        behalf (kms:Decrypt to read; kms:Encrypt and kms:GenerateDataKey too to write), on that key only and only
        through S3 (kms:ViaService C(s3.<region>.amazonaws.com)).
    type: str
    default: ""
  region:
    description: The bucket's region, for the kms:ViaService condition. Required with O(kms_key_arn).
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Render the snapshot role policy
  ansible.builtin.set_fact:
    __policy: "{{ 'legacyplatform-prod-search-snapshots-333333333333' | mosaic.platform.s3_bucket_access_policy }}"
"""

RETURN = r"""
_value:
  description: The IAM policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.data_policies import s3_bucket_access_policy
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError


def _s3_bucket_access_policy(bucket, access="write", prefix="", kms_key_arn="", region=""):
    try:
        return s3_bucket_access_policy(bucket, access=access, prefix=prefix, kms_key_arn=kms_key_arn, region=region)
    except PolicyError as exc:
        raise AnsibleFilterError(f"s3_bucket_access_policy: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"s3_bucket_access_policy": _s3_bucket_access_policy}
