# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EventBridge rules on the default bus, with every rule state EventBridge knows.

amazon.aws.cloudwatchevent_rule sets only ENABLED or DISABLED; a rule that must see read-only CloudTrail
management events (GetSecretValue, for one) needs ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.
"""

from __future__ import annotations

import json

RULE_STATES = ("ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")


def _pattern(value) -> str:
    doc = json.loads(value) if isinstance(value, str) else value
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def _tags(client, arn: str) -> dict:
    return {t["Key"]: t["Value"] for t in client.list_tags_for_resource(ResourceARN=arn).get("Tags", [])}


def ensure_rule(client, params: dict, check_mode: bool) -> tuple[bool, dict]:
    """Rule, targets (authoritative, by id) and tags; ``(changed, result)``."""
    name = params["name"]
    try:
        current = client.describe_rule(Name=name)
    except client.exceptions.ResourceNotFoundException:
        current = None
    if params["state"] == "absent":
        if current is None:
            return False, {"name": name}
        if not check_mode:
            ids = [t["Id"] for t in client.list_targets_by_rule(Rule=name).get("Targets", [])]
            if ids:
                client.remove_targets(Rule=name, Ids=ids)
            client.delete_rule(Name=name)
        return True, {"name": name, "arn": current["Arn"]}

    wanted = {"EventPattern": _pattern(params["event_pattern"]), "State": params["rule_state"], "Description": params.get("description") or ""}
    targets = sorted(({"Id": t["id"], "Arn": t["arn"]} for t in params.get("targets") or []), key=lambda t: t["Id"])
    tags = {k: str(v) for k, v in (params.get("tags") or {}).items()}
    changes = []
    if current is None:
        changes.append("created")
    else:
        have = {"EventPattern": _pattern(current.get("EventPattern") or "{}"), "State": current.get("State"), "Description": current.get("Description") or ""}
        changes += [k for k in wanted if have[k] != wanted[k]]
    if check_mode:
        if current is not None:
            have_targets = sorted(({"Id": t["Id"], "Arn": t["Arn"]} for t in client.list_targets_by_rule(Rule=name).get("Targets", [])), key=lambda t: t["Id"])
            changes += ["targets"] if have_targets != targets else []
            changes += ["tags"] if _tags(client, current["Arn"]) != tags else []
        return bool(changes), {"name": name, "arn": current["Arn"] if current else "", "changes": changes}

    if changes:
        put = dict(Name=name, **wanted)
        if current is None:
            put["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
        arn = client.put_rule(**put)["RuleArn"]
    else:
        arn = current["Arn"]
    have_targets = [] if current is None else [{"Id": t["Id"], "Arn": t["Arn"]} for t in client.list_targets_by_rule(Rule=name).get("Targets", [])]
    if sorted(have_targets, key=lambda t: t["Id"]) != targets:
        changes.append("targets")
        stale = [t["Id"] for t in have_targets if t["Id"] not in {w["Id"] for w in targets}]
        if stale:
            client.remove_targets(Rule=name, Ids=stale)
        if targets:
            client.put_targets(Rule=name, Targets=targets)
    have_tags = tags if current is None else _tags(client, arn)
    if have_tags != tags:
        changes.append("tags")
        stale = [k for k in have_tags if k not in tags]
        if stale:
            client.untag_resource(ResourceARN=arn, TagKeys=stale)
        if tags:
            client.tag_resource(ResourceARN=arn, Tags=[{"Key": k, "Value": v} for k, v in sorted(tags.items())])
    return bool(changes), {"name": name, "arn": arn, "changes": changes}
