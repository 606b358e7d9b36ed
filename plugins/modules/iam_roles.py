#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: iam_roles
short_description: Manage a list of IAM roles, each with its trust, boundary, tags and inline policies, in one run
version_added: 0.2.0
description:
  - Creates or converges every role of O(roles) in one module run. Per role, the trust policy, description, maximum
    session duration, permissions boundary and tags; exactly the managed policies of O(roles[].managed_policies)
    attached (others are detached); and the inline policies given (other inline policies are left alone).
  - With two roles or more, the run reads every role of the account in two paginated calls, C(ListRoles) (the
    description and maximum session duration) and C(GetAccountAuthorizationDetails) with C(Filter=Role) (the
    boundary, tags, attached and inline policies), whatever the number of roles; a converged run makes no other call.
    A single role costs C(GetRole), C(ListAttachedRolePolicies) and C(GetRolePolicy) per inline policy instead, which
    is cheaper than reading a large account. amazon.aws.iam_role and amazon.aws.iam_policy in a loop cost two module
    runs and three reads per role, which made the IRSA roles the most expensive step of a no-op converge.
  - A role that only one of the two listings shows (created or deleted between them) is read on its own.
  - Roles are only created or updated; removing one is left to amazon.aws.iam_role with C(state=absent).
  - In check mode nothing is written; the result says what would change.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  roles:
    description: The roles.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Role name.
        type: str
        required: true
      path:
        description:
          - Role path, set at creation (it is part of the ARN); it starts and ends with C(/).
          - An existing role at another path is an error, as a role's path cannot change.
        type: str
        default: /
      assume_role_policy:
        description: The trust policy document.
        type: dict
        required: true
      description:
        description: Role description.
        type: str
        default: ""
      max_session_duration:
        description: Maximum session duration in seconds (3600 to 43200).
        type: int
        default: 3600
      boundary:
        description: ARN of the permissions boundary policy; empty for none.
        type: str
        default: ""
      tags:
        description: The tags of the role; tags not listed are removed.
        type: dict
        default: {}
      managed_policies:
        description: ARNs of the managed policies attached to the role; any other attached policy is detached.
        type: list
        elements: str
        default: []
      inline_policies:
        description: Inline policy documents by policy name.
        type: dict
        default: {}
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the IRSA roles
  mosaic.platform.iam_roles:
    roles:
      - name: p-dev-irsa-velero
        description: IRSA velero for velero/velero
        assume_role_policy: "{{ trust }}"
        boundary: arn:aws:iam::123456789012:policy/p-dev-permissions-boundary
        tags: {Project: P, Env: dev}
        inline_policies:
          irsa-velero: "{{ policy }}"
"""

RETURN = r"""
roles:
  description: Per role name, its ARN (computed in check mode before it exists) and what changed.
  returned: always
  type: dict
  sample: {"p-dev-irsa-velero": {"arn": "arn:aws:iam::123456789012:role/p-dev-irsa-velero", "changed": ["created"]}}
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list, boto3_tag_list_to_ansible_dict
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, arn_prefix, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_tags

# From this many roles in one run, the two account-wide reads cost fewer calls than three reads per role.
BATCH_FROM = 2


def get_role(client, name):
    try:
        return client.get_role(aws_retry=True, RoleName=name)["Role"]
    except is_boto3_error_code("NoSuchEntity"):
        return None


@AWSRetry.jittered_backoff()
def _paginate(client, method, key, **kwargs):
    return client.get_paginator(method).paginate(**kwargs).build_full_result()[key]


def read_one(client, name):
    """A role as (GetRole's Role, attached policies, None: inline documents read on demand), or None."""
    role = get_role(client, name)
    if role is None:
        return None
    return role, _paginate(client, "list_attached_role_policies", "AttachedPolicies", RoleName=name), None


def read_all(client, names):
    """The roles of `names` from the two account-wide listings, as read_one returns them; a role only one listing
    shows is read on its own."""
    wanted = set(names)
    listed = {r["RoleName"]: r for r in _paginate(client, "list_roles", "Roles") if r["RoleName"] in wanted}
    details = {d["RoleName"]: d for d in _paginate(client, "get_account_authorization_details", "RoleDetailList", Filter=["Role"]) if d["RoleName"] in wanted}
    current = {}
    for name in names:
        role, detail = listed.get(name), details.get(name)
        if role is None and detail is None:
            current[name] = None
        elif role is None or detail is None:
            current[name] = read_one(client, name)
        else:
            # ListRoles leaves out the boundary and the tags; the details carry them.
            role = dict(role, PermissionsBoundary=detail.get("PermissionsBoundary") or {}, Tags=detail.get("Tags") or [])
            inline = {p["PolicyName"]: p["PolicyDocument"] for p in detail.get("RolePolicyList") or []}
            current[name] = (role, detail.get("AttachedManagedPolicies") or [], inline)
    return current


def create_role(module, client, spec):
    params = {
        "RoleName": spec["name"],
        "Path": spec["path"],
        "AssumeRolePolicyDocument": module.jsonify(spec["assume_role_policy"]),
        "Description": spec["description"],
        "MaxSessionDuration": spec["max_session_duration"],
    }
    if spec["boundary"]:
        params["PermissionsBoundary"] = spec["boundary"]
    if spec["tags"]:
        params["Tags"] = ansible_dict_to_boto3_tag_list(spec["tags"])
    return client.create_role(aws_retry=True, **params)["Role"]


