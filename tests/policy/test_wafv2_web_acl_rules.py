"""The edge web ACL rules and WAF log redactions, as documents (moto never evaluates a request)."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.edge_waf import (
    BASELINE_MANAGED_GROUPS,
    WafRulesError,
    check_redacted_headers,
    check_web_acl_rules,
    web_acl_rules,
)

IP_SET = "arn:aws:wafv2:eu-west-1:123456789012:regional/ipset/origins/abc"


@pytest.fixture
def rules():
    return web_acl_rules("edge", IP_SET, rate_limit=1000)


def by_name(rules):
    return {r["name"]: r for r in rules}


def test_allowlist_comes_first_and_references_the_ip_set(rules):
    first = min(rules, key=lambda r: r["priority"])
    assert first["name"] == "allow-plugin-origins"
    assert first["action"] == {"allow": {}}
    assert first["statement"] == {"ip_set_reference_statement": {"arn": IP_SET}}


def test_baseline_managed_groups_keep_their_actions(rules):
    managed = [r for r in rules if "managed_rule_group_statement" in r["statement"]]
    assert [r["statement"]["managed_rule_group_statement"]["name"] for r in managed] == list(BASELINE_MANAGED_GROUPS)
    assert all(r["override_action"] == {"none": {}} and r["statement"]["managed_rule_group_statement"]["vendor_name"] == "AWS" for r in managed)


def test_rate_rule_blocks_per_ip_last(rules):
    rate = by_name(rules)["rate-limit-per-ip"]
    assert rate["statement"]["rate_based_statement"] == {"limit": 1000, "aggregate_key_type": "IP"}
    assert rate["action"] == {"block": {}}
    assert rate["priority"] == max(r["priority"] for r in rules)


def test_every_rule_has_metrics_and_samples(rules):
    for rule in rules:
        assert rule["visibility_config"]["sampled_requests_enabled"] is True
        assert rule["visibility_config"]["cloud_watch_metrics_enabled"] is True
        assert rule["visibility_config"]["metric_name"].startswith("edge-")


def test_no_allowlist_leaves_the_allow_rule_out():
    assert "allow-plugin-origins" not in by_name(web_acl_rules("edge", None))


def test_output_is_deterministic():
    assert web_acl_rules("edge", IP_SET) == web_acl_rules("edge", IP_SET)


def _broken(rules, name, mutate):
    doc = copy.deepcopy(rules)
    mutate(by_name(doc)[name])
    return doc


@pytest.mark.parametrize(
    ("name", "mutate", "message"),
    [
        ("AWSManagedRulesCommonRuleSet", lambda r: r["visibility_config"].update(sampled_requests_enabled=False), "sampled requests"),
        ("rate-limit-per-ip", lambda r: r["visibility_config"].update(cloud_watch_metrics_enabled=False), "CloudWatch metrics"),
        ("AWSManagedRulesCommonRuleSet", lambda r: r.update(override_action={"count": {}}), "keep its own actions"),
        ("AWSManagedRulesKnownBadInputsRuleSet", lambda r: r["statement"]["managed_rule_group_statement"].update(name="Other"), "missing AWS managed"),
        ("allow-plugin-origins", lambda r: r.update(priority=99), "before the managed"),
        ("allow-plugin-origins", lambda r: r.update(statement={"geo_match_statement": {"country_codes": ["US"]}}), "only an IP set"),
        ("rate-limit-per-ip", lambda r: r.update(action={"count": {}}), "blocking rate-based"),
        ("rate-limit-per-ip", lambda r: r["statement"]["rate_based_statement"].update(limit=5), "outside"),
        ("rate-limit-per-ip", lambda r: r.update(priority=0), "priorities must be unique"),
        ("rate-limit-per-ip", lambda r: r["visibility_config"].update(metric_name="bad name!"), "metric_name"),
    ],
)
def test_check_rejects_a_broken_rule_set(rules, name, mutate, message):
    with pytest.raises(WafRulesError, match=message):
        check_web_acl_rules(_broken(rules, name, mutate))


def test_check_rejects_an_empty_rule_set():
    with pytest.raises(WafRulesError, match="no rules"):
        check_web_acl_rules([])


def test_builder_refuses_to_drop_a_baseline_group():
    with pytest.raises(WafRulesError, match="AWSManagedRulesAmazonIpReputationList"):
        web_acl_rules("edge", IP_SET, managed_groups=list(BASELINE_MANAGED_GROUPS[:2]))


def test_redaction_needs_authorization_and_cookie():
    assert check_redacted_headers(["Authorization", "COOKIE", "x-api-key"]) == ["authorization", "cookie", "x-api-key"]
    with pytest.raises(WafRulesError, match="cookie"):
        check_redacted_headers(["authorization"])
