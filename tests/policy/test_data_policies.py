"""Policy documents of aws_data, aws_backup and the OpenSearch log module, checked as documents
(moto never evaluates IAM conditions): sound documents pass, broken ones are rejected."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.data_policies import (
    check_policy,
    jaeger_domain_paths,
    logs_delivery_policy,
    opensearch_access_policy,
    s3_bucket_access_policy,
    service_role_trust,
)
from ansible_collections.mosaic.platform.plugins.module_utils.iam_evaluator import allowed
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError

ACCOUNT = "333333333333"
DOMAIN = f"arn:aws:es:eu-west-1:{ACCOUNT}:domain/legacyplatform-prod-search"
OPS = f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_lp-prod-ops_0123456789abcdef"
BUCKET = f"legacyplatform-prod-search-snapshots-{ACCOUNT}"
STORAGE_KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
OTHER_KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/99999999-2222-3333-4444-555555555555"
VIA_S3 = {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}


@pytest.mark.parametrize("service", ["es.amazonaws.com", "backup.amazonaws.com"])
def test_service_trust_is_bound_to_the_account(service):
    (statement,) = service_role_trust(service, ACCOUNT)["Statement"]
    assert statement["Principal"] == {"Service": service}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


@pytest.mark.parametrize(
    ("service", "account", "message"), [("es", ACCOUNT, "service principal"), ("*", ACCOUNT, "service principal"), ("es.amazonaws.com", "42", "12-digit")]
)
def test_service_trust_rejects_bad_input(service, account, message):
    with pytest.raises(PolicyError, match=message):
        service_role_trust(service, account)


def test_bucket_policy_names_one_bucket_and_no_wildcard_action():
    doc = s3_bucket_access_policy(BUCKET)
    listing, objects = doc["Statement"]
    assert listing["Resource"] == f"arn:aws:s3:::{BUCKET}"
    assert objects["Resource"] == f"arn:aws:s3:::{BUCKET}/*"
    assert "s3:PutObject" in objects["Action"] and not any(a.endswith("*") for a in objects["Action"] + listing["Action"])


def test_bucket_policy_with_prefix_limits_listing_and_objects():
    listing, objects = s3_bucket_access_policy(BUCKET, access="read", prefix="neo4j/")["Statement"]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["neo4j/*", "neo4j"]}}
    assert objects["Resource"].endswith("/neo4j/*")
    assert "s3:PutObject" not in objects["Action"]


@pytest.mark.parametrize("action", ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"])
def test_snapshot_role_uses_the_bucket_key_through_s3_only(action):
    # The snapshot bucket is SSE-KMS with the storage key: OpenSearch's writes go through S3, which asks KMS.
    doc = s3_bucket_access_policy(BUCKET, kms_key_arn=STORAGE_KEY, region="eu-west-1")
    assert allowed(doc, action, STORAGE_KEY, VIA_S3)
    assert not allowed(doc, action, STORAGE_KEY, {"kms:ViaService": "ec2.eu-west-1.amazonaws.com"})
    assert not allowed(doc, action, STORAGE_KEY)
    assert not allowed(doc, action, OTHER_KEY, VIA_S3)


def test_snapshot_role_may_not_manage_the_key():
    doc = s3_bucket_access_policy(BUCKET, kms_key_arn=STORAGE_KEY, region="eu-west-1")
    for action in ["kms:CreateGrant", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:ReEncryptFrom"]:
        assert not allowed(doc, action, STORAGE_KEY, VIA_S3), action


def test_read_access_to_a_key_bucket_only_decrypts():
    doc = s3_bucket_access_policy(BUCKET, access="read", kms_key_arn=STORAGE_KEY, region="eu-west-1")
    assert allowed(doc, "kms:Decrypt", STORAGE_KEY, VIA_S3)
    assert not allowed(doc, "kms:GenerateDataKey", STORAGE_KEY, VIA_S3)


def test_the_role_applies_the_bucket_key_to_the_snapshot_policy():
    tasks = yaml.safe_load((ROOT / "roles/aws_data/tasks/opensearch.yml").read_text())
    (role_task,) = [t for t in tasks if t["name"] == "Manage the OpenSearch snapshot role and its policy"]
    (role,) = role_task["mosaic.platform.iam_roles"]["roles"]
    expr = role["inline_policies"]["snapshot-bucket"]
    assert "kms_key_arn=aws_data_storage_kms_key_arn" in expr and "region=aws_data_region" in expr


@pytest.mark.parametrize(
    ("key", "region", "message"), [("alias/storage", "eu-west-1", "KMS key ARN"), (STORAGE_KEY, "", "region"), (STORAGE_KEY, "*", "region")]
)
def test_bucket_key_rejects_bad_input(key, region, message):
    with pytest.raises(PolicyError, match=message):
        s3_bucket_access_policy(BUCKET, kms_key_arn=key, region=region)


@pytest.mark.parametrize(("bucket", "access"), [("Bad_Bucket", "write"), (BUCKET, "admin")])
def test_bucket_policy_rejects_bad_input(bucket, access):
    with pytest.raises(PolicyError):
        s3_bucket_access_policy(bucket, access=access)


def test_domain_policy_admits_only_named_roles_on_the_domain():
    (statement,) = opensearch_access_policy(DOMAIN, [OPS, OPS])["Statement"]
    assert statement["Principal"] == {"AWS": [OPS]}
    assert statement["Resource"] == f"{DOMAIN}/*"
    assert "es:*" not in statement["Action"]


@pytest.mark.parametrize(("arn", "principals"), [(DOMAIN, []), ("arn:aws:es:eu-west-1:1:domain/x", [OPS]), ("*", [OPS])])
def test_domain_policy_rejects_bad_input(arn, principals):
    with pytest.raises(PolicyError):
        opensearch_access_policy(arn, principals)


def test_domain_policy_rejects_a_public_principal():
    with pytest.raises(PolicyError, match="Principal"):
        opensearch_access_policy(DOMAIN, ["*"])


def test_logs_policy_lets_the_service_write_named_groups_for_the_account():
    (statement,) = logs_delivery_policy([f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/opensearch/x/audit"], ACCOUNT)["Statement"]
    assert statement["Resource"] == [f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/opensearch/x/audit:*"]
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT


def test_logs_policy_rejects_non_log_group_arns():
    with pytest.raises(PolicyError, match="log group ARNs"):
        logs_delivery_policy(["arn:aws:s3:::bucket"], ACCOUNT)


def _broken(doc, mutate):
    doc = copy.deepcopy(doc)
    mutate(doc["Statement"][0])
    return doc


@pytest.mark.parametrize(
    ("doc", "mutate", "message"),
    [
        (service_role_trust("es.amazonaws.com", ACCOUNT), lambda s: s.pop("Condition"), "aws:SourceAccount"),
        (service_role_trust("es.amazonaws.com", ACCOUNT), lambda s: s.update(Principal="*"), "Principal"),
        (s3_bucket_access_policy(BUCKET), lambda s: s.update(Action="s3:*"), "wildcard action"),
        (s3_bucket_access_policy(BUCKET), lambda s: s.update(Resource="*"), "Resource"),
        (opensearch_access_policy(DOMAIN, [OPS]), lambda s: s.update(Action=["es:*"]), "wildcard action"),
        (opensearch_access_policy(DOMAIN, [OPS]), lambda s: s.update(Principal={"AWS": "*"}), "Principal"),
        (opensearch_access_policy(DOMAIN, [OPS]), lambda s: s.update(NotAction=["es:ESHttpGet"]), "NotAction"),
    ],
)
def test_check_rejects_broken_documents(doc, mutate, message):
    with pytest.raises(PolicyError, match=message):
        check_policy(_broken(doc, mutate))


def test_check_rejects_an_empty_document():
    with pytest.raises(PolicyError, match="no statements"):
        check_policy('{"Version": "2012-10-17", "Statement": []}')


ROOT = Path(__file__).resolve().parents[2]


def test_the_domain_policy_names_the_ops_role_of_identity_center():
    """The default master user (and sole principal) is the ops role of IAM Identity Center that aws_access resolves,
    with its path (as resource policies name roles): AWSReservedSSO_<ops set>_<hash>.

    tests/unit/test_aws_data_inputs.py resolves it through both roles against moto; this checks the
    document the role builds from that ARN, and that no inventory pins another name.
    """
    data = yaml.safe_load((ROOT / "roles/aws_data/defaults/main.yml").read_text())
    assert "aws_access_outputs" in data["aws_data_opensearch"]["master_role_arn"]
    assert "sso_roles_with_path.ops" in data["aws_data_opensearch"]["master_role_arn"]
    (statement,) = opensearch_access_policy(DOMAIN, [OPS])["Statement"]
    assert statement["Principal"] == {"AWS": [OPS]}
    for path in (ROOT / "inventories").glob("*/group_vars/*/aws_data.yml"):
        opensearch = (yaml.safe_load(path.read_text()) or {}).get("aws_data_opensearch", {})
        assert "master_role_arn" not in opensearch or "sso_roles_with_path.ops" in str(opensearch["master_role_arn"]), path


JAEGER = f"arn:aws:iam::{ACCOUNT}:role/legacyplatform-prod-irsa-jaeger"
ACCOUNT_PRINCIPAL = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}


def jaeger_allowed(policy, action, path, caller=JAEGER):
    return allowed(policy, action, f"{DOMAIN}/{path}", context={"aws:PrincipalArn": caller}, principal=ACCOUNT_PRINCIPAL)


def test_domain_policy_admits_jaeger_on_its_paths_only():
    policy = opensearch_access_policy(DOMAIN, [OPS], jaeger_roles=[{"role_arn": JAEGER, "index_prefix": "jaeger"}])
    assert jaeger_allowed(policy, "es:ESHttpPost", "_bulk")
    assert jaeger_allowed(policy, "es:ESHttpPut", "jaeger-jaeger-span-2026-11-30")
    assert jaeger_allowed(policy, "es:ESHttpPut", "_template/jaeger-jaeger-service")
    assert jaeger_allowed(policy, "es:ESHttpHead", "")
    assert not jaeger_allowed(policy, "es:ESHttpPut", "documents-2026")
    assert not jaeger_allowed(policy, "es:ESHttpDelete", "jaeger-jaeger-span-2026-11-30")
    assert not jaeger_allowed(policy, "es:ESHttpPut", "_plugins/_security/api/rolesmapping/all_access")
    # Another role of the account gets nothing from the Jaeger statements.
    assert not jaeger_allowed(policy, "es:ESHttpPost", "_bulk", caller=f"arn:aws:iam::{ACCOUNT}:role/legacyplatform-prod-irsa-loki")
    # The master role keeps the whole domain.
    assert allowed(policy, "es:ESHttpPut", f"{DOMAIN}/_plugins/_security/api/rolesmapping/jaeger", principal={"AWS": OPS})


def test_domain_policy_names_jaeger_in_a_condition_not_as_principal():
    # The cluster phase creates the role after this policy: a missing principal would be refused.
    policy = opensearch_access_policy(DOMAIN, [OPS], jaeger_roles=[{"role_arn": JAEGER}])
    jaeger = [s for s in policy["Statement"] if s["Sid"].startswith("Jaeger")]
    assert {s["Sid"] for s in jaeger} == {"Jaeger0Root", "Jaeger0Bulk", "Jaeger0Templates", "Jaeger0Indices"}
    assert all(s["Principal"] == ACCOUNT_PRINCIPAL and s["Condition"] == {"ArnEquals": {"aws:PrincipalArn": JAEGER}} for s in jaeger)


@pytest.mark.parametrize(
    ("role_arn", "prefix", "message"),
    [
        ("arn:aws:iam::444444444444:role/x-irsa-jaeger", "jaeger", "of account 333333333333"),
        ("*", "jaeger", "IAM role ARN"),
        (JAEGER, "*", "index_prefix"),
    ],
)
def test_domain_policy_rejects_bad_jaeger_roles(role_arn, prefix, message):
    with pytest.raises(PolicyError, match=message):
        opensearch_access_policy(DOMAIN, [OPS], jaeger_roles=[{"role_arn": role_arn, "index_prefix": prefix}])


def test_jaeger_paths_are_the_client_calls():
    paths = jaeger_domain_paths(DOMAIN, "jaeger")
    assert paths["root"][1] == [f"{DOMAIN}/"] and paths["bulk"] == (["es:ESHttpPost"], [f"{DOMAIN}/_bulk"])
