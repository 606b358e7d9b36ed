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


EXEMPT = {"AWSManagedRulesCommonRuleSet": ["SizeRestrictions_BODY", "CrossSiteScripting_BODY"]}
CRS = "awswaf:managed:aws:core-rule-set:"


@pytest.fixture
def rules():
    return web_acl_rules("edge", IP_SET, rate_limit=1000, exempt_rules=EXEMPT)


def by_name(rules):
    return {r["name"]: r for r in rules}


def test_no_rule_allows_so_every_request_meets_the_managed_rules_and_the_rate_limit(rules):
    assert not [r["name"] for r in rules if "allow" in r.get("action", {})]
    assert "allow-plugin-origins" not in by_name(rules)


def test_only_the_exempted_rules_count_inside_their_group(rules):
    crs = by_name(rules)["AWSManagedRulesCommonRuleSet"]["statement"]["managed_rule_group_statement"]
    assert crs["rule_action_overrides"] == [
        {"name": "CrossSiteScripting_BODY", "action_to_use": {"count": {}}},
        {"name": "SizeRestrictions_BODY", "action_to_use": {"count": {}}},
    ]
    others = [r for r in rules if "managed_rule_group_statement" in r["statement"] and r["name"] != "AWSManagedRulesCommonRuleSet"]
    assert all("rule_action_overrides" not in r["statement"]["managed_rule_group_statement"] for r in others)


def test_exempted_rules_still_block_everyone_outside_the_allowlist(rules):
    group = by_name(rules)["AWSManagedRulesCommonRuleSet"]
    exception = by_name(rules)["AWSManagedRulesCommonRuleSet-outside-allowlist"]
    assert exception["priority"] == group["priority"] + 1
    assert exception["action"] == {"block": {}}
    labels, not_ip_set = exception["statement"]["and_statement"]["statements"]
    assert labels == {
        "or_statement": {
            "statements": [
                {"label_match_statement": {"scope": "LABEL", "key": CRS + "CrossSiteScripting_Body"}},
                {"label_match_statement": {"scope": "LABEL", "key": CRS + "SizeRestrictions_Body"}},
            ]
        }
    }
    assert not_ip_set == {"not_statement": {"statement": {"ip_set_reference_statement": {"arn": IP_SET}}}}


def test_one_exempted_rule_matches_its_label_directly():
    rules = web_acl_rules("edge", IP_SET, exempt_rules={"AWSManagedRulesCommonRuleSet": ["SizeRestrictions_BODY"]})
    labels, _ = by_name(rules)["AWSManagedRulesCommonRuleSet-outside-allowlist"]["statement"]["and_statement"]["statements"]
    assert labels == {"label_match_statement": {"scope": "LABEL", "key": CRS + "SizeRestrictions_Body"}}


def test_without_an_ip_set_nothing_is_exempted():
    rules = web_acl_rules("edge", None, exempt_rules=EXEMPT)
    assert [r["name"] for r in rules] == [*BASELINE_MANAGED_GROUPS, "rate-limit-per-ip"]
    assert all("rule_action_overrides" not in r["statement"].get("managed_rule_group_statement", {}) for r in rules)


@pytest.mark.parametrize(
    ("exempt", "message"),
    [
        ({"AWSManagedRulesAmazonIpReputationList": ["AWSManagedIPReputationList"]}, "cannot be exempted"),
        ({"AWSManagedRulesCommonRuleSet": ["SizeRestrictions_Body"]}, "no known label"),
        ({"AWSManagedRulesSQLiRuleSet": ["SQLi_BODY"]}, "groups the web ACL does not use"),
    ],
)
def test_builder_refuses_an_exemption_it_cannot_block_again(exempt, message):
    with pytest.raises(WafRulesError, match=message):
        web_acl_rules("edge", IP_SET, exempt_rules=exempt)


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


def test_output_is_deterministic():
    assert web_acl_rules("edge", IP_SET, exempt_rules=EXEMPT) == web_acl_rules("edge", IP_SET, exempt_rules=EXEMPT)


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
        ("AWSManagedRulesCommonRuleSet-outside-allowlist", lambda r: r.update(action={"allow": {}}), "no rule may allow"),
        ("AWSManagedRulesCommonRuleSet-outside-allowlist", lambda r: r.update(action={"count": {}}), "must block"),
        ("AWSManagedRulesCommonRuleSet-outside-allowlist", lambda r: r.update(priority=25), "right after its managed group"),
        (
            "AWSManagedRulesCommonRuleSet-outside-allowlist",
            lambda r: r["statement"]["and_statement"]["statements"].pop(),
            "NOT the allowlist IP set",
        ),
        (
            "AWSManagedRulesCommonRuleSet-outside-allowlist",
            lambda r: r["statement"]["and_statement"]["statements"][0]["or_statement"]["statements"].pop(),
            "exactly the labels",
        ),
        (
            "AWSManagedRulesCommonRuleSet",
            lambda r: r["statement"]["managed_rule_group_statement"]["rule_action_overrides"].append(
                {"name": "GenericRFI_BODY", "action_to_use": {"count": {}}}
            ),
            "exactly the labels",
        ),
        (
            "AWSManagedRulesCommonRuleSet",
            lambda r: r["statement"]["managed_rule_group_statement"]["rule_action_overrides"][0].update(action_to_use={"allow": {}}),
            "only be overridden to count",
        ),
        (
            "rate-limit-per-ip",
            lambda r: r["statement"]["rate_based_statement"].update(scope_down_statement={"ip_set_reference_statement": {"arn": IP_SET}}),
            "every client",
        ),
        ("rate-limit-per-ip", lambda r: r.update(action={"count": {}}), "blocking rate-based"),
        ("rate-limit-per-ip", lambda r: r["statement"]["rate_based_statement"].update(limit=5), "outside"),
        ("rate-limit-per-ip", lambda r: r.update(priority=10), "priorities must be unique"),
        ("rate-limit-per-ip", lambda r: r["visibility_config"].update(metric_name="bad name!"), "metric_name"),
    ],
)
def test_check_rejects_a_broken_rule_set(rules, name, mutate, message):
    with pytest.raises(WafRulesError, match=message):
        check_web_acl_rules(_broken(rules, name, mutate))


def test_check_rejects_a_counted_rule_nobody_blocks_again(rules):
    without = [r for r in rules if not r["name"].endswith("-outside-allowlist")]
    with pytest.raises(WafRulesError, match="need the AWSManagedRulesCommonRuleSet-outside-allowlist rule"):
        check_web_acl_rules(without)


def test_check_rejects_an_allow_rule_ahead_of_the_managed_groups(rules):
    allow = {
        "name": "allow-plugin-origins",
        "priority": 0,
        "statement": {"ip_set_reference_statement": {"arn": IP_SET}},
        "action": {"allow": {}},
        "visibility_config": {"sampled_requests_enabled": True, "cloud_watch_metrics_enabled": True, "metric_name": "edge-allow"},
    }
    with pytest.raises(WafRulesError, match="no rule may allow"):
        check_web_acl_rules([allow, *rules])


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
