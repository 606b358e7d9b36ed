#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cloudtrail_event_selectors
short_description: Manage the advanced event selectors of a CloudTrail trail
version_added: 0.1.0
description:
  - Sets the advanced event selectors of an existing trail - which management and data events it logs - and keeps
    them as given on every run (order of selectors and of values does not matter).
  - M(amazon.aws.cloudtrail) manages the trail but not its event selectors; no community.aws module does either.
  - Putting advanced event selectors replaces any basic event selectors of the trail.
  - In check mode a trail that does not exist yet (a trail task before it only would have created it) reports a change.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  trail_name:
    description: Name or ARN of the trail.
    type: str
    required: true
  advanced_event_selectors:
    description: The selectors; each logs the events all of its field selectors match.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Name of the selector.
        type: str
        required: true
      field_selectors:
        description: Conditions on event fields (C(eventCategory), C(readOnly), C(resources.type), C(resources.ARN), ...).
        type: list
        elements: dict
        required: true
        suboptions:
          field:
            description: The event field.
            type: str
            required: true
          equals:
            description: Values the field must equal.
            type: list
            elements: str
          starts_with:
            description: Prefixes the field must start with.
            type: list
            elements: str
          ends_with:
            description: Suffixes the field must end with.
            type: list
            elements: str
          not_equals:
            description: Values the field must not equal.
            type: list
            elements: str
          not_starts_with:
            description: Prefixes the field must not start with.
            type: list
            elements: str
          not_ends_with:
            description: Suffixes the field must not end with.
            type: list
            elements: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Log management events (read and write) and the S3 object events of one bucket
  mosaic.platform.cloudtrail_event_selectors:
    trail_name: platform-trail
    advanced_event_selectors:
      - name: Management events
        field_selectors:
          - {field: eventCategory, equals: [Management]}
      - name: S3 data events of the backup bucket
        field_selectors:
          - {field: eventCategory, equals: [Data]}
          - {field: resources.type, equals: ["AWS::S3::Object"]}
          - {field: resources.ARN, starts_with: ["arn:aws:s3:::platform-backups-123456789012/"]}
"""

RETURN = r"""
trail_arn:
  description: ARN of the trail.
  returned: success
  type: str
advanced_event_selectors:
  description: The selectors the trail has after the run (snake_case).
  returned: success
  type: list
  elements: dict
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

OPERATORS = {
    "equals": "Equals",
    "starts_with": "StartsWith",
    "ends_with": "EndsWith",
    "not_equals": "NotEquals",
    "not_starts_with": "NotStartsWith",
    "not_ends_with": "NotEndsWith",
}


def desired_selectors(selectors: list[dict]) -> list[dict]:
    """The API form of the module's selectors; operators left empty are left out."""
    out = []
    for selector in selectors:
        fields = []
        for field in selector["field_selectors"]:
            api = {"Field": field["field"]}
            for option, key in OPERATORS.items():
                if field.get(option):
                    api[key] = list(field[option])
            fields.append(api)
        out.append({"Name": selector["name"], "FieldSelectors": fields})
    return out


def comparable(selectors: list[dict]) -> list:
    """Order-free form: selectors by name, field selectors by field, values sorted."""

    def field_key(field):
        return (field["Field"], sorted((k, sorted(v)) for k, v in field.items() if k != "Field"))

    return sorted((s.get("Name", ""), sorted(field_key(f) for f in s.get("FieldSelectors", []))) for s in selectors or [])


def main():
    field_spec = {"field": {"type": "str", "required": True}, **{option: {"type": "list", "elements": "str"} for option in OPERATORS}}
    argument_spec = {
        "trail_name": {"type": "str", "required": True},
        "advanced_event_selectors": {
            "type": "list",
            "elements": "dict",
            "required": True,
            "options": {
                "name": {"type": "str", "required": True},
                "field_selectors": {"type": "list", "elements": "dict", "required": True, "options": field_spec},
            },
        },
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("cloudtrail", retry_decorator=AWSRetry.jittered_backoff())
    trail = module.params["trail_name"]
    wanted = desired_selectors(module.params["advanced_event_selectors"])

    try:
        try:
            current = client.get_event_selectors(aws_retry=True, TrailName=trail)
        except is_boto3_error_code("TrailNotFoundException"):
            if not module.check_mode:
                raise
            current = {}
        before = current.get("AdvancedEventSelectors") or []
        diff = {"before": {"advanced_event_selectors": before, "event_selectors": current.get("EventSelectors") or []}}
        if comparable(before) == comparable(wanted) and not current.get("EventSelectors"):
            module.exit_json(changed=False, trail_arn=current.get("TrailARN"), advanced_event_selectors=[camel_dict_to_snake_dict(s) for s in before])
        diff["after"] = {"advanced_event_selectors": wanted, "event_selectors": []}
        if module.check_mode:
            module.exit_json(changed=True, diff=diff, trail_arn=current.get("TrailARN"), advanced_event_selectors=[camel_dict_to_snake_dict(s) for s in wanted])
        applied = client.put_event_selectors(aws_retry=True, TrailName=trail, AdvancedEventSelectors=wanted)
        module.exit_json(
            changed=True,
            diff=diff,
            trail_arn=applied.get("TrailARN"),
            advanced_event_selectors=[camel_dict_to_snake_dict(s) for s in applied.get("AdvancedEventSelectors") or wanted],
        )
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the event selectors of trail {trail}")


if __name__ == "__main__":
    main()
