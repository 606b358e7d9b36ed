"""aws_edge, aws_audit and aws_cost reject bad input before any API call, naming the variable.

run_role points every AWS call at a closed loopback port: had a role reached an API call the
failure would be a connection error, not the messages asserted here.
"""

from __future__ import annotations

import pytest
from test_bad_input import assert_rule_failed, assert_spec_failed, assert_validation_passed, run_playbook, run_role

PLATFORM = {
    "platform_prefix": "p-local",
    "platform_project": "P",
    "platform_env": "local",
    "platform_domain": "local.example.com",
    "platform_aws_region": "eu-west-1",
    "platform_aws_account_id": "123456789012",
    "platform_tags": {"Project": "P", "Env": "local", "Owner": "o"},
    "platform_outputs_dir": "/nonexistent/outputs",
    "aws_kms_outputs": {"audit": {"arn": "arn:aws:kms:eu-west-1:123456789012:key/k"}},
    # aws_edge's alarm topic default reads it (else the outputs lookup, which the arg spec would evaluate).
    "aws_messaging_outputs": {"alerts_topic_arn": "arn:aws:sns:eu-west-1:123456789012:p-local-alerts"},
}
FIRST_API_TASK = {
    "aws_edge": "Request the edge certificate",
    "aws_audit": "Manage the multi-region trail",
    "aws_cost": "Manage the budgets",
}


def with_phase(rows):
    """Cases without a phase are rules of the role's validate.yml."""
    return [row if len(row) == 3 else (*row, "assert") for row in rows]


def assert_failed_before(result, role, needle, phase, first_api_task):
    """The run stopped at the rule (or the argument spec) naming `needle`, before `first_api_task`."""
    out = assert_rule_failed(result, needle, first_api_task)
    if phase == "spec":
        assert_spec_failed(result, needle)
    else:
        assert f"TASK [mosaic.platform.{role} : Check that" in out


def assert_rejected(tmp_path, role, extra, needle, phase):
    assert_failed_before(run_role(tmp_path, role, {**PLATFORM, **extra}), role, needle, phase, FIRST_API_TASK[role])


def run_entry_point(tmp_path, role, tasks_from, extra, name="probe.yml"):
    """One entry point of a role (its own argument spec and rules), every AWS call on a closed port."""
    playbook = tmp_path / name
    playbook.write_text(f"""
- name: Bad input probe of {role} {tasks_from}
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/mosaic.platform.aws:
      endpoint_url: http://127.0.0.1:9
      region: eu-west-1
  tasks:
    - name: Run the entry point
      ansible.builtin.include_role:
        name: mosaic.platform.{role}
        tasks_from: {tasks_from}
""")
    return run_playbook(playbook, {**PLATFORM, **extra})


@pytest.mark.parametrize("role", sorted(FIRST_API_TASK))
def test_good_input_passes_every_rule(tmp_path, role):
    assert_validation_passed(run_role(tmp_path, role, PLATFORM))


