# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The monthly IAM review: findings over the account's roles as GetAccountAuthorizationDetails returns them.

A finding is one of: a wildcard statement (an Allow with action `*`, a service-wide `<service>:*` or NotAction), a
cross-account trust (a principal of another account, or `*`), a role without the platform's permissions boundary,
and an unused role (never used, or not for `unused_days`, and older than that). Roles AWS manages (service-linked
roles under /aws-service-role/, the Identity Center roles under /aws-reserved/) cannot carry a boundary and are
reviewed for everything else.
"""

from __future__ import annotations

import datetime
import json
import re
from urllib.parse import unquote

WILDCARD = "wildcard_statement"
CROSS_ACCOUNT = "cross_account_trust"
NO_BOUNDARY = "no_permissions_boundary"
UNUSED = "unused_role"
KINDS = (WILDCARD, CROSS_ACCOUNT, NO_BOUNDARY, UNUSED)
AWS_MANAGED_PATHS = ("/aws-service-role/", "/aws-reserved/")

_SERVICE_WIDE = re.compile(r"^[A-Za-z0-9-]+:\*$")
_ACCOUNT = re.compile(r"^(?:arn:aws[a-z-]*:iam::)?([0-9]{12})(?::|$)")


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _document(value) -> dict:
    """Policy documents come as dicts (boto3 decodes them) or URL-encoded JSON (the raw API)."""
    if isinstance(value, str):
        return json.loads(unquote(value))
    return value or {}


def _date(value) -> datetime.datetime | None:
    if not value:
        return None
    text = str(value).replace("Z", "+00:00").replace(" ", "T", 1)
    moment = value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def wildcard_statements(document) -> list[dict]:
    """Allow statements granting `*`, a whole service, or everything but some actions (NotAction)."""
    found = []
    for statement in _as_list(_document(document).get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        actions = [a for a in _as_list(statement.get("Action")) if a == "*" or _SERVICE_WIDE.match(a)]
        if statement.get("NotAction") is not None:
            actions.append("NotAction")
        if actions:
            found.append({"sid": statement.get("Sid", ""), "actions": sorted(set(actions)), "resources": _as_list(statement.get("Resource"))})
    return found


def foreign_principals(document, account_id: str) -> list[str]:
    """AWS principals of the trust policy outside account_id (`*` included)."""
    found = []
    for statement in _as_list(_document(document).get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        aws = ["*"] if principal == "*" else _as_list((principal or {}).get("AWS"))
        for entry in aws:
            match = _ACCOUNT.match(entry)
            if entry == "*" or (match and match.group(1) != account_id):
                found.append(entry)
    return sorted(set(found))


def _policy_documents(role: dict, managed: dict[str, dict]) -> list[tuple[str, dict]]:
    documents = [(f"inline:{p['PolicyName']}", p.get("PolicyDocument")) for p in role.get("RolePolicyList") or []]
    for attached in role.get("AttachedManagedPolicies") or []:
        if attached["PolicyArn"] in managed:
            documents.append((attached["PolicyArn"], managed[attached["PolicyArn"]]))
    return documents


def managed_documents(policies: list[dict]) -> dict[str, dict]:
    """Default version of each managed policy of the details' `Policies` list, by ARN."""
    found = {}
    for policy in policies or []:
        for version in policy.get("PolicyVersionList") or []:
            if version.get("IsDefaultVersion"):
                found[policy["Arn"]] = _document(version.get("Document"))
    return found


def review_roles(
    roles: list[dict],
    policies: list[dict],
    account_id: str,
    boundary_arn: str,
    unused_days: int = 90,
    now: datetime.datetime | None = None,
) -> dict:
    """Findings per role, and their count by kind. Roles are GetAccountAuthorizationDetails' RoleDetailList."""
    now = now or datetime.datetime.now(datetime.UTC)
    cutoff = now - datetime.timedelta(days=unused_days)
    managed = managed_documents(policies)
    reviewed = []
    for role in sorted(roles, key=lambda r: r["RoleName"]):
        findings = []
        aws_managed = (role.get("Path") or "/").startswith(AWS_MANAGED_PATHS)
        for source, document in _policy_documents(role, managed):
            for statement in wildcard_statements(document):
                findings.append({"kind": WILDCARD, "policy": source, **statement})
        foreign = foreign_principals(role.get("AssumeRolePolicyDocument"), account_id)
        if foreign:
            findings.append({"kind": CROSS_ACCOUNT, "principals": foreign})
        boundary = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn", "")
        if not aws_managed and boundary != boundary_arn:
            findings.append({"kind": NO_BOUNDARY, "boundary": boundary})
        last_used = _date((role.get("RoleLastUsed") or {}).get("LastUsedDate"))
        created = _date(role.get("CreateDate")) or now
        # Never used: the role's age counts instead.
        if (last_used or created) < cutoff:
            findings.append({"kind": UNUSED, "last_used": last_used.isoformat() if last_used else None, "created": created.isoformat()})
        reviewed.append(
            {
                "role": role["RoleName"],
                "arn": role["Arn"],
                "aws_managed": aws_managed,
                "last_used": last_used.isoformat() if last_used else None,
                "findings": findings,
            }
        )
    counts = {kind: sum(1 for r in reviewed for f in r["findings"] if f["kind"] == kind) for kind in KINDS}
    return {
        "account_id": account_id,
        "boundary_arn": boundary_arn,
        "unused_days": unused_days,
        "roles": len(reviewed),
        "counts": counts,
        "flagged": [r for r in reviewed if r["findings"]],
        "clean": [r["role"] for r in reviewed if not r["findings"]],
    }
