# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The permissions boundary every role of the collection carries, and the guard statements that keep it on.

The boundary does not replace a role's own least-privilege policy: it caps every role at the
services the platform uses, minus the ways out of the model. No principal under it may create a role or user without
the boundary, take the boundary off a principal, edit or delete the boundary policy, or mint static
access keys. Because every role the collection creates carries it, no role can hand out more than
it was given.
"""

from __future__ import annotations

PRINCIPAL_CREATE_ACTIONS = ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:CreateUser", "iam:PutUserPermissionsBoundary"]
BOUNDARY_REMOVE_ACTIONS = ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"]
BOUNDARY_EDIT_ACTIONS = ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"]
STATIC_CREDENTIAL_ACTIONS = ["iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"]


def boundary_arn(account_id: str, name: str, partition: str = "aws") -> str:
    """The boundary's ARN is fixed by its name: check mode and later phases can use it before it exists."""
    return f"arn:{partition}:iam::{account_id}:policy/{name}"


def guard_statements(arn: str) -> list[dict]:
    """Denies that keep the boundary on every principal and the boundary itself unchanged."""
    return [
        {
            "Sid": "DenyPrincipalsWithoutTheBoundary",
            "Effect": "Deny",
            "Action": PRINCIPAL_CREATE_ACTIONS,
            "Resource": "*",
            "Condition": {"StringNotEquals": {"iam:PermissionsBoundary": arn}},
        },
        {"Sid": "DenyRemovingTheBoundary", "Effect": "Deny", "Action": BOUNDARY_REMOVE_ACTIONS, "Resource": "*"},
        {"Sid": "DenyEditingTheBoundary", "Effect": "Deny", "Action": BOUNDARY_EDIT_ACTIONS, "Resource": arn},
        {"Sid": "DenyStaticCredentials", "Effect": "Deny", "Action": STATIC_CREDENTIAL_ACTIONS, "Resource": "*"},
    ]


# The services the platform's roles use: the deploy policy, the IRSA templates and the service
# roles (tests/policy/test_permissions_boundary.py fails when one of their actions falls outside). AWS Backup's
# managed service-role policies add the services it can back up and restore (its documentation lists them).
PLATFORM_SERVICES = [
    "acm",
    "athena",
    "bedrock",
    "budgets",
    "ce",
    "cloudtrail",
    "cloudwatch",
    "cognito-idp",
    "ec2",
    "ecr",
    "eks",
    "elasticloadbalancing",
    "es",
    "events",
    "glue",
    "iam",
    "identitystore",
    "kms",
    "logs",
    "rds",
    "rds-db",
    "route53",
    "s3",
    "secretsmanager",
    "sns",
    "sqs",
    "ssm",
    "sso",
    "sts",
    "tag",
    "wafv2",
]
BACKUP_SERVICES = ["backup", "backup-storage", "dynamodb", "elasticfilesystem", "fsx", "redshift", "storagegateway", "timestream", "cloudformation"]


def boundary_policy(arn: str) -> dict:
    """The boundary document: at most the platform's services, never the guarded actions."""
    services = sorted(set(PLATFORM_SERVICES) | set(BACKUP_SERVICES))
    allow = {"Sid": "AllowThePlatformServices", "Effect": "Allow", "Action": [f"{s}:*" for s in services], "Resource": "*"}
    return {"Version": "2012-10-17", "Statement": [allow] + guard_statements(arn)}
