"""sqs_queues: create/converge x check/real x twice for a work queue and its DLQ in one run, against moto in-process.

RedriveAllowPolicy, which moto 5.2.5 drops, is checked as request shapes with botocore's Stubber.
"""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.mosaic.platform.plugins.modules import sqs_queues
from botocore.stub import Stubber
from moto import mock_aws

AUTH = {"region": "eu-west-1", "access_key": "testing", "secret_key": "testing"}
ARN = "arn:aws:sqs:eu-west-1:123456789012:"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
WRITES = {"CreateQueue", "SetQueueAttributes", "TagQueue", "UntagQueue", "DeleteQueue"}
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowSubscribedTopics",
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": ARN + "p-jobs",
            "Condition": {"ArnEquals": {"aws:SourceArn": ["arn:aws:sns:eu-west-1:123456789012:p-events"]}},
        }
    ],
}

pytestmark = pytest.mark.usefixtures("in_process_aws")


@pytest.fixture
def sqs():
    with mock_aws():
        yield boto3.client("sqs", region_name="eu-west-1")


def run(capsys, queues, check_mode=False, **extra):
    args = {**AUTH, "queues": queues, "_ansible_check_mode": check_mode, **extra}
    with patch_module_args(args), pytest.raises(SystemExit):
        sqs_queues.main()
    return json.loads(capsys.readouterr().out)


def pair(**over):
    """A DLQ and its work queue, as the aws_messaging role passes them."""
    dlq_tags = {"Component": "messaging", "Name": "p-jobs-dlq"}
    dlq = {"name": "p-jobs-dlq", "attributes": {"MessageRetentionPeriod": 1209600, "KmsMasterKeyId": KEY}, "tags": dlq_tags}
    work = {
        "name": "p-jobs",
        "attributes": {
            "VisibilityTimeout": over.get("visibility", 60),
            "MessageRetentionPeriod": 345600,
            "KmsMasterKeyId": KEY,
            "RedrivePolicy": {"deadLetterTargetArn": ARN + "p-jobs-dlq", "maxReceiveCount": 5},
            "Policy": POLICY,
        },
        "tags": {"Component": "messaging", "Name": "p-jobs"},
    }
    return [dlq, work]


def attributes(sqs, name):
    return sqs.get_queue_attributes(QueueUrl=sqs.get_queue_url(QueueName=name)["QueueUrl"], AttributeNames=["All"])["Attributes"]


def tags(sqs, name):
    return sqs.list_queue_tags(QueueUrl=sqs.get_queue_url(QueueName=name)["QueueUrl"]).get("Tags", {})


def writes(api_calls):
    return [op for op, _ in api_calls if op in WRITES]


def test_check_mode_on_a_clean_account_writes_nothing(capsys, sqs, api_calls):
    result = run(capsys, pair(), check_mode=True)
    assert result["changed"] is True
    assert result["queues"]["p-jobs"] == {"url": "", "changed": ["created"]}
    assert writes(api_calls) == []
    assert sqs.list_queues().get("QueueUrls", []) == []


def test_create_then_again_is_a_no_op_without_writes(capsys, sqs, api_calls):
    first = run(capsys, pair())
    assert first["changed"] is True
    assert [op for op, _ in api_calls if op == "CreateQueue"] == ["CreateQueue", "CreateQueue"]
    work = attributes(sqs, "p-jobs")
    assert (work["VisibilityTimeout"], work["MessageRetentionPeriod"], work["KmsMasterKeyId"]) == ("60", "345600", KEY)
    assert json.loads(work["RedrivePolicy"]) == {"deadLetterTargetArn": ARN + "p-jobs-dlq", "maxReceiveCount": 5}
    assert json.loads(work["Policy"])["Statement"][0]["Sid"] == "AllowSubscribedTopics"
    assert attributes(sqs, "p-jobs-dlq")["MessageRetentionPeriod"] == "1209600"
    assert tags(sqs, "p-jobs-dlq") == {"Component": "messaging", "Name": "p-jobs-dlq"}
    assert first["queues"]["p-jobs"]["url"] == sqs.get_queue_url(QueueName="p-jobs")["QueueUrl"]
    api_calls.clear()
    second = run(capsys, pair())
    assert second["changed"] is False
    assert writes(api_calls) == []
    # One ListQueues, both queues' tags in one listing, and each queue's attributes.
    assert [op for op, _ in api_calls] == ["ListQueues", "GetResources", "GetQueueAttributes", "GetQueueAttributes"]


