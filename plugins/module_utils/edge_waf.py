# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The edge web ACL rules and WAF logging redactions, built and checked as documents.

The rules are written in the snake_case form community.aws.wafv2_web_acl converts to the API's
CamelCase. moto stores web ACLs but never evaluates a request against them, so the policy tests
check the documents: the managed groups, a rate limit for every client, visibility on every rule,
and the plugin-origin allowlist only as an exception to the managed rules that misfire for it.

No rule allows: an Allow ends the evaluation, so an allowlisted origin would skip every managed rule
and the rate limit. Instead each managed rule named in the exemptions is set to Count inside its group
(it still labels the request), and a rule right after the group blocks what carries that rule's label
unless the request comes from the allowlist IP set: AWS's documented way to exempt an IP set from one
managed rule ("Label match rule statement" / "Customizing managed rule group evaluation").
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

# The labels the managed rules that inspect what plugin origins send add to a request (AWS Managed Rules
# rule groups list). Only these may be exempted: a rule without a known label could not be blocked again
# for everyone else, so exempting it would silently turn it off.
_CRS = "awswaf:managed:aws:core-rule-set:"
_KBI = "awswaf:managed:aws:known-bad-inputs:"
EXEMPTABLE_RULE_LABELS = {
    "AWSManagedRulesCommonRuleSet": {
        "NoUserAgent_HEADER": _CRS + "NoUserAgent_Header",
        "SizeRestrictions_QUERYSTRING": _CRS + "SizeRestrictions_QueryString",
        "SizeRestrictions_Cookie_HEADER": _CRS + "SizeRestrictions_Cookie_Header",
        "SizeRestrictions_BODY": _CRS + "SizeRestrictions_Body",
        "SizeRestrictions_URIPATH": _CRS + "SizeRestrictions_URIPath",
        "EC2MetaDataSSRF_BODY": _CRS + "EC2MetaDataSSRF_Body",
        "GenericLFI_BODY": _CRS + "GenericLFI_Body",
        "GenericRFI_BODY": _CRS + "GenericRFI_Body",
        "CrossSiteScripting_BODY": _CRS + "CrossSiteScripting_Body",
    },
    "AWSManagedRulesKnownBadInputsRuleSet": {
        "JavaDeserializationRCE_BODY": _KBI + "JavaDeserializationRCE_Body",
        "Log4JRCE_BODY": _KBI + "Log4JRCE_Body",
    },
}
EXEMPTION_SUFFIX = "-outside-allowlist"


class WafRulesError(ValueError):
    """A rule set breaks the edge baseline."""


def visibility(metric_name: str) -> dict:
    return {"sampled_requests_enabled": True, "cloud_watch_metrics_enabled": True, "metric_name": metric_name}


def exemption_labels(group: str, rules: list[str]) -> list[str]:
    """The labels of the exempted rules of one group; an unknown group or rule is an error."""
    known = EXEMPTABLE_RULE_LABELS.get(group)
    if known is None:
        raise WafRulesError(f"rules of {group} cannot be exempted for the allowlist (exemptable groups: {sorted(EXEMPTABLE_RULE_LABELS)})")
    unknown = sorted(set(rules) - set(known))
    if unknown:
        raise WafRulesError(f"{group} rules {unknown} have no known label to exempt the allowlist from (known: {sorted(known)})")
    return [known[r] for r in sorted(set(rules))]


def _label_statement(labels: list[str]) -> dict:
    matches = [{"label_match_statement": {"scope": "LABEL", "key": label}} for label in labels]
    return matches[0] if len(matches) == 1 else {"or_statement": {"statements": matches}}


