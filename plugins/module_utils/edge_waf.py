# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The edge web ACL rules and WAF logging redactions, built and checked as documents.

The rules are written in the snake_case form community.aws.wafv2_web_acl converts to the API's
CamelCase. moto stores web ACLs but never evaluates a request against them, so the policy tests
check the documents: allowlist first, the managed groups, a rate limit, visibility on every rule.
"""

from __future__ import annotations

import re

BASELINE_MANAGED_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)
REQUIRED_REDACTED_HEADERS = ("authorization", "cookie")
_METRIC = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


class WafRulesError(ValueError):
    """A rule set breaks the edge baseline."""


def visibility(metric_name: str) -> dict:
    return {"sampled_requests_enabled": True, "cloud_watch_metrics_enabled": True, "metric_name": metric_name}


def web_acl_rules(
    metric_prefix: str,
    allowlist_ip_set_arn: str | None,
    managed_groups: list[str] | None = None,
    rate_limit: int = 2000,
) -> list[dict]:
    """Allowlist (plugin origins) first, then the managed groups, then the per-IP rate limit.

    The allow rule comes first so a trusted origin is never blocked by a managed rule's false positive;
    the rate limit comes last so it counts only requests the managed rules let through.
    """
    groups = list(managed_groups if managed_groups is not None else BASELINE_MANAGED_GROUPS)
    rules: list[dict] = []
    if allowlist_ip_set_arn:
        rules.append(
            {
                "name": "allow-plugin-origins",
                "priority": 0,
                "statement": {"ip_set_reference_statement": {"arn": allowlist_ip_set_arn}},
                "action": {"allow": {}},
                "visibility_config": visibility(f"{metric_prefix}-allow-plugin-origins"),
            }
        )
    for index, group in enumerate(groups, start=1):
        rules.append(
            {
                "name": group,
                "priority": index * 10,
                "statement": {"managed_rule_group_statement": {"vendor_name": "AWS", "name": group}},
                "override_action": {"none": {}},
                "visibility_config": visibility(f"{metric_prefix}-{group}"),
            }
        )
    rules.append(
        {
            "name": "rate-limit-per-ip",
            "priority": (len(groups) + 1) * 10,
            "statement": {"rate_based_statement": {"limit": int(rate_limit), "aggregate_key_type": "IP"}},
            "action": {"block": {}},
            "visibility_config": visibility(f"{metric_prefix}-rate-limit-per-ip"),
        }
    )
    check_web_acl_rules(rules)
    return rules


def check_web_acl_rules(rules: list[dict], required_groups: tuple[str, ...] = BASELINE_MANAGED_GROUPS) -> list[dict]:
    """Reject rule sets that break the baseline; return the rules when they are sound."""
    if not rules:
        raise WafRulesError("the web ACL has no rules")
    names = [r.get("name") for r in rules]
    if len(set(names)) != len(names):
        raise WafRulesError(f"rule names must be unique: {names}")
    priorities = [r.get("priority") for r in rules]
    if len(set(priorities)) != len(priorities):
        raise WafRulesError(f"rule priorities must be unique: {priorities}")
    for rule in rules:
        vis = rule.get("visibility_config") or {}
        if not (vis.get("sampled_requests_enabled") and vis.get("cloud_watch_metrics_enabled")):
            raise WafRulesError(f"rule {rule.get('name')}: CloudWatch metrics and sampled requests must be on")
        if not _METRIC.match(str(vis.get("metric_name", ""))):
            raise WafRulesError(f"rule {rule.get('name')}: metric_name must match {_METRIC.pattern}")
        statement = rule.get("statement", {})
        if "managed_rule_group_statement" in statement and rule.get("override_action") != {"none": {}}:
            raise WafRulesError(f"rule {rule.get('name')}: a managed group must keep its own actions (override_action none, not count)")
    managed = [r for r in rules if "managed_rule_group_statement" in r.get("statement", {})]
    missing = set(required_groups) - {r["statement"]["managed_rule_group_statement"].get("name") for r in managed}
    if missing:
        raise WafRulesError(f"missing AWS managed rule groups: {sorted(missing)}")
    rate = [r for r in rules if "rate_based_statement" in r.get("statement", {})]
    if not rate or "block" not in rate[0].get("action", {}):
        raise WafRulesError("a blocking rate-based rule is required")
    limit = rate[0]["statement"]["rate_based_statement"].get("limit", 0)
    if not 10 <= int(limit) <= 2000000000:
        raise WafRulesError(f"rate limit {limit} outside 10..2000000000")
    first_managed = min(r["priority"] for r in managed)
    for rule in rules:
        if "allow" in rule.get("action", {}):
            if "ip_set_reference_statement" not in rule.get("statement", {}):
                raise WafRulesError(f"rule {rule.get('name')}: only an IP set reference may allow requests")
            if rule["priority"] > first_managed:
                raise WafRulesError(f"rule {rule.get('name')}: the allowlist must come before the managed rule groups")
    return rules


def check_redacted_headers(headers: list[str], required: tuple[str, ...] = REQUIRED_REDACTED_HEADERS) -> list[str]:
    """WAF logs must never hold credentials: the Authorization and Cookie headers are redacted."""
    present = {h.lower() for h in headers}
    missing = [h for h in required if h not in present]
    if missing:
        raise WafRulesError(f"WAF logging must redact the headers {missing}")
    return sorted(present)
