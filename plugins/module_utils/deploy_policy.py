# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CI deploy role's policy, generated from the AWS calls a converge makes, and a small evaluator to replay them.

scripts/deploy_policy.sh records a converge of inventories/local (a botocore hook, one line per call);
scripts/deploy_policy.py reduces it to the distinct (action, resource) calls (roles/aws_identity/files/deploy_calls.json) and
generates the policy template from them (roles/aws_identity/files/deploy_policy.json): per service, the
actions whose every recorded call named a resource under the platform's prefixes are granted on those
prefixes only; the others (Describe/List, creates of resources named by AWS) on `*`. Creating a role or
setting its boundary is allowed only with the platform's permissions boundary, the boundary's guard
denies are repeated, and the CI roles (the deploy role itself) may be read, never changed. The role
renders the template with its own prefix, account and region.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase

from ansible_collections.mosaic.platform.plugins.module_utils.permissions_boundary import PRINCIPAL_CREATE_ACTIONS, guard_statements

# botocore signing names that differ from the IAM action prefix.
IAM_PREFIX = {"monitoring": "cloudwatch", "tagging": "tag", "email": "ses", "elasticfilesystem": "elasticfilesystem"}
# botocore operations whose IAM action has another name.
IAM_ACTION = {
    "s3:HeadBucket": "s3:ListBucket",
    "s3:HeadObject": "s3:GetObject",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:ListObjects": "s3:ListBucket",
    "s3:ListObjectVersions": "s3:ListBucketVersions",
    "s3:DeleteObjects": "s3:DeleteObject",
    "s3:GetBucketAccelerateConfiguration": "s3:GetAccelerateConfiguration",
    "s3:GetBucketCors": "s3:GetBucketCORS",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:PutBucketEncryption": "s3:PutEncryptionConfiguration",
    "s3:GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "s3:PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration",
    "s3:GetBucketReplication": "s3:GetReplicationConfiguration",
    "s3:PutBucketReplication": "s3:PutReplicationConfiguration",
    "s3:DeleteBucketReplication": "s3:PutReplicationConfiguration",
    "s3:DeleteBucketTagging": "s3:PutBucketTagging",
    "s3:GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "s3:PutObjectLockConfiguration": "s3:PutBucketObjectLockConfiguration",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3:PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "s3:DeletePublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "s3:GetBucketNotificationConfiguration": "s3:GetBucketNotification",
    "s3:PutBucketNotificationConfiguration": "s3:PutBucketNotification",
    "s3:ListBucketInventoryConfigurations": "s3:GetInventoryConfiguration",
    "s3:GetBucketInventoryConfiguration": "s3:GetInventoryConfiguration",
    "s3:DeleteBucketPolicy": "s3:DeleteBucketPolicy",
    "s3:DeleteBucketLifecycle": "s3:PutLifecycleConfiguration",
    "s3:DeleteBucketEncryption": "s3:PutEncryptionConfiguration",
    "s3:DeleteBucketOwnershipControls": "s3:PutBucketOwnershipControls",
    "s3:GetBucketLocation": "s3:GetBucketLocation",
    # AWS Budgets authorizes its operations with two actions (Service Authorization Reference, budgets).
    "budgets:CreateBudget": "budgets:ModifyBudget",
    "budgets:UpdateBudget": "budgets:ModifyBudget",
    "budgets:DeleteBudget": "budgets:ModifyBudget",
    "budgets:CreateNotification": "budgets:ModifyBudget",
    "budgets:UpdateNotification": "budgets:ModifyBudget",
    "budgets:DeleteNotification": "budgets:ModifyBudget",
    "budgets:CreateSubscriber": "budgets:ModifyBudget",
    "budgets:UpdateSubscriber": "budgets:ModifyBudget",
    "budgets:DeleteSubscriber": "budgets:ModifyBudget",
    "budgets:DescribeBudget": "budgets:ViewBudget",
    "budgets:DescribeBudgets": "budgets:ViewBudget",
    "budgets:DescribeNotificationsForBudget": "budgets:ViewBudget",
    "budgets:DescribeSubscribersForNotification": "budgets:ViewBudget",
}

