# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM Identity Center: permission sets, account assignments and the roles Identity Center provisions.

The logic of the sso_permission_set(s) and sso_account_assignment(s) modules: one ensure-function per object and one
per list (which reads each kind once), each taking boto3 clients so unit tests drive them against moto or botocore's
Stubber. Groups come from
the identity source (SCIM from Google Workspace or GitHub): they are looked up by display name, and
created only when asked (the local emulator, which has no identity source).
"""

from __future__ import annotations

import json
import re

from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import not_unique

try:
    from botocore.waiter import WaiterModel, create_waiter_with_client
except ImportError:  # AnsibleAWSModule reports the missing botocore
    WaiterModel = create_waiter_with_client = None

# Identity Center names each provisioned role AWSReservedSSO_<permission set>_<16 hex> under this path.
RESERVED_ROLE_PATH_PREFIX = "/aws-reserved/sso.amazonaws.com/"
PERMISSION_SET_NAME = re.compile(r"^[\w+=,.@-]{1,32}$")
SESSION_DURATION = re.compile(r"^PT(?:([0-9]{1,2})H)?(?:([0-9]{1,3})M)?$")

_WAITER_CONFIG = {
    "version": 2,
    "waiters": {
        "AssignmentCreated": {
            "operation": "DescribeAccountAssignmentCreationStatus",
            "delay": 5,
            "maxAttempts": 60,
            "acceptors": [
                {"matcher": "path", "argument": "AccountAssignmentCreationStatus.Status", "expected": "SUCCEEDED", "state": "success"},
                {"matcher": "path", "argument": "AccountAssignmentCreationStatus.Status", "expected": "FAILED", "state": "failure"},
            ],
        },
        "AssignmentDeleted": {
            "operation": "DescribeAccountAssignmentDeletionStatus",
            "delay": 5,
            "maxAttempts": 60,
            "acceptors": [
                {"matcher": "path", "argument": "AccountAssignmentDeletionStatus.Status", "expected": "SUCCEEDED", "state": "success"},
                {"matcher": "path", "argument": "AccountAssignmentDeletionStatus.Status", "expected": "FAILED", "state": "failure"},
            ],
        },
    },
}


class SSOAccessError(ValueError):
    """Bad input or a state Identity Center cannot reach."""


def session_seconds(duration: str) -> int:
    """Seconds of an ISO-8601 session duration (PT1H, PT30M, PT1H30M): Identity Center allows 1 to 12 hours."""
    match = SESSION_DURATION.match(str(duration or ""))
    if not match or not any(match.groups()):
        raise SSOAccessError(f"session_duration must be an ISO-8601 duration such as PT1H or PT8H, got {duration!r}")
    seconds = int(match.group(1) or 0) * 3600 + int(match.group(2) or 0) * 60
    if not 3600 <= seconds <= 43200:
        raise SSOAccessError(f"session_duration must be 1 to 12 hours, got {duration!r}")
    return seconds


def resolve_instance(client, instance_arn: str | None = None) -> dict:
    """``{instance_arn, identity_store_id}``: the given instance, or the account's only one."""
    instances = [i for page in client.get_paginator("list_instances").paginate() for i in page.get("Instances", [])]
    if instance_arn:
        instances = [i for i in instances if i["InstanceArn"] == instance_arn]
        if not instances:
            raise SSOAccessError(f"IAM Identity Center instance {instance_arn} not found")
    if len(instances) != 1:
        raise SSOAccessError(f"found {len(instances)} IAM Identity Center instances: give instance_arn")
    return {"instance_arn": instances[0]["InstanceArn"], "identity_store_id": instances[0]["IdentityStoreId"]}


def find_permission_set(client, instance_arn: str, name: str) -> dict | None:
    for page in client.get_paginator("list_permission_sets").paginate(InstanceArn=instance_arn):
        for arn in page.get("PermissionSets", []):
            described = client.describe_permission_set(InstanceArn=instance_arn, PermissionSetArn=arn)["PermissionSet"]
            if described["Name"] == name:
                return described
    return None


