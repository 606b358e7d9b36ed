"""athena_queries against moto: the database by catalog lookup, tables by a workgroup tag holding the DDL hash."""

from __future__ import annotations

import hashlib

import pytest
from ansible_collections.mosaic.platform.plugins.modules import athena_queries as module
from test_edge_audit_cost_harness import ACCOUNT, run_module

# The moto_session and stubbed fixtures.
pytest_plugins = ["test_edge_audit_cost_harness"]

DDL = "CREATE EXTERNAL TABLE IF NOT EXISTS t (a STRING) LOCATION 's3://audit-logs-test/t/'"
TAG = "mosaic:ddl:db.t"
ARN = f"arn:aws:athena:eu-west-1:{ACCOUNT}:workgroup/audit"
TABLE = {"query": DDL, "database": "db", "marker_tag": TAG, "replace_query": "DROP TABLE IF EXISTS t"}
DATABASE = {"query": "CREATE DATABASE IF NOT EXISTS db", "creates_database": "db"}


def args(*statements):
    return {"workgroup": "audit", "statements": list(statements)}


def sha(statement):
    return hashlib.sha256(statement.encode()).hexdigest()


@pytest.fixture
def athena(moto_session):
    client = moto_session.client("athena")
    client.create_work_group(
        Name="audit",
        Configuration={"ResultConfiguration": {"OutputLocation": "s3://audit-logs-test/athena-results/"}},
        Tags=[{"Key": "Component", "Value": "audit"}],
    )
    return client


def executions(athena):
    return athena.list_query_executions(WorkGroup="audit")["QueryExecutionIds"]


def queries(athena):
    return [athena.get_query_execution(QueryExecutionId=i)["QueryExecution"]["Query"] for i in executions(athena)]


def marker(athena):
    return {t["Key"]: t["Value"] for t in athena.list_tags_for_resource(ResourceARN=ARN)["Tags"]}.get(TAG)


def test_database_check_real_twice(capsys, athena):
    assert run_module(module.main, capsys, args(DATABASE), check=True)["changed"]
    assert executions(athena) == []
    created = run_module(module.main, capsys, args(DATABASE))
    assert created["changed"] and created["statements"][0]["query_execution_id"]
    assert athena.get_database(CatalogName="AwsDataCatalog", DatabaseName="db")["Database"]["Name"] == "db"
    assert not run_module(module.main, capsys, args(DATABASE))["changed"]
    assert not run_module(module.main, capsys, args(DATABASE), check=True)["changed"]
    assert len(executions(athena)) == 1


def test_table_check_real_twice(capsys, athena):
    checked = run_module(module.main, capsys, args(TABLE), check=True)
    assert checked["changed"] and checked["diff"] == {"before": {TAG: ""}, "after": {TAG: sha(DDL)}}
    assert executions(athena) == [] and marker(athena) is None
    assert run_module(module.main, capsys, args(TABLE))["changed"]
    assert marker(athena) == sha(DDL)
    assert not run_module(module.main, capsys, args(TABLE))["changed"]
    assert not run_module(module.main, capsys, args(TABLE), check=True)["changed"]
    assert queries(athena) == [DDL], "the replace query runs only when the statement changed"


def test_changed_table_replaces_then_twice(capsys, athena):
    run_module(module.main, capsys, args(TABLE))
    changed = {**TABLE, "query": DDL.replace("a STRING", "a STRING, b STRING")}
    checked = run_module(module.main, capsys, args(changed), check=True)
    assert checked["changed"] and checked["diff"] == {"before": {TAG: sha(DDL)}, "after": {TAG: sha(changed["query"])}}
    assert marker(athena) == sha(DDL) and queries(athena) == [DDL], "check mode runs nothing and keeps the tag"
    assert run_module(module.main, capsys, args(changed))["changed"]
    assert queries(athena) == [DDL, "DROP TABLE IF EXISTS t", changed["query"]]
    assert marker(athena) == sha(changed["query"])
    assert not run_module(module.main, capsys, args(changed))["changed"]
    assert not run_module(module.main, capsys, args(changed), check=True)["changed"]
    assert len(executions(athena)) == 3


def test_the_marker_keeps_the_other_workgroup_tags(capsys, athena):
    run_module(module.main, capsys, args(TABLE))
    tags = {t["Key"]: t["Value"] for t in athena.list_tags_for_resource(ResourceARN=ARN)["Tags"]}
    assert tags == {"Component": "audit", TAG: sha(DDL)}