def test_a_single_queue_reads_its_own_tags(capsys, sqs, api_calls):
    run(capsys, pair()[:1])
    api_calls.clear()
    assert run(capsys, pair()[:1])["changed"] is False
    assert [op for op, _ in api_calls] == ["ListQueues", "GetQueueAttributes", "ListQueueTags"]


def test_a_queue_the_tag_listing_misses_or_shows_stale_is_read_on_its_own(capsys, sqs, api_calls, monkeypatch):
    run(capsys, pair())
    urls = {name: sqs.get_queue_url(QueueName=name)["QueueUrl"] for name in ("p-jobs-dlq", "p-jobs")}
    sqs.tag_queue(QueueUrl=urls["p-jobs"], Tags={"Component": "old"})
    # The listing misses the DLQ (tagged minutes ago) and shows the work queue's tags before the hand edit: the DLQ
    # is read on its own; the edit, made within the listing's lag, is left to the next run (the documented trade).
    stale = {ARN + "p-jobs": {"Component": "messaging", "Name": "p-jobs"}}
    monkeypatch.setattr(sqs_queues, "listed_tags", lambda _module, arns: stale if sorted(arns) == sorted(ARN + n for n in urls) else {})
    api_calls.clear()
    assert run(capsys, pair())["changed"] is False
    assert [p["QueueUrl"] for op, p in api_calls if op == "ListQueueTags"] == [urls["p-jobs-dlq"]]
    # A difference the listing shows is confirmed by the queue's own tags before anything is written.
    stale[ARN + "p-jobs"] = {"Component": "stale"}
    api_calls.clear()
    assert run(capsys, pair())["queues"]["p-jobs"]["changed"] == ["tags"]
    assert [p["QueueUrl"] for op, p in api_calls if op == "ListQueueTags"] == [urls["p-jobs-dlq"], urls["p-jobs"]]
    assert tags(sqs, "p-jobs") == {"Component": "messaging", "Name": "p-jobs"}


def test_drift_is_reported_in_check_mode_and_converged_by_a_real_run(capsys, sqs):
    run(capsys, pair())
    url = sqs.get_queue_url(QueueName="p-jobs")["QueueUrl"]
    redrive = json.dumps({"deadLetterTargetArn": ARN + "p-jobs-dlq", "maxReceiveCount": 9})
    # The policy drifts too: moto drops a queue's Policy on any SetQueueAttributes call that does not name it.
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "5", "RedrivePolicy": redrive, "Policy": json.dumps({**POLICY, "Statement": []})})
    sqs.tag_queue(QueueUrl=url, Tags={"Stray": "x", "Component": "old"})
    want = ["attributes Policy, RedrivePolicy, VisibilityTimeout", "tags"]
    planned = run(capsys, pair(), check_mode=True)
    assert planned["queues"]["p-jobs"]["changed"] == want
    assert planned["queues"]["p-jobs-dlq"]["changed"] == []
    assert attributes(sqs, "p-jobs")["VisibilityTimeout"] == "5", "check mode set an attribute"
    assert run(capsys, pair())["queues"]["p-jobs"]["changed"] == want
    assert attributes(sqs, "p-jobs")["VisibilityTimeout"] == "60"
    assert json.loads(attributes(sqs, "p-jobs")["RedrivePolicy"])["maxReceiveCount"] == 5
    assert json.loads(attributes(sqs, "p-jobs")["Policy"]) == POLICY
    assert tags(sqs, "p-jobs") == {"Component": "messaging", "Name": "p-jobs"}
    assert run(capsys, pair())["changed"] is False


def test_a_queue_the_listing_misses_is_found_by_name_not_created_again(capsys, sqs, api_calls, monkeypatch):
    run(capsys, pair())
    monkeypatch.setattr(sqs_queues, "list_queue_urls", lambda client, names: {})  # ListQueues is eventually consistent
    api_calls.clear()
    assert run(capsys, pair())["changed"] is False
    assert [op for op, _ in api_calls].count("GetQueueUrl") == 2
    assert writes(api_calls) == []


