"""cognito_user_pool_groups, cognito_user_pool_clients, and the pool with its domain and groups: several objects in one run, against moto in-process.

Create and converge, each in check mode and for real, each twice; a converged run makes no write call and lists the
pool's groups or clients once.
"""

from __future__ import annotations

import pytest
from ansible_collections.mosaic.platform.plugins.modules import cognito_user_pool, cognito_user_pool_clients, cognito_user_pool_groups
from test_edge_audit_cost_harness import run_module

# The moto_session fixture.
pytest_plugins = ["test_edge_audit_cost_harness"]

WRITES = {"CreateGroup", "UpdateGroup", "CreateUserPoolClient", "UpdateUserPoolClient"}
GROUPS = [{"name": "ops", "description": "operators", "precedence": 1}, {"name": "dev", "precedence": 2}]


def client_spec(name, **over):
    return {"name": name, "callback_urls": [f"https://{name}.example.com/callback"], "logout_urls": [f"https://{name}.example.com/"], **over}


CLIENTS = [client_spec("grafana"), client_spec("argocd")]


@pytest.fixture
def pool(moto_session):
    idp = moto_session.client("cognito-idp")
    return idp, idp.create_user_pool(PoolName="p")["UserPool"]["Id"]


def run_groups(capsys, pool_id, groups, check=False):
    return run_module(cognito_user_pool_groups.main, capsys, {"user_pool_id": pool_id, "groups": groups}, check=check)


def run_clients(capsys, pool_id, clients, check=False):
    return run_module(cognito_user_pool_clients.main, capsys, {"user_pool_id": pool_id, "clients": clients, "return_secret": True}, check=check)


def ops(api_calls):
    return [op for op, _ in api_calls]


def writes(api_calls):
    return [op for op in ops(api_calls) if op in WRITES]


def stored_groups(idp, pool_id):
    return {g["GroupName"]: (g.get("Description", ""), g.get("Precedence")) for g in idp.list_groups(UserPoolId=pool_id)["Groups"]}


def test_groups_check_real_twice(capsys, pool, api_calls):
    idp, pool_id = pool
    planned = run_groups(capsys, pool_id, GROUPS, check=True)
    assert planned["changed"] is True and sorted(planned["groups"]) == ["dev", "ops"]
    assert writes(api_calls) == [] and stored_groups(idp, pool_id) == {}
    assert run_groups(capsys, pool_id, GROUPS)["changed"] is True
    assert stored_groups(idp, pool_id) == {"ops": ("operators", 1), "dev": ("", 2)}
    api_calls.clear()
    again = run_groups(capsys, pool_id, GROUPS)
    assert again["changed"] is False
    assert again["groups"]["ops"] == {"name": "ops", "user_pool_id": pool_id, "role_arn": "", "diff": []}
    assert ops(api_calls) == ["ListGroups"]
    assert run_groups(capsys, pool_id, GROUPS, check=True)["changed"] is False


def test_groups_drift_is_planned_then_converged(capsys, pool, api_calls):
    idp, pool_id = pool
    run_groups(capsys, pool_id, GROUPS)
    moved = [{**GROUPS[0], "precedence": 5}, GROUPS[1]]
    api_calls.clear()
    planned = run_groups(capsys, pool_id, moved, check=True)
    assert planned["groups"]["ops"]["diff"] == ["Precedence"] and planned["groups"]["dev"]["diff"] == []
    assert writes(api_calls) == []
    assert run_groups(capsys, pool_id, moved)["changed"] is True
    assert stored_groups(idp, pool_id)["ops"] == ("operators", 5)
    assert run_groups(capsys, pool_id, moved)["changed"] is False


def test_clients_check_real_twice(capsys, pool, api_calls):
    idp, pool_id = pool
    planned = run_clients(capsys, pool_id, CLIENTS, check=True)
    assert planned["changed"] is True
    assert planned["clients"] == [{"name": "grafana", "diff": ["created"]}, {"name": "argocd", "diff": ["created"]}]
    assert writes(api_calls) == []
    created = run_clients(capsys, pool_id, CLIENTS)
    assert [c["name"] for c in created["clients"]] == ["grafana", "argocd"]
    assert all(c["client_id"] and c["client_secret"] for c in created["clients"])
    api_calls.clear()
    again = run_clients(capsys, pool_id, CLIENTS)
    assert again["changed"] is False
    assert [(c["client_id"], c["client_secret"], c["diff"]) for c in again["clients"]] == [(c["client_id"], c["client_secret"], []) for c in created["clients"]]
    assert ops(api_calls) == ["ListUserPoolClients", "DescribeUserPoolClient", "DescribeUserPoolClient"]
    assert run_clients(capsys, pool_id, CLIENTS, check=True)["changed"] is False


