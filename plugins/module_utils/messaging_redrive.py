# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dead-letter queue redrive: one SQS message move task from a DLQ back to its work queue.

moto 5.2.5 serves neither StartMessageMoveTask nor ListMessageMoveTasks: the request shapes are
covered with botocore's Stubber (tests/unit/test_sqs_message_move_task.py), the live path only
against real AWS. The empty-DLQ path reads only queue attributes, which moto serves.
"""

from __future__ import annotations

# SQS's own bound for MaxNumberOfMessagesPerSecond.
MAX_RATE = 500


def queue_url_from_arn(client, arn):
    account, name = arn.split(":", 5)[4:]
    return client.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]


def ensure_redrive(client, source_arn, destination_arn, rate, check_mode, source_url=None):
    """Start a move task unless the DLQ is empty or one already runs; return (changed, result).

    ``destination_arn`` None sends each message back to the queue it came from (SQS's default).
    ``source_url`` (the outputs' dlq_url) saves the GetQueueUrl call.
    """
    if rate is not None and not 1 <= rate <= MAX_RATE:
        raise ValueError(f"max_messages_per_second must be 1..{MAX_RATE} (got {rate})")
    url = source_url or queue_url_from_arn(client, source_arn)
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    waiting = int(attributes.get("ApproximateNumberOfMessages", 0))
    result = {"source_arn": source_arn, "messages": waiting, "started": False, "task_handle": None, "tasks": []}
    if waiting == 0:
        return False, dict(result, reason="the dead-letter queue is empty")
    result["tasks"] = client.list_message_move_tasks(SourceArn=source_arn, MaxResults=10).get("Results", [])
    if any(task.get("Status") == "RUNNING" for task in result["tasks"]):
        return False, dict(result, reason="a move task is already running on this queue")
    if check_mode:
        return True, dict(result, reason="a move task would start")
    request = {"SourceArn": source_arn}
    if destination_arn:
        request["DestinationArn"] = destination_arn
    if rate is not None:
        request["MaxNumberOfMessagesPerSecond"] = rate
    handle = client.start_message_move_task(**request)["TaskHandle"]
    tasks = client.list_message_move_tasks(SourceArn=source_arn, MaxResults=10).get("Results", [])
    return True, dict(result, started=True, task_handle=handle, tasks=tasks, reason="a move task started")
