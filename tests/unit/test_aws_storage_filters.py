"""The storage and messaging filters return the module_utils documents and turn PolicyError into AnsibleFilterError."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.filter import s3_bucket_policy, sns_topic_policy, sqs_queue_policy, sqs_redrive_allow_policy
from ansible_collections.mosaic.platform.plugins.module_utils.messaging_policies import queue_policy, topic_policy
from ansible_collections.mosaic.platform.plugins.module_utils.s3_policies import bucket_policy

ACCOUNT = "123456789012"
QUEUE = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:p-jobs"
TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:p-events"


def _filter(module, name):
    return module.FilterModule().filters()[name]


def test_filters_return_the_module_utils_documents():
    s3 = _filter(s3_bucket_policy, "s3_bucket_policy")
    assert s3("b-1", ACCOUNT, "eu-west-1", delivery=["alb"], alb_prefix="lb") == bucket_policy("b-1", ACCOUNT, "eu-west-1", delivery=["alb"], alb_prefix="lb")
    assert _filter(sqs_queue_policy, "sqs_queue_policy")(QUEUE, topic_arns=[TOPIC]) == queue_policy(QUEUE, [TOPIC])
    assert _filter(sns_topic_policy, "sns_topic_policy")(TOPIC, int(ACCOUNT)) == topic_policy(TOPIC, ACCOUNT)
    assert _filter(sqs_redrive_allow_policy, "sqs_redrive_allow_policy")(QUEUE) == {"redrivePermission": "byQueue", "sourceQueueArns": [QUEUE]}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: _filter(s3_bucket_policy, "s3_bucket_policy")("b-1", "123", "eu-west-1"), "s3_bucket_policy: account_id"),
        (lambda: _filter(s3_bucket_policy, "s3_bucket_policy")("b-1", ACCOUNT, "eu-west-1", delivery=["s3_access_logs"]), "source buckets"),
        (lambda: _filter(s3_bucket_policy, "s3_bucket_policy")("b-1", ACCOUNT, "eu-west-1", bogus=1), "s3_bucket_policy"),
        (lambda: _filter(sqs_queue_policy, "sqs_queue_policy")(QUEUE, topic_arns=["arn:aws:sns:eu-west-1:123456789012:*"]), "sqs_queue_policy"),
        (lambda: _filter(sns_topic_policy, "sns_topic_policy")(TOPIC, "x"), "sns_topic_policy: account_id"),
        (lambda: _filter(sqs_redrive_allow_policy, "sqs_redrive_allow_policy")([]), "sqs_redrive_allow_policy"),
    ],
)
def test_filters_raise_ansible_filter_errors(call, message):
    with pytest.raises(AnsibleFilterError, match=message):
        call()
