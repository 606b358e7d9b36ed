#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sqs_message_move_task
short_description: Move the messages of an SQS dead-letter queue back to a work queue
version_added: 0.1.0
description:
  - Starts an SQS message move task (C(StartMessageMoveTask)) from a dead-letter queue, at most
    O(max_messages_per_second), and lists the tasks of that queue (C(ListMessageMoveTasks)).
  - Starts nothing (C(changed=false)) when the queue holds no message or a task already runs on it.
  - Supports check mode, in which it reports whether a task would start.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  source_arn:
    description: ARN of the dead-letter queue.
    type: str
    required: true
  source_url:
    description: URL of the dead-letter queue; without it the module looks it up (C(sqs:GetQueueUrl)).
    type: str
  destination_arn:
    description: ARN of the queue to move the messages to. Default each message's source queue.
    type: str
  max_messages_per_second:
    description: Rate limit of the move, 1 to 500. Default SQS's own (as fast as it can).
    type: int
notes:
  - moto 5.2.5 serves neither C(StartMessageMoveTask) nor C(ListMessageMoveTasks); the request shapes are
    unit-tested with botocore's Stubber and the live path is covered only against real AWS.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Redrive the jobs DLQ at 10 messages per second
  mosaic.platform.sqs_message_move_task:
    source_arn: arn:aws:sqs:eu-west-1:123456789012:p-jobs-dlq
    destination_arn: arn:aws:sqs:eu-west-1:123456789012:p-jobs
    max_messages_per_second: 10
"""

RETURN = r"""
messages:
  description: Approximate number of messages in the dead-letter queue before the move.
  returned: always
  type: int
started:
  description: Whether a task was started.
  returned: always
  type: bool
task_handle:
  description: Handle of the started task (cancel it with C(aws sqs cancel-message-move-task)).
  returned: always
  type: str
reason:
  description: Why a task started or not.
  returned: always
  type: str
tasks:
  description: The move tasks of the queue (C(ListMessageMoveTasks) results), newest first; empty when the queue is empty.
  returned: always
  type: list
  elements: dict
"""

try:  # noqa: SIM105 the amazon.aws idiom: AnsibleAWSModule reports a missing botocore
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.messaging_redrive import ensure_redrive


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "source_arn": {"type": "str", "required": True},
            "source_url": {"type": "str"},
            "destination_arn": {"type": "str"},
            "max_messages_per_second": {"type": "int"},
        },
        supports_check_mode=True,
    )
    params = module.params
    client = module.client("sqs")
    try:
        changed, result = ensure_redrive(
            client, params["source_arn"], params["destination_arn"], params["max_messages_per_second"], module.check_mode, params["source_url"]
        )
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
        module.fail_json_aws(exc, msg=f"Could not redrive {params['source_arn']}")
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
