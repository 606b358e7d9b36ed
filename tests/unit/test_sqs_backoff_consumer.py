"""The consumer-side backoff of docs/jobs.md, run against the emulator's SQS (moto server on a loopback
port): each failure raises the message's visibility timeout from its receive count, the message stays
hidden for that long, and after maxReceiveCount receives it lands in the DLQ."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from urllib.request import Request, urlopen

import boto3
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from sqs_backoff_consumer import backoff_seconds, consume_once  # noqa: E402


@pytest.fixture
def sqs():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    # moto's backends are process-wide: start from (and leave) an empty emulator.
    urlopen(Request(f"http://{host}:{port}/moto-api/reset", method="POST"))  # noqa: S310 loopback
    yield boto3.client(
        "sqs",
        region_name="eu-west-1",
        endpoint_url=f"http://{host}:{port}",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106
    )
    urlopen(Request(f"http://{host}:{port}/moto-api/reset", method="POST"))  # noqa: S310 loopback
    server.stop()


def test_the_delay_doubles_per_receive_up_to_the_cap():
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff_seconds(20) == 43200


def failing(body):
    raise RuntimeError(f"cannot handle {body}")


def test_a_failing_message_backs_off_then_lands_in_the_dlq(sqs):
    dlq_url = sqs.create_queue(QueueName="p-jobs-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})
    url = sqs.create_queue(QueueName="p-jobs", Attributes={"VisibilityTimeout": "30", "RedrivePolicy": policy})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="job-1")

    delays = []
    for attempt in (1, 2, 3):
        outcomes = consume_once(sqs, url, failing, base=1, cap=2)
        assert [(receives, delay) for _, receives, delay in outcomes] == [(attempt, min(2 ** (attempt - 1), 2))]
        delays.append(outcomes[0][2])
        assert consume_once(sqs, url, failing, base=1, cap=2) == [], "the message came back before its backoff"
        time.sleep(delays[-1] + 0.2)
    assert delays == [1, 2, 2]

    # The fourth receive finds the message past maxReceiveCount: SQS moves it to the DLQ instead.
    assert consume_once(sqs, url, failing, base=1, cap=2) == []
    moved = sqs.receive_message(QueueUrl=dlq_url, MessageSystemAttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in moved] == ["job-1"]


def test_a_handled_message_is_deleted(sqs):
    url = sqs.create_queue(QueueName="p-mail")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="mail-1")
    assert [outcome for _, _, outcome in consume_once(sqs, url, lambda body: None)] == ["done"]
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "0"
