#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: backup_plans
short_description: Manage a list of AWS Backup plans, with their rules and tags, in one run
version_added: 0.2.0
description:
  - Creates or converges every backup plan of O(plans) in one module run. Per plan, its rules (schedule, windows,
    continuous backup, retention and cross-region copies) and its tags.
  - Plans are found by name in one C(ListBackupPlans); a converged plan costs one C(GetBackupPlan) and one
    C(ListTags), and no write. A plan whose rules differ is updated in place (C(UpdateBackupPlan), a new version).
  - amazon.aws.backup_plan in a loop costs one module run per plan, answers "changed" in check mode whenever a plan
    has tags (before comparing them), and compares rules after snake-casing them, tag keys included.
  - The rule options keep amazon.aws.backup_plan's names. Only the settings given are compared, so settings AWS adds
    (C(ScheduleExpressionTimezone), archive lifecycle) are left as they are. Recovery point tags, advanced backup
    settings and selections are not managed here (selections stay with amazon.aws.backup_selection).
  - Plans are only created or updated; deleting one is left to amazon.aws.backup_plan with C(state=absent).
  - In check mode nothing is written; a plan that does not exist yet is reported as created, without an id.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  plans:
    description: The plans.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Plan name (1 to 50 letters, digits, hyphens, underscores and dots).
        type: str
        required: true
      rules:
        description: The plan's rules, each named uniquely within the plan.
        type: list
        elements: dict
        required: true
        suboptions:
          rule_name:
            description: Rule name.
            type: str
            required: true
          target_backup_vault_name:
            description: Vault the recovery points go to.
            type: str
            required: true
          schedule_expression:
            description: A C(cron()) expression, in UTC.
            type: str
            required: true
          start_window_minutes:
            description: Minutes after the scheduled time within which a job must start.
            type: int
            default: 60
          completion_window_minutes:
            description: Minutes after the start within which a job must complete.
            type: int
            default: 480
          enable_continuous_backup:
            description: Continuous backup (point-in-time restore) for the resources that support it.
            type: bool
            default: false
          lifecycle:
            description: Retention of the recovery points.
            type: dict
            required: true
            suboptions:
              delete_after_days:
                description: Days after which a recovery point is deleted.
                type: int
                required: true
          copy_actions:
            description: Copies of each recovery point to other vaults (another region, another account).
            type: list
            elements: dict
            default: []
            suboptions:
              destination_backup_vault_arn:
                description: ARN of the destination vault.
                type: str
                required: true
              lifecycle:
                description: Retention of the copies.
                type: dict
                required: true
                suboptions:
                  delete_after_days:
                    description: Days after which a copy is deleted.
                    type: int
                    required: true
      tags:
        description: The tags of the plan.
        type: dict
        default: {}
  purge_tags:
    description: Remove tags of the plans that O(plans[].tags) does not list.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage a daily plan with a copy to another region
  mosaic.platform.backup_plans:
    plans:
      - name: legacyplatform-prod-critical
        rules:
          - rule_name: critical-daily
            target_backup_vault_name: legacyplatform-prod
            schedule_expression: cron(0 3 * * ? *)
            enable_continuous_backup: true
            lifecycle: {delete_after_days: 35}
            copy_actions:
              - destination_backup_vault_arn: arn:aws:backup:eu-central-1:123456789012:backup-vault:legacyplatform-prod-copy
                lifecycle: {delete_after_days: 35}
        tags: {Env: prod}
"""

RETURN = r"""
plans:
  description: Per plan name, its id and ARN (empty in check mode before it exists) and what changed (or would).
  returned: always
  type: dict
  sample: {"p-prod-critical": {"id": "f7a6f8dd-a23f-45bd-bf8a-5c667a71018a",
                               "arn": "arn:aws:backup:eu-west-1:123456789012:backup-plan:f7a6f8dd-a23f-45bd-bf8a-5c667a71018a",
                               "changed": ["rules"]}}
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, fail_if_not_unique, not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_tags

PLAN_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,50}$")


def rule_request(rule):
    """The BackupRuleInput of one rule option."""
    return {
        "RuleName": rule["rule_name"],
        "TargetBackupVaultName": rule["target_backup_vault_name"],
        "ScheduleExpression": rule["schedule_expression"],
        "StartWindowMinutes": rule["start_window_minutes"],
        "CompletionWindowMinutes": rule["completion_window_minutes"],
        "EnableContinuousBackup": rule["enable_continuous_backup"],
        "Lifecycle": {"DeleteAfterDays": rule["lifecycle"]["delete_after_days"]},
        "CopyActions": [
            {"DestinationBackupVaultArn": c["destination_backup_vault_arn"], "Lifecycle": {"DeleteAfterDays": c["lifecycle"]["delete_after_days"]}}
            for c in rule["copy_actions"]
        ],
    }


def copy_action(action):
    """A copy action as a comparable tuple: destination vault and retention (AWS may add other lifecycle keys)."""
    return action.get("DestinationBackupVaultArn"), (action.get("Lifecycle") or {}).get("DeleteAfterDays")


