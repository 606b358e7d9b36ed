# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Builders and checks for the IAM-style policy documents the collection writes.

The documents are built here, in Python, so the same code serves the roles (through the
filter plugins) and the policy tests, which check them as documents: moto stores policies
but never evaluates their conditions (BRIEF.md section 4).
"""

from __future__ import annotations

import json

KMS_ADMIN_ACTIONS = (
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)

KMS_USAGE_ACTIONS = (
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
)

KMS_GRANT_ACTIONS = ("kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant")


class PolicyError(ValueError):
    """A policy document breaks the security baseline."""


def account_root(account_id: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account_id}:root"


def kms_key_policy(
    account_id: str,
    region: str,
    via_services: list[str] | None = None,
    admin_principals: list[str] | None = None,
    usage_principals: list[str] | None = None,
    service_principals: list[str] | None = None,
    partition: str = "aws",
) -> dict:
    """Least-privilege key policy.

    - Administrators (default: the account, so IAM admins can always recover the key) get the
      management actions and never the cryptographic ones.
    - Principals of the account may use the key only through the named AWS services
      (kms:ViaService), so an IAM policy alone cannot turn the key into a general decryptor.
    - Named roles (usage_principals) may use it directly and create grants for AWS resources.
    - Service principals (CloudTrail, CloudWatch Logs, SNS...) may use it on behalf of this
      account only (aws:SourceAccount).
    """
    if not str(account_id).isdigit() or len(str(account_id)) != 12:
        raise PolicyError(f"account_id must be a 12-digit AWS account id, got {account_id!r}")
    root = account_root(account_id, partition)
    admins = sorted(set(admin_principals or [root]))
    statements: list[dict] = [
        {
            "Sid": "KeyAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": admins},
            "Action": list(KMS_ADMIN_ACTIONS),
            "Resource": "*",
        }
    ]
    services = sorted(set(via_services or []))
    if services:
        statements.append(
            {
                "Sid": "UseThroughAwsServices",
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": list(KMS_USAGE_ACTIONS) + ["kms:CreateGrant"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "kms:CallerAccount": str(account_id),
                        "kms:ViaService": [f"{svc}.{region}.amazonaws.com" for svc in services],
                    }
                },
            }
        )
    users = sorted(set(usage_principals or []))
    if users:
        statements.append(
            {
                "Sid": "UseByNamedRoles",
                "Effect": "Allow",
                "Principal": {"AWS": users},
                "Action": list(KMS_USAGE_ACTIONS),
                "Resource": "*",
            }
        )
        statements.append(
            {
                "Sid": "GrantsForAwsResources",
                "Effect": "Allow",
                "Principal": {"AWS": users},
                "Action": list(KMS_GRANT_ACTIONS),
                "Resource": "*",
                "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
            }
        )
    svc_principals = sorted(set(service_principals or []))
    if svc_principals:
        statements.append(
            {
                "Sid": "UseByServicePrincipals",
                "Effect": "Allow",
                "Principal": {"Service": svc_principals},
                "Action": list(KMS_USAGE_ACTIONS),
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": str(account_id)}},
            }
        )
    policy = {"Version": "2012-10-17", "Statement": statements}
    check_kms_key_policy(policy)
    return policy


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _principals(statement: dict) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, dict):
        return [p for values in principal.values() for p in _as_list(values)]
    return _as_list(principal)


def check_kms_key_policy(policy: dict | str) -> dict:
    """Reject key policies that break the baseline; return the policy when it is sound."""
    doc = json.loads(policy) if isinstance(policy, str) else policy
    crypto = {"kms:decrypt", "kms:encrypt", "kms:creategrant", "kms:generatedatakey*", "kms:reencrypt*"}
    for statement in _as_list(doc.get("Statement")):
        sid = statement.get("Sid", "<no Sid>")
        if statement.get("Effect") != "Allow":
            continue
        actions = [a.lower() for a in _as_list(statement.get("Action"))]
        if "kms:*" in actions or "*" in actions:
            raise PolicyError(f"statement {sid}: grants kms:* (name the actions)")
        if "*" in _principals(statement):
            raise PolicyError(f"statement {sid}: Principal '*' is never allowed in a key policy")
        if statement.get("NotPrincipal") or statement.get("NotAction"):
            raise PolicyError(f"statement {sid}: NotPrincipal/NotAction are not allowed")
        is_root = any(p.endswith(":root") for p in _principals(statement))
        uses_crypto = any(a in crypto or a.startswith(("kms:generatedatakey", "kms:reencrypt")) for a in actions)
        if is_root and uses_crypto:
            cond = statement.get("Condition", {}).get("StringEquals", {})
            if "kms:ViaService" not in cond or "kms:CallerAccount" not in cond:
                raise PolicyError(f"statement {sid}: the account may use the key only through kms:ViaService with kms:CallerAccount")
        if "Service" in (statement.get("Principal") or {}) and uses_crypto:
            cond = statement.get("Condition", {}).get("StringEquals", {})
            if "aws:SourceAccount" not in cond and "aws:SourceArn" not in statement.get("Condition", {}).get("ArnLike", {}):
                raise PolicyError(f"statement {sid}: service principals need an aws:SourceAccount or aws:SourceArn condition")
    return doc