def web_acl_rules(
    metric_prefix: str,
    allowlist_ip_set_arn: str | None,
    managed_groups: list[str] | None = None,
    rate_limit: int = 2000,
    exempt_rules: dict[str, list[str]] | None = None,
) -> list[dict]:
    """The managed groups in order, each followed by its allowlist exception if it has one, then the rate limit.

    exempt_rules maps a managed group to the rules of it that misfire for the plugin origins: those rules
    count inside the group, and the "<group>-outside-allowlist" rule blocks their labels for every source
    outside the allowlist IP set. Without an IP set nothing is exempted. The rate limit comes last and
    applies to every client: no rule before it allows.
    """
    groups = list(managed_groups if managed_groups is not None else BASELINE_MANAGED_GROUPS)
    exempt = {g: list(r) for g, r in (exempt_rules or {}).items() if r} if allowlist_ip_set_arn else {}
    stray = sorted(set(exempt) - set(groups))
    if stray:
        raise WafRulesError(f"exempted rules name groups the web ACL does not use: {stray}")
    rules: list[dict] = []
    for index, group in enumerate(groups, start=1):
        statement: dict = {"vendor_name": "AWS", "name": group}
        labels = exemption_labels(group, exempt[group]) if group in exempt else []
        if labels:
            statement["rule_action_overrides"] = [{"name": r, "action_to_use": {"count": {}}} for r in sorted(set(exempt[group]))]
        rules.append(
            {
                "name": group,
                "priority": index * 10,
                "statement": {"managed_rule_group_statement": statement},
                "override_action": {"none": {}},
                "visibility_config": visibility(f"{metric_prefix}-{group}"),
            }
        )
        if labels:
            rules.append(
                {
                    "name": f"{group}{EXEMPTION_SUFFIX}",
                    "priority": index * 10 + 1,
                    "statement": {
                        "and_statement": {
                            "statements": [
                                _label_statement(labels),
                                {"not_statement": {"statement": {"ip_set_reference_statement": {"arn": allowlist_ip_set_arn}}}},
                            ]
                        }
                    },
                    "action": {"block": {}},
                    "visibility_config": visibility(f"{metric_prefix}-{group}{EXEMPTION_SUFFIX}"),
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


def _exception_labels(rule: dict) -> tuple[list[str], str | None]:
    """(labels, ip set ARN) of a rule shaped as label match AND NOT ip set, else ([], None)."""
    parts = rule.get("statement", {}).get("and_statement", {}).get("statements", [])
    if len(parts) != 2:
        return [], None
    label_part, not_part = parts
    matches = label_part.get("or_statement", {}).get("statements", [label_part])
    labels = [m.get("label_match_statement", {}).get("key") for m in matches]
    ip_set = not_part.get("not_statement", {}).get("statement", {}).get("ip_set_reference_statement", {}).get("arn")
    if not all(labels) or any(m.get("label_match_statement", {}).get("scope") != "LABEL" for m in matches):
        return [], None
    return labels, ip_set


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
        if "allow" in rule.get("action", {}):
            raise WafRulesError(
                f"rule {rule.get('name')}: no rule may allow, an Allow skips the managed rules and the rate limit "
                "(exempt the allowlist from single managed rules instead)"
            )
    managed = [r for r in rules if "managed_rule_group_statement" in r.get("statement", {})]
    missing = set(required_groups) - {r["statement"]["managed_rule_group_statement"].get("name") for r in managed}
    if missing:
        raise WafRulesError(f"missing AWS managed rule groups: {sorted(missing)}")
    _check_exemptions(rules, managed)
    rate = [r for r in rules if "rate_based_statement" in r.get("statement", {})]
    if not rate or "block" not in rate[0].get("action", {}):
        raise WafRulesError("a blocking rate-based rule is required")
    limit = rate[0]["statement"]["rate_based_statement"].get("limit", 0)
    if not 10 <= int(limit) <= 2000000000:
        raise WafRulesError(f"rate limit {limit} outside 10..2000000000")
    if "scope_down_statement" in rate[0]["statement"]["rate_based_statement"]:
        raise WafRulesError("the rate limit applies to every client: no scope-down statement")
    return rules


def _check_exemptions(rules: list[dict], managed: list[dict]) -> None:
    """A managed rule set to Count must be blocked again, right after its group, for everyone outside an IP set."""
    by_name = {r.get("name"): r for r in rules}
    for group_rule in managed:
        statement = group_rule["statement"]["managed_rule_group_statement"]
        overrides = statement.get("rule_action_overrides") or []
        if not overrides:
            continue
        group = statement.get("name")
        if any(o.get("action_to_use") != {"count": {}} for o in overrides):
            raise WafRulesError(f"rule {group}: an exempted managed rule may only be overridden to count")
        exception = by_name.get(f"{group}{EXEMPTION_SUFFIX}")
        if exception is None:
            raise WafRulesError(f"rule {group}: counted rules {[o.get('name') for o in overrides]} need the {group}{EXEMPTION_SUFFIX} rule")
        later = [r["priority"] for r in rules if r["priority"] > group_rule["priority"]]
        if exception["priority"] != min(later):
            raise WafRulesError(f"rule {exception['name']}: must come right after its managed group")
        if exception.get("action") != {"block": {}}:
            raise WafRulesError(f"rule {exception['name']}: must block")
        labels, ip_set = _exception_labels(exception)
        if not ip_set:
            raise WafRulesError(f"rule {exception['name']}: must match the counted rules' labels and NOT the allowlist IP set")
        expected = exemption_labels(group, [o.get("name") for o in overrides])
        if sorted(labels) != sorted(expected):
            raise WafRulesError(f"rule {exception['name']}: must block exactly the labels of the counted rules {expected} (got {sorted(labels)})")


def check_redacted_headers(headers: list[str], required: tuple[str, ...] = REQUIRED_REDACTED_HEADERS) -> list[str]:
    """WAF logs must never hold credentials: the Authorization and Cookie headers are redacted."""
    present = {h.lower() for h in headers}
    missing = [h for h in required if h not in present]
    if missing:
        raise WafRulesError(f"WAF logging must redact the headers {missing}")
    return sorted(present)
