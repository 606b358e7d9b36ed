"""The key-policy builder and the baseline check, as documents (moto never evaluates them)."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import (
    KMS_ADMIN_ACTIONS,
    PolicyError,
    check_kms_key_policy,
    kms_key_policy,
)

ACCOUNT = "123456789012"


@pytest.fixture
def policy():
    return kms_key_policy(
        ACCOUNT,
        "eu-west-1",
        via_services=["sqs", "s3"],
        usage_principals=["arn:aws:iam::123456789012:role/app"],
        service_principals=["cloudtrail.amazonaws.com"],
    )


def sids(doc):
    return {s["Sid"]: s for s in doc["Statement"]}


def test_admins_default_to_the_account_and_cannot_use_the_key(policy):
    admin = sids(policy)["KeyAdministration"]
    assert admin["Principal"] == {"AWS": [f"arn:aws:iam::{ACCOUNT}:root"]}
    assert set(admin["Action"]) == set(KMS_ADMIN_ACTIONS)
    assert not any(a in admin["Action"] for a in ("kms:Decrypt", "kms:Encrypt", "kms:CreateGrant"))


def test_account_use_is_limited_to_named_services(policy):
    cond = sids(policy)["UseThroughAwsServices"]["Condition"]["StringEquals"]
    assert cond["kms:CallerAccount"] == ACCOUNT
    assert cond["kms:ViaService"] == ["s3.eu-west-1.amazonaws.com", "sqs.eu-west-1.amazonaws.com"]


def test_grants_only_for_aws_resources(policy):
    grants = sids(policy)["GrantsForAwsResources"]
    assert grants["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}


def test_service_principals_are_bound_to_the_account(policy):
    svc = sids(policy)["UseByServicePrincipals"]
    assert svc["Principal"] == {"Service": ["cloudtrail.amazonaws.com"]}
    assert svc["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT


def test_optional_statements_are_left_out_when_empty():
    doc = kms_key_policy(ACCOUNT, "eu-west-1")
    assert list(sids(doc)) == ["KeyAdministration"]


def test_output_is_deterministic():
    a = kms_key_policy(ACCOUNT, "eu-west-1", via_services=["sqs", "s3", "sqs"])
    b = kms_key_policy(ACCOUNT, "eu-west-1", via_services=["s3", "sqs"])
    assert a == b


@pytest.mark.parametrize("account", ["12345", "abcdefghijkl", ""])
def test_rejects_a_bad_account_id(account):
    with pytest.raises(PolicyError, match="12-digit"):
        kms_key_policy(account, "eu-west-1")


def _broken(policy, sid, mutate):
    doc = copy.deepcopy(policy)
    mutate(sids(doc)[sid])
    return doc


@pytest.mark.parametrize(
    ("sid", "mutate", "message"),
    [
        ("KeyAdministration", lambda s: s.update(Action="kms:*"), "kms:\\*"),
        ("UseByNamedRoles", lambda s: s.update(Principal="*"), "Principal '\\*'"),
        ("UseByNamedRoles", lambda s: s.update(Principal={"AWS": "*"}), "Principal '\\*'"),
        ("UseThroughAwsServices", lambda s: s.pop("Condition"), "kms:ViaService"),
        ("UseByServicePrincipals", lambda s: s.pop("Condition"), "aws:SourceAccount"),
        ("UseByNamedRoles", lambda s: s.update(NotAction=["kms:Decrypt"]), "NotPrincipal/NotAction"),
    ],
)
def test_check_rejects_a_broken_key_policy(policy, sid, mutate, message):
    with pytest.raises(PolicyError, match=message):
        check_kms_key_policy(_broken(policy, sid, mutate))


def test_check_accepts_json_text(policy):
    import json

    assert check_kms_key_policy(json.dumps(policy)) == policy