def test_clients_drift_is_planned_then_converged(capsys, pool, api_calls):
    idp, pool_id = pool
    first = run_clients(capsys, pool_id, CLIENTS)
    moved = [client_spec("grafana", callback_urls=["https://grafana.example.org/callback"]), CLIENTS[1]]
    api_calls.clear()
    planned = run_clients(capsys, pool_id, moved, check=True)
    assert [c["diff"] for c in planned["clients"]] == [["CallbackURLs"], []]
    assert writes(api_calls) == []
    assert run_clients(capsys, pool_id, moved)["changed"] is True
    grafana = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=first["clients"][0]["client_id"])["UserPoolClient"]
    assert grafana["CallbackURLs"] == ["https://grafana.example.org/callback"]
    assert run_clients(capsys, pool_id, moved)["changed"] is False


@pytest.mark.parametrize(
    ("run", "items", "needle"),
    [
        (run_groups, [GROUPS[0], GROUPS[0]], "groups names must be unique (got ['ops'] more than once)"),
        (run_clients, [CLIENTS[0], CLIENTS[0]], "clients names must be unique (got ['grafana'] more than once)"),
        (run_clients, [client_spec("grafana", callback_urls=["http://grafana.example.com/"])], "clients callback_urls/logout_urls must be https"),
        (run_clients, [client_spec("grafana", allowed_oauth_flows=["password"])], "password"),
    ],
)
def test_bad_input_fails_before_any_call(capsys, pool, api_calls, run, items, needle):
    _idp, pool_id = pool
    api_calls.clear()
    result = run(capsys, pool_id, items)
    assert result["failed"] is True
    assert needle in result["msg"]
    assert api_calls == []


def run_pool(capsys, domain, groups, check=False, name="platform"):
    args = {"name": name, "tags": {"Env": "dev"}, "domain": domain, "groups": groups}
    return run_module(cognito_user_pool.main, capsys, args, check=check)


def test_pool_with_its_domain_and_groups_check_real_twice(capsys, moto_session, api_calls):
    """cognito_user_pool with domain and groups: what three module runs did, in one."""
    idp = moto_session.client("cognito-idp")
    planned = run_pool(capsys, "platform-dev", GROUPS, check=True)
    assert planned["changed"] is True
    assert planned["domain"] == {"domain": "platform-dev", "changed": True}
    assert sorted(planned["groups"]) == ["dev", "ops"] and planned["groups"]["ops"]["diff"] == ["created"]
    assert ops(api_calls) == ["ListUserPools"]

    created = run_pool(capsys, "platform-dev", GROUPS)
    pool_id = created["id"]
    assert created["domain"]["changed"] is True
    assert idp.describe_user_pool_domain(Domain="platform-dev")["DomainDescription"]["UserPoolId"] == pool_id
    assert stored_groups(idp, pool_id) == {"ops": ("operators", 1), "dev": ("", 2)}

    api_calls.clear()
    again = run_pool(capsys, "platform-dev", GROUPS)
    assert again["changed"] is False
    assert again["domain"]["changed"] is False
    assert again["groups"]["ops"]["diff"] == []
    assert writes(api_calls) == [] and "CreateUserPoolDomain" not in ops(api_calls)
    assert ops(api_calls).count("ListGroups") == 1 and ops(api_calls).count("DescribeUserPoolDomain") == 1
    assert run_pool(capsys, "platform-dev", GROUPS, check=True)["changed"] is False


def test_pool_group_drift_is_converged_and_a_foreign_domain_is_an_error(capsys, moto_session):
    idp = moto_session.client("cognito-idp")
    pool_id = run_pool(capsys, "platform-dev", GROUPS)["id"]
    moved = [{**GROUPS[0], "precedence": 5}, GROUPS[1]]
    assert run_pool(capsys, "platform-dev", moved, check=True)["groups"]["ops"]["diff"] == ["Precedence"]
    assert run_pool(capsys, "platform-dev", moved)["changed"] is True
    assert stored_groups(idp, pool_id)["ops"] == ("operators", 5)

    other = run_pool(capsys, "platform-dev", [], name="other")
    assert other["failed"] is True
    assert f"domain 'platform-dev' belongs to another user pool ({pool_id})" in other["msg"]


def test_pool_without_domain_and_groups_leaves_them_alone(capsys, moto_session, api_calls):
    run_pool(capsys, "platform-dev", GROUPS)
    api_calls.clear()
    result = run_module(cognito_user_pool.main, capsys, {"name": "platform", "tags": {"Env": "dev"}})
    assert result["changed"] is False
    assert "domain" not in result and "groups" not in result
    assert "ListGroups" not in ops(api_calls) and "DescribeUserPoolDomain" not in ops(api_calls)


def test_pool_duplicate_groups_fail_before_any_call(capsys, moto_session, api_calls):
    result = run_pool(capsys, "platform-dev", [GROUPS[0], GROUPS[0]])
    assert result["failed"] is True
    assert result["msg"] == "groups names must be unique (got ['ops'] more than once)"
    assert api_calls == []