def converge_role(module, client, spec, current):
    """Apply the differences of an existing role; return what changed (or would)."""
    name, check, changes = spec["name"], module.check_mode, []
    if compare_policies(current.get("AssumeRolePolicyDocument") or {}, spec["assume_role_policy"]):
        changes.append("trust")
        if not check:
            client.update_assume_role_policy(aws_retry=True, RoleName=name, PolicyDocument=module.jsonify(spec["assume_role_policy"]))
    if current.get("Description", "") != spec["description"] or current.get("MaxSessionDuration", 3600) != spec["max_session_duration"]:
        changes.append("settings")
        if not check:
            client.update_role(aws_retry=True, RoleName=name, Description=spec["description"], MaxSessionDuration=spec["max_session_duration"])
    boundary = (current.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn", "")
    if boundary != spec["boundary"]:
        changes.append("boundary")
        if not check:
            if spec["boundary"]:
                client.put_role_permissions_boundary(aws_retry=True, RoleName=name, PermissionsBoundary=spec["boundary"])
            else:
                client.delete_role_permissions_boundary(aws_retry=True, RoleName=name)
    if reconcile_tags(
        boto3_tag_list_to_ansible_dict(current.get("Tags", [])),
        spec["tags"],
        True,
        check,
        tag=lambda tags: client.tag_role(aws_retry=True, RoleName=name, Tags=ansible_dict_to_boto3_tag_list(tags)),
        untag=lambda keys: client.untag_role(aws_retry=True, RoleName=name, TagKeys=keys),
    )[0]:
        changes.append("tags")
    return changes


def converge_policies(module, client, spec, attached, inline):
    """Attach exactly the managed policies given and put the inline ones that differ; return what changed (or would).

    `attached`: the role's attached policies. `inline`: its inline documents by name when already read (empty for a
    role not created yet), None to read each one the spec names."""
    name, check, changes = spec["name"], module.check_mode, []
    wanted = spec["managed_policies"]
    for policy in attached:
        if policy["PolicyArn"] not in wanted:
            changes.append(f"detached {policy['PolicyName']}")
            if not check:
                client.detach_role_policy(aws_retry=True, RoleName=name, PolicyArn=policy["PolicyArn"])
    for arn in sorted(set(wanted) - {p["PolicyArn"] for p in attached}):
        changes.append(f"attached {arn.rsplit('/', 1)[-1]}")
        if not check:
            client.attach_role_policy(aws_retry=True, RoleName=name, PolicyArn=arn)
    for policy_name, document in sorted(spec["inline_policies"].items()):
        current = None
        if inline is not None:
            current = inline.get(policy_name)
        else:
            try:
                current = client.get_role_policy(aws_retry=True, RoleName=name, PolicyName=policy_name)["PolicyDocument"]
            except is_boto3_error_code("NoSuchEntity"):
                current = None
        if current is None or compare_policies(current, document):
            changes.append(f"policy {policy_name}")
            if not check:
                client.put_role_policy(aws_retry=True, RoleName=name, PolicyName=policy_name, PolicyDocument=module.jsonify(document))
    return changes


def main():
    role_spec = {
        "name": {"type": "str", "required": True},
        "path": {"type": "str", "default": "/"},
        "assume_role_policy": {"type": "dict", "required": True},
        "description": {"type": "str", "default": ""},
        "max_session_duration": {"type": "int", "default": 3600},
        "boundary": {"type": "str", "default": ""},
        "tags": {"type": "dict", "default": {}},
        "managed_policies": {"type": "list", "elements": "str", "default": []},
        "inline_policies": {"type": "dict", "default": {}},
    }
    module = AnsibleAWSModule(
        argument_spec={"roles": {"type": "list", "elements": "dict", "required": True, "options": role_spec}},
        supports_check_mode=True,
    )
    specs = module.params["roles"]
    names = [s["name"] for s in specs]
    fail_if_not_unique(module, "roles names", names)
    bad = [s["name"] for s in specs if not 3600 <= s["max_session_duration"] <= 43200]
    if bad:
        module.fail_json(msg=f"roles max_session_duration must be 3600 to 43200 seconds (got it wrong on {bad})")
    bad = [s["name"] for s in specs if not (s["path"].startswith("/") and s["path"].endswith("/"))]
    if bad:
        module.fail_json(msg=f"roles path must start and end with / (got it wrong on {bad})")

    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    try:
        state = read_all(client, names) if len(names) >= BATCH_FROM else {n: read_one(client, n) for n in names}
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to read the IAM roles")
    account_prefix = None
    result = {}
    for spec in specs:
        name = spec["name"]
        current, attached, inline = state[name] or (None, [], {})
        try:
            if current is None:
                changes = ["created"]
                arn = None
                if not module.check_mode:
                    arn = create_role(module, client, spec)["Arn"]
            else:
                if current.get("Path", "/") != spec["path"]:
                    module.fail_json(
                        msg=f"roles: the role {name} exists at path {current.get('Path')}, not {spec['path']}; a role's path cannot change, delete it first"
                    )
                changes = converge_role(module, client, spec, current)
                arn = current["Arn"]
            changes += converge_policies(module, client, spec, attached, inline)
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the IAM role {name}")
        if arn is None:
            if account_prefix is None:
                account_prefix = arn_prefix(module, "iam")
            arn = f"{account_prefix}role{spec['path']}{name}"
        result[name] = {"arn": arn, "changed": changes}
    module.exit_json(changed=any(r["changed"] for r in result.values()), roles=result)


if __name__ == "__main__":
    main()