def _policy_text(policy) -> str:
    if policy in (None, "", {}):
        return ""
    doc = json.loads(policy) if isinstance(policy, str) else policy
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def _managed_arns(client, instance_arn: str, ps_arn: str) -> set[str]:
    pages = client.get_paginator("list_managed_policies_in_permission_set").paginate(InstanceArn=instance_arn, PermissionSetArn=ps_arn)
    return {p["Arn"] for page in pages for p in page.get("AttachedManagedPolicies", [])}


def _reconcile_policies(client, instance_arn: str, ps_arn: str, params: dict, check_mode: bool, fresh: bool) -> list[str]:
    """Inline policy and managed policies (authoritative); returns what differs."""
    changes = []
    wanted_inline = _policy_text(params.get("inline_policy"))
    ids = {"InstanceArn": instance_arn, "PermissionSetArn": ps_arn}
    current_inline = "" if fresh else _policy_text(client.get_inline_policy_for_permission_set(**ids).get("InlinePolicy"))
    if wanted_inline != current_inline:
        changes.append("inline_policy")
        if not check_mode:
            if wanted_inline:
                client.put_inline_policy_to_permission_set(InstanceArn=instance_arn, PermissionSetArn=ps_arn, InlinePolicy=wanted_inline)
            else:
                client.delete_inline_policy_from_permission_set(InstanceArn=instance_arn, PermissionSetArn=ps_arn)
    wanted_managed = set(params.get("managed_policy_arns") or [])
    current_managed = set() if fresh else _managed_arns(client, instance_arn, ps_arn)
    if wanted_managed != current_managed:
        changes.append("managed_policy_arns")
        if not check_mode:
            for arn in sorted(wanted_managed - current_managed):
                client.attach_managed_policy_to_permission_set(InstanceArn=instance_arn, PermissionSetArn=ps_arn, ManagedPolicyArn=arn)
            for arn in sorted(current_managed - wanted_managed):
                client.detach_managed_policy_from_permission_set(InstanceArn=instance_arn, PermissionSetArn=ps_arn, ManagedPolicyArn=arn)
    return changes


def _provision(client, instance_arn: str, ps_arn: str) -> str | None:
    """Push a changed permission set to the accounts it is provisioned to (the roles there follow)."""
    accounts = [
        a
        for page in client.get_paginator("list_accounts_for_provisioned_permission_set").paginate(InstanceArn=instance_arn, PermissionSetArn=ps_arn)
        for a in page.get("AccountIds", [])
    ]
    if not accounts:
        return None
    status = client.provision_permission_set(InstanceArn=instance_arn, PermissionSetArn=ps_arn, TargetType="ALL_PROVISIONED_ACCOUNTS")
    return status.get("PermissionSetProvisioningStatus", {}).get("RequestId")


def ensure_permission_set(client, params: dict, check_mode: bool) -> tuple[bool, dict]:
    """Create, update or delete one permission set; ``(changed, result)``."""
    name = params["name"]
    check_permission_set_names([name])
    instance = resolve_instance(client, params.get("instance_arn"))
    arn = instance["instance_arn"]
    current = find_permission_set(client, arn, name)
    if params["state"] == "absent":
        if current is None:
            return False, {"name": name}
        if not check_mode:
            client.delete_permission_set(InstanceArn=arn, PermissionSetArn=current["PermissionSetArn"])
        return True, {"name": name, "arn": current["PermissionSetArn"]}
    return present_permission_set(client, instance, params, current, check_mode)


def permission_sets_by_name(client, instance_arn: str) -> dict[str, dict]:
    """Every permission set of the instance by name: one paginated list, one describe per set."""
    found = {}
    for page in client.get_paginator("list_permission_sets").paginate(InstanceArn=instance_arn):
        for arn in page.get("PermissionSets", []):
            described = client.describe_permission_set(InstanceArn=instance_arn, PermissionSetArn=arn)["PermissionSet"]
            found[described["Name"]] = described
    return found


def check_permission_set_names(names: list[str]) -> None:
    for name in names:
        if not PERMISSION_SET_NAME.match(name):
            raise SSOAccessError(f"name must match ^[\\w+=,.@-]{{1,32}}$, got {name!r}")