@pytest.mark.parametrize(
    ("extra", "needle", "phase"),
    with_phase(
        [
            # The argument spec splits a string into a list, so a rule catches it.
            ({"aws_edge_certificate_domains": "app.example.com"}, "aws_edge_certificate_domains must be a list of DNS names (got 'app.example.com')"),
            ({"aws_edge_rate_limit": "fast"}, "aws_edge_rate_limit", "spec"),
            ({"aws_edge_web_acl_default_action": "Count"}, "aws_edge_web_acl_default_action", "spec"),
            (
                {"aws_edge_certificate_domains": ["App.Example.com"]},
                "aws_edge_certificate_domains must be lowercase DNS names, optionally *. wildcards (got ['App.Example.com'])",
            ),
            (
                {"aws_edge_certificate_domains": ["app.example.com", "app.example.com"]},
                "aws_edge_certificate_domains must be unique (got ['app.example.com', 'app.example.com'])",
            ),
            ({"aws_edge_web_acl_name": "p web acl"}, "aws_edge_web_acl_name must match ^[A-Za-z0-9_-]{1,128}$ (got 'p web acl')"),
            ({"aws_edge_allowlist_ip_set_name": "p/allow"}, "aws_edge_allowlist_ip_set_name must match ^[A-Za-z0-9_-]{1,128}$ (got 'p/allow')"),
            ({"aws_edge_rate_limit": 5}, "aws_edge_rate_limit must be an integer from 10 to 2000000000 (got '5')"),
            ({"aws_edge_allowlist_cidrs": ["10.0.0.0"]}, "aws_edge_allowlist_cidrs must be IPv4 CIDRs (got ['10.0.0.0'])"),
            (
                {"aws_edge_managed_rule_groups": ["AWSManagedRulesCommonRuleSet"]},
                "aws_edge_managed_rule_groups must include the baseline groups"
                " (missing ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesKnownBadInputsRuleSet'])",
            ),
            (
                {"aws_edge_waf_log_bucket": "waf-logs"},
                "aws_edge_waf_log_bucket must match ^aws-waf-logs-[a-z0-9.-]{1,50}$ when aws_edge_waf_logging is on (got 'waf-logs')",
            ),
            ({"aws_edge_redacted_headers": ["Authorization"]}, "aws_edge_redacted_headers must include authorization and cookie (missing ['cookie'])"),
            ({"aws_edge_tags": {"Project": "P"}}, "aws_edge_tags must carry Project, Env, Owner and Component (got {'Project': 'P'})"),
            ({"aws_edge_allowlist_exempt_rules": ["SizeRestrictions_BODY"]}, "aws_edge_allowlist_exempt_rules", "spec"),
            (
                {"aws_edge_allowlist_exempt_rules": {"AWSManagedRulesSQLiRuleSet": ["SQLi_BODY"]}},
                "aws_edge_allowlist_exempt_rules must name groups of aws_edge_managed_rule_groups (got ['AWSManagedRulesSQLiRuleSet'])",
            ),
            (
                {
                    "aws_edge_allowlist_exempt_rules": {
                        "AWSManagedRulesCommonRuleSet": ["SizeRestrictions_Body"],
                        "AWSManagedRulesAmazonIpReputationList": ["X"],
                    }
                },
                "aws_edge_allowlist_exempt_rules must name managed rules whose label the role knows, or the rule would be off for everyone "
                "(got ['AWSManagedRulesAmazonIpReputationList.*', 'AWSManagedRulesCommonRuleSet.SizeRestrictions_Body'])",
            ),
            ({"aws_edge_blocked_alarm_threshold": 0}, "aws_edge_blocked_alarm_threshold must be an integer of at least 1 (got '0')"),
            ({"aws_edge_blocked_alarm_periods": 0}, "aws_edge_blocked_alarm_periods must be an integer of at least 1 (got '0')"),
            ({"aws_edge_blocked_alarm_period": 90}, "aws_edge_blocked_alarm_period must be 60 seconds or a multiple of 60 (got '90')"),
            ({"aws_edge_alarm_topic_arn": "p-local-alerts"}, "aws_edge_alarm_topic_arn must be an SNS topic ARN (got 'p-local-alerts')"),
        ]
    ),
)
def test_aws_edge_rejects_bad_input(tmp_path, extra, needle, phase):
    assert_rejected(tmp_path, "aws_edge", extra, needle, phase)


