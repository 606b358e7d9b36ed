"""Bucket policies as documents: the builder's output and the checker's rejections (moto never evaluates them)."""

from __future__ import annotations

import copy
import json

import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError
from ansible_collections.mosaic.platform.plugins.module_utils.s3_policies import ELB_LOG_DELIVERY, bucket_policy, check_bucket_policy

ACCOUNT = "123456789012"
LOGS = "p-logs-123456789012"
ARN = f"arn:aws:s3:::{LOGS}"


@pytest.fixture
def log_policy():
    return bucket_policy(LOGS, ACCOUNT, "eu-west-1", delivery=["s3_access_logs", "cloudtrail", "alb", "waf"], source_buckets=["p-media-1", "p-artifacts-1"])


def sids(doc):
    return {s["Sid"]: s for s in doc["Statement"]}


def test_a_data_bucket_gets_only_the_tls_deny():
    doc = bucket_policy("p-media-123456789012", ACCOUNT, "eu-west-1")
    assert doc["Statement"] == [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::p-media-123456789012", "arn:aws:s3:::p-media-123456789012/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]


def test_each_source_bucket_writes_only_its_own_access_log_prefix(log_policy):
    access = [s for s in log_policy["Statement"] if s["Principal"] == {"Service": "logging.s3.amazonaws.com"}]
    assert {s["Resource"]: s["Condition"]["ArnLike"]["aws:SourceArn"] for s in access} == {
        f"{ARN}/s3/p-artifacts-1/*": "arn:aws:s3:::p-artifacts-1",
        f"{ARN}/s3/p-media-1/*": "arn:aws:s3:::p-media-1",
    }
    assert all(s["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT} for s in access)
    assert all(s["Action"] == "s3:PutObject" for s in access)


def test_cloudtrail_is_bound_to_the_account_and_its_prefix(log_policy):
    acl, write = sids(log_policy)["CloudTrailAclCheck"], sids(log_policy)["CloudTrailWrite"]
    assert acl["Action"] == "s3:GetBucketAcl" and acl["Resource"] == ARN
    assert write["Resource"] == f"{ARN}/cloudtrail/AWSLogs/{ACCOUNT}/*"
    for statement in (acl, write):
        assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
        assert statement["Condition"]["ArnLike"] == {"aws:SourceArn": [f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"]}


def test_waf_log_delivery_is_bound_to_the_account(log_policy):
    write = sids(log_policy)["WafLogDeliveryWrite"]
    assert write["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert write["Resource"] == f"{ARN}/AWSLogs/{ACCOUNT}/*"
    assert write["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:logs:eu-west-1:{ACCOUNT}:*"}


def test_alb_uses_the_regional_elb_account(log_policy):
    alb = sids(log_policy)["AlbAccessLogsDelivery"]
    assert alb["Principal"] == {"AWS": "arn:aws:iam::156460612806:root"}
    assert alb["Resource"] == f"{ARN}/alb/AWSLogs/{ACCOUNT}/*"


def test_alb_in_a_newer_region_uses_the_log_delivery_service():
    alb = sids(bucket_policy(LOGS, ACCOUNT, "ap-southeast-4", delivery=["alb"]))["AlbAccessLogsDelivery"]
    assert alb["Principal"] == {"Service": ELB_LOG_DELIVERY}
    assert alb["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_output_is_deterministic():
    a = bucket_policy(LOGS, ACCOUNT, "eu-west-1", delivery=["alb", "s3_access_logs"], source_buckets=["b", "a", "b"])
    b = bucket_policy(LOGS, ACCOUNT, "eu-west-1", delivery=["s3_access_logs", "alb"], source_buckets=["a", "b"])
    assert a == b


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"account_id": "12345"}, "12-digit"),
        ({"delivery": ["s3_access_logs"]}, "source buckets"),
        ({"delivery": ["ftp"]}, "unknown delivery"),
    ],
)
def test_builder_rejects_bad_input(kwargs, message):
    args = {"account_id": ACCOUNT, **kwargs}
    with pytest.raises(PolicyError, match=message):
        bucket_policy(LOGS, args.pop("account_id"), "eu-west-1", **args)


def _broken(policy, sid, mutate):
    doc = copy.deepcopy(policy)
    mutate(sids(doc)[sid])
    return doc


@pytest.mark.parametrize(
    ("sid", "mutate", "message"),
    [
        ("DenyInsecureTransport", lambda s: s.update(Effect="Allow"), "TLS-only"),
        ("DenyInsecureTransport", lambda s: s.update(Condition={"Bool": {"aws:SecureTransport": "true"}}), "TLS-only"),
        ("DenyInsecureTransport", lambda s: s.update(Resource=[ARN]), "TLS-only"),
        ("DenyInsecureTransport", lambda s: s.update(Action="s3:GetObject"), "TLS-only"),
        ("CloudTrailWrite", lambda s: s.update(Principal="*"), "public principal"),
        ("CloudTrailWrite", lambda s: s.update(Principal={"AWS": "*"}), "public principal"),
        ("CloudTrailWrite", lambda s: s.update(Action="s3:*"), "only log delivery actions"),
        ("CloudTrailWrite", lambda s: s.update(Action=["s3:PutObject", "s3:GetObject"]), "only log delivery actions"),
        ("CloudTrailWrite", lambda s: s.update(Resource="arn:aws:s3:::someone-else/*"), "outside bucket"),
        ("CloudTrailWrite", lambda s: s.pop("Condition"), "aws:SourceAccount"),
        ("WafLogDeliveryWrite", lambda s: s.update(Condition={"ArnLike": {"aws:SourceArn": "arn:aws:logs:eu-west-1:999999999999:*"}}), "account"),
        ("AlbAccessLogsDelivery", lambda s: s.update(Principal={"AWS": "arn:aws:iam::999999999999:root"}), "Elastic Load Balancing"),
        ("AlbAccessLogsDelivery", lambda s: s.update(NotResource=ARN), "NotPrincipal/NotAction/NotResource"),
    ],
)
def test_check_rejects_a_broken_bucket_policy(log_policy, sid, mutate, message):
    with pytest.raises(PolicyError, match=message):
        check_bucket_policy(_broken(log_policy, sid, mutate), LOGS, ACCOUNT)


def test_check_rejects_a_policy_without_the_tls_deny(log_policy):
    doc = copy.deepcopy(log_policy)
    doc["Statement"] = [s for s in doc["Statement"] if s["Sid"] != "DenyInsecureTransport"]
    with pytest.raises(PolicyError, match="TLS-only"):
        check_bucket_policy(doc, LOGS, ACCOUNT)


def test_check_rejects_a_public_read_statement():
    doc = bucket_policy("p-media-1", ACCOUNT, "eu-west-1")
    doc["Statement"].append({"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::p-media-1/*"})
    with pytest.raises(PolicyError, match="public principal"):
        check_bucket_policy(doc, "p-media-1", ACCOUNT)


def test_check_accepts_json_text(log_policy):
    assert check_bucket_policy(json.dumps(log_policy), LOGS, ACCOUNT) == log_policy
