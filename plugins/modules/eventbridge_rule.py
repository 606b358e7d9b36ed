#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: eventbridge_rule
short_description: Manage an EventBridge rule on the default bus, its targets and tags
version_added: 0.1.0
description:
  - Creates, updates or deletes an event-pattern rule, with its targets (authoritative, by id) and tags.
  - Unlike amazon.aws.cloudwatchevent_rule, O(rule_state) can be C(ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS),
    which a rule needs to see read-only CloudTrail management events (C(GetSecretValue), C(GetRoleCredentials)).
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  name:
    description: Rule name.
    type: str
    required: true
  description:
    description: Rule description.
    type: str
    default: ""
  event_pattern:
    description: Event pattern document. Required when O(state=present).
    type: json
  rule_state:
    description: C(ENABLED), C(DISABLED) or C(ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS).
    type: str
    choices: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]
    default: ENABLED
  targets:
    description: Targets, authoritative.
    type: list
    elements: dict
    default: []
    suboptions:
      id:
        description: Target id, unique within the rule.
        type: str
        required: true
      arn:
        description: Target ARN (an SNS topic, for example).
        type: str
        required: true
  tags:
    description: Tags of the rule (authoritative).
    type: dict
    default: {}
  state:
    description: Whether the rule exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Supports check mode.
"""

EXAMPLES = r"""
- name: Alert on every call of the break-glass role
  mosaic.platform.eventbridge_rule:
    name: acme-prod-break-glass-use
    rule_state: ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
    event_pattern:
      detail-type: [AWS API Call via CloudTrail]
      detail: {userIdentity: {sessionContext: {sessionIssuer: {userName: [{prefix: AWSReservedSSO_acme-prod-break-glass_}]}}}}
    targets:
      - {id: alerts, arn: "arn:aws:sns:eu-west-1:123456789012:acme-prod-alerts"}
"""

RETURN = r"""
arn:
  description: Rule ARN; empty in check mode before creation.
  returned: when state is present
  type: str
changes:
  description: What differed (C(created), C(EventPattern), C(State), C(Description), C(targets), C(tags)).
  returned: when state is present
  type: list
  elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.events_rules import RULE_STATES, ensure_rule


def main():
    argument_spec = {
        "name": {"type": "str", "required": True},
        "description": {"type": "str", "default": ""},
        "event_pattern": {"type": "json"},
        "rule_state": {"type": "str", "choices": list(RULE_STATES), "default": "ENABLED"},
        "targets": {
            "type": "list",
            "elements": "dict",
            "default": [],
            "options": {"id": {"type": "str", "required": True}, "arn": {"type": "str", "required": True}},
        },
        "tags": {"type": "dict", "default": {}},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True, required_if=[["state", "present", ["event_pattern"]]])
    try:
        changed, result = ensure_rule(module.client("events"), module.params, module.check_mode)
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg=f"Failed to manage EventBridge rule {module.params['name']}")
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
