# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: sqs_queue_policy
short_description: Build an SQS queue policy that lets only the subscribed SNS topics send
version_added: 0.1.0
description:
  - Builds the queue policy the M(community.aws.sqs_queue) task of the aws_messaging role applies, checked
    against the baseline (only C(sns.amazonaws.com), only C(sqs:SendMessage), only for the named topics through
    C(aws:SourceArn), plain HTTP denied).
options:
  _input:
    description: The queue ARN.
    type: str
    required: true
  topic_arns:
    description: ARNs of the topics the queue subscribes to.
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Render a queue policy
  ansible.builtin.set_fact:
    __policy: "{{ 'arn:aws:sqs:eu-west-1:123456789012:p-jobs' | mosaic.platform.sqs_queue_policy(topic_arns=['arn:aws:sns:eu-west-1:123456789012:p-events']) }}"
"""

RETURN = r"""
_value:
  description: The queue policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.messaging_policies import queue_policy
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError


def _sqs_queue_policy(queue_arn, topic_arns=None):
    try:
        return queue_policy(str(queue_arn), topic_arns=topic_arns)
    except PolicyError as exc:
        raise AnsibleFilterError(f"sqs_queue_policy: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"sqs_queue_policy": _sqs_queue_policy}
