"""Trust policies as documents: the builders pin them and the checker rejects broken ones.

moto never evaluates trust conditions (BRIEF.md section 4): these tests are the control.
"""

from __future__ import annotations

import copy

import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.trust_policies import (
    GITHUB_ISSUER,
    TrustPolicyError,
    check_trust_policy,
    github_subjects,
    github_trust_policy,
    irsa_trust_policy,
    oidc_provider_arn,
)

ACCOUNT = "123456789012"
GITHUB_ARN = oidc_provider_arn(ACCOUNT, f"https://{GITHUB_ISSUER}")
ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789"
HOST = ISSUER.removeprefix("https://")
SAML_ARN = f"arn:aws:iam::{ACCOUNT}:saml-provider/AWSSSO_abc_DO_NOT_DELETE"
AUD, SUB = f"{GITHUB_ISSUER}:aud", f"{GITHUB_ISSUER}:sub"


@pytest.fixture
def github():
    return github_trust_policy(GITHUB_ARN, github_subjects("acme", "infra", branches=["main"], environments=["prod"]))


@pytest.fixture
def irsa():
    return irsa_trust_policy(ACCOUNT, ISSUER, "keda", "keda-operator")


# -- GitHub -----------------------------------------------------------------------------------


def test_github_trust_pins_aud_and_sub_in_one_block(github):
    [statement] = github["Statement"]
    assert statement["Principal"] == {"Federated": GITHUB_ARN}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"] == {
        "StringEquals": {AUD: "sts.amazonaws.com", SUB: ["repo:acme/infra:environment:prod", "repo:acme/infra:ref:refs/heads/main"]}
    }


def test_a_ref_pattern_moves_every_subject_to_stringlike():
    doc = github_trust_policy(GITHUB_ARN, github_subjects("acme", "infra", branches=["main"], refs=["refs/tags/v*"]))
    condition = doc["Statement"][0]["Condition"]
    assert condition["StringEquals"] == {AUD: "sts.amazonaws.com"}
    assert condition["StringLike"] == {SUB: ["repo:acme/infra:ref:refs/heads/main", "repo:acme/infra:ref:refs/tags/v*"]}


def test_immutable_subject_form():
    subs = github_subjects("acme", "infra", branches=["main"], org_id=1234, repo_id=5678)
    assert subs == ["repository_owner_id:1234:repository_id:5678:ref:refs/heads/main"]
    check_trust_policy(github_trust_policy(GITHUB_ARN, subs))


@pytest.mark.parametrize(
    ("org", "repo", "needle"),
    [("*", "infra", "github_org"), ("acme", "*", "github_repo"), ("ac?me", "infra", "github_org"), ("acme", "infra-*", "github_repo"), ("", "x", "github_org")],
)
def test_subjects_reject_a_wildcard_org_or_repo(org, repo, needle):
    with pytest.raises(TrustPolicyError, match=needle):
        github_subjects(org, repo, branches=["main"])


def test_subjects_need_a_ref_or_an_environment():
    with pytest.raises(TrustPolicyError, match="at least one branch"):
        github_subjects("acme", "infra")


def test_immutable_ids_go_together():
    with pytest.raises(TrustPolicyError, match="go together"):
        github_subjects("acme", "infra", branches=["main"], org_id=1)


def _break(doc, mutate):
    broken = copy.deepcopy(doc)
    mutate(broken["Statement"][0])
    return broken


def _cond(statement):
    return statement["Condition"]


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        # wildcard repo
        (lambda s: _cond(s)["StringEquals"].update({SUB: ["repo:acme/*:ref:refs/heads/main"]}), "wildcard in the org or repo"),
        # wildcard org under StringLike
        (lambda s: s.update(Condition={"StringEquals": {AUD: "sts.amazonaws.com"}, "StringLike": {SUB: "repo:*/infra:ref:refs/heads/main"}}), "wildcard"),
        # missing aud
        (lambda s: _cond(s)["StringEquals"].pop(AUD), "aud"),
        # wrong aud
        (lambda s: _cond(s)["StringEquals"].update({AUD: "sigstore"}), "aud"),
        # missing sub
        (lambda s: _cond(s)["StringEquals"].pop(SUB), "sub in the same condition block"),
        # sub under StringLike with a bare *
        (lambda s: s.update(Condition={"StringEquals": {AUD: "sts.amazonaws.com"}, "StringLike": {SUB: "*"}}), "not pinned"),
        # whole repository trusted
        (lambda s: s.update(Condition={"StringEquals": {AUD: "sts.amazonaws.com"}, "StringLike": {SUB: "repo:acme/infra:*"}}), "not pinned"),
        # any ref of the repository
        (lambda s: s.update(Condition={"StringEquals": {AUD: "sts.amazonaws.com"}, "StringLike": {SUB: "repo:acme/infra:ref:*"}}), "any ref"),
        # aud and sub in different statements (condition blocks)
        (lambda s: _cond(s)["StringEquals"].pop(SUB), "sub"),
        # sub under two operators (ANDed, ambiguous)
        (lambda s: _cond(s).update(StringLike={SUB: "repo:acme/infra:ref:refs/tags/v*"}), "exactly one"),
        # wildcard under StringEquals
        (lambda s: _cond(s)["StringEquals"].update({SUB: "repo:acme/infra:ref:refs/tags/v*"}), "under StringEquals"),
        (lambda s: s.update(Principal="*"), "Principal '\\*'"),
        (lambda s: s.update(NotPrincipal={"AWS": "x"}), "NotPrincipal"),
    ],
)
def test_check_rejects_a_broken_github_trust(github, mutate, needle):
    with pytest.raises(TrustPolicyError, match=needle):
        check_trust_policy(_break(github, mutate))


