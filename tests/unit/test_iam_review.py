"""The IAM review: findings over GetAccountAuthorizationDetails (pure), and iam_review_info against moto
(moto 5.2.5 returns roles, inline and managed policy documents and permissions boundaries in the details)."""

from __future__ import annotations

import datetime
import json

from ansible_collections.mosaic.platform.plugins.module_utils.iam_review import (
    CROSS_ACCOUNT,
    NO_BOUNDARY,
    UNUSED,
    WILDCARD,
    foreign_principals,
    review_roles,
    wildcard_statements,
)
from ansible_collections.mosaic.platform.plugins.modules import iam_review_info as module
from test_edge_audit_cost_harness import ACCOUNT, run_module

# The moto_session fixture.
pytest_plugins = ["test_edge_audit_cost_harness"]

NOW = datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC)
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/p-local-permissions-boundary"


def doc(*statements) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def trust(principal) -> dict:
    return doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


def role(name, *, path="/", boundary=BOUNDARY, inline=(), attached=(), principal=None, created="2026-01-01T00:00:00Z", last_used=None) -> dict:
    return {
        "RoleName": name,
        "Arn": f"arn:aws:iam::{ACCOUNT}:role{path}{name}",
        "Path": path,
        "CreateDate": created,
        "AssumeRolePolicyDocument": trust(principal or {"Service": "ec2.amazonaws.com"}),
        "RolePolicyList": [{"PolicyName": f"p{i}", "PolicyDocument": d} for i, d in enumerate(inline)],
        "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[1], "PolicyArn": a} for a in attached],
        **({"PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}} if boundary else {}),
        "RoleLastUsed": {"LastUsedDate": last_used} if last_used else {},
    }


def kinds(review, name):
    return sorted(f["kind"] for r in review["flagged"] if r["role"] == name for f in r["findings"])


def test_wildcard_statements():
    found = wildcard_statements(
        doc(
            allow("*"),
            allow(["s3:GetObject", "s3:*"], "arn:aws:s3:::b/*", Sid="S3"),
            allow("s3:GetObject"),
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*"},
        )
    )
    assert [(f["sid"], f["actions"]) for f in found] == [("", ["*"]), ("S3", ["s3:*"]), ("", ["NotAction"])]


def test_url_encoded_documents_are_read():
    encoded = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"
    assert wildcard_statements(encoded)[0]["actions"] == ["*"]


def test_foreign_principals():
    assert foreign_principals(trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), ACCOUNT) == []
    assert foreign_principals(trust({"AWS": ["999999999999", f"arn:aws:iam::{ACCOUNT}:role/x"]}), ACCOUNT) == ["999999999999"]
    assert foreign_principals(trust("*"), ACCOUNT) == ["*"]
    assert foreign_principals(trust({"AWS": "*"}), ACCOUNT) == ["*"]
    assert foreign_principals(trust({"Federated": "arn:aws:iam::999999999999:oidc-provider/x"}), ACCOUNT) == []


def test_review_flags_each_kind_and_leaves_a_good_role_clean():
    managed = [
        {
            "Arn": f"arn:aws:iam::{ACCOUNT}:policy/broad",
            "PolicyVersionList": [
                {"Document": doc(allow("s3:GetObject")), "IsDefaultVersion": False},
                {"Document": doc(allow("ec2:*")), "IsDefaultVersion": True},
            ],
        }
    ]
    roles = [
        role("good", inline=[doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))], last_used="2026-11-20T00:00:00Z"),
        role("bad", boundary=None, inline=[doc(allow("*"))], principal={"AWS": "arn:aws:iam::999999999999:root"}),
        role("managed-wildcard", attached=[f"arn:aws:iam::{ACCOUNT}:policy/broad"], last_used="2026-11-29T00:00:00Z"),
        role("other-boundary", boundary=f"arn:aws:iam::{ACCOUNT}:policy/other", created="2026-11-29T00:00:00Z"),
        role("AWSServiceRoleForX", path="/aws-service-role/x.amazonaws.com/", boundary=None, last_used="2026-11-29T00:00:00Z"),
    ]
    review = review_roles(roles, managed, ACCOUNT, BOUNDARY, unused_days=90, now=NOW)
    assert review["clean"] == ["AWSServiceRoleForX", "good"]
    assert kinds(review, "bad") == sorted([WILDCARD, CROSS_ACCOUNT, NO_BOUNDARY, UNUSED])
    assert kinds(review, "managed-wildcard") == [WILDCARD]
    assert [f["policy"] for r in review["flagged"] if r["role"] == "managed-wildcard" for f in r["findings"]] == [f"arn:aws:iam::{ACCOUNT}:policy/broad"]
    assert kinds(review, "other-boundary") == [NO_BOUNDARY]
    assert review["counts"] == {WILDCARD: 2, CROSS_ACCOUNT: 1, NO_BOUNDARY: 2, UNUSED: 1}
    assert review["roles"] == 5


def test_unused_is_last_use_or_age_against_the_window():
    roles = [
        role("used-long-ago", last_used="2026-07-01T00:00:00Z"),
        role("used-lately", created="2020-01-01T00:00:00Z", last_used="2026-11-01T00:00:00Z"),
        role("new-never-used", created="2026-11-29T00:00:00Z"),
    ]
    review = review_roles(roles, [], ACCOUNT, BOUNDARY, unused_days=90, now=NOW)
    assert [r["role"] for r in review["flagged"]] == ["used-long-ago"]
    assert review_roles(roles, [], ACCOUNT, BOUNDARY, unused_days=0, now=NOW)["counts"][UNUSED] == 3


def test_module_on_moto_flags_the_bad_role(capsys, moto_session):
    iam = moto_session.client("iam")
    iam.create_policy(PolicyName="p-local-permissions-boundary", PolicyDocument=json.dumps(doc(allow("s3:GetObject"))))
    iam.create_role(
        RoleName="good",
        AssumeRolePolicyDocument=json.dumps(trust({"Service": "ec2.amazonaws.com"})),
        PermissionsBoundary=BOUNDARY,
    )
    iam.put_role_policy(RoleName="good", PolicyName="read", PolicyDocument=json.dumps(doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))))
    iam.create_role(RoleName="bad", AssumeRolePolicyDocument=json.dumps(trust({"AWS": "arn:aws:iam::999999999999:root"})))
    iam.put_role_policy(RoleName="bad", PolicyName="all", PolicyDocument=json.dumps(doc(allow("*"))))
    result = run_module(module.main, capsys, {"account_id": ACCOUNT, "boundary_arn": BOUNDARY}, check=True)
    review = result["review"]
    assert not result["changed"] and review["roles"] == 2 and review["clean"] == ["good"]
    assert kinds(review, "bad") == sorted([WILDCARD, CROSS_ACCOUNT, NO_BOUNDARY])
    # Both were created a moment ago: only a zero-day window calls them unused.
    zero = run_module(module.main, capsys, {"account_id": ACCOUNT, "boundary_arn": BOUNDARY, "unused_days": 0})["review"]
    assert zero["counts"][UNUSED] == 2


def test_module_rejects_a_negative_window(capsys, moto_session):
    result = run_module(module.main, capsys, {"account_id": ACCOUNT, "boundary_arn": BOUNDARY, "unused_days": -1})
    assert result["failed"] and result["msg"] == "unused_days must be 0 or more (got -1)"