def test_check_mode_on_a_clean_account_reports_a_change(capsys, moto_session):
    """No workgroup yet (its task only pretended in check mode): the statement never ran."""
    result = run_module(module.main, capsys, args(DATABASE, TABLE), check=True)
    assert result["changed"] and not result.get("failed")
    assert [r["changed"] for r in result["statements"]] == [True, True]
    assert [w["Name"] for w in moto_session.client("athena").list_work_groups()["WorkGroups"] if w["Name"] != "primary"] == []


@pytest.mark.parametrize("bad", ["", "mosaic:ddl:db.t;drop", "x" * 129, "aws:ddl:db.t", "mosaic:ddl:db.t\n"])
def test_rejects_a_bad_marker_tag_before_any_call(capsys, stubbed, bad):
    """stubbed() with nothing queued: any API call would fail the test with another message."""
    result = run_module(module.main, capsys, args({**TABLE, "marker_tag": bad}))
    assert result["failed"] and result["msg"].startswith("statements marker_tag ")


def test_accepts_every_allowed_tag_character(capsys, athena):
    key = "mosaic:ddl:Db_1 +-=./@"
    assert run_module(module.main, capsys, args({**TABLE, "marker_tag": key}))["changed"]
    assert {t["Key"]: t["Value"] for t in athena.list_tags_for_resource(ResourceARN=ARN)["Tags"]}[key] == sha(DDL)


def test_needs_exactly_one_idempotence_check(capsys, athena):
    result = run_module(module.main, capsys, args({"query": DDL}))
    assert result["failed"] and "creates_database" in result["msg"] and "marker_tag" in result["msg"]
    both = run_module(module.main, capsys, args({**TABLE, "creates_database": "db"}))
    assert both["failed"] and "mutually exclusive" in both["msg"]


def test_the_database_and_the_tables_in_order_and_a_converged_run_writes_nothing(capsys, athena, api_calls):
    other = {**TABLE, "query": DDL.replace(" t ", " u ").replace("/t/", "/u/"), "marker_tag": "mosaic:ddl:db.u", "replace_query": "DROP TABLE IF EXISTS u"}
    created = run_module(module.main, capsys, args(DATABASE, TABLE, other))
    assert [r["changed"] for r in created["statements"]] == [True, True, True]
    assert queries(athena) == [DATABASE["query"], DDL, other["query"]]
    api_calls.clear()
    again = run_module(module.main, capsys, args(DATABASE, TABLE, other))
    assert not again["changed"]
    assert sorted(op for op, _ in api_calls) == ["GetCallerIdentity", "GetDatabase", "GetWorkGroup", "ListTagsForResource"]


SAVED = {"name": "root-account-use", "database": "db", "query": "SELECT 1 FROM t", "description": "root"}


def saved_queries(athena):
    ids = athena.list_named_queries(WorkGroup="audit")["NamedQueryIds"]
    return sorted((q["Name"], q["Database"], q["QueryString"]) for q in (athena.get_named_query(NamedQueryId=i)["NamedQuery"] for i in ids))


def test_the_saved_queries_follow_the_statements_in_the_same_run(capsys, athena, api_calls):
    wanted = {**args(DATABASE, TABLE), "named_queries": [SAVED]}
    planned = run_module(module.main, capsys, wanted, check=True)
    assert planned["changed"] and planned["named_queries"] == {"root-account-use": {"named_query_id": None, "changed": True}}
    assert saved_queries(athena) == []
    api_calls.clear()
    created = run_module(module.main, capsys, wanted)
    assert created["named_queries"]["root-account-use"]["changed"] is True
    # The tables first, then the saved query that reads them.
    operations = [op for op, _ in api_calls]
    assert operations.index("CreateNamedQuery") > max(i for i, op in enumerate(operations) if op == "StartQueryExecution")
    assert saved_queries(athena) == [("root-account-use", "db", "SELECT 1 FROM t")]
    api_calls.clear()
    again = run_module(module.main, capsys, wanted)
    assert not again["changed"]
    assert again["named_queries"] == {"root-account-use": {"named_query_id": created["named_queries"]["root-account-use"]["named_query_id"], "changed": False}}
    assert [op for op, _ in api_calls if not op.startswith(("Get", "List"))] == []
    # The diff shows a saved query beside the markers, under named_queries; moto lacks UpdateNamedQuery and
    # DeleteNamedQuery, so test_athena_named_queries stubs the changes of the same shared converge.
    assert created["diff"]["after"]["named_queries"] == {"root-account-use": {"database": "db", "query": "SELECT 1 FROM t", "description": "root"}}
    assert created["diff"]["after"][TAG] == sha(DDL)


def test_saved_query_names_must_be_unique(capsys, athena):
    result = run_module(module.main, capsys, {**args(DATABASE), "named_queries": [SAVED, SAVED]})
    assert result["failed"] and "named_queries names must be unique" in result["msg"]
    assert saved_queries(athena) == []
