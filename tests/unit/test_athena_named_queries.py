"""athena_named_queries: create against moto; update and delete through Stubbers.

moto has CreateNamedQuery/ListNamedQueries/GetNamedQuery but answers 500 to UpdateNamedQuery and
DeleteNamedQuery, so the real modify and delete paths are request shapes, verified against real AWS only.
"""

from __future__ import annotations

import pytest
from ansible_collections.mosaic.platform.plugins.modules import athena_named_queries as module
from test_edge_audit_cost_harness import run_module

# The moto_session and stubbed fixtures.
pytest_plugins = ["test_edge_audit_cost_harness"]

ROOT = {"name": "root-account-use", "database": "audit_db", "query": "SELECT 1", "description": "root"}
DENIED = {"name": "access-denied-calls", "database": "audit_db", "query": "SELECT 2", "description": "denied"}


def args(*queries, workgroup="audit"):
    return {"workgroup": workgroup, "queries": list(queries)}


@pytest.fixture
def athena(moto_session):
    client = moto_session.client("athena")
    client.create_work_group(Name="audit", Configuration={"ResultConfiguration": {"OutputLocation": "s3://logs/athena-results/"}})
    return client


def saved(athena):
    ids = athena.list_named_queries(WorkGroup="audit")["NamedQueryIds"]
    return sorted((q["Name"], q["Database"], q["QueryString"], q["NamedQueryId"]) for q in (athena.get_named_query(NamedQueryId=i)["NamedQuery"] for i in ids))


def test_create_check_real_twice(capsys, athena):
    planned = run_module(module.main, capsys, args(ROOT, DENIED), check=True)
    assert planned["changed"] and planned["queries"]["root-account-use"] == {"named_query_id": None, "changed": True}
    assert saved(athena) == []
    created = run_module(module.main, capsys, args(ROOT, DENIED))
    assert created["changed"]
    assert saved(athena) == sorted(
        [
            ("root-account-use", "audit_db", "SELECT 1", created["queries"]["root-account-use"]["named_query_id"]),
            ("access-denied-calls", "audit_db", "SELECT 2", created["queries"]["access-denied-calls"]["named_query_id"]),
        ]
    )
    again = run_module(module.main, capsys, args(ROOT, DENIED))
    assert not again["changed"]
    assert again["queries"]["root-account-use"] == created["queries"]["root-account-use"] | {"changed": False}
    assert not run_module(module.main, capsys, args(ROOT, DENIED), check=True)["changed"]
    assert len(saved(athena)) == 2, "the name is the key: no duplicate"


def test_a_converged_run_reads_once_and_writes_nothing(capsys, athena, api_calls):
    run_module(module.main, capsys, args(ROOT, DENIED))
    api_calls.clear()
    assert not run_module(module.main, capsys, args(ROOT, DENIED))["changed"]
    assert sorted(op for op, _ in api_calls) == ["GetNamedQuery", "GetNamedQuery", "ListNamedQueries"]


def test_check_mode_on_a_missing_workgroup_reports_a_change(capsys, moto_session):
    assert run_module(module.main, capsys, args(ROOT, workgroup="not-yet"), check=True)["changed"]


def test_modify_in_check_mode_changes_nothing(capsys, athena):
    run_module(module.main, capsys, args(ROOT))
    checked = run_module(module.main, capsys, args({**ROOT, "query": "SELECT 2"}), check=True)
    assert checked["changed"] and checked["diff"]["after"]["root-account-use"]["query"] == "SELECT 2"
    assert saved(athena)[0][2] == "SELECT 1"


def _stored(query="SELECT 1", database="audit_db", query_id="q-1"):
    return {
        "NamedQuery": {
            "Name": "root-account-use",
            "Description": "root",
            "Database": database,
            "QueryString": query,
            "NamedQueryId": query_id,
            "WorkGroup": "audit",
        }
    }


def _stub_lookup(stub, **stored):
    stub.add_response("list_named_queries", {"NamedQueryIds": [stored.get("query_id", "q-1")]}, {"WorkGroup": "audit"})
    stub.add_response("get_named_query", _stored(**stored), {"NamedQueryId": stored.get("query_id", "q-1")})


def test_modify_real_then_twice(capsys, stubbed):
    athena = stubbed("athena")
    _stub_lookup(athena)
    athena.add_response("update_named_query", {}, {"NamedQueryId": "q-1", "Name": "root-account-use", "QueryString": "SELECT 2", "Description": "root"})
    assert run_module(module.main, capsys, args({**ROOT, "query": "SELECT 2"}))["changed"]
    _stub_lookup(athena, query="SELECT 2")
    assert not run_module(module.main, capsys, args({**ROOT, "query": "SELECT 2"}))["changed"]


def test_moving_to_another_database_recreates_the_query(capsys, stubbed):
    athena = stubbed("athena")
    _stub_lookup(athena, database="old_db")
    athena.add_response("delete_named_query", {}, {"NamedQueryId": "q-1"})
    athena.add_response(
        "create_named_query",
        {"NamedQueryId": "q-2"},
        {"Name": "root-account-use", "WorkGroup": "audit", "Database": "audit_db", "QueryString": "SELECT 1", "Description": "root"},
    )
    result = run_module(module.main, capsys, args(ROOT))
    assert result["changed"] and result["queries"]["root-account-use"]["named_query_id"] == "q-2"


def test_duplicates_of_a_name_are_deleted(capsys, stubbed):
    athena = stubbed("athena")
    athena.add_response("list_named_queries", {"NamedQueryIds": ["q-1", "q-2"]}, {"WorkGroup": "audit"})
    athena.add_response("get_named_query", _stored(), {"NamedQueryId": "q-1"})
    athena.add_response("get_named_query", _stored(query_id="q-2"), {"NamedQueryId": "q-2"})
    athena.add_response("delete_named_query", {}, {"NamedQueryId": "q-2"})
    result = run_module(module.main, capsys, args(ROOT))
    assert result["changed"] and result["queries"]["root-account-use"]["named_query_id"] == "q-1"


def test_delete_check_real_twice(capsys, stubbed):
    athena = stubbed("athena")
    gone = args({"name": "root-account-use", "state": "absent"})
    _stub_lookup(athena)
    assert run_module(module.main, capsys, gone, check=True)["changed"]
    _stub_lookup(athena)
    athena.add_response("delete_named_query", {}, {"NamedQueryId": "q-1"})
    assert run_module(module.main, capsys, gone)["changed"]
    for check in (False, True):
        athena.add_response("list_named_queries", {}, {"WorkGroup": "audit"})
        assert not run_module(module.main, capsys, gone, check=check)["changed"]


@pytest.mark.parametrize(
    ("queries", "needle"),
    [
        ([ROOT, ROOT], "queries names must be unique (got ['root-account-use'] more than once)"),
        ([{"name": "x"}], "state is present but all of the following are missing: database, query"),
    ],
)
def test_bad_input_fails_before_any_call(capsys, athena, api_calls, queries, needle):
    result = run_module(module.main, capsys, args(*queries))
    assert result["failed"] is True
    assert needle in result["msg"]
    assert api_calls == []
