"""aws_auth: each validation rule fails with its own message, naming the value, before any API call."""

from __future__ import annotations

import pytest
from test_bad_input import assert_rule_failed, assert_spec_failed, assert_validation_passed, run_role

BASE = {
    "platform_prefix": "p-local",
    "platform_slug": "p",
    "platform_env": "local",
    "platform_domain": "test.example.com",
    "platform_aws_region": "eu-west-1",
    "platform_aws_account_id": "123456789012",
    "platform_tags": {"Project": "P", "Env": "local", "Owner": "o"},
    "aws_kms_outputs": {"secrets": {"arn": "arn:aws:kms:eu-west-1:123456789012:key/k"}},
}
FIRST_API_TASK = "Manage the user pool"
CLIENT = {"name": "grafana", "callback_urls": ["https://grafana.example.com/login"]}


def test_argument_spec_rejects_bad_input(tmp_path):
    assert_spec_failed(run_role(tmp_path, "aws_auth", {**BASE, "aws_auth_clients": [{"name": "grafana"}]}), "callback_urls")


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_auth_password_min_length": 8}, "aws_auth_password_min_length must be 14..99 (got '8')"),
        (
            {"platform_env": "prod", "aws_auth_mfa": "OPTIONAL", "aws_auth_advanced_security": "ENFORCED"},
            "in prod aws_auth_mfa must be ON and aws_auth_advanced_security ENFORCED (got aws_auth_mfa 'OPTIONAL'",
        ),
        ({"aws_auth_domain": "p-aws-login"}, "aws_auth_domain must be a lowercase domain prefix (letters, digits, dashes) without 'aws' (got 'p-aws-login')"),
        ({"aws_auth_clients": [{**CLIENT, "name": "Grafana"}]}, "aws_auth_clients names must match ^[a-z][a-z0-9-]{0,30}$ (got ['Grafana'])"),
        ({"aws_auth_clients": [CLIENT, CLIENT]}, "aws_auth_clients names must be unique (got ['grafana'] more than once)"),
        (
            {"aws_auth_clients": [{**CLIENT, "callback_urls": ["http://grafana.example.com/"]}]},
            "aws_auth_clients must use https callback_urls (got ['http://grafana.example.com/'])",
        ),
        (
            {"aws_auth_clients": [{**CLIENT, "logout_urls": ["http://grafana.example.com/"]}]},
            "aws_auth_clients must use https logout_urls (got ['http://grafana.example.com/'])",
        ),
        ({"aws_auth_clients": [{**CLIENT, "callback_urls": []}]}, "aws_auth_clients entries need at least one callback_urls entry (none in ['grafana'])"),
        (
            {"aws_auth_groups": [{"name": "ops", "role_arn": "arn:aws:iam::123456789012:user/alice"}]},
            "aws_auth_groups role_arn must be an IAM role ARN (got ['arn:aws:iam::123456789012:user/alice'])",
        ),
        (
            {"aws_kms_outputs": {"secrets": {"arn": "alias/p-secrets"}}},
            "aws_auth_secrets_kms_key_arn (or aws_kms_outputs.secrets.arn) must be a KMS key ARN; run aws_kms first (got 'alias/p-secrets')",
        ),
        ({"aws_auth_tags": {"Project": "P"}}, "aws_auth_tags must carry Project, Env, Owner and Component (got {'Project': 'P'})"),
    ],
)
def test_rule_fails_with_its_own_message(tmp_path, extra, needle):
    assert_rule_failed(run_role(tmp_path, "aws_auth", {**BASE, **extra}), needle, FIRST_API_TASK)


def test_good_input_passes_every_rule(tmp_path):
    good = {
        "platform_env": "prod",
        "aws_auth_mfa": "ON",
        "aws_auth_advanced_security": "ENFORCED",
        "aws_auth_groups": [{"name": "ops", "role_arn": "arn:aws:iam::123456789012:role/p-ops"}],
    }
    assert_validation_passed(run_role(tmp_path, "aws_auth", {**BASE, **good}))
