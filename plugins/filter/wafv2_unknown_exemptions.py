# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: wafv2_unknown_exemptions
short_description: Name the allowlist exemptions the edge web ACL cannot build
version_added: 0.1.0
description:
  - Returns the C(<group>.<rule>) names of an exemption map whose managed rule has no known label, so the aws_edge
    role can refuse them before any API call (an exempted rule without a label could not be blocked again for
    everyone outside the allowlist).
options:
  _input:
    description: Managed group name to the names of its rules to exempt (V(aws_edge_allowlist_exempt_rules)).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Refuse unknown exemptions
  ansible.builtin.assert:
    that: aws_edge_allowlist_exempt_rules | mosaic.platform.wafv2_unknown_exemptions | length == 0
"""

RETURN = r"""
_value:
  description: The unknown C(<group>.<rule>) names, sorted (a group with no exemptable rules as C(<group>.*)).
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.edge_waf import EXEMPTABLE_RULE_LABELS


def _wafv2_unknown_exemptions(exempt_rules):
    if not isinstance(exempt_rules, dict):
        raise AnsibleFilterError(f"wafv2_unknown_exemptions: expected a dict of group to rule names, got {type(exempt_rules).__name__}")
    unknown = []
    for group, rules in exempt_rules.items():
        known = EXEMPTABLE_RULE_LABELS.get(group)
        if known is None:
            unknown.append(f"{group}.*")
            continue
        unknown.extend(f"{group}.{rule}" for rule in rules or [] if rule not in known)
    return sorted(unknown)


class FilterModule:
    def filters(self):
        return {"wafv2_unknown_exemptions": _wafv2_unknown_exemptions}