# Where the platform names resources (the `<prefix>-...`, `<slug>/<env>/...` conventions of the roles).
SCOPES = {
    "s3": ["arn:${Partition}:s3:::${Prefix}-*", "arn:${Partition}:s3:::aws-waf-logs-${Prefix}-*"],
    "iam": [
        "arn:${Partition}:iam::${Account}:role/${Prefix}-*",
        "arn:${Partition}:iam::${Account}:policy/${Prefix}-*",
        "arn:${Partition}:iam::${Account}:oidc-provider/*",
    ],
    "sqs": ["arn:${Partition}:sqs:${Region}:${Account}:${Prefix}-*"],
    "sns": ["arn:${Partition}:sns:${Region}:${Account}:${Prefix}-*"],
    "secretsmanager": ["arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${Slug}/${Env}/*"],
    "ssm": ["arn:${Partition}:ssm:${Region}:${Account}:parameter/${Slug}/${Env}/*"],
    "cloudwatch": ["arn:${Partition}:cloudwatch:${Region}:${Account}:alarm:${Prefix}-*"],
    "logs": ["arn:${Partition}:logs:${Region}:${Account}:log-group:*${Prefix}*"],
    "eks": ["arn:${Partition}:eks:${Region}:${Account}:*/${Prefix}-*", "arn:${Partition}:eks:${Region}:${Account}:*/${Prefix}-*/*"],
    "wafv2": ["arn:${Partition}:wafv2:${Region}:${Account}:*/${Prefix}-*"],
    "cloudtrail": ["arn:${Partition}:cloudtrail:${Region}:${Account}:trail/${Prefix}-*"],
    "athena": ["arn:${Partition}:athena:${Region}:${Account}:workgroup/${Prefix}-*"],
    "backup": ["arn:${Partition}:backup:${Region}:${Account}:backup-vault:${Prefix}", "arn:${Partition}:backup:*:${Account}:backup-vault:${Prefix}-*"],
    "rds": ["arn:${Partition}:rds:${Region}:${Account}:*:${Prefix}-*"],
    "es": ["arn:${Partition}:es:${Region}:${Account}:domain/${Prefix}-*"],
    "budgets": ["arn:${Partition}:budgets::${Account}:budget/${Prefix}-*"],
}
# The deploy role may read the CI roles (itself included) but never change them: the first converge, which
# creates them, and any later change to them run as an administrator.
# Attaching a managed policy is allowed only for the policies the roles attach (AWS Backup's), by ARN.
POLICY_ATTACH_ACTIONS = {"iam:AttachRolePolicy", "iam:DetachRolePolicy"}
# Read calls on "*" of one service share a wildcard (read_wildcards); not where a List returns data rather than
# metadata: object names (s3), users' e-mails (cognito-idp and identitystore ListUsers, sns ListSubscriptions).
READ_WILDCARD_PREFIXES = ("Describe", "List")
NO_READ_WILDCARD_SERVICES = {"s3", "cognito-idp", "identitystore", "sns"}
CI_ROLE_WRITES = ["iam:Attach*", "iam:Create*", "iam:Delete*", "iam:Detach*", "iam:Put*", "iam:Tag*", "iam:Untag*", "iam:Update*"]
_PLACEHOLDER = re.compile(r"\$\{(Partition|Prefix|Slug|Env|Account|Region|Boundary)\}")


def iam_action(service: str, operation: str) -> str:
    action = f"{IAM_PREFIX.get(service, service)}:{operation}"
    return IAM_ACTION.get(action, action)


