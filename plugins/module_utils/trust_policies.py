# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Trust policies for the platform's IAM roles, and the checks that keep them pinned.

Two kinds of principals may assume a platform role (people come through IAM Identity Center's own
roles, which the checker still recognises by their SAML trust):

- GitHub Actions through the account's OIDC provider (CI deploy roles);
- Kubernetes service accounts through the cluster's OIDC provider (IRSA).

moto stores trust policies but never evaluates their conditions (BRIEF.md section 4), so
the checks here are the only thing standing between a typo and a role any repository or
any pod can assume: every builder runs its checker before it returns.
"""

from __future__ import annotations

import json
import re

GITHUB_ISSUER = "token.actions.githubusercontent.com"
STS_AUDIENCE = "sts.amazonaws.com"

# GitHub owner and repository names: letters, digits, '-', '_' and '.'. No glob characters.
_GITHUB_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
# Kubernetes names (RFC 1123 labels / subdomains for service accounts).
_K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_GLOB = re.compile(r"[*?]")


class TrustPolicyError(ValueError):
    """A trust policy would let more principals in than intended."""


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def oidc_provider_arn(account_id: str, issuer: str, partition: str = "aws") -> str:
    """ARN of the IAM OIDC provider for an issuer URL (with or without https://)."""
    host = re.sub(r"^https://", "", str(issuer)).rstrip("/")
    return f"arn:{partition}:iam::{account_id}:oidc-provider/{host}"


def issuer_host(issuer: str) -> str:
    """The condition-key prefix IAM uses for an OIDC issuer: the URL without https://."""
    if not str(issuer).startswith("https://"):
        raise TrustPolicyError(f"the OIDC issuer must be an https:// URL, got {issuer!r}")
    return str(issuer)[len("https://") :].rstrip("/")


# --------------------------------------------------------------------------- GitHub Actions


def github_subjects(
    org: str,
    repo: str,
    branches: list[str] | None = None,
    refs: list[str] | None = None,
    environments: list[str] | None = None,
    org_id: int | str | None = None,
    repo_id: int | str | None = None,
) -> list[str]:
    """The `sub` claims a workflow of ORG/REPO presents for the given refs and environments.

    With org_id and repo_id the immutable form is used: GitHub's OIDC subject customization
    with include_claim_keys [repository_owner_id, repository_id, context] (a renamed or
    re-created repository cannot inherit the trust).
    """
    for label, value in (("github_org", org), ("github_repo", repo)):
        if not _GITHUB_NAME.match(str(value or "")):
            raise TrustPolicyError(f"{label} must be a literal GitHub name without wildcards, got {value!r}")
    if (org_id is None) != (repo_id is None):
        raise TrustPolicyError("github_org_id and github_repo_id go together (the immutable sub form needs both)")
    if org_id is not None and not (str(org_id).isdigit() and str(repo_id).isdigit()):
        raise TrustPolicyError("github_org_id and github_repo_id must be numeric ids")
    prefix = f"repository_owner_id:{org_id}:repository_id:{repo_id}" if org_id is not None else f"repo:{org}/{repo}"
    contexts = [f"ref:refs/heads/{b}" for b in _as_list(branches)]
    contexts += [f"ref:{r}" for r in _as_list(refs)]
    contexts += [f"environment:{e}" for e in _as_list(environments)]
    if not contexts:
        raise TrustPolicyError(f"{org}/{repo}: name at least one branch, ref or environment (never the whole repository)")
    return sorted({f"{prefix}:{c}" for c in contexts})


def github_trust_policy(provider_arn: str, subjects: list[str]) -> dict:
    """Trust GitHub Actions workflows whose `sub` is one of subjects, for audience sts.

    `aud` and `sub` sit in the one Condition of the one statement, so both must hold. Exact
    subjects go under StringEquals; when any subject is a pattern (a wildcard in the ref or
    environment part only) every subject goes under StringLike, since two operators on the
    same key would be ANDed and match nothing.
    """
    subs = sorted(set(_as_list(subjects)))
    operator = "StringLike" if any(_GLOB.search(s) for s in subs) else "StringEquals"
    condition: dict = {"StringEquals": {f"{GITHUB_ISSUER}:aud": STS_AUDIENCE}}
    condition.setdefault(operator, {})[f"{GITHUB_ISSUER}:sub"] = subs
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "GitHubActions",
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": condition,
            }
        ],
    }
    check_trust_policy(policy)
    return policy


# --------------------------------------------------------------------------- IRSA


def irsa_trust_policy(account_id: str, issuer: str, namespace: str, service_account: str, partition: str = "aws") -> dict:
    """Trust exactly one Kubernetes service account of one cluster."""
    host = issuer_host(issuer)
    for label, value in (("namespace", namespace), ("service_account", service_account)):
        if not _K8S_NAME.match(str(value or "")):
            raise TrustPolicyError(f"{label} must be a literal Kubernetes name, got {value!r}")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ServiceAccount",
                "Effect": "Allow",
                "Principal": {"Federated": oidc_provider_arn(account_id, issuer, partition)},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{host}:sub": f"system:serviceaccount:{namespace}:{service_account}",
                        f"{host}:aud": STS_AUDIENCE,
                    }
                },
            }
        ],
    }
    check_trust_policy(policy)
    return policy


