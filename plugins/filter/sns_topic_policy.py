# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: sns_topic_policy
short_description: Build an SNS topic policy for the account, plus named AWS service publishers
version_added: 0.1.0
description:
  - Builds the topic policy the M(community.aws.sns_topic) task of the aws_messaging role applies, checked
    against the baseline (no public principal, no C(SNS:*), service publishers bound to the account with
    C(aws:SourceAccount), plain HTTP denied).
options:
  _input:
    description: The topic ARN.
    type: str
    required: true
  account_id:
    description: The 12-digit AWS account id that owns the topic.
    type: str
    required: true
  publisher_services:
    description: Service principals (C(cloudwatch.amazonaws.com)) allowed to publish for this account.
    type: list
    elements: str
  partition:
    description: AWS partition.
    type: str
    default: aws
"""

EXAMPLES = r"""
- name: Render the alerts topic policy
  ansible.builtin.set_fact:
    __policy: >-
      {{ 'arn:aws:sns:eu-west-1:123456789012:p-alerts'
         | mosaic.platform.sns_topic_policy(account_id='123456789012', publisher_services=['cloudwatch.amazonaws.com']) }}
"""

RETURN = r"""
_value:
  description: The topic policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.messaging_policies import topic_policy
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError


def _sns_topic_policy(topic_arn, account_id, publisher_services=None, partition="aws"):
    try:
        return topic_policy(str(topic_arn), str(account_id), publisher_services=publisher_services, partition=partition)
    except PolicyError as exc:
        raise AnsibleFilterError(f"sns_topic_policy: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"sns_topic_policy": _sns_topic_policy}
