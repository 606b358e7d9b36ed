"""cloudwatch_metric_data against moto (moto 5.2.5 stores PutMetricData points and lists their metrics)."""

from __future__ import annotations

from ansible_collections.mosaic.platform.plugins.modules import cloudwatch_metric_data as module
from test_edge_audit_cost_harness import run_module

# The moto_session fixture.
pytest_plugins = ["test_edge_audit_cost_harness"]

ARGS = {
    "namespace": "Mosaic/Audits",
    "metrics": [
        {"name": "AuditRuns", "value": 1, "dimensions": {"Audit": "iam-review", "Env": "local"}},
        {"name": "AuditFindings", "value": 3, "dimensions": {"Env": "local", "Audit": "iam-review"}},
    ],
}


def listed(session):
    return sorted(m["MetricName"] for m in session.client("cloudwatch").list_metrics(Namespace="Mosaic/Audits")["Metrics"])


def test_check_mode_sends_nothing(capsys, moto_session):
    result = run_module(module.main, capsys, ARGS, check=True)
    assert result["changed"] and listed(moto_session) == []
    assert result["metric_data"][0] == {
        "MetricName": "AuditRuns",
        "Value": 1.0,
        "Unit": "Count",
        "Dimensions": [{"Name": "Audit", "Value": "iam-review"}, {"Name": "Env", "Value": "local"}],
    }


def test_points_are_published_with_their_dimensions(capsys, moto_session):
    assert run_module(module.main, capsys, ARGS)["changed"]
    assert listed(moto_session) == ["AuditFindings", "AuditRuns"]
    stats = moto_session.client("cloudwatch").get_metric_statistics(
        Namespace="Mosaic/Audits",
        MetricName="AuditFindings",
        Dimensions=[{"Name": "Audit", "Value": "iam-review"}, {"Name": "Env", "Value": "local"}],
        StartTime="2000-01-01T00:00:00Z",
        EndTime="2100-01-01T00:00:00Z",
        Period=86400,
        Statistics=["Sum"],
    )["Datapoints"]
    assert sum(p["Sum"] for p in stats) == 3.0


def test_an_aws_namespace_is_refused(capsys, moto_session):
    result = run_module(module.main, capsys, {**ARGS, "namespace": "AWS/EC2"})
    assert result["failed"] and result["msg"] == "namespace must not start with AWS/ (got 'AWS/EC2')"
