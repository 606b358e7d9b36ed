"""playbooks/cost_report.yml on moto: Cost Explorer costs seeded through moto's queue
(/moto-api/static/ce/cost-and-usage-results; moto returns each seeded result to the next new request),
a Markdown and CSV report by Component, and the coverage threshold failing the run below it."""

from __future__ import annotations

import csv
import datetime
import json
import os
import urllib.request

import pytest
from test_aws_cost import run_playbook


def month(*groups) -> dict:
    return {
        "ResultsByTime": [
            {
                "TimePeriod": {"Start": "2026-10-01", "End": "2026-11-01"},
                "Total": {},
                "Groups": [{"Keys": [f"Component${v}"], "Metrics": {"UnblendedCost": {"Amount": a, "Unit": "USD"}}} for v, a in groups],
                "Estimated": False,
            }
        ]
    }


@pytest.fixture
def seed_costs():
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5005")
    assert endpoint.startswith(("http://127.", "http://localhost")), endpoint

    def seed(*results):
        body = json.dumps({"results": list(results)}).encode()
        url = f"{endpoint}/moto-api/static/ce/cost-and-usage-results"
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 loopback http only, asserted above
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 loopback http only, asserted above
            assert response.status == 201

    return seed


def recorded(aws, platform, name: str) -> bool:
    """The run's report is in the audit bucket (the converge's log bucket) and its AuditRuns point in CloudWatch."""
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    bucket = f"{platform['prefix']}-logs-{platform['account']}"
    keys = {o["Key"] for o in aws("s3").list_objects_v2(Bucket=bucket, Prefix=f"audits/cost-report/{date}/").get("Contents", [])}
    dimensions = [{"Name": "Audit", "Value": "cost-report"}, {"Name": "Env", "Value": platform["env"]}]
    metrics = aws("cloudwatch").list_metrics(Namespace="Mosaic/Audits", MetricName="AuditRuns", Dimensions=dimensions)["Metrics"]
    return f"audits/cost-report/{date}/{name}" in keys and bool(metrics)


def published(aws, platform, metric: str, statistic: str = "Maximum") -> dict:
    """{Component or "": statistic over the last hour} of one metric the cost report publishes for this Env."""
    cloudwatch, now = aws("cloudwatch"), datetime.datetime.now(datetime.UTC)
    found = {}
    for m in cloudwatch.list_metrics(Namespace="Mosaic/Audits", MetricName=metric)["Metrics"]:
        dims = {d["Name"]: d["Value"] for d in m["Dimensions"]}
        if dims.get("Env") != platform["env"]:
            continue
        points = cloudwatch.get_metric_statistics(
            Namespace="Mosaic/Audits",
            MetricName=metric,
            Dimensions=m["Dimensions"],
            StartTime=now - datetime.timedelta(hours=1),
            EndTime=now + datetime.timedelta(minutes=5),
            Period=3600,
            Statistics=[statistic],
        )["Datapoints"]
        found[dims.get("Component", "")] = points[0][statistic] if points else None
    return found


def test_cost_report_by_component(aws, platform, tmp_path, seed_costs):
    # A month the test alone asks for: moto binds a seeded result to the first request's parameters.
    seed_costs(month(("data", "600"), ("edge", "250"), ("cluster", "100"), ("", "50")))
    result = run_playbook("playbooks/cost_report.yml", "-e", f"aws_cost_report_dir={tmp_path}", "-e", "aws_cost_report_month=2026-10")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Cost attribution coverage 95.0% >= 90" in result.stdout
    markdown = (tmp_path / "cost-2026-10.md").read_text()
    assert "| data | 600.00 | 60.0 % |" in markdown
    assert "| (untagged) | 50.00 | 5.0 % |" in markdown
    assert "**95.0 %**" in markdown and "**PASS**" in markdown
    rows = list(csv.DictReader((tmp_path / "cost-2026-10.csv").open()))
    assert [(r["component"], r["cost"]) for r in rows] == [
        ("data", "600.00"),
        ("edge", "250.00"),
        ("cluster", "100.00"),
        ("(untagged)", "50.00"),
        ("(total)", "1000.00"),
    ]
    assert recorded(aws, platform, "cost-2026-10.md") and recorded(aws, platform, "cost-2026-10.csv")
    # The Grafana cost dashboard's source: each component's cost and the coverage, in CloudWatch.
    costs = published(aws, platform, "ComponentCost")
    assert {k: costs.get(k) for k in ("data", "edge", "cluster", "(untagged)")} == {"data": 600.0, "edge": 250.0, "cluster": 100.0, "(untagged)": 50.0}
    assert published(aws, platform, "AttributionCoverage")[""] >= 95.0


def test_cost_report_fails_below_the_threshold(aws, platform, tmp_path, seed_costs):
    seed_costs(month(("data", "80"), ("", "20")))
    result = run_playbook("playbooks/cost_report.yml", "-e", f"aws_cost_report_dir={tmp_path}", "-e", "aws_cost_report_month=2026-09")
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "Cost attribution coverage 80.0%" in out and "below aws_cost_report_threshold (90%) for 2026-09" in out
    # The report is written before the run fails, so the failure can be read.
    assert "**FAIL**" in (tmp_path / "cost-2026-09.md").read_text()
    # A failing run is recorded too, and its coverage reaches the dashboard.
    assert recorded(aws, platform, "cost-2026-09.md")
    assert published(aws, platform, "AttributionCoverage", "Minimum")[""] == 80.0
