"""athena_query_results against a Stubber (request shape, the header row, paging, truncation, a failed query) and
against moto (moto 5.2.5 runs no SQL: it answers GetQueryResults from results seeded through its moto-api queue)."""

from __future__ import annotations

from ansible_collections.mosaic.platform.plugins.modules import athena_query_results as module
from test_edge_audit_cost_harness import ACCOUNT, REGION, run_module

# The moto_session and stubbed fixtures.
pytest_plugins = ["test_edge_audit_cost_harness"]

ARGS = {"query": "SELECT terminatingruleid, count(*) AS blocked FROM waf_logs GROUP BY 1", "workgroup": "wg", "database": "db"}
COLUMNS = [{"Name": "terminatingruleid", "Type": "varchar"}, {"Name": "blocked", "Type": "bigint"}]


def row(*values):
    return {"Data": [{"VarCharValue": v} if v is not None else {} for v in values]}


def started(athena, state="SUCCEEDED", reason=""):
    athena.add_response(
        "start_query_execution",
        {"QueryExecutionId": "q1"},
        {"QueryString": ARGS["query"], "WorkGroup": "wg", "QueryExecutionContext": {"Database": "db"}},
    )
    status = {"State": state, **({"StateChangeReason": reason} if reason else {})}
    athena.add_response("get_query_execution", {"QueryExecution": {"QueryExecutionId": "q1", "Status": status}}, {"QueryExecutionId": "q1"})


def test_rows_by_column_the_header_skipped_and_pages_followed(capsys, stubbed):
    athena = stubbed("athena")
    started(athena)
    first = {"ResultSet": {"Rows": [row("terminatingruleid", "blocked"), row("RateLimit", "40")], "ResultSetMetadata": {"ColumnInfo": COLUMNS}}}
    athena.add_response("get_query_results", {**first, "NextToken": "t"}, {"QueryExecutionId": "q1"})
    second = {"ResultSet": {"Rows": [row("SQLi", None)], "ResultSetMetadata": {"ColumnInfo": COLUMNS}}}
    athena.add_response("get_query_results", second, {"QueryExecutionId": "q1", "NextToken": "t"})
    result = run_module(module.main, capsys, ARGS, check=True)
    assert not result["changed"] and not result["truncated"]
    assert result["rows"] == [{"terminatingruleid": "RateLimit", "blocked": "40"}, {"terminatingruleid": "SQLi", "blocked": None}]


def test_rows_past_max_rows_are_truncated(capsys, stubbed):
    athena = stubbed("athena")
    started(athena)
    rows = [row("terminatingruleid", "blocked")] + [row(f"r{i}", "1") for i in range(3)]
    athena.add_response("get_query_results", {"ResultSet": {"Rows": rows, "ResultSetMetadata": {"ColumnInfo": COLUMNS}}}, {"QueryExecutionId": "q1"})
    result = run_module(module.main, capsys, {**ARGS, "max_rows": 2})
    assert result["truncated"] and [r["terminatingruleid"] for r in result["rows"]] == ["r0", "r1"]


def test_a_failed_query_fails_with_its_reason(capsys, stubbed):
    athena = stubbed("athena")
    started(athena, "FAILED", "TABLE_NOT_FOUND: waf_logs")
    result = run_module(module.main, capsys, ARGS)
    assert result["failed"] and result["msg"] == "Athena query q1 FAILED: TABLE_NOT_FOUND: waf_logs"


def test_seeded_results_on_moto(capsys, moto_session):
    from moto.moto_api._internal.models import moto_api_backend

    moto_session.client("athena").create_work_group(Name="wg")
    moto_api_backend.set_athena_result(
        rows=[row("terminatingruleid", "blocked"), row("RateLimit", "7")], column_info=COLUMNS, account_id=ACCOUNT, region=REGION
    )
    result = run_module(module.main, capsys, ARGS)
    assert result["columns"] == ["terminatingruleid", "blocked"] and result["rows"] == [{"terminatingruleid": "RateLimit", "blocked": "7"}]
