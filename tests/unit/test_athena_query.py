"""athena_query against moto: the database by catalog lookup, tables by an S3 marker of the DDL hash."""

from __future__ import annotations

import hashlib

import pytest
from ansible_collections.mosaic.platform.plugins.modules import athena_query as module
from test_edge_audit_cost_harness import run_module

# The moto_session and stubbed fixtures.
pytest_plugins = ["test_edge_audit_cost_harness"]

DDL = "CREATE EXTERNAL TABLE IF NOT EXISTS t (a STRING) LOCATION 's3://audit-logs-test/t/'"
MARKER = "s3://audit-logs-test/athena-ddl/db.t.sha256"


@pytest.fixture
def clients(moto_session):
    athena = moto_session.client("athena")
    athena.create_work_group(Name="audit", Configuration={"ResultConfiguration": {"OutputLocation": "s3://audit-logs-test/athena-results/"}})
    s3 = moto_session.client("s3")
    s3.create_bucket(Bucket="audit-logs-test", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return athena, s3


def executions(athena):
    return athena.list_query_executions(WorkGroup="audit")["QueryExecutionIds"]


def queries(athena):
    return [athena.get_query_execution(QueryExecutionId=i)["QueryExecution"]["Query"] for i in executions(athena)]


def marker(s3):
    try:
        return s3.get_object(Bucket="audit-logs-test", Key="athena-ddl/db.t.sha256")["Body"].read().decode()
    except s3.exceptions.NoSuchKey:
        return None


def test_database_check_real_twice(capsys, clients):
    athena, _ = clients
    args = {"query": "CREATE DATABASE IF NOT EXISTS db", "workgroup": "audit", "creates_database": "db"}
    assert run_module(module.main, capsys, args, check=True)["changed"]
    assert executions(athena) == []
    created = run_module(module.main, capsys, args)
    assert created["changed"] and created["query_execution_id"]
    assert athena.get_database(CatalogName="AwsDataCatalog", DatabaseName="db")["Database"]["Name"] == "db"
    assert not run_module(module.main, capsys, args)["changed"]
    assert not run_module(module.main, capsys, args, check=True)["changed"]
    assert len(executions(athena)) == 1


def test_table_check_real_twice(capsys, clients):
    athena, s3 = clients
    args = {"query": DDL, "workgroup": "audit", "database": "db", "marker": MARKER, "replace_query": "DROP TABLE IF EXISTS t"}
    assert run_module(module.main, capsys, args, check=True)["changed"]
    assert executions(athena) == [] and marker(s3) is None
    assert run_module(module.main, capsys, args)["changed"]
    assert marker(s3) == hashlib.sha256(DDL.encode()).hexdigest()
    assert not run_module(module.main, capsys, args)["changed"]
    assert not run_module(module.main, capsys, args, check=True)["changed"]
    assert queries(athena) == [DDL], "the replace query runs only when the statement changed"


def test_changed_table_replaces_then_twice(capsys, clients):
    athena, s3 = clients
    args = {"query": DDL, "workgroup": "audit", "database": "db", "marker": MARKER, "replace_query": "DROP TABLE IF EXISTS t"}
    run_module(module.main, capsys, args)
    changed_ddl = DDL.replace("a STRING", "a STRING, b STRING")
    checked = run_module(module.main, capsys, {**args, "query": changed_ddl}, check=True)
    assert checked["changed"] and marker(s3) == hashlib.sha256(DDL.encode()).hexdigest()
    assert run_module(module.main, capsys, {**args, "query": changed_ddl})["changed"]
    assert queries(athena)[-2:] == ["DROP TABLE IF EXISTS t", changed_ddl]
    assert marker(s3) == hashlib.sha256(changed_ddl.encode()).hexdigest()
    assert not run_module(module.main, capsys, {**args, "query": changed_ddl})["changed"]


def test_check_mode_without_the_bucket_reports_a_change(capsys, moto_session):
    args = {"query": DDL, "workgroup": "audit", "marker": "s3://missing/x.sha256"}
    assert run_module(module.main, capsys, args, check=True)["changed"]


@pytest.mark.parametrize("bad", ["logs/key", "s3://bucket-only"])
def test_rejects_a_bad_marker(capsys, clients, bad):
    result = run_module(module.main, capsys, {"query": DDL, "workgroup": "audit", "marker": bad})
    assert result["failed"] and "s3://bucket/key" in result["msg"]


def test_needs_exactly_one_idempotence_check(capsys, clients):
    result = run_module(module.main, capsys, {"query": DDL, "workgroup": "audit"})
    assert result["failed"] and "creates_database" in result["msg"]
