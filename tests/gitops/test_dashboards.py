"""The platform's Grafana dashboards (chart platform-monitoring): each one is found by Grafana's sidecar, parses, has
a uid of its own, and every panel query reads a metric that something in the catalog produces.

Where a metric comes from: a recording rule of the chart itself; yet-another-cloudwatch-exporter, whose series are
derived from the catalog's YACE config exactly (its BuildMetricName: aws_<namespace>_<metric>_<statistic>), so a
dashboard that reads a CloudWatch metric no job exports fails; or an add-on of the catalog that exports it (SOURCES).
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.cost_report import cost_by_component, cost_report_metrics
from gitops_helpers import ROOT
from own_charts import helm_template

CHART = "roles/gitops/files/charts/platform-monitoring"
CATALOG = ROOT / "roles" / "gitops" / "files" / "catalog"
# Metric name prefix -> the catalog add-on whose pods export it (and how Prometheus scrapes them).
SOURCES = {
    "velero_": "velero",  # the chart's metrics.serviceMonitor
    "kube_": "kube-prometheus-stack",  # its kube-state-metrics subchart
    "certmanager_": "cert-manager",  # platform-monitoring's ServiceMonitor cert-manager
    "traefik_": "traefik",  # the chart's metrics.prometheus.serviceMonitor
}
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_TOKEN = re.compile(r"(?<![\w:.])([A-Za-z_:][\w:]*)(?![\w:])(?!\s*\()")


def metrics_of(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (selectors, ranges, strings, groupings and functions left out)."""
    bare = re.sub(r"\{[^}]*\}|\[[^\]]*\]|\"[^\"]*\"", " ", expr)
    bare = _GROUPING.sub(" ", bare)
    return {t for t in _TOKEN.findall(bare) if t not in ("by", "without", "bool", "offset", "and", "or", "unless")}


def _prom(text: str) -> str:
    """YACE v0.67.0's PromString: separators to _, % to _percent, _ before an upper case letter after a lower one or a digit."""
    out, prev = [], ""
    for c in text:
        if c in " ,\t/\\.-:=@<>()\u201c":
            out.append("_")
        elif c == "%":
            out.append("_percent")
        else:
            if c.isupper() and (prev.islower() or prev.isdigit()):
                out.append("_")
            out.append(c.lower())
        prev = c
    return "".join(out)


def yace_name(namespace: str, metric: str, statistic: str) -> str:
    """YACE v0.67.0's BuildMetricName (pkg/promutil/migrate.go)."""
    ns = _prom(namespace.lstrip("/").lower())
    name = _prom(metric)
    skip = 0
    for part in ns.split("_"):
        if name[skip:].startswith(part):
            skip = len(part)
    name = name[skip:].removeprefix("_")
    return ("" if ns.startswith("aws") else "aws_") + f"{ns}_{name}_{_prom(statistic)}"


def yace_config() -> dict:
    entry = yaml.safe_load((CATALOG / "cloudwatch-exporter.yml").read_text())
    return yaml.safe_load(re.sub(r"@\{[^}]*\}", "x", entry["cluster_values"]["config"]))


def yace_metrics() -> set[str]:
    config = yace_config()
    jobs = [(j["type"], j) for j in config["discovery"]["jobs"]] + [(j["namespace"], j) for j in config.get("customNamespace", [])]
    return {yace_name(ns, m["name"], stat) for ns, job in jobs for m in job["metrics"] for stat in m["statistics"]}


@pytest.fixture(scope="module")
def rendered() -> list[dict]:
    return helm_template(ROOT, "platform-monitoring", CHART, "observability")


def dashboards(objs: list[dict]) -> list[dict]:
    label = yaml.safe_load((CATALOG / "kube-prometheus-stack.yml").read_text())["values"]["grafana"]["sidecar"]["dashboards"]["label"]
    found = []
    for obj in objs:
        if obj["kind"] == "ConfigMap" and label in obj["metadata"].get("labels", {}):
            assert obj["metadata"]["labels"][label] == "1", obj["metadata"]["name"]
            found += [json.loads(text) for text in obj["data"].values()]
    return found


