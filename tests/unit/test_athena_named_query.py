"""athena_named_query: create against moto; update and delete through Stubbers.

moto has CreateNamedQuery/ListNamedQueries/GetNamedQuery but answers 500 to UpdateNamedQuery and
DeleteNamedQuery, so the real modify and delete paths are request shapes, verified against real AWS only.
"""

from __future__ import annotations

import pytest
from ansible_collections.mosaic.platform.plugins.modules import athena_named_query as module
from test_edge_audit_cost_harness import run_module

# The moto_session and stubbed fixtures.
pytest_plugins = ["test_edge_audit_cost_harness"]

ARGS = {"name": "root-account-use", "workgroup": "audit", "database": "audit_db", "query": "SELECT 1", "description": "root"}


@pytest.fixture
def athena(moto_session):
    client = moto_session.client("athena")
    client.create_work_group(Name="audit", Configuration={"ResultConfiguration": {"OutputLocation": "s3://logs/athena-results/"}})
    return client


def saved(athena):
    ids = athena.list_named_queries(WorkGroup="audit")["NamedQueryIds"]
    return [athena.get_named_query(NamedQueryId=i)["NamedQuery"] for i in ids]


def test_create_check_real_twice(capsys, athena):
    assert run_module(module.main, capsys, ARGS, check=True)["changed"]
    assert saved(athena) == []
    created = run_module(module.main, capsys, ARGS)
    assert created["changed"]
    [query] = saved(athena)
    assert (query["Name"], query["Database"], query["QueryString"], query["NamedQueryId"]) == (
        "root-account-use",
        "audit_db",
        "SELECT 1",
        created["named_query_id"],
    )
    assert not run_module(module.main, capsys, ARGS)["changed"]
    assert not run_module(module.main, capsys, ARGS, check=True)["changed"]
    assert len(saved(athena)) == 1, "the name is the key: no duplicate"


def test_check_mode_on_a_missing_workgroup_reports_a_change(capsys, moto_session):
    assert run_module(module.main, capsys, {**ARGS, "workgroup": "not-yet"}, check=True)["changed"]


def test_modify_in_check_mode_changes_nothing(capsys, athena):
    run_module(module.main, capsys, ARGS)
    checked = run_module(module.main, capsys, {**ARGS, "query": "SELECT 2"}, check=True)
    assert checked["changed"] and checked["diff"]["after"]["query"] == "SELECT 2"
    assert saved(athena)[0]["QueryString"] == "SELECT 1"


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
    assert run_module(module.main, capsys, {**ARGS, "query": "SELECT 2"})["changed"]
    _stub_lookup(athena, query="SELECT 2")
    assert not run_module(module.main, capsys, {**ARGS, "query": "SELECT 2"})["changed"]


def test_moving_to_another_database_recreates_the_query(capsys, stubbed):
    athena = stubbed("athena")
    _stub_lookup(athena, database="old_db")
    athena.add_response("delete_named_query", {}, {"NamedQueryId": "q-1"})
    athena.add_response(
        "create_named_query",
        {"NamedQueryId": "q-2"},
        {"Name": "root-account-use", "WorkGroup": "audit", "Database": "audit_db", "QueryString": "SELECT 1", "Description": "root"},
    )
    result = run_module(module.main, capsys, ARGS)
    assert result["changed"] and result["named_query_id"] == "q-2"


def test_delete_check_real_twice(capsys, stubbed):
    athena = stubbed("athena")
    gone = {"name": "root-account-use", "workgroup": "audit", "state": "absent"}
    _stub_lookup(athena)
    assert run_module(module.main, capsys, gone, check=True)["changed"]
    _stub_lookup(athena)
    athena.add_response("delete_named_query", {}, {"NamedQueryId": "q-1"})
    assert run_module(module.main, capsys, gone)["changed"]
    for check in (False, True):
        athena.add_response("list_named_queries", {}, {"WorkGroup": "audit"})
        assert not run_module(module.main, capsys, gone, check=check)["changed"]
