#!/usr/bin/env python3
"""Consumer-side retry with backoff on an SQS work queue (docs/jobs.md).

A failed message is not deleted: its visibility timeout is raised to base * 2**(receives - 1)
seconds, capped, from its ApproximateReceiveCount, so each retry waits twice as long as the one
before. After maxReceiveCount receives SQS moves it to the queue's DLQ (redrive policy), where
the DeadLetterQueueNotEmpty alert fires and playbooks/dlq_redrive.yml brings it back once fixed.

Run it against the local emulator (or any queue your credentials reach):
  AWS_ENDPOINT_URL=http://127.0.0.1:$MOSAIC_MOTO_PORT scripts/sqs_backoff_consumer.py <queue-url>
"""

from __future__ import annotations

import sys


def backoff_seconds(receive_count, base=30, cap=43200):
    """Visibility timeout after the receive_count-th failed attempt (SQS allows at most 12 hours)."""
    return min(base * 2 ** (receive_count - 1), cap)


def consume_once(sqs, queue_url, handle, base=30, cap=43200, wait_seconds=0):
    """Receive up to ten messages, delete those handle() accepts, back off the others.

    Returns [(message id, receive count, outcome)], outcome "done" or the seconds it waits.
    """
    answer = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds, MessageSystemAttributeNames=["ApproximateReceiveCount"]
    )
    outcomes = []
    for message in answer.get("Messages", []):
        receives = int(message["Attributes"]["ApproximateReceiveCount"])
        try:
            handle(message["Body"])
        except Exception:  # noqa: BLE001 any failure of the job is a retry
            delay = backoff_seconds(receives, base, cap)
            sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=delay)
            outcomes.append((message["MessageId"], receives, delay))
            continue
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        outcomes.append((message["MessageId"], receives, "done"))
    return outcomes


def main(argv):
    import boto3

    sqs = boto3.client("sqs")

    def handle(body):
        print(f"handled {body}")

    while True:
        for message_id, receives, outcome in consume_once(sqs, argv[1], handle, wait_seconds=20):
            print(f"{message_id} receive {receives}: {outcome}")


if __name__ == "__main__":
    main(sys.argv)
