"""aws_secrets: bad input fails before any API call, naming the variable and never a value."""

from __future__ import annotations

import pytest
from test_bad_input import run_role

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
    assert needle in out, out
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
    check(run_role(tmp_path, "aws_secrets", {**PLATFORM, **extra}), needle)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_secrets_secrets": [{"name": "bad name"}]}, "aws_secrets_secrets and aws_secrets_parameters names"),
        ({"aws_secrets_secrets": [{"name": "a"}, {"name": "a"}]}, "must be unique"),
        ({"aws_secrets_secrets": [{"name": "a", "source": "env"}]}, "source=env needs env_var"),
        ({"aws_secrets_parameters": [{"name": "a", "source": "vault"}]}, "source=vault needs value"),
        ({"aws_secrets_secrets": [{"name": "a", "length": 8}]}, "length"),
        ({"aws_secrets_secrets": [{"name": "a", "rotation_lambda_arn": "arn:aws:iam::1:role/x"}]}, "rotation_lambda_arn"),
        ({"aws_secrets_parameters": [{"name": "a", "rotation_lambda_arn": "arn:aws:lambda:eu-west-1:1:function:r"}]}, "secrets only"),
        ({"aws_secrets_secrets": [{"name": "a", "source": "vault", "value": VALUE, "rotation_days": 0}]}, "rotation_days"),
    ],
)
def test_assert_rejects_bad_values_without_printing_them(tmp_path, extra, needle):
    check(run_role(tmp_path, "aws_secrets", {**PLATFORM, **extra}), needle)


def test_an_unset_environment_variable_is_named(tmp_path, monkeypatch):
    monkeypatch.delenv("MOSAIC_TEST_UNSET_SECRET", raising=False)
    result = run_role(tmp_path, "aws_secrets", {**PLATFORM, "aws_secrets_secrets": [{"name": "a", "source": "env", "env_var": "MOSAIC_TEST_UNSET_SECRET"}]})
    check(result, "reads the environment variable MOSAIC_TEST_UNSET_SECRET, which is empty or unset")
