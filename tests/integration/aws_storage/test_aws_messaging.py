"""Every messaging control of aws_messaging, read back from the local stack, and the DLQ round trip.

Queue and topic policies are checked as documents with the checkers the role's filters use (moto
never evaluates them).
"""

from __future__ import annotations

import json

import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.messaging_policies import check_queue_policy, check_topic_policy
from botocore.exceptions import ClientError


@pytest.fixture(scope="module")
def sqs(aws):
    return aws("sqs")


@pytest.fixture(scope="module")
def sns(aws):
    return aws("sns")


@pytest.fixture(scope="module")
def messaging(outputs):
    return outputs["messaging"]


@pytest.fixture(scope="module")
def jobs(messaging):
    return messaging["queues"]["jobs"]


def attributes(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def test_outputs_follow_the_naming_convention(messaging, platform):
    prefix, arn = platform["prefix"], f"{platform['region']}:{platform['account']}"
    assert messaging["topics"] == {"domain-events": f"arn:aws:sns:{arn}:{prefix}-domain-events", "alerts": f"arn:aws:sns:{arn}:{prefix}-alerts"}
    assert messaging["alerts_topic_arn"] == f"arn:aws:sns:{arn}:{prefix}-alerts"
    assert messaging["queues"]["jobs"]["arn"] == f"arn:aws:sqs:{arn}:{prefix}-jobs"
    assert messaging["queues"]["jobs"]["dlq_arn"] == f"arn:aws:sqs:{arn}:{prefix}-jobs-dlq"


def test_queue_urls_in_the_outputs_resolve(sqs, jobs, platform):
    assert sqs.get_queue_url(QueueName=f"{platform['prefix']}-jobs")["QueueUrl"] == jobs["url"]
    assert sqs.get_queue_url(QueueName=f"{platform['prefix']}-jobs-dlq")["QueueUrl"] == jobs["dlq_url"]


@pytest.mark.parametrize("topic", ["domain-events", "alerts"])
def test_topics_are_encrypted_tagged_and_their_policy_is_sound(sns, messaging, outputs, platform, topic):
    arn = messaging["topics"][topic]
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["KmsMasterKeyId"] == outputs["kms"]["messaging"]["arn"]
    check_topic_policy(json.loads(attrs["Policy"]), arn, platform["account"])
    tags = {t["Key"]: t["Value"] for t in sns.list_tags_for_resource(ResourceArn=arn)["Tags"]}
    assert tags["Component"] == "messaging" and tags["Env"] == platform["env"] and tags["Project"] == platform["project"]


def test_alerts_topic_lets_cloudwatch_eventbridge_and_budgets_publish_for_this_account_only(sns, messaging, platform):
    policy = json.loads(sns.get_topic_attributes(TopicArn=messaging["alerts_topic_arn"])["Attributes"]["Policy"])
    publishers = next(s for s in policy["Statement"] if s["Sid"] == "AllowServicePublishers")
    # EventBridge: the break-glass rule of aws_access; Budgets: the thresholds of aws_cost.
    assert publishers["Principal"] == {"Service": ["budgets.amazonaws.com", "cloudwatch.amazonaws.com", "events.amazonaws.com"]}
    assert publishers["Condition"] == {"StringEquals": {"aws:SourceAccount": platform["account"]}}


def test_alerts_topic_reaches_the_inventory_subscribers(sns, messaging, platform):
    subs = sns.list_subscriptions_by_topic(TopicArn=messaging["alerts_topic_arn"])["Subscriptions"]
    assert sorted((s["Protocol"], s["Endpoint"]) for s in subs) == [
        ("email", "platform-alerts@example.com"),
        ("https", f"https://oncall.example.com/hooks/sns/{platform['env']}"),
    ]


def test_work_queue_attributes(sqs, jobs, outputs, messaging):
    attrs = attributes(sqs, jobs["url"])
    assert attrs["KmsMasterKeyId"] == outputs["kms"]["messaging"]["arn"]
    assert json.loads(attrs["RedrivePolicy"]) == {"deadLetterTargetArn": jobs["dlq_arn"], "maxReceiveCount": 5}
    assert attrs["VisibilityTimeout"] == "60"
    assert attrs["MessageRetentionPeriod"] == "345600"
    policy = check_queue_policy(json.loads(attrs["Policy"]), jobs["arn"])
    allow = next(s for s in policy["Statement"] if s["Effect"] == "Allow")
    assert allow["Condition"]["ArnEquals"]["aws:SourceArn"] == [messaging["topics"]["domain-events"]]


def test_dlq_is_encrypted_and_keeps_messages_longer(sqs, jobs, outputs):
    dlq = attributes(sqs, jobs["dlq_url"])
    assert dlq["KmsMasterKeyId"] == outputs["kms"]["messaging"]["arn"]
    assert int(dlq["MessageRetentionPeriod"]) == 1209600
    assert int(dlq["MessageRetentionPeriod"]) > int(attributes(sqs, jobs["url"])["MessageRetentionPeriod"])


def test_moto_still_lacks_redrive_allow_policy(sqs, jobs):
    """The local inventory turns RedriveAllowPolicy off because moto 5.2.5 cannot store it.

    When this test fails, moto learned the attribute: turn aws_messaging_redrive_allow_policy on in
    inventories/local and assert the byQueue document here instead.
    """
    with pytest.raises(ClientError, match="RedriveAllowPolicy"):
        sqs.get_queue_attributes(QueueUrl=jobs["dlq_url"], AttributeNames=["RedriveAllowPolicy"])


@pytest.mark.parametrize("which", ["url", "dlq_url"])
def test_queues_are_tagged(sqs, jobs, platform, which):
    tags = sqs.list_queue_tags(QueueUrl=jobs[which])["Tags"]
    assert tags["Component"] == "messaging" and tags["Env"] == platform["env"] and tags["Owner"] == platform["owner"]


def test_subscription_has_the_filter_policy_and_raw_delivery(sns, messaging, jobs):
    subs = sns.list_subscriptions_by_topic(TopicArn=messaging["topics"]["domain-events"])["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subs] == [("sqs", jobs["arn"])]
    attrs = sns.get_subscription_attributes(SubscriptionArn=subs[0]["SubscriptionArn"])["Attributes"]
    assert json.loads(attrs["FilterPolicy"]) == {"type": ["job.requested"]}
    assert attrs["FilterPolicyScope"] == "MessageAttributes"
    assert attrs["RawMessageDelivery"] == "true"


def test_alarms_watch_dlq_depth_and_message_age(aws, messaging, platform):
    cw = aws("cloudwatch")
    prefix = platform["prefix"]
    alarms = {a["AlarmName"]: a for a in cw.describe_alarms(AlarmNamePrefix=prefix)["MetricAlarms"]}
    depth, age, dlq_age = alarms[f"{prefix}-jobs-dlq-depth"], alarms[f"{prefix}-jobs-age"], alarms[f"{prefix}-jobs-dlq-age"]
    assert (depth["Namespace"], depth["MetricName"], depth["ComparisonOperator"], depth["Threshold"]) == (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "GreaterThanThreshold",
        0.0,
    )
    assert depth["Dimensions"] == [{"Name": "QueueName", "Value": f"{prefix}-jobs-dlq"}]
    assert (age["MetricName"], age["Threshold"]) == ("ApproximateAgeOfOldestMessage", 900.0)
    assert age["Dimensions"] == [{"Name": "QueueName", "Value": f"{prefix}-jobs"}]
    assert (dlq_age["MetricName"], dlq_age["Threshold"]) == ("ApproximateAgeOfOldestMessage", 86400.0)
    assert dlq_age["Dimensions"] == [{"Name": "QueueName", "Value": f"{prefix}-jobs-dlq"}]
    for alarm in (depth, age, dlq_age):
        assert alarm["AlarmActions"] == [messaging["alerts_topic_arn"]]
        tags = {t["Key"]: t["Value"] for t in cw.list_tags_for_resource(ResourceARN=alarm["AlarmArn"])["Tags"]}
        assert tags == {
            "Project": platform["project"],
            "Env": platform["env"],
            "Owner": platform["owner"],
            "Component": "messaging",
            "Name": alarm["AlarmName"],
        }


def test_a_message_received_too_often_lands_in_the_dlq(aws, sqs, sns, messaging, jobs):
    """Publish to the topic, receive without deleting max_receive_count times, find it in the DLQ."""
    topic = messaging["topics"]["domain-events"]
    attrs = {"type": {"DataType": "String", "StringValue": "job.requested"}}
    sns.publish(TopicArn=topic, Message="ignored by the filter", MessageAttributes={"type": {"DataType": "String", "StringValue": "other"}})
    sns.publish(TopicArn=topic, Message="poison job", MessageAttributes=attrs)
    max_receive = json.loads(attributes(sqs, jobs["url"])["RedrivePolicy"])["maxReceiveCount"]
    for attempt in range(1, max_receive + 1):
        # VisibilityTimeout=0: the message is visible again at once, as if the consumer crashed.
        got = sqs.receive_message(QueueUrl=jobs["url"], MaxNumberOfMessages=10, VisibilityTimeout=0, AttributeNames=["ApproximateReceiveCount"])
        bodies = [m["Body"] for m in got.get("Messages", [])]
        assert bodies == ["poison job"], f"receive {attempt}: {bodies}"  # raw delivery, filtered
    assert sqs.receive_message(QueueUrl=jobs["url"], MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", []) == []
    dead = sqs.receive_message(QueueUrl=jobs["dlq_url"], MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in dead] == ["poison job"]
    # The DLQ that now holds a message has its depth and age alarms, pointed at the alerts topic. (moto does not
    # evaluate alarms against SQS metrics: that they fire is AWS's part, that they exist and where they go is ours.)
    dlq = [{"Name": "QueueName", "Value": jobs["dlq_url"].rsplit("/", 1)[1]}]
    for metric in ("ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"):
        # moto answers describe_alarms_for_metric without applying the dimensions: filter them here.
        found = aws("cloudwatch").describe_alarms_for_metric(MetricName=metric, Namespace="AWS/SQS", Dimensions=dlq)["MetricAlarms"]
        assert [a["AlarmActions"] for a in found if a["Dimensions"] == dlq] == [[messaging["alerts_topic_arn"]]], metric
    sqs.delete_message(QueueUrl=jobs["dlq_url"], ReceiptHandle=dead[0]["ReceiptHandle"])