def present_permission_set(client, instance: dict, params: dict, current: dict | None, check_mode: bool) -> tuple[bool, dict]:
    """Create or converge one permission set, ``current`` as described (None when missing); ``(changed, result)``."""
    name, arn = params["name"], instance["instance_arn"]
    session_seconds(params["session_duration"])
    wanted = {"Description": params.get("description") or name, "SessionDuration": params["session_duration"]}
    if params.get("relay_state"):
        wanted["RelayState"] = params["relay_state"]
    result = dict(instance, name=name, session_duration=params["session_duration"], arn="")
    if current is None:
        if check_mode:
            return True, dict(result, changes=["created"])
        tags = [{"Key": k, "Value": str(v)} for k, v in sorted((params.get("tags") or {}).items())]
        created = client.create_permission_set(InstanceArn=arn, Name=name, Tags=tags, **wanted)["PermissionSet"]
        ps_arn = created["PermissionSetArn"]
        _reconcile_policies(client, arn, ps_arn, params, False, fresh=True)
        return True, dict(result, arn=ps_arn, changes=["created"])

    ps_arn = current["PermissionSetArn"]
    changes = [k for k, v in wanted.items() if (current.get(k) or "") != v]
    if changes and not check_mode:
        client.update_permission_set(InstanceArn=arn, PermissionSetArn=ps_arn, **wanted)
    changes += _reconcile_policies(client, arn, ps_arn, params, check_mode, fresh=False)
    result = dict(result, arn=ps_arn, changes=changes)
    if changes and not check_mode and params.get("provision", True):
        result["provisioning_request_id"] = _provision(client, arn, ps_arn)
    return bool(changes), result


def ensure_permission_sets(client, specs: list[dict], instance_arn: str | None, provision: bool, check_mode: bool) -> tuple[bool, dict]:
    """Create or converge every permission set of ``specs`` after one read of the instance's sets.

    ``(changed, {name: result})``, each result as ensure_permission_set returns it. Bad names, session durations
    and duplicates fail before any call; an empty list calls nothing.
    """
    if not specs:
        return False, {}
    names = [spec["name"] for spec in specs]
    check_permission_set_names(names)
    problem = not_unique("permission_sets names", names)
    if problem:
        raise SSOAccessError(problem)
    for spec in specs:
        session_seconds(spec["session_duration"])
    instance = resolve_instance(client, instance_arn)
    existing = permission_sets_by_name(client, instance["instance_arn"])
    results, changed = {}, False
    for spec in specs:
        one_changed, results[spec["name"]] = present_permission_set(client, instance, dict(spec, provision=provision), existing.get(spec["name"]), check_mode)
        changed = changed or one_changed
    return changed, results


def find_group_id(identitystore, identity_store_id: str, display_name: str) -> str | None:
    try:
        found = identitystore.get_group_id(
            IdentityStoreId=identity_store_id,
            AlternateIdentifier={"UniqueAttribute": {"AttributePath": "displayName", "AttributeValue": display_name}},
        )
    except identitystore.exceptions.ResourceNotFoundException:
        return None
    return found["GroupId"]


def resolve_group(identitystore, identity_store_id: str, display_name: str, create: bool, check_mode: bool) -> tuple[bool, str]:
    """``(created, group id)``. A missing group is an error unless create (the emulator only)."""
    group_id = find_group_id(identitystore, identity_store_id, display_name)
    if group_id:
        return False, group_id
    if not create:
        raise SSOAccessError(f"group {display_name!r} not found in identity store {identity_store_id}: sync it from the identity source (SCIM) first")
    if check_mode:
        return True, ""
    created = identitystore.create_group(IdentityStoreId=identity_store_id, DisplayName=display_name, Description="Created for the local emulator")
    return True, created["GroupId"]


def _assignments(client, instance_arn: str, account_id: str, ps_arn: str) -> list[dict]:
    pages = client.get_paginator("list_account_assignments").paginate(InstanceArn=instance_arn, AccountId=account_id, PermissionSetArn=ps_arn)
    return [a for page in pages for a in page.get("AccountAssignments", [])]