def recorded(objs: list[dict]) -> set[str]:
    return {r["record"] for o in objs if o["kind"] == "PrometheusRule" for g in o["spec"]["groups"] for r in g["rules"] if "record" in r}


def test_every_dashboard_parses_and_has_a_uid_of_its_own(rendered):
    boards = dashboards(rendered)
    uids = [b.get("uid") for b in boards]
    assert {"platform-queues", "platform-waf", "platform-cost", "platform-slo"} <= set(uids)
    assert all(uids) and len(uids) == len(set(uids)), uids
    for board in boards:
        ids = [p["id"] for p in board["panels"]]
        assert board["title"] and len(ids) == len(set(ids)), board["uid"]


def test_every_panel_query_reads_a_metric_the_catalog_produces(rendered):
    known_yace, rules = yace_metrics(), recorded(rendered)
    for board in dashboards(rendered):
        for panel in board["panels"]:
            exprs = [t["expr"] for t in panel["targets"]]
            assert exprs, f"{board['uid']} panel {panel['id']} has no query"
            for name in set().union(*map(metrics_of, exprs)):
                where = f"{board['uid']} panel {panel['id']}: {name}"
                if name in rules:
                    continue
                if name.startswith("aws_"):
                    assert name in known_yace, f"{where}: no job of the CloudWatch exporter exports it"
                    continue
                source = next((addon for prefix, addon in SOURCES.items() if name.startswith(prefix)), None)
                assert source, f"{where}: no exporter of the catalog is known to produce it"
                assert (CATALOG / f"{source}.yml").is_file(), f"{where}: {source} is not in the catalog"


def test_every_panel_datasource_is_a_declared_datasource(rendered):
    grafana = yaml.safe_load((CATALOG / "kube-prometheus-stack.yml").read_text())["values"]["grafana"]
    uids = {d["uid"] for d in grafana["additionalDataSources"] if "uid" in d}
    used = {p["datasource"]["uid"] for b in dashboards(rendered) for p in b["panels"] if "datasource" in p}
    assert "thanos" in used and used <= uids, (used, uids)


def test_the_exporter_reads_what_the_cost_report_publishes():
    """The cost report's namespace and metric names (aws_cost) are those of the exporter's cost-report job."""
    defaults = yaml.safe_load((ROOT / "roles" / "aws_cost" / "defaults" / "main.yml").read_text())
    [job] = [j for j in yace_config()["customNamespace"] if j["name"] == "cost-report"]
    assert job["namespace"] == defaults["aws_cost_report_metrics_namespace"]
    report = cost_by_component([{"Groups": [{"Keys": ["Component$data"], "Metrics": {"UnblendedCost": {"Amount": "1", "Unit": "USD"}}}]}])
    assert {m["name"] for m in job["metrics"]} == {p["name"] for p in cost_report_metrics(report, "dev")}


def test_yace_names_as_yace_does():
    assert yace_name("AWS/Billing", "EstimatedCharges", "Maximum") == "aws_billing_estimated_charges_maximum"
    assert yace_name("AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum") == "aws_sqs_approximate_age_of_oldest_message_maximum"
    assert yace_name("AWS/WAFV2", "BlockedRequests", "Sum") == "aws_wafv2_blocked_requests_sum"
    assert yace_name("Mosaic/Audits", "ComponentCost", "Maximum") == "aws_mosaic_audits_component_cost_maximum"
    # A metric that repeats its namespace loses the repetition (YACE's Glue case).
    assert yace_name("Glue", "glue.driver.aggregate.bytesRead", "Sum") == "aws_glue_driver_aggregate_bytes_read_sum"


def test_the_metric_scan_finds_names_and_skips_the_rest():
    expr = 'sum by (dimension_QueueName) (rate(aws_sqs_x_sum{a="b"}[5m])) / on(job) slo:y:ratio - time() > 0.5'
    assert metrics_of(expr) == {"aws_sqs_x_sum", "slo:y:ratio"}
    assert "aws_sqs_unknown_maximum" not in yace_metrics()
