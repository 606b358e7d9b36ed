# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: wafv2_web_acl_rules
short_description: Build the edge web ACL rules
version_added: 0.1.0
description:
  - Builds the rules the aws_edge role passes to M(community.aws.wafv2_web_acl) and checks them against the edge
    baseline - the AWS managed rule groups, a blocking per-IP rate limit for every client, CloudWatch metrics and
    sampled requests on every rule, and no rule that allows.
  - The allowlist IP set only exempts the plugin origins from the managed rules named in O(exempt_rules) - those
    rules count inside their group and a C(<group>-outside-allowlist) rule blocks their labels for every other source.
options:
  _input:
    description: Prefix of the CloudWatch metric names.
    type: str
    required: true
  allowlist_ip_set_arn:
    description: ARN of the allowlist IP set; empty exempts nothing.
    type: str
  exempt_rules:
    description: Managed group name to the names of its rules the allowlist is exempted from (rules with a known label only).
    type: dict
  managed_groups:
    description: AWS managed rule group names, in priority order.
    type: list
    elements: str
  rate_limit:
    description: Requests per 5 minutes per client IP before blocking.
    type: int
    default: 2000
"""

EXAMPLES = r"""
- name: Render the rules
  ansible.builtin.set_fact:
    __rules: >-
      {{ 'edge' | mosaic.platform.wafv2_web_acl_rules(allowlist_ip_set_arn=__ipset.arn, rate_limit=1000,
                                                      exempt_rules={'AWSManagedRulesCommonRuleSet': ['SizeRestrictions_BODY']}) }}
"""

RETURN = r"""
_value:
  description: The rules, in the snake_case form of M(community.aws.wafv2_web_acl).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.edge_waf import WafRulesError, web_acl_rules


def _wafv2_web_acl_rules(metric_prefix, allowlist_ip_set_arn=None, managed_groups=None, rate_limit=2000, exempt_rules=None):
    try:
        return web_acl_rules(
            str(metric_prefix), allowlist_ip_set_arn or None, managed_groups=managed_groups, rate_limit=int(rate_limit), exempt_rules=exempt_rules
        )
    except (WafRulesError, TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"wafv2_web_acl_rules: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"wafv2_web_acl_rules": _wafv2_web_acl_rules}
