"""cloudwatch_resource_tags (the alarm tags of aws_edge and aws_audit): create/modify/delete x check/real x twice, against moto in-process."""

from __future__ import annotations

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.mosaic.platform.plugins.modules import cloudwatch_resource_tags
from moto import mock_aws

REGION = "eu-west-1"


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
