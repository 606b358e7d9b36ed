"""The platform's Grafana dashboards (chart platform-monitoring): each one is found by Grafana's sidecar, parses, has
a uid of its own, and every panel query reads a metric that something in the catalog produces.

Where a metric comes from: a recording rule of the chart itself; yet-another-cloudwatch-exporter, whose series are
derived from the catalog's YACE config exactly (aws_<namespace>_<metric in snake case>_<statistic>), so a dashboard
that reads a CloudWatch metric no job exports fails; or an add-on of the catalog that exports it (SOURCES).
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
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
# YACE's names of the CloudWatch namespaces the catalog's jobs read (its pkg/config/services.go aliases).
YACE_ALIAS = {"AWS/SQS": "sqs", "AWS/WAFV2": "wafv2", "AWS/Billing": "billing"}
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_TOKEN = re.compile(r"(?<![\w:.])([A-Za-z_:][\w:]*)(?![\w:])(?!\s*\()")


def metrics_of(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (selectors, ranges, strings, groupings and functions left out)."""
    bare = re.sub(r"\{[^}]*\}|\[[^\]]*\]|\"[^\"]*\"", " ", expr)
    bare = _GROUPING.sub(" ", bare)
    return {t for t in _TOKEN.findall(bare) if t not in ("by", "without", "bool", "offset", "and", "or", "unless")}


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def yace_metrics() -> set[str]:
    entry = yaml.safe_load((CATALOG / "cloudwatch-exporter.yml").read_text())
    config = yaml.safe_load(re.sub(r"@\{[^}]*\}", "x", entry["cluster_values"]["config"]))
    return {
        f"aws_{YACE_ALIAS[job['type']]}_{_snake(m['name'])}_{stat.lower()}"
        for job in config["discovery"]["jobs"]
        for m in job["metrics"]
        for stat in m["statistics"]
    }


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


def test_the_cost_dashboard_reads_the_billing_job():
    assert "aws_billing_estimated_charges_maximum" in yace_metrics()


def test_the_metric_scan_finds_names_and_skips_the_rest():
    expr = 'sum by (dimension_QueueName) (rate(aws_sqs_x_sum{a="b"}[5m])) / on(job) slo:y:ratio - time() > 0.5'
    assert metrics_of(expr) == {"aws_sqs_x_sum", "slo:y:ratio"}
    assert "aws_sqs_unknown_maximum" not in yace_metrics()
