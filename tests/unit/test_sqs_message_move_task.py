"""DLQ redrive (sqs_message_move_task): moto 5.2.5 serves neither StartMessageMoveTask nor
ListMessageMoveTasks, so their request shapes are checked with botocore's Stubber; the empty-queue
path reads only queue attributes and runs against moto in-process. The live move is covered only
against real AWS."""

from __future__ import annotations

import boto3
import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.messaging_redrive import ensure_redrive
from botocore.stub import Stubber
from moto import mock_aws

REGION, ACCOUNT = "eu-west-1", "123456789012"
DLQ_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:p-jobs-dlq"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:p-jobs"
DLQ_URL = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/p-jobs-dlq"


def stubbed(messages, tasks, lookup=True):
    client = boto3.client("sqs", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
    stub = Stubber(client)
    if lookup:
        stub.add_response("get_queue_url", {"QueueUrl": DLQ_URL}, {"QueueName": "p-jobs-dlq", "QueueOwnerAWSAccountId": ACCOUNT})
    stub.add_response(
        "get_queue_attributes",
        {"Attributes": {"ApproximateNumberOfMessages": str(messages)}},
        {"QueueUrl": DLQ_URL, "AttributeNames": ["ApproximateNumberOfMessages"]},
    )
    if messages:
        stub.add_response("list_message_move_tasks", {"Results": tasks}, {"SourceArn": DLQ_ARN, "MaxResults": 10})
    return client, stub


def test_a_task_starts_with_the_source_destination_and_rate():
    client, stub = stubbed(3, [{"Status": "COMPLETED", "SourceArn": DLQ_ARN}])
    stub.add_response(
        "start_message_move_task",
        {"TaskHandle": "handle-1"},
        {"SourceArn": DLQ_ARN, "DestinationArn": QUEUE_ARN, "MaxNumberOfMessagesPerSecond": 10},
    )
    running = {"TaskHandle": "handle-1", "Status": "RUNNING", "SourceArn": DLQ_ARN, "DestinationArn": QUEUE_ARN, "MaxNumberOfMessagesPerSecond": 10}
    stub.add_response("list_message_move_tasks", {"Results": [running]}, {"SourceArn": DLQ_ARN, "MaxResults": 10})
    with stub:
        changed, result = ensure_redrive(client, DLQ_ARN, QUEUE_ARN, 10, False)
    stub.assert_no_pending_responses()
    assert changed and result["started"] and result["task_handle"] == "handle-1"
    assert result["messages"] == 3 and result["tasks"] == [running]


def test_without_destination_or_rate_the_request_leaves_them_to_sqs():
    client, stub = stubbed(1, [])
    stub.add_response("start_message_move_task", {"TaskHandle": "h"}, {"SourceArn": DLQ_ARN})
    stub.add_response("list_message_move_tasks", {"Results": []}, {"SourceArn": DLQ_ARN, "MaxResults": 10})
    with stub:
        assert ensure_redrive(client, DLQ_ARN, None, None, False)[0] is True
    stub.assert_no_pending_responses()


def test_the_url_of_the_outputs_saves_the_lookup():
    client, stub = stubbed(2, [], lookup=False)
    stub.add_response("start_message_move_task", {"TaskHandle": "h"}, {"SourceArn": DLQ_ARN, "DestinationArn": QUEUE_ARN})
    stub.add_response("list_message_move_tasks", {"Results": []}, {"SourceArn": DLQ_ARN, "MaxResults": 10})
    with stub:
        assert ensure_redrive(client, DLQ_ARN, QUEUE_ARN, None, False, source_url=DLQ_URL)[0] is True
    stub.assert_no_pending_responses()


def test_check_mode_starts_nothing():
    client, stub = stubbed(5, [])
    with stub:  # a start_message_move_task call would fail: no response is queued for it
        changed, result = ensure_redrive(client, DLQ_ARN, QUEUE_ARN, 10, True)
    stub.assert_no_pending_responses()
    assert changed and not result["started"] and result["reason"] == "a move task would start"


def test_a_running_task_is_left_alone():
    client, stub = stubbed(5, [{"TaskHandle": "h0", "Status": "RUNNING", "SourceArn": DLQ_ARN}])
    with stub:
        changed, result = ensure_redrive(client, DLQ_ARN, QUEUE_ARN, 10, False)
    assert not changed and result["reason"] == "a move task is already running on this queue"


@pytest.mark.parametrize("rate", [0, 501])
def test_the_rate_is_bounded_before_any_call(rate):
    client, stub = stubbed(0, [])
    with stub, pytest.raises(ValueError, match=rf"max_messages_per_second must be 1..500 \(got {rate}\)"):
        ensure_redrive(client, DLQ_ARN, QUEUE_ARN, rate, False)
    assert len(stub._queue) == 2, "a call was made"  # noqa: SLF001 the two queued responses are untouched


def test_an_empty_dlq_is_no_change_against_moto(monkeypatch):
    for var in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    with mock_aws():
        client = boto3.client("sqs", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
        client.create_queue(QueueName="p-jobs-dlq")
        changed, result = ensure_redrive(client, DLQ_ARN, QUEUE_ARN, 10, False)
    assert not changed and result["reason"] == "the dead-letter queue is empty" and result["messages"] == 0


def test_the_ops_permission_set_can_run_the_redrive():
    """playbooks/dlq_redrive.yml is an ops runbook action: every call it makes, and the moves SQS then makes
    with the caller's permissions, is allowed to ops by the offline evaluator (moto evaluates no IAM policy)."""
    from ansible_collections.mosaic.platform.plugins.module_utils.iam_evaluator import allowed
    from ansible_collections.mosaic.platform.plugins.module_utils.iam_permissions import Naming, human_policy

    keys = {p: f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{p}" for p in ("data", "secrets", "storage", "messaging")}
    ops = human_policy("operate", Naming("p", "p", "dev", ACCOUNT, REGION), kms_keys=keys, protected_buckets=[f"arn:aws:s3:::p-logs-{ACCOUNT}"])
    dlq, queue = f"arn:aws:sqs:{REGION}:{ACCOUNT}:p-jobs-dlq", f"arn:aws:sqs:{REGION}:{ACCOUNT}:p-jobs"
    # The playbook gives the module the outputs' dlq_url: no GetQueueUrl, which ops lacks.
    calls = [
        ("sqs:GetQueueAttributes", dlq),
        ("sqs:ListMessageMoveTasks", dlq),
        ("sqs:StartMessageMoveTask", dlq),
        ("sqs:ReceiveMessage", dlq),
        ("sqs:DeleteMessage", dlq),
        ("sqs:SendMessage", queue),
        ("kms:Decrypt", keys["messaging"]),
        ("kms:GenerateDataKey", keys["messaging"]),
    ]
    assert [call for call in calls if not allowed(ops, *call)] == []
    assert not allowed(ops, "sqs:StartMessageMoveTask", f"arn:aws:sqs:{REGION}:{ACCOUNT}:other-dlq")