@pytest.mark.parametrize(
    ("extra", "needle", "phase"),
    with_phase(
        [
            ({"aws_audit_tables": ["cloudtrail", "vpc_flow"]}, "aws_audit_tables", "spec"),
            ({"aws_audit_named_queries": [{"name": "x"}]}, "query", "spec"),
            ({"aws_audit_named_queries": [{"name": "x", "query": "SELECT 1", "sql": "y"}]}, "sql", "spec"),
            ({"aws_audit_bytes_scanned_cutoff": "big"}, "aws_audit_bytes_scanned_cutoff", "spec"),
            ({"aws_audit_trail_name": "p"}, "aws_audit_trail_name must be 3-128 letters, digits, '.', '_' or '-' (got 'p')"),
            ({"aws_audit_log_bucket": "P_Logs"}, "aws_audit_log_bucket must be an S3 bucket name (got 'P_Logs')"),
            ({"aws_audit_waf_log_bucket": "waf-logs"}, "aws_audit_waf_log_bucket must match ^aws-waf-logs-[a-z0-9.-]{1,50}$ (got 'waf-logs')"),
            ({"aws_kms_outputs": {"audit": {"arn": "not-an-arn"}}}, "aws_audit_kms_key_arn must be a KMS key ARN; run aws_kms first (got 'not-an-arn')"),
            (
                {"aws_audit_cloudwatch_logs": True},
                "aws_audit_cloudwatch_logs_role_arn must be an IAM role ARN when aws_audit_cloudwatch_logs is on (got '')",
            ),
            ({"aws_audit_athena_workgroup": "p workgroup"}, "aws_audit_athena_workgroup must match ^[A-Za-z0-9._-]{1,128}$ (got 'p workgroup')"),
            ({"aws_audit_athena_database": "Audit-DB"}, "aws_audit_athena_database must be lowercase letters, digits and underscores (got 'Audit-DB')"),
            ({"aws_audit_bytes_scanned_cutoff": 1024}, "aws_audit_bytes_scanned_cutoff must be an integer >= 10485760 (got '1024')"),
            ({"aws_audit_account_id": "1234"}, "aws_audit_account_id must be 12 digits (got '1234')"),
            ({"aws_audit_projection_start": "2026-01-01"}, "aws_audit_projection_start must be YYYY/MM/DD (got '2026-01-01')"),
            ({"aws_audit_projection_regions": ["eu-west-1", "Frankfurt"]}, "aws_audit_projection_regions must be region names (got ['Frankfurt'])"),
            (
                {"aws_audit_named_queries": [{"name": "x", "query": "SELECT 1"}, {"name": "x", "query": "SELECT 2"}]},
                "aws_audit_named_queries names must be unique (got ['x'] more than once)",
            ),
            ({"aws_audit_tags": {"Project": "P"}}, "aws_audit_tags must carry Project, Env, Owner and Component (got {'Project': 'P'})"),
            ({"aws_audit_data_event_buckets": ["Backups_Bucket"]}, "aws_audit_data_event_buckets must be S3 bucket names (got ['Backups_Bucket'])"),
            (
                {"aws_audit_data_event_buckets": ["p-local-logs-123456789012"]},
                "aws_audit_data_event_buckets must not hold aws_audit_log_bucket 'p-local-logs-123456789012': the trail would log "
                "its own deliveries (aws_audit_log_bucket_tamper_events covers that bucket)",
            ),
            (
                {"aws_audit_log_bucket_tamper_events": ["s3:DeleteObject"]},
                "aws_audit_log_bucket_tamper_events must be S3 API call names such as DeleteObject (got ['s3:DeleteObject'])",
            ),
            ({"aws_audit_waf_anomaly_alarm_threshold": "many"}, "aws_audit_waf_anomaly_alarm_threshold", "spec"),
            (
                {"aws_audit_waf_anomaly_alarm_threshold": 0},
                "aws_audit_waf_anomaly_alarm_threshold must be a positive number of requests (got '0')",
            ),
            (
                {"aws_audit_alarm_topic_arn": "arn:aws:sqs:eu-west-1:123456789012:q"},
                "aws_audit_alarm_topic_arn must be an SNS topic ARN (got 'arn:aws:sqs:eu-west-1:123456789012:q')",
            ),
        ]
    ),
)
def test_aws_audit_rejects_bad_input(tmp_path, extra, needle, phase):
    assert_rejected(tmp_path, "aws_audit", extra, needle, phase)


