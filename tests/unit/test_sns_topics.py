"""sns_topics: create/converge x check/real x twice for topics with queue and e-mail subscriptions, against moto
in-process; a pending e-mail confirmation, which moto never shows, with botocore's Stubber."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.mosaic.platform.plugins.modules import sns_topics
from botocore.stub import Stubber
from moto import mock_aws

AUTH = {"region": "eu-west-1", "access_key": "testing", "secret_key": "testing"}
SNS = "arn:aws:sns:eu-west-1:123456789012:"
ROOT = {"AWS": "arn:aws:iam::123456789012:root"}
QUEUE = "arn:aws:sqs:eu-west-1:123456789012:p-jobs"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
EMAIL = "oncall@example.com"
WRITES = {"CreateTopic", "SetTopicAttributes", "TagResource", "UntagResource", "Subscribe", "SetSubscriptionAttributes", "Unsubscribe"}

pytestmark = pytest.mark.usefixtures("in_process_aws")


@pytest.fixture
def sns():
    with mock_aws():
        yield boto3.client("sns", region_name="eu-west-1")


def run(capsys, topics, check_mode=False, **extra):
    args = {**AUTH, "topics": topics, "_ansible_check_mode": check_mode, **extra}
    with patch_module_args(args), pytest.raises(SystemExit):
        sns_topics.main()
    return json.loads(capsys.readouterr().out)


def policy(name):
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "AccountOwnerAccess", "Effect": "Allow", "Principal": ROOT, "Action": "sns:Publish", "Resource": SNS + name}],
    }


def topics(filter_type="job.requested", raw=True):
    events = {
        "name": "p-events",
        "attributes": {"DisplayName": "Events", "Policy": policy("p-events"), "KmsMasterKeyId": KEY},
        "tags": {"Component": "messaging", "Name": "p-events"},
        "subscriptions": [
            {
                "protocol": "sqs",
                "endpoint": QUEUE,
                "filter_policy": {"type": [filter_type]},
                "filter_policy_scope": "MessageAttributes",
                "raw_message_delivery": raw,
            }
        ],
    }
    alerts = {
        "name": "p-alerts",
        "attributes": {"Policy": policy("p-alerts"), "KmsMasterKeyId": KEY},
        "tags": {"Component": "messaging", "Name": "p-alerts"},
        "subscriptions": [{"protocol": "email", "endpoint": EMAIL}],
    }
    return [events, alerts]


def writes(api_calls):
    return [op for op, _ in api_calls if op in WRITES]


def subscriptions(sns):
    return sorted((s["TopicArn"], s["Protocol"], s["Endpoint"]) for s in sns.list_subscriptions()["Subscriptions"])


def tags(sns, arn):
    return {t["Key"]: t["Value"] for t in sns.list_tags_for_resource(ResourceArn=arn)["Tags"]}


def test_check_mode_on_a_clean_account_writes_nothing(capsys, sns, api_calls):
    result = run(capsys, topics(), check_mode=True)
    assert result["changed"] is True
    assert result["topics"]["p-events"] == {"arn": "", "changed": ["created", "subscription 0 (sqs) created"]}
    assert writes(api_calls) == []
    assert sns.list_topics()["Topics"] == []


def test_create_then_again_is_a_no_op_without_writes(capsys, sns, api_calls):
    first = run(capsys, topics())
    assert first["changed"] is True
    assert first["topics"]["p-events"]["arn"] == SNS + "p-events"
    attributes = sns.get_topic_attributes(TopicArn=SNS + "p-events")["Attributes"]
    assert (attributes["DisplayName"], attributes["KmsMasterKeyId"]) == ("Events", KEY)
    assert json.loads(attributes["Policy"]) == policy("p-events")
    assert tags(sns, SNS + "p-alerts") == {"Component": "messaging", "Name": "p-alerts"}
    assert subscriptions(sns) == [(SNS + "p-alerts", "email", EMAIL), (SNS + "p-events", "sqs", QUEUE)]
    sub = next(s for s in sns.list_subscriptions()["Subscriptions"] if s["Protocol"] == "sqs")["SubscriptionArn"]
    sub_attributes = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert json.loads(sub_attributes["FilterPolicy"]) == {"type": ["job.requested"]} and sub_attributes["RawMessageDelivery"] == "true"
    api_calls.clear()
    second = run(capsys, topics())
    assert second["changed"] is False
    assert writes(api_calls) == []
    ops = [op for op, _ in api_calls]
    assert (ops.count("ListTopics"), ops.count("ListSubscriptions"), ops.count("GetSubscriptionAttributes")) == (1, 1, 1)
    # Both topics' tags in one listing.
    assert (ops.count("GetResources"), ops.count("ListTagsForResource")) == (1, 0)


def test_a_single_topic_reads_its_own_tags(capsys, sns, api_calls):
    run(capsys, topics()[1:])
    api_calls.clear()
    assert run(capsys, topics()[1:])["changed"] is False
    ops = [op for op, _ in api_calls]
    assert (ops.count("GetResources"), ops.count("ListTagsForResource")) == (0, 1)


def test_a_topic_the_tag_listing_misses_or_shows_stale_is_read_on_its_own(capsys, sns, api_calls, monkeypatch):
    run(capsys, topics())
    sns.tag_resource(ResourceArn=SNS + "p-alerts", Tags=[{"Key": "Component", "Value": "old"}])
    # The listing misses p-events (tagged minutes ago) and shows p-alerts' tags before the hand edit: p-events is read
    # on its own; the edit, made within the listing's lag, is left to the next run (the documented trade).
    stale = {SNS + "p-alerts": {"Component": "messaging", "Name": "p-alerts"}}
    monkeypatch.setattr(sns_topics, "listed_tags", lambda _module, _arns: stale)
    api_calls.clear()
    assert run(capsys, topics())["changed"] is False
    assert [p["ResourceArn"] for op, p in api_calls if op == "ListTagsForResource"] == [SNS + "p-events"]
    # A difference the listing shows is confirmed by the topic's own tags before anything is written.
    stale[SNS + "p-alerts"] = {"Component": "stale"}
    api_calls.clear()
    assert run(capsys, topics())["topics"]["p-alerts"]["changed"] == ["tags"]
    assert [p["ResourceArn"] for op, p in api_calls if op == "ListTagsForResource"] == [SNS + "p-events", SNS + "p-alerts"]
    assert tags(sns, SNS + "p-alerts") == {"Component": "messaging", "Name": "p-alerts"}


def test_drift_is_reported_in_check_mode_and_converged_by_a_real_run(capsys, sns):
    run(capsys, topics())
    arn = SNS + "p-events"
    sns.set_topic_attributes(TopicArn=arn, AttributeName="KmsMasterKeyId", AttributeValue="")
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "Stray", "Value": "x"}])
    want = ["attributes KmsMasterKeyId", "tags", "subscription 0 (sqs) attributes FilterPolicy, RawMessageDelivery"]
    planned = run(capsys, topics(filter_type="job.done", raw=False), check_mode=True)
    assert planned["topics"]["p-events"]["changed"] == want
    assert planned["topics"]["p-alerts"]["changed"] == []
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"].get("KmsMasterKeyId", "") == "", "check mode set an attribute"
    assert run(capsys, topics(filter_type="job.done", raw=False))["topics"]["p-events"]["changed"] == want
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["KmsMasterKeyId"] == KEY
    assert tags(sns, arn) == {"Component": "messaging", "Name": "p-events"}
    sub = next(s for s in sns.list_subscriptions()["Subscriptions"] if s["Protocol"] == "sqs")["SubscriptionArn"]
    assert json.loads(sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["FilterPolicy"]) == {"type": ["job.done"]}
    assert run(capsys, topics(filter_type="job.done", raw=False))["changed"] is False
    assert len(subscriptions(sns)) == 2


def test_subscriptions_not_listed_and_tags_without_purge_are_left_alone(capsys, sns):
    run(capsys, topics())
    sns.subscribe(TopicArn=SNS + "p-alerts", Protocol="email", Endpoint="other@example.com")
    sns.tag_resource(ResourceArn=SNS + "p-alerts", Tags=[{"Key": "Stray", "Value": "x"}])
    assert run(capsys, topics(), purge_tags=False)["changed"] is False
    assert len(subscriptions(sns)) == 3
    assert tags(sns, SNS + "p-alerts")["Stray"] == "x"


def test_the_endpoints_stay_out_of_the_result(capsys, sns):
    out = run(capsys, topics())
    assert EMAIL not in json.dumps(out)
    assert out["invocation"]["module_args"]["topics"][1]["subscriptions"][0]["endpoint"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_a_pending_confirmation_is_not_subscribed_again():
    # moto confirms e-mail subscriptions at once; real SNS lists them as PendingConfirmation until the owner clicks.
    client = boto3.client("sns", region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106 dummy keys, no call leaves the Stubber
    topic = SNS + "p-alerts"
    listed = {"Subscriptions": [{"SubscriptionArn": "PendingConfirmation", "Owner": "123456789012", "Protocol": "email", "Endpoint": EMAIL, "TopicArn": topic}]}
    sub = {"protocol": "email", "endpoint": EMAIL}
    with Stubber(client) as stubber:
        stubber.add_response("list_subscriptions", listed, {})
        existing = sns_topics.list_subscriptions(RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff(retries=1)))
        for check_mode in (True, False):  # check run, then real run: neither subscribes nor sets attributes
            module = type("Module", (), {"check_mode": check_mode})()
            assert sns_topics.converge_subscription(module, client, topic, sub, existing) is None
        stubber.assert_no_pending_responses()


def test_unset_subscription_options_are_left_alone():
    assert sns_topics.desired_subscription_attributes({"filter_policy": None, "raw_message_delivery": None}) == {}
    assert sns_topics.desired_subscription_attributes({"filter_policy": {}, "filter_policy_scope": "MessageBody"}) == {"FilterPolicy": ""}


@pytest.mark.parametrize(
    ("specs", "needle"),
    [
        (topics() + topics()[:1], "topics names must be unique (got ['p-events'] more than once)"),
        ([{"name": "p.events"}], "topics names must be 1 to 256 letters, digits, - or _ (got ['p.events'])"),
    ],
)
def test_bad_input_fails_before_any_call(capsys, sns, api_calls, specs, needle):
    result = run(capsys, specs)
    assert result["failed"] is True
    assert needle in result["msg"]
    assert api_calls == []
