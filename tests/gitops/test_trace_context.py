"""W3C trace context across the platform, in every environment's tree (the objects ArgoCD deploys).

A trace survives a hop (HTTP, or an SQS message whose attributes carry the headers) only when both ends speak the
same propagation format. The Instrumentation the operator injects into auto-instrumented workloads propagates W3C
`tracecontext` (traceparent/tracestate) and `baggage`; every workload of the own charts that exports OTLP by hand
says the same in OTEL_PROPAGATORS; the collector receives OTLP and hands traces to Jaeger's collector Service.
"""

from __future__ import annotations

import pytest
from gitops_helpers import ENVS, ROOT
from own_charts import own_chart_objects

W3C = {"tracecontext", "baggage"}


@pytest.fixture(scope="module", params=ENVS)
def objects(request) -> list[dict]:
    return [o for objs in own_chart_objects(ROOT, request.param).values() for o in objs]


def _containers(obj: dict) -> list[dict]:
    spec = obj.get("spec", {})
    pod = spec.get("template", {}).get("spec") or spec.get("jobTemplate", {}).get("spec", {}).get("template", {}).get("spec") or {}
    return pod.get("containers", [])


def test_the_instrumentation_propagates_w3c_tracecontext_and_baggage(objects):
    [inst] = [o for o in objects if o["kind"] == "Instrumentation"]
    assert set(inst["spec"]["propagators"]) == W3C
    assert inst["spec"]["exporter"]["endpoint"].startswith("http://otel-collector.observability.svc:")


def test_every_workload_that_exports_otlp_by_hand_propagates_w3c(objects):
    senders = 0
    for obj in objects:
        for container in _containers(obj):
            env = {e["name"]: e.get("value") for e in container.get("env", [])}
            if "OTEL_EXPORTER_OTLP_ENDPOINT" in env:
                senders += 1
                assert set(str(env.get("OTEL_PROPAGATORS", "")).split(",")) >= W3C, f"{obj['metadata']['name']}/{container['name']}"
    assert senders, "no workload exports OTLP by hand: the check would prove nothing"


def test_the_collector_receives_otlp_and_exports_traces_to_jaeger(objects):
    [collector] = [o for o in objects if o["kind"] == "OpenTelemetryCollector"]
    config = collector["spec"]["config"]
    traces = config["service"]["pipelines"]["traces"]
    assert "otlp" in traces["receivers"]
    assert {"grpc", "http"} <= set(config["receivers"]["otlp"]["protocols"])
    [exporter] = traces["exporters"]
    assert config["exporters"][exporter]["endpoint"] == "jaeger-collector.observability.svc:4317"
