"""The alerts topic admits the services that raise the platform's alerts, for this account only.

moto stores the topic policy without evaluating it, so the document the aws_messaging role applies (its
default publisher list through the same builder) is decided here with the offline evaluator.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.iam_evaluator import allowed
from ansible_collections.mosaic.platform.plugins.module_utils.messaging_policies import topic_policy

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
ALERTS = f"arn:aws:sns:eu-west-1:{ACCOUNT}:p-alerts"
PUBLISHERS = yaml.safe_load((ROOT / "roles/aws_messaging/defaults/main.yml").read_text())["aws_messaging_alerts_publisher_services"]
OVER_TLS = {"aws:SecureTransport": "true", "aws:SourceAccount": ACCOUNT}


@pytest.fixture
def policy():
    return topic_policy(ALERTS, ACCOUNT, publisher_services=PUBLISHERS)


@pytest.mark.parametrize("service", ["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "events.amazonaws.com"])
def test_alarm_sources_may_publish_for_this_account(policy, service):
    assert allowed(policy, "SNS:Publish", ALERTS, OVER_TLS, principal={"Service": service})


def test_budgets_may_not_publish_for_another_account(policy):
    other = {**OVER_TLS, "aws:SourceAccount": "210987654321"}
    assert not allowed(policy, "SNS:Publish", ALERTS, other, principal={"Service": "budgets.amazonaws.com"})


def test_budgets_may_not_publish_over_plain_http(policy):
    plain = {**OVER_TLS, "aws:SecureTransport": "false"}
    assert not allowed(policy, "SNS:Publish", ALERTS, plain, principal={"Service": "budgets.amazonaws.com"})


def test_services_publish_only(policy):
    budgets = {"Service": "budgets.amazonaws.com"}
    assert not allowed(policy, "SNS:Subscribe", ALERTS, OVER_TLS, principal=budgets)
    assert not allowed(policy, "SNS:SetTopicAttributes", ALERTS, OVER_TLS, principal=budgets)


def test_an_unnamed_service_is_refused(policy):
    assert not allowed(policy, "SNS:Publish", ALERTS, OVER_TLS, principal={"Service": "s3.amazonaws.com"})


def test_without_budgets_in_the_list_its_notifications_are_refused():
    # The mutation case: the publisher list the role had before Budgets notified the topic.
    narrow = topic_policy(ALERTS, ACCOUNT, publisher_services=["cloudwatch.amazonaws.com", "events.amazonaws.com"])
    assert not allowed(narrow, "SNS:Publish", ALERTS, OVER_TLS, principal={"Service": "budgets.amazonaws.com"})
