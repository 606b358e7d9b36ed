"""Queue, topic and redrive documents: the builders' output and the checkers' rejections."""

from __future__ import annotations

import copy
import json

import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.messaging_policies import (
    check_queue_policy,
    check_topic_policy,
    queue_policy,
    redrive_allow_policy,
    redrive_policy,
    topic_policy,
)
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError

ACCOUNT = "123456789012"
QUEUE = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:p-jobs"
TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:p-events"


def sids(doc):
    return {s["Sid"]: s for s in doc["Statement"]}


@pytest.fixture
def qpolicy():
    return queue_policy(QUEUE, [TOPIC])


@pytest.fixture
def tpolicy():
    return topic_policy(TOPIC, ACCOUNT, publisher_services=["cloudwatch.amazonaws.com"])


def test_only_the_subscribed_topics_may_send(qpolicy):
    allow = sids(qpolicy)["AllowSubscribedTopics"]
    assert allow["Principal"] == {"Service": "sns.amazonaws.com"}
    assert allow["Action"] == "sqs:SendMessage"
    assert allow["Resource"] == QUEUE
    assert allow["Condition"] == {"ArnEquals": {"aws:SourceArn": [TOPIC]}}


def test_queue_without_subscriptions_only_denies_plain_http():
    assert list(sids(queue_policy(QUEUE, []))) == ["DenyInsecureTransport"]


def test_queue_denies_plain_http(qpolicy):
    deny = sids(qpolicy)["DenyInsecureTransport"]
    assert (deny["Effect"], deny["Principal"], deny["Action"], deny["Resource"]) == ("Deny", "*", "sqs:*", QUEUE)
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def _broken(policy, sid, mutate):
    doc = copy.deepcopy(policy)
    mutate(sids(doc)[sid])
    return doc


@pytest.mark.parametrize(
    ("sid", "mutate", "message"),
    [
        ("AllowSubscribedTopics", lambda s: s.pop("Condition"), "named topics"),
        ("AllowSubscribedTopics", lambda s: s.update(Condition={"ArnEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:123456789012:*"}}), "no wildcards"),
        ("AllowSubscribedTopics", lambda s: s.update(Condition={"ArnEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:999999999999:x"}}), "account"),
        ("AllowSubscribedTopics", lambda s: s.update(Principal="*"), "only sns.amazonaws.com"),
        ("AllowSubscribedTopics", lambda s: s.update(Principal={"AWS": "*"}), "only sns.amazonaws.com"),
        ("AllowSubscribedTopics", lambda s: s.update(Action="sqs:*"), "only sqs:SendMessage"),
        ("AllowSubscribedTopics", lambda s: s.update(Resource="*"), "queue itself"),
        ("AllowSubscribedTopics", lambda s: s.update(NotAction="sqs:DeleteQueue"), "NotPrincipal/NotAction"),
        ("DenyInsecureTransport", lambda s: s.update(Effect="Allow"), "TLS-only"),
        ("DenyInsecureTransport", lambda s: s.update(Condition={}), "TLS-only"),
    ],
)
def test_check_rejects_a_broken_queue_policy(qpolicy, sid, mutate, message):
    with pytest.raises(PolicyError, match=message):
        check_queue_policy(_broken(qpolicy, sid, mutate), QUEUE)


def test_topic_policy_binds_service_publishers_to_the_account(tpolicy):
    pub = sids(tpolicy)["AllowServicePublishers"]
    assert pub["Principal"] == {"Service": ["cloudwatch.amazonaws.com"]}
    assert pub["Action"] == "SNS:Publish"
    assert pub["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    assert sids(tpolicy)["AccountOwnerAccess"]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}


@pytest.mark.parametrize(
    ("sid", "mutate", "message"),
    [
        ("AccountOwnerAccess", lambda s: s.update(Principal={"AWS": "*"}), "public principal"),
        ("AccountOwnerAccess", lambda s: s.update(Principal={"AWS": "arn:aws:iam::999999999999:root"}), "outside account"),
        ("AccountOwnerAccess", lambda s: s.update(Action="SNS:*"), "SNS:\\*"),
        ("AllowServicePublishers", lambda s: s.pop("Condition"), "aws:SourceAccount"),
        ("DenyInsecureTransport", lambda s: s.update(Effect="Allow", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), "TLS-only"),
    ],
)
def test_check_rejects_a_broken_topic_policy(tpolicy, sid, mutate, message):
    with pytest.raises(PolicyError, match=message):
        check_topic_policy(_broken(tpolicy, sid, mutate), TOPIC, ACCOUNT)


def test_redrive_documents():
    dlq = f"{QUEUE}-dlq"
    assert redrive_policy(dlq, 5) == {"deadLetterTargetArn": dlq, "maxReceiveCount": 5}
    assert redrive_allow_policy([QUEUE, QUEUE]) == {"redrivePermission": "byQueue", "sourceQueueArns": [QUEUE]}


@pytest.mark.parametrize("count", [0, 1001, "5", True, None])
def test_redrive_rejects_a_bad_max_receive_count(count):
    with pytest.raises(PolicyError, match="max_receive_count must be an integer 1..1000"):
        redrive_policy(f"{QUEUE}-dlq", count)


@pytest.mark.parametrize("sources", [[], ["arn:aws:sqs:eu-west-1:123456789012:*"], ["arn:aws:sns:eu-west-1:123456789012:t"]])
def test_redrive_allow_rejects_wildcards_and_non_queues(sources):
    with pytest.raises(PolicyError, match="source queue ARNs"):
        redrive_allow_policy(sources)


def test_checks_accept_json_text(qpolicy, tpolicy):
    assert check_queue_policy(json.dumps(qpolicy), QUEUE) == qpolicy
    assert check_topic_policy(json.dumps(tpolicy), TOPIC, ACCOUNT) == tpolicy