def call_resource(service: str, params: dict, v: dict) -> str:
    """The ARN a call acts on, from its naming parameters (values `v`: Partition, Account, Region); `*` when unnamed."""
    p, region, account = v["Partition"], v["Region"], v["Account"]
    if service == "iam" and params.get("RoleName"):  # AttachRolePolicy names a policy too: the resource is the role
        return f"arn:{p}:iam::{account}:role/{params['RoleName']}"
    if service == "athena" and params.get("Name") and not params.get("NamedQueryId"):
        return f"arn:{p}:athena:{region}:{account}:workgroup/{params['Name']}"
    for key in ("ResourceArn", "ResourceARN", "resourceArn", "TopicArn", "PolicyArn", "OpenIDConnectProviderArn"):
        if str(params.get(key, "")).startswith("arn:"):
            return params[key]
    if service == "s3" and params.get("Bucket"):
        return f"arn:{p}:s3:::{params['Bucket']}" + (f"/{params['Key']}" if params.get("Key") else "")
    if service == "sqs" and (params.get("QueueName") or params.get("QueueUrl")):
        name = params.get("QueueName") or params["QueueUrl"].rstrip("/").rsplit("/", 1)[-1]
        return f"arn:{p}:sqs:{region}:{account}:{name}"
    if service == "sns" and params.get("Name"):
        return f"arn:{p}:sns:{region}:{account}:{params['Name']}"
    if service == "secretsmanager" and (params.get("SecretId") or params.get("Name")):
        name = params.get("SecretId") or params["Name"]
        return name if name.startswith("arn:") else f"arn:{p}:secretsmanager:{region}:{account}:secret:{name}"
    if service == "ssm" and str(params.get("Name") or params.get("ResourceId") or "").startswith("/"):
        return f"arn:{p}:ssm:{region}:{account}:parameter{params.get('Name') or params['ResourceId']}"
    if service == "monitoring" and params.get("AlarmName"):
        return f"arn:{p}:cloudwatch:{region}:{account}:alarm:{params['AlarmName']}"
    if service == "logs" and (params.get("logGroupName") or params.get("logGroupNamePrefix")):
        return f"arn:{p}:logs:{region}:{account}:log-group:{params.get('logGroupName') or params['logGroupNamePrefix']}"
    if service == "eks" and (params.get("clusterName") or params.get("name")):
        return f"arn:{p}:eks:{region}:{account}:cluster/{params.get('clusterName') or params['name']}"
    if service == "rds":
        for key, kind in (("DBInstanceIdentifier", "db"), ("DBParameterGroupName", "pg"), ("DBSubnetGroupName", "subgrp")):
            if params.get(key):
                return f"arn:{p}:rds:{region}:{account}:{kind}:{params[key]}"
        if str(params.get("ResourceName", "")).startswith("arn:"):
            return params["ResourceName"]
    if service == "es" and (params.get("DomainName") or str(params.get("ARN", "")).startswith("arn:")):
        return params.get("ARN") or f"arn:{p}:es:{region}:{account}:domain/{params['DomainName']}"
    if service == "cloudtrail" and params.get("Name"):
        return params["Name"] if params["Name"].startswith("arn:") else f"arn:{p}:cloudtrail:{region}:{account}:trail/{params['Name']}"
    if service == "backup" and params.get("BackupVaultName"):
        return f"arn:{p}:backup:{region}:{account}:backup-vault:{params['BackupVaultName']}"
    budget = params.get("BudgetName") or (params.get("Budget") or {}).get("BudgetName")
    if service == "budgets" and budget:
        return f"arn:{p}:budgets::{account}:budget/{budget}"
    return "*"


def passed_roles(params: dict) -> list[str]:
    """Role ARNs a call hands to a service (`roleArn`, `IamRoleArn`, ...): IAM checks iam:PassRole on each."""
    return sorted({v for k, v in params.items() if k.lower().endswith(("rolearn", "role")) and str(v).startswith("arn:") and ":role/" in str(v)})


# IAM condition keys a call sets from its parameters (the deploy policy conditions on them).
CONTEXT_KEYS = {"PermissionsBoundary": "iam:PermissionsBoundary", "PolicyArn": "iam:PolicyARN"}


def emulation_only(call: dict) -> bool:
    """A call only the local stack makes: it stands in for Identity Center, creating the identity-source
    groups and the AWSReservedSSO_* roles that AWS provisions itself (aws_access). The deploy role never
    makes these on AWS, and must not be allowed to."""
    return call["action"] == "identitystore:CreateGroup" or ":role/AWSReservedSSO_" in call["resource"]


def add_unrecorded(calls: list[dict], unrecorded: list[dict]) -> list[dict]:
    """The calls with the `unrecorded` ones added, sorted and distinct, without the local emulation's.

    `unrecorded`: calls a clean converge cannot record, each with its why: {action, resource}, added as it is (the
    emulator lacks the API, so the module stops before the write), or {action, like}, the action on every resource
    the recorded `like` action names, without its condition (a write made only to correct drift, on what the run
    reads or creates)."""
    seen = {(c["action"], c["resource"], tuple(sorted(c.get("context", {}).items()))) for c in calls}
    seen |= {(c["action"], c["resource"], ()) for c in unrecorded if "resource" in c}
    seen |= {(c["action"], resource, ()) for c in unrecorded if "like" in c for action, resource, _context in list(seen) if action == c["like"]}
    merged = [dict(action=a, resource=r, **({"context": dict(c)} if c else {})) for a, r, c in sorted(seen)]
    return [c for c in merged if not emulation_only(c)]


