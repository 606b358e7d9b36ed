"""aws_secrets: bad input fails before any API call, naming the variable and never a value."""

from __future__ import annotations

import pytest
from test_bad_input import assert_spec_failed, assert_validation_passed, run_role

PLATFORM = {
    "platform_prefix": "p-local",
    "platform_slug": "p",
    "platform_env": "local",
    "platform_tags": {"Project": "P", "Env": "local", "Owner": "o"},
}
VALUE = "do-not-print-me-0123456789"


def check(result, needle):
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert needle in " ".join(out.split()), out
    assert "Manage the secrets" not in out and "Manage the SecureString parameters" not in out, "the role reached an API call"
    assert VALUE not in out, "a value leaked into the output"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_secrets_secrets": "x"}, "aws_secrets_secrets"),
        ({"aws_secrets_secrets": [{"name": "a", "sauce": "generate"}]}, "sauce"),
        ({"aws_secrets_secrets": [{"name": "a", "source": "file"}]}, "source"),
        ({"aws_secrets_parameters": [{"description": "no name"}]}, "name"),
        ({"aws_secrets_no_log": "maybe"}, "aws_secrets_no_log"),
    ],
)
def test_spec_rejects_bad_input(tmp_path, extra, needle):
    result = run_role(tmp_path, "aws_secrets", {**PLATFORM, **extra})
    check(result, needle)
    assert_spec_failed(result, needle)


LAMBDA = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (
            {"aws_secrets_secrets": [{"name": "bad name"}]},
            "aws_secrets_parameters names must be paths of [A-Za-z0-9_+=.@-] segments, without the /<slug>/<env>/ prefix (got ['bad name'])",
        ),
        ({"aws_secrets_secrets": [{"name": "a"}, {"name": "a"}]}, "aws_secrets_secrets names must be unique (got ['a'] more than once)"),
        ({"aws_secrets_parameters": [{"name": "a"}, {"name": "b"}, {"name": "b"}]}, "aws_secrets_parameters names must be unique (got ['b'] more than once)"),
        ({"aws_secrets_secrets": [{"name": "a", "source": "env"}]}, "entries with source=env need env_var (missing in ['a'])"),
        ({"aws_secrets_parameters": [{"name": "a", "source": "vault"}]}, "entries with source=vault need value (missing in ['a'])"),
        ({"aws_secrets_secrets": [{"name": "a", "length": 8}]}, "aws_secrets_secrets and aws_secrets_parameters length must be 16 to 4096 (got {'a': 8})"),
        (
            {"aws_secrets_parameters": [{"name": "a", "length": 5000}]},
            "aws_secrets_secrets and aws_secrets_parameters length must be 16 to 4096 (got {'a': 5000})",
        ),
        (
            {"aws_secrets_secrets": [{"name": "a", "rotation_lambda_arn": "arn:aws:iam::123456789012:role/x"}]},
            "aws_secrets_secrets rotation_lambda_arn must be a Lambda function ARN (got ['arn:aws:iam::123456789012:role/x'])",
        ),
        (
            {"aws_secrets_parameters": [{"name": "a", "rotation_lambda_arn": LAMBDA}]},
            "aws_secrets_parameters cannot rotate: rotation_lambda_arn is for aws_secrets_secrets only (set on ['a'])",
        ),
        (
            {"aws_secrets_secrets": [{"name": "a", "source": "vault", "value": VALUE, "rotation_lambda_arn": LAMBDA, "rotation_days": 0}]},
            "aws_secrets_secrets rotation_days must be 1 to 365 (got {'a': 0})",
        ),
        (
            {"aws_secrets_secrets": [{"name": "a", "rotation_lambda_arn": LAMBDA, "rotation_days": 400}]},
            "aws_secrets_secrets rotation_days must be 1 to 365 (got {'a': 400})",
        ),
        ({"aws_secrets_generate_length": 8}, "aws_secrets_generate_length must be 16 to 4096 (got '8')"),
        ({"aws_secrets_tags": {"Project": "P"}}, "aws_secrets_tags must carry Project, Env, Owner and Component (got {'Project': 'P'})"),
    ],
)
def test_rule_fails_with_its_own_message_without_printing_values(tmp_path, extra, needle):
    check(run_role(tmp_path, "aws_secrets", {**PLATFORM, **extra}), needle)


def test_a_vault_value_never_reaches_a_message(tmp_path):
    """Every rule that reads vault entries fails naming the entry, not its value."""
    bad = {"name": "a b", "source": "vault", "value": VALUE, "length": 8, "rotation_days": 0}
    check(run_role(tmp_path, "aws_secrets", {**PLATFORM, "aws_secrets_secrets": [bad]}), "(got ['a b'])")


def test_good_input_passes_every_rule(tmp_path):
    good = {
        "aws_secrets_secrets": [{"name": "db/app", "source": "vault", "value": VALUE, "rotation_lambda_arn": LAMBDA, "rotation_days": 30}],
        "aws_secrets_parameters": [{"name": "db/app", "length": 32}],
    }
    assert_validation_passed(run_role(tmp_path, "aws_secrets", {**PLATFORM, **good}))


def test_an_unset_environment_variable_is_named(tmp_path, monkeypatch):
    monkeypatch.delenv("MOSAIC_TEST_UNSET_SECRET", raising=False)
    result = run_role(tmp_path, "aws_secrets", {**PLATFORM, "aws_secrets_secrets": [{"name": "a", "source": "env", "env_var": "MOSAIC_TEST_UNSET_SECRET"}]})
    check(result, "reads the environment variable MOSAIC_TEST_UNSET_SECRET, which is empty or unset")
