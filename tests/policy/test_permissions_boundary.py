"""The permissions boundary as a document, decided by the offline evaluator of deploy_policy.

moto never evaluates IAM conditions or boundaries (BRIEF.md section 4): these tests are the control.
"""

from __future__ import annotations

import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.iam_evaluator import allowed
from ansible_collections.mosaic.platform.plugins.module_utils.iam_permissions import IRSA_TEMPLATES, Naming, irsa_policy
from ansible_collections.mosaic.platform.plugins.module_utils.permissions_boundary import boundary_arn, boundary_policy
from ansible_collections.mosaic.platform.plugins.module_utils.s3_policies import replication_role_policy

ACCOUNT = "123456789012"
BOUNDARY = boundary_arn(ACCOUNT, "acme-dev-permissions-boundary")
VALUES = {"Partition": "aws", "Prefix": "acme-dev", "Slug": "acme", "Env": "dev", "Account": ACCOUNT, "Region": "eu-west-1"}
ROLE = f"arn:aws:iam::{ACCOUNT}:role/acme-dev-irsa-keda"


@pytest.fixture
def boundary():
    return boundary_policy(BOUNDARY)


def test_boundary_arn_is_fixed_by_its_name():
    assert BOUNDARY == "arn:aws:iam::123456789012:policy/acme-dev-permissions-boundary"


@pytest.mark.parametrize("action", ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:CreateUser", "iam:PutUserPermissionsBoundary"])
def test_boundary_refuses_principals_without_itself(boundary, action):
    assert not allowed(boundary, action, ROLE)
    assert not allowed(boundary, action, ROLE, {"iam:PermissionsBoundary": "arn:aws:iam::123456789012:policy/other"})
    assert allowed(boundary, action, ROLE, {"iam:PermissionsBoundary": BOUNDARY})


@pytest.mark.parametrize("action", ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary", "iam:CreateAccessKey", "iam:CreateLoginProfile"])
def test_boundary_refuses_removal_and_static_credentials(boundary, action):
    assert not allowed(boundary, action, ROLE)


@pytest.mark.parametrize("action", ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"])
def test_boundary_policy_cannot_be_edited_under_it(boundary, action):
    assert not allowed(boundary, action, BOUNDARY)
    assert allowed(boundary, action, f"arn:aws:iam::{ACCOUNT}:policy/acme-dev-other")


def test_boundary_caps_roles_at_the_platform_services(boundary):
    assert allowed(boundary, "s3:GetObject", "arn:aws:s3:::acme-dev-media-123456789012/x")
    assert not allowed(boundary, "organizations:LeaveOrganization")
    assert not allowed(boundary, "lambda:CreateFunction")


NAMING = Naming("acme-dev", "acme", "dev", ACCOUNT, "eu-west-1")
KEYS = {p: f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{p}" for p in ["data", "secrets", "storage", "messaging"]}
IRSA_PARAMS = {
    "keda": {"queues": ["jobs"]},
    "queue-consumer": {"queues": ["jobs"]},
    "neo4j-backup": {"prefix": "neo4j"},
    "secret-store": {"secrets": ["litellm/*"]},
}


def _role_policies():
    for template in sorted(IRSA_TEMPLATES):
        yield f"irsa {template}", irsa_policy(template, NAMING, params=IRSA_PARAMS.get(template, {}), kms_keys=KEYS)
    pairs = [["acme-dev-media-123456789012", "acme-dev-media-replica-123456789012"]]
    yield "s3 replication", replication_role_policy(pairs, KEYS["storage"], KEYS["storage"], "eu-west-1", "eu-central-1")


@pytest.mark.parametrize(("name", "policy"), list(_role_policies()))
def test_every_role_policy_fits_inside_the_boundary(boundary, name, policy):
    """A role policy granting a service the boundary leaves out would silently not work: keep the list complete."""
    for statement in policy["Statement"]:
        if statement["Effect"] != "Allow":
            continue
        for action in statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]:
            assert allowed(boundary, action.replace("*", "X")), f"{name}: {action} is outside the boundary"


def test_the_evaluator_refuses_what_it_cannot_decide():
    with pytest.raises(ValueError, match="NotAction"):
        allowed({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}, "s3:GetObject")
    with pytest.raises(ValueError, match="ForAnyValue:StringLike"):
        allowed({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"ForAnyValue:StringLike": {"k": "v"}}}]}, "s3:GetObject")
