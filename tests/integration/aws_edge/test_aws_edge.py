"""aws_edge on moto: the DNS-validated certificate, the web ACL rules, the allowlist and the WAF logging."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]


def outputs_dir(platform) -> Path:
    """The scenario writes its outputs under its own MOSAIC_WORKSPACE (molecule.yml), else the repository."""
    return Path(os.environ.get("MOSAIC_WORKSPACE") or ROOT) / ".outputs" / platform["env"]


INVENTORY = yaml.safe_load((ROOT / "inventories/local/group_vars/local/aws_edge.yml").read_text())
DEFAULTS = yaml.safe_load((ROOT / "roles/aws_edge/defaults/main.yml").read_text())
MANAGED = DEFAULTS["aws_edge_managed_rule_groups"]
EXEMPT = {**DEFAULTS["aws_edge_allowlist_exempt_rules"], **INVENTORY.get("aws_edge_allowlist_exempt_rules", {})}


@pytest.fixture(scope="module")
def outputs(platform):
    return yaml.safe_load((outputs_dir(platform) / "local-main" / "aws.yml").read_text())["outputs"]["edge"]


@pytest.fixture(scope="module")
def web_acl(aws, platform):
    waf = aws("wafv2")
    [summary] = [a for a in waf.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"] == f"{platform['prefix']}-edge"]
    return waf.get_web_acl(Name=summary["Name"], Scope="REGIONAL", Id=summary["Id"])["WebACL"]


def test_certificate_requested_with_dns_validation(aws, outputs, platform):
    cert = aws("acm").describe_certificate(CertificateArn=outputs["certificate_arn"])["Certificate"]
    # The role default: the environment's domain, its wildcard and the previews' wildcard, published as edge.domains.
    domain = yaml.safe_load((ROOT / "inventories/local/group_vars/local/platform.yml").read_text())["platform_domain"]
    domains = [domain, f"*.{domain}", f"*.preview.{domain}"]
    assert outputs["domain"] == domain and outputs["domains"] == domains
    assert cert["DomainName"] == domains[0]
    assert set(cert["SubjectAlternativeNames"]) == set(domains)
    assert {o["ValidationMethod"] for o in cert["DomainValidationOptions"]} == {"DNS"}
    tags = {t["Key"]: t["Value"] for t in aws("acm").list_tags_for_certificate(CertificateArn=outputs["certificate_arn"])["Tags"]}
    assert tags["Component"] == "edge" and tags["Project"] == platform["project"] and tags["Env"] == platform["env"] and tags["Owner"]


def test_validation_records_are_published_for_the_dns_owner(aws, outputs):
    cert = aws("acm").describe_certificate(CertificateArn=outputs["certificate_arn"])["Certificate"]
    expected = {(o["ResourceRecord"]["Name"], o["ResourceRecord"]["Type"], o["ResourceRecord"]["Value"]) for o in cert["DomainValidationOptions"]}
    published = {(r["name"], r["type"], r["value"]) for r in outputs["validation_records"]}
    assert published == expected and published
    assert all(r["type"] == "CNAME" for r in outputs["validation_records"])


def test_outputs_name_the_web_acl(outputs, web_acl):
    assert outputs["web_acl_arn"] == web_acl["ARN"]


def test_rules_names_priorities_and_order(web_acl):
    rules = sorted(web_acl["Rules"], key=lambda r: r["Priority"])
    assert [r["Name"] for r in rules] == [
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesCommonRuleSet-outside-allowlist",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
        "rate-limit-per-ip",
    ]
    assert [r["Priority"] for r in rules] == [10, 11, 20, 30, 40]


def test_no_rule_allows(web_acl):
    """An Allow ends the evaluation: an allowlisted origin would skip the managed rules and the rate limit."""
    assert [r["Name"] for r in web_acl["Rules"] if "Allow" in r.get("Action", {})] == []


def test_managed_groups_keep_their_actions_but_the_exempted_rules(web_acl):
    managed = {r["Name"]: r for r in web_acl["Rules"] if "ManagedRuleGroupStatement" in r["Statement"]}
    assert set(managed) == set(MANAGED)
    for name, rule in managed.items():
        statement = dict(rule["Statement"]["ManagedRuleGroupStatement"])
        overrides = statement.pop("RuleActionOverrides", [])
        assert statement == {"VendorName": "AWS", "Name": name}
        assert rule["OverrideAction"] == {"None": {}}
        assert overrides == [{"Name": r, "ActionToUse": {"Count": {}}} for r in sorted(EXEMPT.get(name, []))]


def test_exempted_rules_block_everyone_outside_the_allowlist(aws, web_acl, platform):
    [exception] = [r for r in web_acl["Rules"] if r["Name"] == "AWSManagedRulesCommonRuleSet-outside-allowlist"]
    assert exception["Action"] == {"Block": {}}
    label, outside = exception["Statement"]["AndStatement"]["Statements"]
    assert label == {"LabelMatchStatement": {"Scope": "LABEL", "Key": "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body"}}
    arn = outside["NotStatement"]["Statement"]["IPSetReferenceStatement"]["ARN"]
    waf = aws("wafv2")
    [summary] = [s for s in waf.list_ip_sets(Scope="REGIONAL")["IPSets"] if s["ARN"] == arn]
    assert summary["Name"] == f"{platform['prefix']}-plugin-origins"
    ip_set = waf.get_ip_set(Name=summary["Name"], Scope="REGIONAL", Id=summary["Id"])["IPSet"]
    assert sorted(ip_set["Addresses"]) == sorted(INVENTORY["aws_edge_allowlist_cidrs"])


def test_rate_limit_from_the_inventory_for_every_client(web_acl):
    [rate] = [r for r in web_acl["Rules"] if "RateBasedStatement" in r["Statement"]]
    assert rate["Statement"]["RateBasedStatement"]["Limit"] == INVENTORY["aws_edge_rate_limit"]
    assert rate["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    assert "ScopeDownStatement" not in rate["Statement"]["RateBasedStatement"]
    assert rate["Action"] == {"Block": {}}


def test_blocked_requests_alarm_goes_to_the_alerts_topic(aws, platform):
    [alarm] = aws("cloudwatch").describe_alarms(AlarmNames=[f"{platform['prefix']}-edge-blocked-requests"])["MetricAlarms"]
    assert alarm["Namespace"] == "AWS/WAFV2" and alarm["MetricName"] == "BlockedRequests" and alarm["Statistic"] == "Sum"
    dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
    assert dimensions == {"WebACL": f"{platform['prefix']}-edge", "Region": platform["region"], "Rule": "ALL"}
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["Threshold"] == INVENTORY.get("aws_edge_blocked_alarm_threshold", DEFAULTS["aws_edge_blocked_alarm_threshold"])
    topic = f"arn:aws:sns:{platform['region']}:{platform['account']}:{platform['prefix']}-alerts"
    assert alarm["AlarmActions"] == [topic] and alarm["OKActions"] == [topic]
    tags = {t["Key"]: t["Value"] for t in aws("cloudwatch").list_tags_for_resource(ResourceARN=alarm["AlarmArn"])["Tags"]}
    assert tags["Component"] == "edge" and tags["Name"] == alarm["AlarmName"] and tags["Env"] == platform["env"]


def test_visibility_on_every_rule_and_the_acl(web_acl):
    for config in [web_acl["VisibilityConfig"], *(r["VisibilityConfig"] for r in web_acl["Rules"])]:
        assert config["SampledRequestsEnabled"] is True
        assert config["CloudWatchMetricsEnabled"] is True
        assert config["MetricName"]
    assert len({r["VisibilityConfig"]["MetricName"] for r in web_acl["Rules"]}) == len(web_acl["Rules"])


def test_web_acl_is_tagged(aws, web_acl, platform):
    tags = {t["Key"]: t["Value"] for t in aws("wafv2").list_tags_for_resource(ResourceARN=web_acl["ARN"])["TagInfoForResource"]["TagList"]}
    assert tags["Component"] == "edge" and tags["Env"] == platform["env"]


def test_logging_to_the_waf_bucket_with_credentials_redacted(aws, web_acl, platform):
    config = aws("wafv2").get_logging_configuration(ResourceArn=web_acl["ARN"])["LoggingConfiguration"]
    assert config["LogDestinationConfigs"] == [f"arn:aws:s3:::aws-waf-logs-{platform['prefix']}-{platform['account']}"]
    redacted = {f["SingleHeader"]["Name"] for f in config["RedactedFields"]}
    assert redacted >= {"authorization", "cookie"}