def test_check_rejects_aud_and_sub_split_across_statements(github):
    doc = copy.deepcopy(github)
    first = doc["Statement"][0]
    second = copy.deepcopy(first)
    first["Condition"] = {"StringEquals": {AUD: "sts.amazonaws.com"}}
    second["Condition"] = {"StringEquals": {SUB: "repo:acme/infra:ref:refs/heads/main"}}
    doc["Statement"].append(second)
    with pytest.raises(TrustPolicyError):
        check_trust_policy(doc)


# -- SAML -------------------------------------------------------------------------------------


def saml_trust():
    """The trust of a role IAM Identity Center provisions (AWSReservedSSO_*), as the checker meets it."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": SAML_ARN},
                "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
            }
        ],
    }


def test_check_accepts_an_identity_center_saml_trust():
    assert check_trust_policy(saml_trust()) == saml_trust()


@pytest.mark.parametrize(
    "mutate",
    [lambda s: s.pop("Condition"), lambda s: s.update(Condition={"StringLike": {"SAML:aud": "*"}}), lambda s: s.update(Action="sts:AssumeRole")],
)
def test_check_rejects_a_broken_saml_trust(mutate):
    with pytest.raises(TrustPolicyError, match="SAML"):
        check_trust_policy(_break(saml_trust(), mutate))


# -- IRSA -------------------------------------------------------------------------------------


def test_irsa_trust_pins_exact_sub_and_aud(irsa):
    [statement] = irsa["Statement"]
    assert statement["Principal"] == {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{HOST}"}
    assert statement["Condition"] == {"StringEquals": {f"{HOST}:sub": "system:serviceaccount:keda:keda-operator", f"{HOST}:aud": "sts.amazonaws.com"}}


@pytest.mark.parametrize(
    ("issuer", "namespace", "sa", "needle"),
    [
        ("http://oidc.example", "ns", "sa", "https://"),
        (ISSUER, "*", "sa", "namespace"),
        (ISSUER, "ns", "*", "service_account"),
        (ISSUER, "ns", "Sa", "service_account"),
    ],
)
def test_irsa_builder_rejects_bad_input(issuer, namespace, sa, needle):
    with pytest.raises(TrustPolicyError, match=needle):
        irsa_trust_policy(ACCOUNT, issuer, namespace, sa)


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda s: _cond(s)["StringEquals"].pop(f"{HOST}:aud"), "aud"),
        (lambda s: _cond(s)["StringEquals"].update({f"{HOST}:sub": "system:serviceaccount:keda:*"}), "exact"),
        (lambda s: _cond(s)["StringEquals"].update({f"{HOST}:sub": ["system:serviceaccount:a:b", "system:serviceaccount:c:d"]}), "one exact"),
        (lambda s: _cond(s).update(StringLike={f"{HOST}:sub": "system:serviceaccount:*"}), "only under StringEquals"),
        (lambda s: s.pop("Condition"), "aud"),
    ],
)
def test_check_rejects_a_broken_irsa_trust(irsa, mutate, needle):
    with pytest.raises(TrustPolicyError, match=needle):
        check_trust_policy(_break(irsa, mutate))


def test_check_rejects_an_unknown_federated_principal(irsa):
    doc = _break(irsa, lambda s: s.update(Principal={"Federated": "cognito-identity.amazonaws.com"}))
    with pytest.raises(TrustPolicyError, match="unknown federated"):
        check_trust_policy(doc)


def test_check_accepts_json_text(irsa):
    import json

    assert check_trust_policy(json.dumps(irsa)) == irsa