def rule_differs(current, wanted):
    """Whether a rule read back differs from its request, in the settings the request gives."""
    for key, value in wanted.items():
        have = current.get(key)
        if key == "EnableContinuousBackup":
            have = bool(have)
        elif key == "Lifecycle":
            have = {k: (have or {}).get(k) for k in value}
        elif key == "CopyActions":
            have, value = sorted(copy_action(c) for c in have or []), sorted(copy_action(c) for c in value)
        if have != value:
            return True
    return False


def rules_differ(current_rules, wanted_rules):
    current = {r["RuleName"]: r for r in current_rules}
    if set(current) != {r["RuleName"] for r in wanted_rules}:
        return True
    return any(rule_differs(current[r["RuleName"]], r) for r in wanted_rules)


def list_plans(client):
    """The account's plans (this region) by name, from one paginated ListBackupPlans."""
    pages = client.get_paginator("list_backup_plans").paginate().build_full_result()
    return {p["BackupPlanName"]: p for p in pages.get("BackupPlansList", [])}


def converge_plan(module, client, spec, current):
    """Create the plan, or update its rules and reconcile its tags; return what changed (or would), its id and ARN."""
    check, tags = module.check_mode, {str(k): str(v) for k, v in spec["tags"].items()}
    plan = {"BackupPlanName": spec["name"], "Rules": [rule_request(r) for r in spec["rules"]]}
    if current is None:
        if check:
            return ["created"], "", ""
        created = client.create_backup_plan(aws_retry=True, BackupPlan=plan, BackupPlanTags=tags)
        return ["created"], created["BackupPlanId"], created["BackupPlanArn"]
    plan_id, arn = current["BackupPlanId"], current["BackupPlanArn"]
    changes = []
    read = client.get_backup_plan(aws_retry=True, BackupPlanId=plan_id)["BackupPlan"]
    if rules_differ(read.get("Rules", []), plan["Rules"]):
        changes.append("rules")
        if not check:
            client.update_backup_plan(aws_retry=True, BackupPlanId=plan_id, BackupPlan=plan)
    have = client.list_tags(aws_retry=True, ResourceArn=arn).get("Tags", {})
    if reconcile_tags(
        have,
        tags,
        module.params["purge_tags"],
        check,
        tag=lambda add: client.tag_resource(aws_retry=True, ResourceArn=arn, Tags=add),
        untag=lambda keys: client.untag_resource(aws_retry=True, ResourceArn=arn, TagKeyList=keys),
    )[0]:
        changes.append("tags")
    return changes, plan_id, arn


def main():
    lifecycle = {"type": "dict", "required": True, "options": {"delete_after_days": {"type": "int", "required": True}}}
    rule_spec = {
        "rule_name": {"type": "str", "required": True},
        "target_backup_vault_name": {"type": "str", "required": True},
        "schedule_expression": {"type": "str", "required": True},
        "start_window_minutes": {"type": "int", "default": 60},
        "completion_window_minutes": {"type": "int", "default": 480},
        "enable_continuous_backup": {"type": "bool", "default": False},
        "lifecycle": lifecycle,
        "copy_actions": {
            "type": "list",
            "elements": "dict",
            "default": [],
            "options": {"destination_backup_vault_arn": {"type": "str", "required": True}, "lifecycle": lifecycle},
        },
    }
    plan_spec = {
        "name": {"type": "str", "required": True},
        "rules": {"type": "list", "elements": "dict", "required": True, "options": rule_spec},
        "tags": {"type": "dict", "default": {}},
    }
    module = AnsibleAWSModule(
        argument_spec={
            "plans": {"type": "list", "elements": "dict", "required": True, "options": plan_spec},
            "purge_tags": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    specs = module.params["plans"]
    fail_if_not_unique(module, "plans names", [s["name"] for s in specs])
    bad = [s["name"] for s in specs if not PLAN_NAME.match(s["name"])]
    if bad:
        module.fail_json(msg=f"plans names must be 1 to 50 letters, digits, hyphens, underscores or dots (got {bad})")
    for spec in specs:
        problem = not_unique(f"plans[{spec['name']}].rules rule_name", [r["rule_name"] for r in spec["rules"]])
        if problem or not spec["rules"]:
            module.fail_json(msg=problem or f"plans[{spec['name']}].rules must hold at least one rule")

    client = module.client("backup", retry_decorator=AWSRetry.jittered_backoff())
    try:
        existing = list_plans(client)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to list the backup plans")
    result = {}
    for spec in specs:
        try:
            changes, plan_id, arn = converge_plan(module, client, spec, existing.get(spec["name"]))
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the backup plan {spec['name']}")
        result[spec["name"]] = {"id": plan_id, "arn": arn, "changed": changes}
    module.exit_json(changed=any(r["changed"] for r in result.values()), plans=result)


if __name__ == "__main__":
    main()