def reduce_calls(lines, values: dict, unrecorded: list[dict] = ()) -> list[dict]:
    """Recorded JSON lines -> the sorted distinct {action, resource[, context]} calls, with the `unrecorded` ones
    (add_unrecorded), without the local emulation's."""
    seen = set()
    for line in lines:
        record = json.loads(line)
        params = record.get("params", {})
        # A call to another region (the backup copy vault, a replica) names a resource there.
        where = dict(values, Region=record.get("region") or values["Region"])
        action = iam_action(record["service"], record["operation"])
        context = tuple(sorted((CONTEXT_KEYS[k], v) for k, v in params.items() if k in CONTEXT_KEYS and action.startswith("iam:")))
        seen.add((action, call_resource(record["service"], params, where), context))
        seen.update(("iam:PassRole", role, ()) for role in passed_roles(params))
    recorded = [dict(action=a, resource=r, **({"context": dict(c)} if c else {})) for a, r, c in sorted(seen)]
    return add_unrecorded(recorded, unrecorded)


def render(template, values: dict):
    """Replace ${Prefix}, ${Account}, ... in every string of a template (dict, list or str)."""
    if isinstance(template, dict):
        return {k: render(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [render(v, values) for v in template]
    if isinstance(template, str):
        return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)
    return template


def _sid(service: str, suffix: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^a-z0-9]+", service)) + suffix


def read_wildcards(service: str, actions: list[str]) -> list[str]:
    """A service's actions on "*", with two or more Describe (or List) calls as one `<service>:Describe*` (`List*`).

    Both prefixes name metadata reads only, outside NO_READ_WILDCARD_SERVICES: the policy keeps within IAM's 10,240
    characters for a role's inline policies while the recorded writes stay listed one by one."""
    out = []
    for prefix in READ_WILDCARD_PREFIXES:
        reads = [a for a in actions if a.split(":", 1)[1].startswith(prefix)]
        if len(reads) > 1 and service not in NO_READ_WILDCARD_SERVICES:
            out.append(f"{service}:{prefix}*")
            actions = [a for a in actions if a not in reads]
    return sorted(out + actions)


def generate(calls: list[dict], values: dict) -> dict:
    """The policy template from the reduced calls (`values`: the recording's Prefix, Slug, Env, Account, Region)."""
    by_action: dict[str, list[str]] = {}
    for call in calls:
        by_action.setdefault(call["action"], []).append(call["resource"])
    scoped: dict[str, list[str]] = {}
    unscoped: dict[str, list[str]] = {}
    boundary_gated, attached = [], {}
    for call in calls:
        if call["action"] in POLICY_ATTACH_ACTIONS:
            attached.setdefault(call["action"], set()).add(call.get("context", {}).get("iam:PolicyARN", ""))
    for action, resources in sorted(by_action.items()):
        service = action.split(":", 1)[0]
        if action in PRINCIPAL_CREATE_ACTIONS:
            boundary_gated.append(action)
            continue
        if action in POLICY_ATTACH_ACTIONS:
            continue
        patterns = render(SCOPES.get(service, []), values)
        if patterns and all(any(fnmatchcase(r, pat) for pat in patterns) for r in resources):
            scoped.setdefault(service, []).append(action)
        else:
            unscoped.setdefault(service, []).append(action)
    # One statement per scoped service, one for every unscoped action: a role's inline policies share 10,240 characters.
    statements = [
        {"Sid": _sid(service, "OnPlatformResources"), "Effect": "Allow", "Action": actions, "Resource": SCOPES[service]}
        for service, actions in sorted(scoped.items())
    ]
    if unscoped:
        actions = [a for service in sorted(unscoped) for a in read_wildcards(service, unscoped[service])]
        statements.append({"Sid": "CallsThatNameNoPlatformResource", "Effect": "Allow", "Action": actions, "Resource": "*"})
    if boundary_gated:
        statements.append(
            {
                "Sid": "IamRolesOnlyWithTheBoundary",
                "Effect": "Allow",
                "Action": boundary_gated,
                "Resource": SCOPES["iam"][0],
                "Condition": {"StringEquals": {"iam:PermissionsBoundary": "${Boundary}"}},
            }
        )
    if attached:
        statements.append(
            {
                "Sid": "IamAttachOnlyTheRecordedManagedPolicies",
                "Effect": "Allow",
                "Action": sorted(attached),
                "Resource": SCOPES["iam"][0],
                "Condition": {"StringEquals": {"iam:PolicyARN": sorted(set().union(*attached.values()) - {""})}},
            }
        )
    statements.append(
        {
            "Sid": "DenyRewritingTheCiRoles",
            "Effect": "Deny",
            "Action": CI_ROLE_WRITES,
            "Resource": "arn:${Partition}:iam::${Account}:role/${Prefix}-ci-*",
        }
    )
    statements.extend(guard_statements("${Boundary}"))
    return {"Version": "2012-10-17", "Statement": statements}
