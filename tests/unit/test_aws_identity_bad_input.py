"""aws_identity: bad input fails before any API call, naming the variable (approach of test_bad_input.py)."""

from __future__ import annotations

import pytest
from test_bad_input import run_role

PLATFORM = {
    "platform_prefix": "p-local",
    "platform_slug": "p",
    "platform_env": "local",
    "platform_aws_region": "eu-west-1",
    "platform_aws_account_id": "123456789012",
    "platform_tags": {"Project": "P", "Env": "local", "Owner": "o"},
}
CI = {"name": "deploy", "github_org": "acme", "github_repo": "infra", "branches": ["main"]}
FIRST_API_TASK = "Manage the GitHub Actions OIDC provider"


def check(result, needle):
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert needle in out, out
    assert FIRST_API_TASK not in out, "the role reached an API call"
    assert "Manage the IAM roles" not in out, "the role reached an API call"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_identity_ci_roles": "deploy"}, "aws_identity_ci_roles"),
        ({"aws_identity_ci_roles": [{**CI, "branch": ["main"]}]}, "branch"),
        ({"aws_identity_ci_roles": [{"name": "deploy", "github_repo": "infra", "branches": ["main"]}]}, "github_org"),
        ({"aws_identity_human_roles": {"dev": {"name": "platform-dev", "access": "root"}}}, "access"),
        ({"aws_identity_human_roles": {"admin": {"name": "x"}}}, "admin"),
        ({"aws_identity_human_session_duration": "long"}, "aws_identity_human_session_duration"),
    ],
)
def test_spec_rejects_bad_input(tmp_path, extra, needle):
    result = run_role(tmp_path, "aws_identity", {**PLATFORM, **extra})
    assert "Validating arguments against arg spec" in result.stdout
    check(result, needle)


@pytest.mark.parametrize(("org", "repo"), [("*", "infra"), ("acme", "*"), ("acme", "infra-*"), ("ac?me", "infra")])
def test_a_wildcard_org_or_repo_fails_before_any_api_call(tmp_path, org, repo):
    result = run_role(tmp_path, "aws_identity", {**PLATFORM, "aws_identity_ci_roles": [{**CI, "github_org": org, "github_repo": repo}]})
    check(result, "aws_identity_ci_roles: github_org and github_repo must be literal")


def test_a_ci_role_without_refs_fails(tmp_path):
    result = run_role(tmp_path, "aws_identity", {**PLATFORM, "aws_identity_ci_roles": [{**CI, "branches": []}]})
    check(result, "every role must list branches, refs or")


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_identity_saml_provider_arn": "arn:aws:iam::123456789012:role/x"}, "aws_identity_saml_provider_arn"),
        ({"aws_identity_account_id": "1234"}, "aws_identity_account_id"),
        ({"aws_identity_human_session_duration": 60}, "aws_identity_human_session_duration"),
    ],
)
def test_assert_rejects_bad_values(tmp_path, extra, needle):
    check(run_role(tmp_path, "aws_identity", {**PLATFORM, **extra}), needle)
