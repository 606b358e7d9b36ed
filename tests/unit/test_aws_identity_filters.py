"""The aws_identity and aws_access filters: thin wrappers that turn builder errors into AnsibleFilterError."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.filter import (
    drill_role_policy,
    github_trust_policy,
    human_role_policy,
    irsa_policy,
    irsa_trust_policy,
    permission_policy_check,
    sso_role_arn,
)

ACCOUNT = "123456789012"
GITHUB_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
NAMING = {"prefix": "p-dev", "slug": "p", "env": "dev", "account_id": ACCOUNT, "region": "eu-west-1"}


def get(module, name):
    return module.FilterModule().filters()[name]


def test_github_filter_builds_and_rejects():
    build = get(github_trust_policy, "github_trust_policy")
    doc = build(GITHUB_ARN, org="acme", repo="infra", environments=["prod"])
    assert doc["Statement"][0]["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"] == ["repo:acme/infra:environment:prod"]
    with pytest.raises(AnsibleFilterError, match="github_trust_policy: github_repo"):
        build(GITHUB_ARN, org="acme", repo="*", branches=["main"])


def test_irsa_trust_filter_accepts_an_int_account():
    doc = get(irsa_trust_policy, "irsa_trust_policy")(int(ACCOUNT), issuer="https://oidc.example.com/id/X", namespace="a", service_account="b")
    assert doc["Statement"][0]["Principal"]["Federated"] == f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.example.com/id/X"


def test_irsa_policy_filter_reports_a_missing_key():
    build = get(irsa_policy, "irsa_policy")
    store = {"secrets": ["litellm/*"]}
    with pytest.raises(AnsibleFilterError, match="irsa_policy: secret-store"):
        build("secret-store", **NAMING, params=store, kms_keys={"secrets": ""})
    assert build("secret-store", **NAMING, params=store, kms_keys={"secrets": ""}, allow_missing_keys=True)


def test_human_policy_filter():
    build = get(human_role_policy, "human_role_policy")
    assert build("read", **NAMING)["Statement"][0]["Sid"] == "ReadControlPlane"
    with pytest.raises(AnsibleFilterError, match="human_role_policy"):
        build("root", **NAMING)
    with pytest.raises(AnsibleFilterError, match="human_role_policy: human policy operate: protected_buckets"):
        build("operate", **NAMING, allow_missing_keys=True)
    doc = build("break-glass", **NAMING, allow_missing_keys=True, protected_buckets=["arn:aws:s3:::p-logs-123456789012"])
    assert "ReadSecrets" in [s["Sid"] for s in doc["Statement"]]


def test_sso_role_arn_filter():
    pick = get(sso_role_arn, "sso_role_arn")
    ops = "AWSReservedSSO_p-ops_0123456789abcdef"  # pragma: allowlist secret
    roles = [{"role_name": ops, "path": "/aws-reserved/sso.amazonaws.com/eu-west-1/", "arn": "ignored"}]
    assert pick(roles, permission_set="p-ops", account_id=123456789012) == "arn:aws:iam::123456789012:role/AWSReservedSSO_p-ops_0123456789abcdef"
    assert pick(roles, "p-ops", "123456789012", with_path=True).endswith(":role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_p-ops_0123456789abcdef")
    assert pick(None, "p-dev", "123456789012") == ""
    with pytest.raises(AnsibleFilterError, match="sso_role_arn: several roles"):
        pick(roles + [{**roles[0], "role_name": "AWSReservedSSO_p-ops_fedcba9876543210"}], "p-ops", "123456789012")  # pragma: allowlist secret


def test_permission_check_filter():
    check = get(permission_policy_check, "permission_policy_check")
    ok = {"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}
    assert check(ok) == ok
    with pytest.raises(AnsibleFilterError, match="service-wide"):
        check({"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    with pytest.raises(AnsibleFilterError, match="permission_policy_check"):
        check("not json")


def test_drill_filter_accepts_an_int_account_and_drops_empty_keys():
    build = get(drill_role_policy, "drill_role_policy")
    names = {
        "postgres_source": "p-dev-postgres",
        "backup_bucket": "p-dev-backups-1",
        "graph_backup_bucket": "p-dev-graph-backups-1",
        "search_snapshot_bucket": "p-dev-search-snapshots-1",
        "search_domain": "p-dev-search",
        "media_bucket": "p-dev-media-1",
        "media_region": "eu-west-1",
    }
    key = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/storage"
    doc = build(int(ACCOUNT), region="eu-west-1", prefix="p-dev", storage_kms_key_arns=[key, ""], data_kms_key_arn=None, **names)
    kms = [s for s in doc["Statement"] if s["Action"][0].startswith("kms:")]
    assert [s["Resource"] for s in kms] == [[key]]
    assert doc["Statement"][0]["Resource"][0] == f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:p-dev-postgres"
