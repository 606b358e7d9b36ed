"""iam_roles: create/converge x check/real x twice, for several roles in one run, against moto in-process."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.mosaic.platform.plugins.modules import iam_roles
from moto import mock_aws

AUTH = {"region": "eu-west-1", "access_key": "testing", "secret_key": "testing"}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}


pytestmark = pytest.mark.usefixtures("in_process_aws")


@pytest.fixture
def iam():
    with mock_aws():
        client = boto3.client("iam", region_name="eu-west-1")
        boundary = client.create_policy(PolicyName="boundary", PolicyDocument=json.dumps(POLICY))["Policy"]["Arn"]
        yield client, boundary


def call(capsys, roles, check_mode=False):
    args = {**AUTH, "roles": roles, "_ansible_check_mode": check_mode}
    with patch_module_args(args), pytest.raises(SystemExit):
        iam_roles.main()
    return json.loads(capsys.readouterr().out)


@pytest.fixture(params=["one role per run", "with a companion role"])
def run(request, capsys):
    """Each test on the per-role reads (a run of one role) and on the account-wide reads (a run of two or more)."""
    companion = [] if request.param == "one role per run" else [{"name": "companion", "assume_role_policy": TRUST}]

    def converge(roles, check_mode=False):
        result = call(capsys, roles + [r for r in companion if r["name"] not in {x["name"] for x in roles}], check_mode)
        if "roles" in result:
            result["roles"].pop("companion", None)
        return result

    return converge


def spec(name, boundary, **over):
    return {
        "name": name,
        "assume_role_policy": TRUST,
        "description": f"role {name}",
        "boundary": boundary,
        "tags": {"Project": "P", "Name": name},
        "inline_policies": {"access": POLICY},
        **over,
    }


def roles_of(client):
    return sorted(r["RoleName"] for r in client.list_roles()["Roles"] if r["RoleName"] != "companion")


def test_check_mode_creates_nothing_and_returns_the_arns(run, iam):
    client, boundary = iam
    result = run([spec("a", boundary), spec("b", boundary)], check_mode=True)
    assert result["changed"] is True
    assert result["roles"]["a"] == {"arn": "arn:aws:iam::123456789012:role/a", "changed": ["created", "policy access"]}
    assert roles_of(client) == []


def test_create_then_again_is_idempotent(run, iam):
    client, boundary = iam
    first = run([spec("a", boundary), spec("b", boundary)])
    assert first["changed"] is True
    assert roles_of(client) == ["a", "b"]
    role = client.get_role(RoleName="a")["Role"]
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
    assert role["Description"] == "role a"
    assert {t["Key"]: t["Value"] for t in client.list_role_tags(RoleName="a")["Tags"]} == {"Project": "P", "Name": "a"}
    assert client.get_role_policy(RoleName="a", PolicyName="access")["PolicyDocument"] == POLICY
    second = run([spec("a", boundary), spec("b", boundary)])
    assert second["changed"] is False
    assert second["roles"]["b"] == {"arn": first["roles"]["b"]["arn"], "changed": []}


def test_drift_is_reported_in_check_mode_and_converged_by_a_real_run(run, iam):
    client, boundary = iam
    run([spec("a", boundary)])
    client.update_assume_role_policy(RoleName="a", PolicyDocument=json.dumps({**TRUST, "Statement": [{**TRUST["Statement"][0], "Effect": "Deny"}]}))
    client.tag_role(RoleName="a", Tags=[{"Key": "Extra", "Value": "x"}])
    client.put_role_policy(RoleName="a", PolicyName="access", PolicyDocument=json.dumps({**POLICY, "Statement": [{**POLICY["Statement"][0], "Resource": "*"}]}))
    client.attach_role_policy(RoleName="a", PolicyArn=boundary)
    client.delete_role_permissions_boundary(RoleName="a")
    want = ["trust", "boundary", "tags", "detached boundary", "policy access"]
    planned = run([spec("a", boundary)], check_mode=True)
    assert planned["roles"]["a"]["changed"] == want
    assert client.list_attached_role_policies(RoleName="a")["AttachedPolicies"], "check mode detached a policy"
    applied = run([spec("a", boundary)])
    assert applied["roles"]["a"]["changed"] == want
    assert run([spec("a", boundary)])["changed"] is False
    assert client.get_role_policy(RoleName="a", PolicyName="access")["PolicyDocument"] == POLICY
    assert client.list_attached_role_policies(RoleName="a")["AttachedPolicies"] == []
    assert "Extra" not in {t["Key"] for t in client.list_role_tags(RoleName="a")["Tags"]}


def test_exactly_the_managed_policies_given_stay_attached(run, iam):
    client, boundary = iam
    other = client.create_policy(PolicyName="other", PolicyDocument=json.dumps(POLICY))["Policy"]["Arn"]
    created = run([spec("a", boundary, managed_policies=[boundary])])
    assert created["roles"]["a"]["changed"] == ["created", "attached boundary", "policy access"]
    attached = client.list_attached_role_policies(RoleName="a")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [boundary]
    assert run([spec("a", boundary, managed_policies=[boundary])])["changed"] is False
    planned = run([spec("a", boundary, managed_policies=[other])], check_mode=True)
    assert planned["roles"]["a"]["changed"] == ["detached boundary", "attached other"]
    assert [p["PolicyArn"] for p in client.list_attached_role_policies(RoleName="a")["AttachedPolicies"]] == [boundary]
    run([spec("a", boundary, managed_policies=[other])])
    assert [p["PolicyArn"] for p in client.list_attached_role_policies(RoleName="a")["AttachedPolicies"]] == [other]


def test_other_inline_policies_are_left_alone(run, iam):
    client, boundary = iam
    run([spec("a", boundary)])
    client.put_role_policy(RoleName="a", PolicyName="manual", PolicyDocument=json.dumps(POLICY))
    assert run([spec("a", boundary)])["changed"] is False
    assert sorted(client.list_role_policies(RoleName="a")["PolicyNames"]) == ["access", "manual"]


def test_a_path_is_set_at_creation_and_part_of_the_arn(run, iam):
    client, boundary = iam
    path = "/aws-reserved/sso.amazonaws.com/eu-west-1/"
    planned = run([spec("a", boundary, path=path)], check_mode=True)
    assert planned["roles"]["a"]["arn"] == f"arn:aws:iam::123456789012:role{path}a"
    first = run([spec("a", boundary, path=path)])
    assert first["roles"]["a"]["arn"] == f"arn:aws:iam::123456789012:role{path}a"
    assert [r["RoleName"] for r in client.list_roles(PathPrefix="/aws-reserved/")["Roles"]] == ["a"]
    assert run([spec("a", boundary, path=path)])["changed"] is False

    moved = run([spec("a", boundary)])
    assert moved["failed"] is True
    assert moved["msg"] == f"roles: the role a exists at path {path}, not /; a role's path cannot change, delete it first"


@pytest.mark.parametrize(
    ("roles", "needle"),
    [
        ([spec("a", ""), spec("a", "")], "roles names must be unique (got ['a'] more than once)"),
        ([spec("a", "", max_session_duration=60)], "roles max_session_duration must be 3600 to 43200 seconds (got it wrong on ['a'])"),
        ([spec("a", "", path="aws-reserved/")], "roles path must start and end with / (got it wrong on ['a'])"),
    ],
)
def test_bad_input_fails_before_any_call(capsys, iam, roles, needle):
    client, _ = iam
    result = call(capsys, roles)
    assert result["failed"] is True
    assert needle in result["msg"]
    assert roles_of(client) == []


class _Calls:
    """The operations an IAM client makes, by botocore's before-call event."""

    def __init__(self):
        self.made = []

    def __call__(self, model, **_kwargs):
        self.made.append(model.name)