def test_tags_are_kept_without_purge(capsys, sqs):
    run(capsys, pair())
    sqs.tag_queue(QueueUrl=sqs.get_queue_url(QueueName="p-jobs")["QueueUrl"], Tags={"Stray": "x"})
    assert run(capsys, pair(), purge_tags=False)["changed"] is False
    assert tags(sqs, "p-jobs")["Stray"] == "x"


@pytest.mark.parametrize(
    ("queues", "needle"),
    [
        (pair() + pair()[:1], "queues names must be unique (got ['p-jobs-dlq'] more than once)"),
        ([{"name": "p jobs"}], "queues names must be 1 to 80 letters, digits, - or _ (got ['p jobs'])"),
    ],
)
def test_bad_input_fails_before_any_call(capsys, sqs, api_calls, queues, needle):
    result = run(capsys, queues)
    assert result["failed"] is True
    assert needle in result["msg"]
    assert api_calls == []


# RedriveAllowPolicy (Stubber: moto drops it) ------------------------------------------------------

URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/p-jobs-dlq"
ALLOW = {"redrivePermission": "byQueue", "sourceQueueArns": [ARN + "p-jobs"]}
OTHER = {"redrivePermission": "byQueue", "sourceQueueArns": [ARN + "p-other"]}


class Module:
    def __init__(self, check_mode):
        self.check_mode = check_mode
        self.params = {"purge_tags": True}


@pytest.fixture
def stubbed():
    client = boto3.client("sqs", region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106 dummy keys, no call leaves the Stubber
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff(retries=1)), stubber
        stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("current", "wanted", "check_mode", "writes"),
    [
        ({}, ALLOW, True, False),  # create, check
        ({}, ALLOW, False, True),  # create, real
        ({"RedriveAllowPolicy": json.dumps(ALLOW)}, ALLOW, False, False),  # create, second run
        ({"RedriveAllowPolicy": json.dumps(ALLOW)}, OTHER, True, False),  # modify, check
        ({"RedriveAllowPolicy": json.dumps(ALLOW)}, OTHER, False, True),  # modify, real
        ({"RedriveAllowPolicy": json.dumps(OTHER)}, OTHER, False, False),  # modify, second run
    ],
)
def test_redrive_allow_policy_request_shapes(stubbed, current, wanted, check_mode, writes):
    client, stubber = stubbed
    spec = {"name": "p-jobs-dlq", "attributes": {"MessageRetentionPeriod": 1209600, "RedriveAllowPolicy": wanted}, "tags": {}}
    stubber.add_response("get_queue_attributes", {"Attributes": {"MessageRetentionPeriod": "1209600", **current}}, {"QueueUrl": URL, "AttributeNames": ["All"]})
    stubber.add_response("list_queue_tags", {"Tags": {}}, {"QueueUrl": URL})
    if writes:
        stubber.add_response("set_queue_attributes", {}, {"QueueUrl": URL, "Attributes": {"RedriveAllowPolicy": json.dumps(wanted, sort_keys=True)}})
    url, read, changes = sqs_queues.converge_queue(Module(check_mode), client, spec, URL)
    assert changes == []  # the deferred attribute waits for the second pass
    deferred = sqs_queues.converge_deferred(Module(check_mode), client, spec, url, read)
    assert deferred == ([] if current.get("RedriveAllowPolicy") == json.dumps(wanted) else ["attributes RedriveAllowPolicy"])


def test_a_new_dlq_gets_its_redrive_allow_policy_after_creation(stubbed):
    client, stubber = stubbed
    spec = {"name": "p-jobs-dlq", "attributes": {"MessageRetentionPeriod": 1209600, "RedriveAllowPolicy": ALLOW}, "tags": {"Name": "p-jobs-dlq"}}
    stubber.add_response(
        "create_queue", {"QueueUrl": URL}, {"QueueName": "p-jobs-dlq", "Attributes": {"MessageRetentionPeriod": "1209600"}, "tags": {"Name": "p-jobs-dlq"}}
    )
    stubber.add_response("set_queue_attributes", {}, {"QueueUrl": URL, "Attributes": {"RedriveAllowPolicy": json.dumps(ALLOW, sort_keys=True)}})
    url, read, changes = sqs_queues.converge_queue(Module(False), client, spec, None)
    assert (url, read, changes) == (URL, None, ["created"])
    assert sqs_queues.converge_deferred(Module(False), client, spec, url, read) == ["attributes RedriveAllowPolicy"]
