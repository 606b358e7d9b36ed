"""playbooks/waf_anomalies.yml on moto: the saved WAF query's rows (seeded through moto's
/moto-api/static/athena/query-results queue: moto runs no SQL) summed into WafBlockedRequests, which the
converge's alarm <prefix>-waf-anomalies watches; the report in the audit bucket and the run in CloudWatch."""

from __future__ import annotations

import datetime
import json
import os
import urllib.request

from test_aws_cost import run_playbook


def seed_athena(platform, rows):
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5005")
    assert endpoint.startswith(("http://127.", "http://localhost")), endpoint
    columns = [{"Name": "terminatingruleid", "Type": "varchar"}, {"Name": "country", "Type": "varchar"}, {"Name": "blocked", "Type": "bigint"}]
    header = {"Data": [{"VarCharValue": c["Name"]} for c in columns]}
    data = [{"Data": [{"VarCharValue": str(v)} for v in r]} for r in rows]
    body = {"account_id": platform["account"], "region": platform["region"], "results": [{"rows": [header, *data], "column_info": columns}]}
    url = f"{endpoint}/moto-api/static/athena/query-results"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")  # noqa: S310 loopback http only, asserted above
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 loopback http only, asserted above
        assert response.status == 201


def test_the_alarm_watches_the_runs_metric(aws, platform):
    alarm = aws("cloudwatch").describe_alarms(AlarmNames=[f"{platform['prefix']}-waf-anomalies"])["MetricAlarms"][0]
    assert alarm["Namespace"] == "Mosaic/Audits" and alarm["MetricName"] == "WafBlockedRequests"
    assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == {"Audit": "waf-anomalies", "Env": platform["env"]}
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["AlarmActions"] == [f"arn:aws:sns:{platform['region']}:{platform['account']}:{platform['prefix']}-alerts"]


def test_the_run_publishes_the_blocked_requests(aws, platform, tmp_path):
    seed_athena(platform, [("AWS-AWSManagedRulesSQLiRuleSet", "RU", 4000), ("RateLimit", "US", 2500)])
    result = run_playbook("playbooks/waf_anomalies.yml", "-e", f"aws_audit_report_dir={tmp_path}")
    assert result.returncode == 0, result.stdout + result.stderr
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    report = (tmp_path / f"waf-anomalies-{date}.md").read_text()
    assert "Blocked requests: **6500**" in report and "| RateLimit | US | 2500 |" in report

    cloudwatch = aws("cloudwatch")
    dimensions = [{"Name": "Audit", "Value": "waf-anomalies"}, {"Name": "Env", "Value": platform["env"]}]
    points = cloudwatch.get_metric_statistics(
        Namespace="Mosaic/Audits",
        MetricName="WafBlockedRequests",
        Dimensions=dimensions,
        StartTime=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1),
        EndTime=datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1),
        Period=3600,
        Statistics=["Maximum"],
    )["Datapoints"]
    assert max(p["Maximum"] for p in points) == 6500.0
    bucket = f"{platform['prefix']}-logs-{platform['account']}"
    keys = {o["Key"] for o in aws("s3").list_objects_v2(Bucket=bucket, Prefix="audits/waf-anomalies/").get("Contents", [])}
    assert f"audits/waf-anomalies/{date}/waf-anomalies-{date}.md" in keys