def test_a_converged_run_of_several_roles_makes_two_reads(capsys, iam, monkeypatch):
    client, boundary = iam
    roles = [spec(n, boundary, managed_policies=[boundary]) for n in ("a", "b", "c")]
    call(capsys, roles)
    calls = _Calls()
    session_client = boto3.session.Session.client

    def counted(self, *args, **kwargs):
        made = session_client(self, *args, **kwargs)
        made.meta.events.register("before-call.iam.*", calls)
        return made

    monkeypatch.setattr(boto3.session.Session, "client", counted)
    assert call(capsys, roles)["changed"] is False
    assert sorted(calls.made) == ["GetAccountAuthorizationDetails", "ListRoles"]
    calls.made.clear()
    assert call(capsys, roles[:1])["changed"] is False
    assert sorted(calls.made) == ["GetRole", "GetRolePolicy", "ListAttachedRolePolicies"]


def test_a_role_only_one_listing_shows_is_read_on_its_own(capsys, iam, monkeypatch):
    client, boundary = iam
    roles = [spec("a", boundary), spec("b", boundary)]
    call(capsys, roles)
    client.put_role_policy(RoleName="b", PolicyName="access", PolicyDocument=json.dumps({**POLICY, "Statement": [{**POLICY["Statement"][0], "Resource": "*"}]}))
    listing = iam_roles._paginate

    def without_b(client, method, key, **kwargs):
        found = listing(client, method, key, **kwargs)
        return [r for r in found if r["RoleName"] != "b"] if method == "get_account_authorization_details" else found

    monkeypatch.setattr(iam_roles, "_paginate", without_b)
    result = call(capsys, roles)
    assert result["roles"]["a"]["changed"] == []
    assert result["roles"]["b"]["changed"] == ["policy access"]
    assert client.get_role_policy(RoleName="b", PolicyName="access")["PolicyDocument"] == POLICY