def _wait(client, name: str, key: str, request_id: str, instance_arn: str, timeout: int) -> None:
    waiter = create_waiter_with_client(name, WaiterModel(_WAITER_CONFIG), client)
    waiter.config.max_attempts = max(1, timeout // waiter.config.delay)
    waiter.wait(InstanceArn=instance_arn, **{key: request_id})


def ensure_account_assignment(client, identitystore, params: dict, check_mode: bool) -> tuple[bool, dict]:
    """Assign (or unassign) one permission set to one group or user on one account."""
    instance = resolve_instance(client, params.get("instance_arn"))
    arn = instance["instance_arn"]
    store = params.get("identity_store_id") or instance["identity_store_id"]
    ps_arn = params.get("permission_set_arn")
    if not ps_arn:
        found = find_permission_set(client, arn, params["permission_set_name"])
        if found is None:
            if check_mode and params["state"] == "present":
                return True, {"principal_id": "", "permission_set_arn": "", "changes": ["permission set not created yet"]}
            if params["state"] == "absent":
                return False, {}
            raise SSOAccessError(f"permission set {params['permission_set_name']!r} not found in {arn}")
        ps_arn = found["PermissionSetArn"]
    changed = False
    principal_id = params.get("principal_id")
    if not principal_id:
        if params["principal_type"] != "GROUP":
            raise SSOAccessError("principal_name resolves groups only: give principal_id for a USER")
        if params["state"] == "absent":
            principal_id = find_group_id(identitystore, store, params["principal_name"])
            if not principal_id:
                return False, {"permission_set_arn": ps_arn, "principal_id": ""}
        else:
            changed, principal_id = resolve_group(identitystore, store, params["principal_name"], params.get("create_group", False), check_mode)
    key = {"TargetId": params["account_id"], "TargetType": "AWS_ACCOUNT", "PermissionSetArn": ps_arn, "PrincipalType": params["principal_type"]}
    result = {"instance_arn": arn, "identity_store_id": store, "permission_set_arn": ps_arn, "principal_id": principal_id, "account_id": params["account_id"]}
    exists = bool(principal_id) and any(
        a["PrincipalId"] == principal_id and a["PrincipalType"] == params["principal_type"] for a in _assignments(client, arn, params["account_id"], ps_arn)
    )
    if params["state"] == "absent":
        if not exists:
            return False, result
        if not check_mode:
            status = client.delete_account_assignment(InstanceArn=arn, PrincipalId=principal_id, **key)["AccountAssignmentDeletionStatus"]
            if params.get("wait", True):
                _wait(client, "AssignmentDeleted", "AccountAssignmentDeletionRequestId", status["RequestId"], arn, params.get("wait_timeout", 300))
        return True, result
    if exists:
        return changed, result
    if not check_mode:
        status = client.create_account_assignment(InstanceArn=arn, PrincipalId=principal_id, **key)["AccountAssignmentCreationStatus"]
        if params.get("wait", True):
            _wait(client, "AssignmentCreated", "AccountAssignmentCreationRequestId", status["RequestId"], arn, params.get("wait_timeout", 300))
    return True, result


def ensure_account_assignments(client, identitystore, params: dict, check_mode: bool) -> tuple[bool, list[dict]]:
    """Assign permission sets to groups (by display name) or principals (by id) on one account, all in one pass.

    ``params``: instance_arn, identity_store_id, account_id, create_group, wait, wait_timeout and ``assignments``
    (permission_set_name, permission_set_arn, principal_type, principal_name or principal_id). The permission sets
    are read once (not at all when every assignment names its set's ARN), the instance not at all when both its
    ARN and identity store are given, each group is looked up once, and the assignments of each set once; the new
    assignments are all requested before the first wait; an empty list calls nothing.
    ``(changed, [result per assignment])``.
    """
    for index, item in enumerate(params["assignments"]):
        if bool(item.get("principal_name")) == bool(item.get("principal_id")):
            raise SSOAccessError(f"assignments[{index}] needs exactly one of principal_name and principal_id")
        if item.get("principal_name") and item["principal_type"] != "GROUP":
            raise SSOAccessError(f"assignments[{index}]: principal_name resolves groups only, give principal_id for a USER")
    if not params["assignments"]:
        return False, []
    if params.get("instance_arn") and params.get("identity_store_id"):
        instance = {"instance_arn": params["instance_arn"], "identity_store_id": params["identity_store_id"]}
    else:
        instance = resolve_instance(client, params.get("instance_arn"))
    arn = instance["instance_arn"]
    store = params.get("identity_store_id") or instance["identity_store_id"]
    by_arn = all(item.get("permission_set_arn") for item in params["assignments"])
    sets = {} if by_arn else permission_sets_by_name(client, arn)
    groups: dict[str, tuple[bool, str]] = {}
    assigned: dict[str, set] = {}
    results, pending, changed = [], [], False
    for item in params["assignments"]:
        set_name = item["permission_set_name"]
        result = {"permission_set_name": set_name, "principal_name": item.get("principal_name") or "", "account_id": params["account_id"]}
        found = {"PermissionSetArn": item["permission_set_arn"]} if item.get("permission_set_arn") else sets.get(set_name)
        if found is None:
            if not check_mode:
                raise SSOAccessError(f"permission set {set_name!r} not found in {arn}")
            results.append(dict(result, permission_set_arn="", principal_id="", changes=["permission set not created yet"]))
            changed = True
            continue
        ps_arn, changes = found["PermissionSetArn"], []
        principal_id = item.get("principal_id")
        if not principal_id:
            name = item["principal_name"]
            if name not in groups:
                groups[name] = resolve_group(identitystore, store, name, params.get("create_group", False), check_mode)
                if groups[name][0]:
                    changes.append("group created")
            principal_id = groups[name][1]
        if ps_arn not in assigned:
            assigned[ps_arn] = {(a["PrincipalType"], a["PrincipalId"]) for a in _assignments(client, arn, params["account_id"], ps_arn)}
        if not principal_id or (item["principal_type"], principal_id) not in assigned[ps_arn]:
            changes.append("assigned")
            if not check_mode:
                status = client.create_account_assignment(
                    InstanceArn=arn,
                    TargetId=params["account_id"],
                    TargetType="AWS_ACCOUNT",
                    PermissionSetArn=ps_arn,
                    PrincipalType=item["principal_type"],
                    PrincipalId=principal_id,
                )["AccountAssignmentCreationStatus"]
                pending.append(status["RequestId"])
        changed = changed or bool(changes)
        results.append(dict(result, permission_set_arn=ps_arn, principal_id=principal_id, changes=changes))
    if params.get("wait", True):
        for request_id in pending:
            _wait(client, "AssignmentCreated", "AccountAssignmentCreationRequestId", request_id, arn, params.get("wait_timeout", 300))
    return changed, results


def reserved_role_arn(roles: list[dict], permission_set_name: str, account_id: str, partition: str = "aws", with_path: bool = False) -> str:
    """The ARN of the role Identity Center provisioned for a permission set, or '' when there is none yet.

    Without its path by default: EKS access entries want ``arn:aws:iam::<account>:role/<name>``, and the ARN with
    the /aws-reserved/sso.amazonaws.com/<region>/ path never matches there. Resource policies (an OpenSearch domain
    policy, a bucket policy) name the role as IAM reports it, with the path: with_path.
    """
    pattern = re.compile(rf"^AWSReservedSSO_{re.escape(permission_set_name)}_[0-9a-f]{{16}}$")
    found = sorted(
        ((r.get("role_name") or r.get("RoleName"), r.get("path") or r.get("Path") or "/") for r in roles),
    )
    found = [(name, path) for name, path in found if name and pattern.match(name) and path.startswith(RESERVED_ROLE_PATH_PREFIX)]
    if len(found) > 1:
        raise SSOAccessError(f"several roles for permission set {permission_set_name}: {[role for role, _path in found]}")
    if not found:
        return ""
    name, path = found[0]
    return f"arn:{partition}:iam::{account_id}:role{path if with_path else '/'}{name}"