@pytest.mark.parametrize(
    ("extra", "needle", "phase"),
    with_phase(
        [
            ({"aws_cost_component_budgets": [{"name": "edge"}]}, "amount", "spec"),
            ({"aws_cost_component_budgets": [{"name": "edge", "amount": 5, "limit": 3}]}, "limit", "spec"),
            (
                {"aws_cost_actual_thresholds": "80"},
                "aws_cost_forecasted_thresholds and aws_cost_actual_thresholds must be lists of percentages (got '[100]' and '80')",
            ),
            ({"aws_cost_budget_prefix": "p budget"}, "aws_cost_budget_prefix must match ^[A-Za-z0-9_.-]{1,80}$ (got 'p budget')"),
            ({"aws_cost_total_monthly_limit": -1}, "aws_cost_total_monthly_limit must be a positive amount (got '-1')"),
            (
                {"aws_cost_component_budgets": [{"name": "Edge Team", "amount": 5}]},
                "aws_cost_component_budgets names must match ^[a-z0-9][a-z0-9-]{0,62}$ (got ['Edge Team'])",
            ),
            (
                {"aws_cost_component_budgets": [{"name": "edge", "amount": 5}, {"name": "edge", "amount": 6}]},
                "aws_cost_component_budgets names must be unique (got ['edge'] more than once)",
            ),
            ({"aws_cost_component_budgets": [{"name": "edge", "amount": 0}]}, "aws_cost_component_budgets amounts must be positive (got [0.0])"),
            ({"aws_cost_actual_thresholds": [0]}, "aws_cost_forecasted_thresholds and aws_cost_actual_thresholds must be percentages in (0, 1000] (got [0.0])"),
            (
                {"aws_cost_forecasted_thresholds": [2000]},
                "aws_cost_forecasted_thresholds and aws_cost_actual_thresholds must be percentages in (0, 1000] (got [2000.0])",
            ),
            ({"aws_cost_actual_thresholds": []}, "aws_cost_forecasted_thresholds and aws_cost_actual_thresholds must each list at least one threshold"),
            ({"aws_cost_notify_emails": ["finops"]}, "aws_cost_notify_emails must be e-mail addresses (got ['finops'])"),
            ({"aws_cost_notify_emails": [f"f{i}@example.com" for i in range(11)]}, "aws_cost_notify_emails must list at most 10 addresses (got 11)"),
            (
                {"aws_cost_notify_sns_topic_arn": "arn:aws:sqs:eu-west-1:123456789012:q"},
                "aws_cost_notify_sns_topic_arn must be empty or an SNS topic ARN (got 'arn:aws:sqs:eu-west-1:123456789012:q')",
            ),
            ({"aws_cost_notify_sns_topic_arn": ""}, "aws_cost_notify_emails or aws_cost_notify_sns_topic_arn must name at least one subscriber (got neither)"),
            ({"aws_cost_account_id": "1234"}, "aws_cost_account_id must be 12 digits (got '1234')"),
            ({"aws_cost_tags": {"Project": "P"}}, "aws_cost_tags must carry Project, Env, Owner and Component (got {'Project': 'P'})"),
            ({"aws_cost_allocation_tags": [f"k{i}" for i in range(101)]}, "aws_cost_allocation_tags must list at most 100 tag keys (got 101)"),
            (
                {"aws_cost_allocation_tags": ["Component", "aws:createdBy", ""]},
                "aws_cost_allocation_tags must be user-defined tag keys of 1 to 128 characters, not aws: ones (got ['aws:createdBy', ''])",
            ),
        ]
    ),
)
def test_aws_cost_rejects_bad_input(tmp_path, extra, needle, phase):
    assert_rejected(tmp_path, "aws_cost", extra, needle, phase)


