"""aws_edge, aws_audit and aws_cost reject bad input before any API call, naming the variable.

run_role points every AWS call at a closed loopback port: had a role reached an API call the
failure would be a connection error, not the messages asserted here.
"""

from __future__ import annotations

import pytest
from test_bad_input import run_role

PLATFORM = {
    "platform_prefix": "p-local",
    "platform_project": "P",
    "platform_env": "local",
    "platform_aws_region": "eu-west-1",
    "platform_aws_account_id": "123456789012",
    "platform_tags": {"Project": "P", "Env": "local", "Owner": "o"},
    "platform_outputs_dir": "/nonexistent/outputs",
    "aws_kms_outputs": {"audit": {"arn": "arn:aws:kms:eu-west-1:123456789012:key/k"}},
}
FIRST_API_TASK = {
    "aws_edge": "Request the edge certificate",
    "aws_audit": "Manage the multi-region trail",
    "aws_cost": "Manage the budgets",
}


def assert_rejected(tmp_path, role, extra, needle, phase):
    result = run_role(tmp_path, role, {**PLATFORM, **extra})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    if phase == "spec":
        assert "Validating arguments against arg spec" in out
    else:
        assert "Validate the" in out
    assert needle in out, out
    assert FIRST_API_TASK[role] not in out, "the role reached an API call"


@pytest.mark.parametrize(
    ("extra", "needle", "phase"),
    [
        ({"aws_edge_certificate_domains": "app.example.com"}, "aws_edge_certificate_domains", "spec"),
        ({"aws_edge_rate_limit": "fast"}, "aws_edge_rate_limit", "spec"),
        ({"aws_edge_web_acl_default_action": "Count"}, "aws_edge_web_acl_default_action", "spec"),
        ({"aws_edge_rate_limit": 5}, "aws_edge_rate_limit 10..2000000000", "assert"),
        ({"aws_edge_allowlist_cidrs": ["10.0.0.0"]}, "aws_edge_allowlist_cidrs IPv4 CIDRs", "assert"),
        ({"aws_edge_waf_log_bucket": "waf-logs"}, "aws_edge_waf_log_bucket must start with aws-waf-logs-", "assert"),
        ({"aws_edge_redacted_headers": ["authorization"]}, "aws_edge_redacted_headers must include authorization", "assert"),
        ({"aws_edge_managed_rule_groups": ["AWSManagedRulesCommonRuleSet"]}, "aws_edge_managed_rule_groups must include", "assert"),
        ({"aws_edge_certificate_domains": ["App.Example.com"]}, "aws_edge_certificate_domains must be unique lowercase", "assert"),
    ],
)
def test_aws_edge_rejects_bad_input(tmp_path, extra, needle, phase):
    assert_rejected(tmp_path, "aws_edge", extra, needle, phase)


@pytest.mark.parametrize(
    ("extra", "needle", "phase"),
    [
        ({"aws_audit_tables": ["cloudtrail", "vpc_flow"]}, "aws_audit_tables", "spec"),
        ({"aws_audit_named_queries": [{"name": "x"}]}, "query", "spec"),
        ({"aws_audit_named_queries": [{"name": "x", "query": "SELECT 1", "sql": "y"}]}, "sql", "spec"),
        ({"aws_audit_bytes_scanned_cutoff": "big"}, "aws_audit_bytes_scanned_cutoff", "spec"),
        ({"aws_audit_bytes_scanned_cutoff": 1024}, "aws_audit_bytes_scanned_cutoff >= 10485760", "assert"),
        ({"aws_audit_athena_database": "Audit-DB"}, "aws_audit_athena_database", "assert"),
        ({"aws_kms_outputs": {"audit": {"arn": "not-an-arn"}}}, "aws_audit_kms_key_arn a KMS key ARN", "assert"),
        ({"aws_audit_cloudwatch_logs": True}, "aws_audit_cloudwatch_logs_role_arn a role ARN", "assert"),
        ({"aws_audit_projection_start": "2026-01-01"}, "aws_audit_projection_start YYYY/MM/DD", "assert"),
    ],
)
def test_aws_audit_rejects_bad_input(tmp_path, extra, needle, phase):
    assert_rejected(tmp_path, "aws_audit", extra, needle, phase)


@pytest.mark.parametrize(
    ("extra", "needle", "phase"),
    [
        ({"aws_cost_component_budgets": [{"name": "edge"}]}, "amount", "spec"),
        ({"aws_cost_component_budgets": [{"name": "edge", "amount": 5, "limit": 3}]}, "limit", "spec"),
        ({"aws_cost_actual_thresholds": "80"}, "aws_cost_actual_thresholds", "spec"),
        ({"aws_cost_component_budgets": [{"name": "Edge Team", "amount": 5}]}, "aws_cost_component_budgets names unique lowercase", "assert"),
        ({"aws_cost_actual_thresholds": [0]}, "aws_cost_actual_thresholds non-empty percentages", "assert"),
        ({"aws_cost_notify_emails": ["finops"]}, "aws_cost_notify_emails at most 10 e-mail addresses", "assert"),
        ({"aws_cost_notify_sns_topic_arn": ""}, "aws_cost_notify_emails | length > 0 or aws_cost_notify_sns_topic_arn", "assert"),
        ({"aws_cost_total_monthly_limit": -1}, "aws_cost_total_monthly_limit", "assert"),
    ],
)
def test_aws_cost_rejects_bad_input(tmp_path, extra, needle, phase):
    assert_rejected(tmp_path, "aws_cost", extra, needle, phase)
