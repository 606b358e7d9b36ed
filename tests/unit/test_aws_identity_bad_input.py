"""aws_identity: each validation rule fails with its own message, naming the value, before any API call."""

from __future__ import annotations

import pytest
from test_bad_input import assert_rule_failed, assert_spec_failed, assert_validation_passed, run_role

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


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_identity_ci_roles": "deploy"}, "aws_identity_ci_roles"),
        ({"aws_identity_ci_roles": [{**CI, "branch": ["main"]}]}, "branch"),
        ({"aws_identity_ci_roles": [{"name": "deploy", "github_repo": "infra", "branches": ["main"]}]}, "github_org"),
    ],
)
def test_spec_rejects_bad_input(tmp_path, extra, needle):
    assert_spec_failed(run_role(tmp_path, "aws_identity", {**PLATFORM, **extra}), needle)


@pytest.mark.parametrize(
    ("org", "repo", "got"),
    [("*", "infra", "['*']"), ("acme", "*", "['*']"), ("acme", "infra-*", "['infra-*']"), ("ac?me", "infra", "['ac?me']")],
)
def test_a_wildcard_org_or_repo_fails_with_its_own_message(tmp_path, org, repo, got):
    result = run_role(tmp_path, "aws_identity", {**PLATFORM, "aws_identity_ci_roles": [{**CI, "github_org": org, "github_repo": repo}]})
    needle = f"aws_identity_ci_roles github_org and github_repo must be literal GitHub names matching ^[A-Za-z0-9_.-]{{1,100}}$, no '*' or '?' (got {got})"
    assert_rule_failed(result, needle, FIRST_API_TASK)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_identity_ci_roles": [{**CI, "name": "Deploy"}]}, "aws_identity_ci_roles names must match ^[a-z0-9][a-z0-9-]{0,40}$ (got ['Deploy'])"),
        ({"aws_identity_ci_roles": [{**CI, "name": "d" * 42}]}, f"aws_identity_ci_roles names must match ^[a-z0-9][a-z0-9-]{{0,40}}$ (got ['{'d' * 42}'])"),
        ({"aws_identity_ci_roles": [CI, {**CI, "name": "web"}, CI]}, "aws_identity_ci_roles names must be unique (got ['deploy'] more than once)"),
        (
            {"aws_identity_ci_roles": [CI, {**CI, "name": "web", "branches": []}]},
            "aws_identity_ci_roles entries must list branches, refs or environments (none in ['web'])",
        ),
        ({"aws_identity_account_id": "1234"}, "aws_identity_account_id must be 12 digits (got '1234')"),
        ({"aws_identity_tags": {"Project": "P"}}, "aws_identity_tags must carry Project, Env, Owner and Component (got {'Project': 'P'})"),
        ({"aws_identity_boundary_name": "bad name"}, "aws_identity_boundary_name must match ^[A-Za-z0-9+=,.@_-]{1,128}$ (got 'bad name')"),
    ],
)
def test_rule_fails_with_its_own_message(tmp_path, extra, needle):
    assert_rule_failed(run_role(tmp_path, "aws_identity", {**PLATFORM, **extra}), needle, FIRST_API_TASK)


def test_good_input_passes_every_rule(tmp_path):
    extra = {
        "aws_identity_ci_roles": [CI, {**CI, "name": "release", "branches": [], "refs": ["refs/tags/v*"]}],
    }
    assert_validation_passed(run_role(tmp_path, "aws_identity", {**PLATFORM, **extra}))


@pytest.mark.parametrize(
    ("audit", "needle"),
    [
        (
            {"github_org": "acme", "github_repo": "in*", "environment": "local-audits"},
            "aws_identity_audit_role github_org and github_repo must be literal GitHub names matching ^[A-Za-z0-9_.-]{1,100}$ (got 'acme/in*')",
        ),
        (
            {"github_org": "acme", "github_repo": "infra", "environment": "*-audits"},
            "aws_identity_audit_role.environment must be a literal GitHub environment name, no wildcard (got '*-audits')",
        ),
    ],
)
def test_the_audit_role_trusts_only_literal_names(tmp_path, audit, needle):
    assert_rule_failed(run_role(tmp_path, "aws_identity", {**PLATFORM, "aws_identity_audit_role": audit}), needle, FIRST_API_TASK)


def test_the_audit_role_defaults_to_the_ci_repository_and_passes(tmp_path):
    assert_validation_passed(run_role(tmp_path, "aws_identity", {**PLATFORM, "aws_identity_ci_roles": [CI]}))


@pytest.mark.parametrize(
    ("drill", "needle"),
    [
        (
            {"github_org": "ac?me", "github_repo": "infra", "environment": "local-drills"},
            "aws_identity_drill_role github_org and github_repo must be literal GitHub names matching ^[A-Za-z0-9_.-]{1,100}$ (got 'ac?me/infra')",
        ),
        (
            {"github_org": "acme", "github_repo": "infra", "environment": "local-*"},
            "aws_identity_drill_role.environment must be a literal GitHub environment name, no wildcard (got 'local-*')",
        ),
    ],
)
def test_the_drill_role_trusts_only_literal_names(tmp_path, drill, needle):
    assert_rule_failed(run_role(tmp_path, "aws_identity", {**PLATFORM, "aws_identity_drill_role": drill}), needle, FIRST_API_TASK)


DRILL_RESOURCES = {
    "postgres_source": "p-local-postgres",
    "backup_bucket": "p-local-backups-123456789012",
    "graph_backup_bucket": "p-local-graph-backups-123456789012",
    "search_snapshot_bucket": "p-local-search-snapshots-123456789012",
    "search_domain": "p-local-search",
    "media_bucket": "p-local-media-123456789012",
    "media_region": "eu-west-1",
}


def test_a_wildcard_drill_resource_fails_with_its_own_message(tmp_path):
    resources = {**DRILL_RESOURCES, "postgres_source": "p-local-*"}
    result = run_role(tmp_path, "aws_identity", {**PLATFORM, "aws_identity_drill_resources": resources})
    needle = "aws_identity_drill_resources values must be literal names matching ^[a-z0-9][a-z0-9.-]{1,62}$, no wildcard (got {'postgres_source': 'p-local-*'})"
    assert_rule_failed(result, needle, FIRST_API_TASK)


def test_the_drill_resources_need_every_name(tmp_path):
    resources = {k: v for k, v in DRILL_RESOURCES.items() if k != "media_bucket"}
    assert_spec_failed(run_role(tmp_path, "aws_identity", {**PLATFORM, "aws_identity_drill_resources": resources}), "media_bucket")


def test_the_drill_role_defaults_to_the_ci_repository_and_passes(tmp_path):
    assert_validation_passed(run_role(tmp_path, "aws_identity", {**PLATFORM, "aws_identity_ci_roles": [CI], "aws_identity_drill_resources": DRILL_RESOURCES}))
