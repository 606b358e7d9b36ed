# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: sqs_redrive_allow_policy
short_description: Build a dead-letter queue's RedriveAllowPolicy (byQueue)
version_added: 0.1.0
description:
  - Builds the C(RedriveAllowPolicy) of a dead-letter queue so that only the named work queues may use it.
options:
  _input:
    description: ARNs of the work queues that use the dead-letter queue.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Render a redrive-allow policy
  ansible.builtin.set_fact:
    __policy: "{{ ['arn:aws:sqs:eu-west-1:123456789012:p-jobs'] | mosaic.platform.sqs_redrive_allow_policy }}"
"""

RETURN = r"""
_value:
  description: The RedriveAllowPolicy document (C(redrivePermission=byQueue), C(sourceQueueArns)).
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.messaging_policies import redrive_allow_policy
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError


def _sqs_redrive_allow_policy(source_queue_arns):
    try:
        return redrive_allow_policy(source_queue_arns if isinstance(source_queue_arns, list) else [source_queue_arns])
    except PolicyError as exc:
        raise AnsibleFilterError(f"sqs_redrive_allow_policy: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"sqs_redrive_allow_policy": _sqs_redrive_allow_policy}
