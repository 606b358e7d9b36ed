"""Bad aws_messaging input fails before any API call, with a message naming the variable."""

from __future__ import annotations

import pytest
from test_bad_input import assert_spec_failed, assert_validation_passed, run_role

BASE = {
    "aws_messaging_prefix": "p-local",
    "aws_messaging_account_id": "123456789012",
    "aws_messaging_region": "eu-west-1",
    "aws_messaging_alerts_topic_name": "p-local-alerts",
    "aws_messaging_queue_url_base": "https://sqs.eu-west-1.amazonaws.com",
    "aws_messaging_kms_key_arn": "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555",
    "aws_messaging_tags": {"Project": "P", "Env": "local", "Owner": "o", "Component": "messaging"},
    "aws_messaging_topics": [{"name": "events"}],
    "aws_messaging_queues": [],  # the default queue subscribes to a topic BASE does not define
}


# The role's first task that calls AWS.
FIRST_API_TASK = "Manage the dead-letter and work queues"


def _run(tmp_path, extra):
    result = run_role(tmp_path, "aws_messaging", {**BASE, **extra})
    return result, result.stdout + result.stderr


def _fails_before_api(tmp_path, extra, needle):
    result, out = _run(tmp_path, extra)
    assert result.returncode != 0, out
    assert needle in " ".join(out.split()), out
    assert FIRST_API_TASK not in out, "the role reached an API call"
    return out


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_messaging_queues": "jobs"}, "aws_messaging_queues"),
        ({"aws_messaging_queues": [{"name": "jobs", "max_recieve_count": 3}]}, "max_recieve_count"),
        ({"aws_messaging_queues": [{"name": "jobs", "max_receive_count": "many"}]}, "max_receive_count"),
        ({"aws_messaging_queues": [{"name": "jobs", "subscriptions": [{"filter_policy": {}}]}]}, "topic"),
        ({"aws_messaging_topics": [{"name": "events", "kms": "x"}]}, "kms"),
        ({"aws_messaging_alerts_subscriptions": [{"protocol": "sms", "endpoint": "+4400"}]}, "protocol"),
        ({"aws_messaging_alerts_subscriptions": [{"protocol": "email"}]}, "endpoint"),
    ],
)
def test_argument_spec_rejects_bad_input(tmp_path, extra, needle):
    result, _ = _run(tmp_path, extra)
    assert_spec_failed(result, needle)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_messaging_account_id": "1234"}, "aws_messaging_account_id must be 12 digits (got '1234')"),
        (
            {"aws_messaging_queues": [{"name": "Jobs Queue"}]},
            "aws_messaging_topics and aws_messaging_queues names must match ^[a-z0-9][a-z0-9-]{0,40}$ (got ['Jobs Queue'])",
        ),
        ({"aws_messaging_topics": [{"name": "events"}, {"name": "events"}]}, "aws_messaging_topics names must be unique (got ['events'] more than once)"),
        ({"aws_messaging_queues": [{"name": "jobs"}, {"name": "jobs"}]}, "aws_messaging_queues names must be unique (got ['jobs'] more than once)"),
        (
            {"aws_messaging_queues": [{"name": "jobs", "subscriptions": [{"topic": "nope"}]}]},
            "aws_messaging_queues[].subscriptions[].topic must name a topic of aws_messaging_topics ['events'] (got ['nope'])",
        ),
        (
            {"aws_messaging_queues": [{"name": "jobs", "subscriptions": [{"topic": "events", "filter_policy_scope": "Body"}]}]},
            "filter_policy_scope must be MessageAttributes or MessageBody (got ['Body'])",
        ),
        ({"aws_messaging_alerts_topic_name": "p alerts"}, "aws_messaging_alerts_topic_name must match ^[A-Za-z0-9_-]{1,256}$ (got 'p alerts')"),
        (
            {"aws_messaging_alerts_subscriptions": [{"protocol": "email", "endpoint": "oncall"}]},
            "aws_messaging_alerts_subscriptions e-mail endpoints must be addresses (got ['oncall'])",
        ),
        (
            {"aws_messaging_alerts_subscriptions": [{"protocol": "https", "endpoint": "http://hooks.example.com/x"}]},
            "aws_messaging_alerts_subscriptions https endpoints must start with https:// (got ['http://hooks.example.com/x'])",
        ),
        ({"aws_messaging_dlq_age_alarm_seconds": 30}, "aws_messaging_dlq_age_alarm_seconds must be 60 to 1209600 (got '30')"),
        ({"aws_messaging_dlq_retention_seconds": 30}, "aws_messaging_dlq_retention_seconds must be 60 to 1209600 (got '30')"),
        (
            {"aws_messaging_queues": [{"name": "jobs"}], "aws_messaging_kms_key_arn": "alias/x"},
            "aws_messaging_kms_key_arn (or aws_kms_outputs.messaging.arn) must be a KMS key ARN; run aws_kms first (got 'alias/x')",
        ),
        ({"aws_messaging_tags": {"Project": "P"}}, "aws_messaging_tags must carry Project, Env, Owner and Component (got {'Project': 'P'})"),
        ({"aws_messaging_queues": [{"name": "jobs", "max_receive_count": 0}]}, "aws_messaging_queues[jobs] needs max_receive_count 1..1000 (got 0)"),
        ({"aws_messaging_queues": [{"name": "jobs", "max_receive_count": 1001}]}, "aws_messaging_queues[jobs] needs max_receive_count 1..1000 (got 1001)"),
        ({"aws_messaging_queues": [{"name": "jobs", "visibility_timeout": 50000}]}, "aws_messaging_queues[jobs] needs visibility_timeout 0..43200 (got 50000)"),
        (
            {"aws_messaging_queues": [{"name": "jobs", "retention_seconds": 1209600}]},
            "aws_messaging_queues[jobs] needs retention_seconds 60.. and shorter than aws_messaging_dlq_retention_seconds (1209600) (got 1209600)",
        ),
        ({"aws_messaging_queues": [{"name": "jobs", "age_alarm_seconds": 30}]}, "aws_messaging_queues[jobs] needs age_alarm_seconds >= 60 (got 30)"),
    ],
)
def test_rule_fails_with_its_own_message(tmp_path, extra, needle):
    _fails_before_api(tmp_path, extra, needle)


def test_good_input_passes_every_rule(tmp_path):
    subscribers = [{"protocol": "email", "endpoint": "oncall@example.com"}, {"protocol": "https", "endpoint": "https://hooks.example.com/alerts"}]
    queues = [{"name": "jobs", "subscriptions": [{"topic": "events"}]}]
    result, _ = _run(tmp_path, {"aws_messaging_queues": queues, "aws_messaging_alerts_subscriptions": subscribers})
    assert_validation_passed(result)


def test_a_receive_count_outside_the_baseline_warns(tmp_path):
    _, out = _run(tmp_path, {"aws_messaging_queues": [{"name": "jobs", "max_receive_count": 20}]})
    out = " ".join(out.split())  # the YAML callback folds long messages
    assert "aws_messaging_queues[jobs].max_receive_count is 20; the security baseline wants 3..10" in out
    assert out.index("max_receive_count is 20") < out.index(FIRST_API_TASK)
