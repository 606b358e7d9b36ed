"""The single-item messaging modules: create/modify/delete x check/real x twice.

sns_subscription, sns_topic_attributes and cloudwatch_resource_tags run against moto in-process (a pending e-mail
confirmation, which moto never shows, with botocore's Stubber). The list modules have their own tests
(test_sqs_queues.py, test_cloudwatch_metric_alarms.py).
"""

from __future__ import annotations

import json

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.mosaic.platform.plugins.modules import cloudwatch_resource_tags, sns_subscription, sns_topic_attributes
from botocore.stub import Stubber
from moto import mock_aws

REGION = "eu-west-1"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
OTHER_KEY = "arn:aws:kms:eu-west-1:123456789012:key/66666666-7777-8888-9999-000000000000"


def wrap(client):
    return RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff(retries=1))


@pytest.fixture
def moto_env(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield


@pytest.fixture
def sns(moto_env):
    return boto3.client("sns", region_name=REGION)


@pytest.fixture
def sqs(moto_env):
    return boto3.client("sqs", region_name=REGION)


@pytest.fixture
def topic(sns):
    return sns.create_topic(Name="p-events")["TopicArn"]


@pytest.fixture
def queue_arn(sqs):
    url = sqs.create_queue(QueueName="p-jobs")["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


# sns_topic_attributes -------------------------------------------------------------------------


def test_topic_kms_set_check_real_twice(sns, topic):
    client = wrap(sns)
    changed, names, _, _ = sns_topic_attributes.ensure_attributes(client, topic, {"KmsMasterKeyId": KEY}, check_mode=True)
    assert (changed, names) == (True, ["KmsMasterKeyId"])
    assert "KmsMasterKeyId" not in sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert sns_topic_attributes.ensure_attributes(client, topic, {"KmsMasterKeyId": KEY}, check_mode=False)[0] is True
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["KmsMasterKeyId"] == KEY
    assert sns_topic_attributes.ensure_attributes(client, topic, {"KmsMasterKeyId": KEY}, check_mode=False)[0] is False


def test_topic_kms_modify_and_clear(sns, topic):
    client = wrap(sns)
    sns_topic_attributes.ensure_attributes(client, topic, {"KmsMasterKeyId": KEY}, check_mode=False)
    changed, _, before, after = sns_topic_attributes.ensure_attributes(client, topic, {"KmsMasterKeyId": OTHER_KEY}, check_mode=True)
    assert changed and before == {"KmsMasterKeyId": KEY} and after == {"KmsMasterKeyId": OTHER_KEY}
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["KmsMasterKeyId"] == KEY
    assert sns_topic_attributes.ensure_attributes(client, topic, {"KmsMasterKeyId": OTHER_KEY}, check_mode=False)[0]
    assert not sns_topic_attributes.ensure_attributes(client, topic, {"KmsMasterKeyId": OTHER_KEY}, check_mode=False)[0]
    assert sns_topic_attributes.ensure_attributes(client, topic, {"KmsMasterKeyId": ""}, check_mode=False)[0]
    assert not sns_topic_attributes.ensure_attributes(client, topic, {"KmsMasterKeyId": ""}, check_mode=False)[0]


def test_topic_missing_is_a_change_in_check_mode_and_an_error_otherwise(sns):
    arn = "arn:aws:sns:eu-west-1:123456789012:absent"
    assert sns_topic_attributes.ensure_attributes(wrap(sns), arn, {"KmsMasterKeyId": KEY}, check_mode=True)[0] is True
    with pytest.raises(ValueError, match="does not exist"):
        sns_topic_attributes.ensure_attributes(wrap(sns), arn, {"KmsMasterKeyId": KEY}, check_mode=False)


# sns_subscription -----------------------------------------------------------------------------


def params(topic, endpoint, **extra):
    base = {"topic_arn": topic, "protocol": "sqs", "endpoint": endpoint, "filter_policy": {"type": ["a"]}, "filter_policy_scope": "MessageAttributes"}
    return {**base, "raw_message_delivery": True, "state": "present", **extra}


def subscriptions(sns, topic):
    return sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]


def test_subscription_create_check_real_twice(sns, topic, queue_arn):
    client = wrap(sns)
    changed, arn, names, _, _ = sns_subscription.ensure_subscription(client, params(topic, queue_arn), check_mode=True)
    assert changed and arn == "" and names == ["FilterPolicy", "FilterPolicyScope", "RawMessageDelivery"]
    assert subscriptions(sns, topic) == []
    changed, arn, _, _, _ = sns_subscription.ensure_subscription(client, params(topic, queue_arn), check_mode=False)
    assert changed and arn.startswith(topic)
    attrs = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert json.loads(attrs["FilterPolicy"]) == {"type": ["a"]} and attrs["RawMessageDelivery"] == "true"
    assert sns_subscription.ensure_subscription(client, params(topic, queue_arn), check_mode=False)[:2] == (False, arn)


def test_subscription_modify_check_real_twice(sns, topic, queue_arn):
    client = wrap(sns)
    arn = sns_subscription.ensure_subscription(client, params(topic, queue_arn), check_mode=False)[1]
    wanted = params(topic, queue_arn, filter_policy={"type": ["b"]}, raw_message_delivery=False)
    changed, _, names, before, _ = sns_subscription.ensure_subscription(client, wanted, check_mode=True)
    assert changed and names == ["FilterPolicy", "RawMessageDelivery"] and before["RawMessageDelivery"] == "true"
    assert json.loads(sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["FilterPolicy"]) == {"type": ["a"]}
    assert sns_subscription.ensure_subscription(client, wanted, check_mode=False)[0] is True
    attrs = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert json.loads(attrs["FilterPolicy"]) == {"type": ["b"]} and attrs["RawMessageDelivery"] == "false"
    assert sns_subscription.ensure_subscription(client, wanted, check_mode=False)[0] is False


def test_subscription_delete_check_real_twice(sns, topic, queue_arn):
    client = wrap(sns)
    sns_subscription.ensure_subscription(client, params(topic, queue_arn), check_mode=False)
    gone = params(topic, queue_arn, state="absent")
    assert sns_subscription.ensure_subscription(client, gone, check_mode=True)[0] is True
    assert len(subscriptions(sns, topic)) == 1
    assert sns_subscription.ensure_subscription(client, gone, check_mode=False)[0] is True
    assert subscriptions(sns, topic) == []
    assert sns_subscription.ensure_subscription(client, gone, check_mode=False)[0] is False


def test_subscription_to_a_missing_topic(sns, queue_arn):
    arn = "arn:aws:sns:eu-west-1:123456789012:absent"
    assert sns_subscription.ensure_subscription(wrap(sns), params(arn, queue_arn), check_mode=True)[0] is True
    with pytest.raises(ValueError, match="does not exist"):
        sns_subscription.ensure_subscription(wrap(sns), params(arn, queue_arn), check_mode=False)


def test_a_pending_confirmation_is_not_subscribed_again():
    # moto confirms e-mail subscriptions at once; real SNS lists them as PendingConfirmation until the owner clicks.
    client = boto3.client("sns", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106 dummy keys, no call leaves the Stubber
    topic = "arn:aws:sns:eu-west-1:123456789012:p-alerts"
    pending = {"SubscriptionArn": "PendingConfirmation", "Owner": "123456789012", "Protocol": "email", "Endpoint": "oncall@example.com"}
    listed = {"Subscriptions": [{**pending, "TopicArn": topic}]}
    wanted = {"topic_arn": topic, "protocol": "email", "endpoint": "oncall@example.com", "state": "present"}
    with Stubber(client) as stubber:
        for _ in range(2):  # check run, then real run: neither subscribes nor sets attributes
            stubber.add_response("list_subscriptions_by_topic", listed, {"TopicArn": topic})
        assert sns_subscription.ensure_subscription(client, wanted, check_mode=True) == (False, "", [], {}, {})
        assert sns_subscription.ensure_subscription(client, wanted, check_mode=False) == (False, "", [], {}, {})
        stubber.assert_no_pending_responses()


def test_an_email_subscription_is_created_once(sns, topic):
    client = wrap(sns)
    wanted = {"topic_arn": topic, "protocol": "email", "endpoint": "oncall@example.com", "state": "present"}
    assert sns_subscription.ensure_subscription(client, wanted, check_mode=False)[0] is True
    assert sns_subscription.ensure_subscription(client, wanted, check_mode=False)[0] is False
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions(sns, topic)] == [("email", "oncall@example.com")]


def test_unset_options_are_left_alone():
    assert sns_subscription.desired_attributes({"filter_policy": None, "raw_message_delivery": None}) == {}
    assert sns_subscription.desired_attributes({"filter_policy": {}, "filter_policy_scope": "MessageBody"}) == {"FilterPolicy": ""}


# cloudwatch_resource_tags ---------------------------------------------------------------------


@pytest.fixture
def alarm(moto_env):
    cw = boto3.client("cloudwatch", region_name=REGION)
    cw.put_metric_alarm(
        AlarmName="p-jobs-age",
        Namespace="AWS/SQS",
        MetricName="ApproximateAgeOfOldestMessage",
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=900,
        ComparisonOperator="GreaterThanThreshold",
    )
    return cw, cw.describe_alarms()["MetricAlarms"][0]["AlarmArn"]


def alarm_tags(cw, arn):
    return {t["Key"]: t["Value"] for t in cw.list_tags_for_resource(ResourceARN=arn)["Tags"]}


@pytest.mark.parametrize(
    ("start", "wanted", "purge"),
    [
        ({}, {"Component": "messaging", "Env": "local"}, True),  # create
        ({"Component": "old", "Env": "local"}, {"Component": "messaging", "Env": "local"}, True),  # modify
        ({"Component": "messaging", "Stray": "x"}, {"Component": "messaging"}, True),  # delete (purge)
        ({"Component": "messaging", "Stray": "x"}, {"Component": "messaging"}, False),  # keep without purge
    ],
)
def test_alarm_tags_check_real_twice(alarm, start, wanted, purge):
    cw, arn = alarm
    if start:
        cw.tag_resource(ResourceARN=arn, Tags=[{"Key": k, "Value": v} for k, v in start.items()])
    expected = wanted if purge else {**start, **wanted}
    changed, before, after = cloudwatch_resource_tags.ensure_tags(wrap(cw), arn, wanted, purge, check_mode=True)
    assert changed is (start != expected) and before == start and after == expected
    assert alarm_tags(cw, arn) == start
    assert cloudwatch_resource_tags.ensure_tags(wrap(cw), arn, wanted, purge, check_mode=False)[0] is (start != expected)
    assert alarm_tags(cw, arn) == expected
    assert cloudwatch_resource_tags.ensure_tags(wrap(cw), arn, wanted, purge, check_mode=False)[0] is False
