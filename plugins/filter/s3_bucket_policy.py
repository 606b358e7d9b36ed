# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: s3_bucket_policy
short_description: Build a TLS-only S3 bucket policy, with log-delivery statements for log buckets
version_added: 0.1.0
description:
  - Builds the bucket policy the M(mosaic.platform.s3_buckets) task of the aws_storage role applies and checks it
    against the security baseline (TLS-only Deny, no public principal, only log-delivery actions allowed,
    service principals bound to the account with C(aws:SourceAccount) or C(aws:SourceArn)).
options:
  _input:
    description: The bucket name.
    type: str
    required: true
  account_id:
    description: The 12-digit AWS account id that owns the bucket.
    type: str
    required: true
  region:
    description: Region of the bucket (selects the Elastic Load Balancing log account).
    type: str
    required: true
  delivery:
    description: Log deliveries the bucket receives.
    type: list
    elements: str
    choices: [s3_access_logs, cloudtrail, waf, alb]
  source_buckets:
    description: Buckets whose S3 server access logs land here (C(aws:SourceArn)); needed with C(s3_access_logs).
    type: list
    elements: str
  trail_arns:
    description: CloudTrail trail ARNs (or ARN patterns) allowed to write; default any trail of the account.
    type: list
    elements: str
  s3_access_logs_prefix:
    description: Key prefix of S3 server access logs.
    type: str
    default: s3
  cloudtrail_prefix:
    description: Key prefix of CloudTrail logs (the trail's S3 key prefix).
    type: str
    default: cloudtrail
  alb_prefix:
    description: Key prefix of ALB access logs (the load balancer's access_logs.s3.prefix).
    type: str
    default: alb
  partition:
    description: AWS partition.
    type: str
    default: aws
"""

EXAMPLES = r"""
- name: Render the policy of a log bucket
  ansible.builtin.set_fact:
    __policy: "{{ 'p-logs-123456789012' | mosaic.platform.s3_bucket_policy(account_id='123456789012', region='eu-west-1', delivery=['alb']) }}"
"""

RETURN = r"""
_value:
  description: The bucket policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError
from ansible_collections.mosaic.platform.plugins.module_utils.s3_policies import bucket_policy


def _s3_bucket_policy(bucket_name, account_id, region, delivery=None, source_buckets=None, trail_arns=None, **prefixes):
    try:
        return bucket_policy(str(bucket_name), str(account_id), region, delivery=delivery, source_buckets=source_buckets, trail_arns=trail_arns, **prefixes)
    except (PolicyError, TypeError) as exc:
        raise AnsibleFilterError(f"s3_bucket_policy: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"s3_bucket_policy": _s3_bucket_policy}