def test_cost_report_good_input_passes_every_rule(tmp_path):
    result = run_entry_point(tmp_path, "aws_cost", "cost_report", {"aws_cost_report_month": "2026-10"})
    assert_validation_passed(result)
    assert "Failed to read the cost of 2026-10 by Component" in result.stdout


@pytest.mark.parametrize(
    ("extra", "needle", "phase"),
    with_phase(
        [
            ({"aws_cost_report_metric": "Cost"}, "aws_cost_report_metric", "spec"),
            ({"aws_cost_report_month": "2026-13"}, "aws_cost_report_month must be YYYY-MM or empty for last month (got '2026-13')"),
            ({"aws_cost_report_threshold": 101}, "aws_cost_report_threshold must be a percentage in [0, 100] (got '101')"),
            (
                {"aws_cost_report_metrics_namespace": "AWS/Billing"},
                "aws_cost_report_metrics_namespace must be a CloudWatch namespace of 1 to 255 characters [A-Za-z0-9._/#:-], "
                "not an AWS/ one (got 'AWS/Billing')",
            ),
            ({"aws_cost_report_env": ""}, "aws_cost_report_env must be 1 to 1024 characters (got '')"),
        ]
    ),
)
def test_cost_report_rejects_bad_input(tmp_path, extra, needle, phase):
    assert_failed_before(run_entry_point(tmp_path, "aws_cost", "cost_report", extra), "aws_cost", needle, phase, "Read the month's cost")


IAM_REVIEW_VARS = {
    "aws_audit_iam_review_boundary_arn": "arn:aws:iam::123456789012:policy/p-local-permissions-boundary",
    "aws_audit_report_bucket": "p-local-logs-123456789012",
}


def run_iam_review(tmp_path, extra):
    return run_entry_point(tmp_path, "aws_audit", "iam_review", {**IAM_REVIEW_VARS, **extra})


def test_iam_review_good_input_passes_every_rule(tmp_path):
    result = run_iam_review(tmp_path, {})
    assert_validation_passed(result)
    assert "Failed to read the account authorization details" in result.stdout


@pytest.mark.parametrize(
    ("extra", "needle", "phase"),
    with_phase(
        [
            ({"aws_audit_iam_review_unused_days": "soon"}, "aws_audit_iam_review_unused_days", "spec"),
            (
                {"aws_audit_iam_review_fail_on": ["wildcard_statement", "admin"]},
                "aws_audit_iam_review_fail_on must list kinds of wildcard_statement, cross_account_trust, no_permissions_boundary, unused_role (got ['admin'])",
            ),
            (
                {"aws_audit_iam_review_boundary_arn": "p-local-permissions-boundary"},
                "aws_audit_iam_review_boundary_arn must be an IAM policy ARN (got 'p-local-permissions-boundary')",
            ),
        ]
    ),
)
def test_iam_review_rejects_bad_input(tmp_path, extra, needle, phase):
    assert_failed_before(run_iam_review(tmp_path, extra), "aws_audit", needle, phase, "Review the IAM roles")


def test_waf_anomalies_refuses_a_query_that_is_not_saved(tmp_path):
    result = run_entry_point(tmp_path, "aws_audit", "waf_anomalies", {"aws_audit_report_bucket": "b", "aws_audit_waf_anomaly_query": "waf-nope"})
    out = assert_rule_failed(
        result, "aws_audit_waf_anomaly_query must name a query of aws_audit_named_queries (got 'waf-nope'", "Run the WAF anomaly query in Athena"
    )
    assert "TASK [mosaic.platform.aws_audit : Check that" in out
    passed = run_entry_point(tmp_path, "aws_audit", "waf_anomalies", {"aws_audit_report_bucket": "b"}, name="good.yml")
    assert_validation_passed(passed)
    assert "Failed to run the Athena query in p-local-audit" in passed.stdout