# --------------------------------------------------------------------------- checks


def _federated(statement: dict) -> list[str]:
    principal = statement.get("Principal")
    if isinstance(principal, dict):
        return _as_list(principal.get("Federated"))
    return []


def _keys(condition: dict, suffix: str) -> dict[str, list[str]]:
    """Operator -> values, for every condition key ending in suffix."""
    found: dict[str, list[str]] = {}
    for operator, block in (condition or {}).items():
        for key, values in (block or {}).items():
            if key.endswith(suffix):
                found.setdefault(operator, []).extend(_as_list(values))
    return found


def _check_github(sid: str, condition: dict) -> None:
    aud = _keys(condition, f"{GITHUB_ISSUER}:aud")
    sub = _keys(condition, f"{GITHUB_ISSUER}:sub")
    if aud.get("StringEquals") != [STS_AUDIENCE] or set(aud) != {"StringEquals"}:
        raise TrustPolicyError(f"statement {sid}: GitHub trust needs StringEquals {GITHUB_ISSUER}:aud = {STS_AUDIENCE}")
    if not sub:
        raise TrustPolicyError(f"statement {sid}: GitHub trust needs {GITHUB_ISSUER}:sub in the same condition block as aud")
    if len(sub) != 1 or next(iter(sub)) not in ("StringEquals", "StringLike"):
        raise TrustPolicyError(f"statement {sid}: {GITHUB_ISSUER}:sub must sit under exactly one of StringEquals or StringLike")
    operator, subjects = next(iter(sub.items()))
    for subject in subjects:
        match = re.match(r"^(repo:([^/:]+)/([^/:]+)|repository_owner_id:([0-9]+):repository_id:([0-9]+)):(ref|environment):(.+)$", subject)
        if not match:
            raise TrustPolicyError(f"statement {sid}: sub {subject!r} is not pinned to repo:ORG/REPO:ref|environment:...")
        if _GLOB.search(match.group(1)):
            raise TrustPolicyError(f"statement {sid}: sub {subject!r} has a wildcard in the org or repo")
        if operator == "StringEquals" and _GLOB.search(subject):
            raise TrustPolicyError(f"statement {sid}: sub {subject!r} has a wildcard under StringEquals (it would never match)")
        if match.group(7) in ("*", "**") or match.group(7).startswith("*"):
            raise TrustPolicyError(f"statement {sid}: sub {subject!r} matches any ref or environment")


def _check_irsa(sid: str, condition: dict, federated: str) -> None:
    host = federated.split(":oidc-provider/", 1)[1]
    equals = (condition or {}).get("StringEquals", {})
    sub = _as_list(equals.get(f"{host}:sub"))
    if equals.get(f"{host}:aud") != STS_AUDIENCE:
        raise TrustPolicyError(f"statement {sid}: IRSA trust needs StringEquals {host}:aud = {STS_AUDIENCE}")
    if len(sub) != 1 or not re.match(r"^system:serviceaccount:[a-z0-9][-a-z0-9.]*:[a-z0-9][-a-z0-9.]*$", sub[0]):
        raise TrustPolicyError(f"statement {sid}: IRSA trust needs StringEquals {host}:sub = one exact system:serviceaccount:<ns>:<sa>")
    others = {op for op in (condition or {}) if op != "StringEquals" and any(k.startswith(host) for k in condition[op])}
    if others:
        raise TrustPolicyError(f"statement {sid}: IRSA conditions on {host} only under StringEquals, found {sorted(others)}")


def check_trust_policy(policy: dict | str) -> dict:
    """Reject trust policies that let in more than one pinned principal; return the policy."""
    doc = json.loads(policy) if isinstance(policy, str) else policy
    statements = _as_list(doc.get("Statement"))
    if not statements:
        raise TrustPolicyError("a trust policy needs at least one statement")
    for statement in statements:
        sid = statement.get("Sid", "<no Sid>")
        if statement.get("Effect") != "Allow":
            continue
        if statement.get("NotPrincipal") or statement.get("NotAction"):
            raise TrustPolicyError(f"statement {sid}: NotPrincipal/NotAction are not allowed")
        principal = statement.get("Principal")
        if principal == "*" or (isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))):
            raise TrustPolicyError(f"statement {sid}: Principal '*' is never allowed in a trust policy")
        condition = statement.get("Condition") or {}
        actions = _as_list(statement.get("Action"))
        for federated in _federated(statement):
            if federated.endswith(f":oidc-provider/{GITHUB_ISSUER}"):
                _check_github(sid, condition)
            elif ":oidc-provider/" in federated:
                _check_irsa(sid, condition, federated)
            elif ":saml-provider/" in federated:
                if not _as_list((condition.get("StringEquals") or {}).get("SAML:aud")):
                    raise TrustPolicyError(f"statement {sid}: SAML trust needs StringEquals SAML:aud")
                if "sts:AssumeRoleWithSAML" not in actions:
                    raise TrustPolicyError(f"statement {sid}: a SAML provider is trusted only through sts:AssumeRoleWithSAML")
            else:
                raise TrustPolicyError(f"statement {sid}: unknown federated principal {federated!r}")
    return doc
