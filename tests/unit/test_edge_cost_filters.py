"""The filters the edge and cost roles call: they return the module_utils documents and turn errors into AnsibleFilterError."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.filter import platform_budgets, tag_coverage, tag_violations, wafv2_web_acl_rules

IP_SET = "arn:aws:wafv2:eu-west-1:123456789012:regional/ipset/o/1"


def test_wafv2_web_acl_rules_filter():
    rules = wafv2_web_acl_rules.FilterModule().filters()["wafv2_web_acl_rules"]("edge", allowlist_ip_set_arn=IP_SET, rate_limit="500")
    assert not [r["name"] for r in rules if "allow" in r.get("action", {})], "no rule may allow past the managed rules"
    assert rules[-1]["statement"]["rate_based_statement"]["limit"] == 500
    with pytest.raises(AnsibleFilterError, match="wafv2_web_acl_rules: missing AWS managed rule groups"):
        wafv2_web_acl_rules.FilterModule().filters()["wafv2_web_acl_rules"]("edge", managed_groups=["AWSManagedRulesCommonRuleSet"])


def test_platform_budgets_filter():
    build = platform_budgets.FilterModule().filters()["platform_budgets"]
    budgets = build("p", 100, components=[{"name": "edge", "amount": 10}], emails=["a@example.com"], sns_topic_arn="")
    assert [b["name"] for b in budgets] == ["p-total", "p-edge"]
    assert all(s["type"] == "EMAIL" for b in budgets for n in b["notifications"] for s in n["subscribers"])
    with pytest.raises(AnsibleFilterError, match="platform_budgets: .*amount"):
        build("p", 100, components=[{"name": "edge"}], emails=["a@example.com"])


def test_tag_filters():
    resources = [{"arn": "a", "tags": {"Project": "P", "Env": "e", "Owner": "o", "Component": "c"}}, {"arn": "b", "tags": {"Project": "P"}}]
    assert tag_violations.FilterModule().filters()["tag_violations"](resources) == [{"arn": "b", "missing": ["Env", "Owner", "Component"]}]
    assert tag_coverage.FilterModule().filters()["tag_coverage"](resources)["percent"] == 50.0
    with pytest.raises(AnsibleFilterError, match="tag_violations"):
        tag_violations.FilterModule().filters()["tag_violations"]([{"tags": {}}])
