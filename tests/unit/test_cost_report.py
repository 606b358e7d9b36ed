"""The monthly cost report: month periods, cost by Component and attribution coverage (pure), and
ce_cost_and_usage_info against moto (moto 5.2.5 answers GetCostAndUsage from results seeded through
its moto-api queue, without checking the request) and against a Stubber for the request shape and paging."""

from __future__ import annotations

import datetime

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.filter import cost_report_metrics as cost_report_metrics_filter
from ansible_collections.mosaic.platform.plugins.module_utils.cost_report import UNTAGGED, cost_by_component, cost_report_metrics, month_period
from ansible_collections.mosaic.platform.plugins.modules import ce_cost_and_usage_info as module
from test_edge_audit_cost_harness import ACCOUNT, run_module

# The moto_session and stubbed fixtures.
pytest_plugins = ["test_edge_audit_cost_harness"]


def group(value: str, amount: str, tag: str = "Component") -> dict:
    return {"Keys": [f"{tag}${value}"], "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}}}


def month(*groups, start="2026-10-01", end="2026-11-01") -> dict:
    return {"TimePeriod": {"Start": start, "End": end}, "Total": {}, "Groups": list(groups), "Estimated": False}


SEEDED = [month(group("data", "620.50"), group("edge", "180.25"), group("", "49.25"), group("cluster", "150"))]


@pytest.mark.parametrize(
    ("given", "today", "expected"),
    [
        ("2026-10", None, {"Start": "2026-10-01", "End": "2026-11-01"}),
        ("2026-12", None, {"Start": "2026-12-01", "End": "2027-01-01"}),
        ("2028-02", None, {"Start": "2028-02-01", "End": "2028-03-01"}),
        (None, datetime.date(2026, 11, 30), {"Start": "2026-10-01", "End": "2026-11-01"}),
        (None, datetime.date(2027, 1, 1), {"Start": "2026-12-01", "End": "2027-01-01"}),
    ],
)
def test_month_period(given, today, expected):
    assert month_period(given, today) == expected


def test_cost_by_component_and_coverage():
    report = cost_by_component(SEEDED)
    assert report["total"] == 1000.0 and report["untagged"] == 49.25 and report["tagged"] == 950.75
    # 95.075 % rounds down, never up.
    assert report["coverage_percent"] == 95.0
    assert [(c["component"], c["cost"], c["percent"]) for c in report["components"]] == [
        ("data", 620.5, 62.0),
        ("edge", 180.25, 18.0),
        ("cluster", 150.0, 15.0),
        (UNTAGGED, 49.25, 4.9),
    ]


def test_below_threshold_coverage_is_reported_unrounded_upwards():
    # 89.99 % must not read as 90 %.
    report = cost_by_component([month(group("data", "89.99"), group("", "10.01"))])
    assert report["coverage_percent"] == 89.9 and report["coverage_percent"] < 90


def test_months_are_summed_and_other_metrics_read():
    rows = [
        month({"Keys": ["Component$data"], "Metrics": {"AmortizedCost": {"Amount": "10", "Unit": "USD"}}}),
        month({"Keys": ["Component$data"], "Metrics": {"AmortizedCost": {"Amount": "5", "Unit": "USD"}}}, start="2026-11-01", end="2026-12-01"),
    ]
    report = cost_by_component(rows, metric="AmortizedCost")
    assert report["components"] == [{"component": "data", "cost": 15.0, "percent": 100.0}]
    assert report["coverage_percent"] == 100.0


def test_ungrouped_cost_counts_as_untagged_and_no_cost_is_full_coverage():
    ungrouped = [{"TimePeriod": {}, "Total": {"UnblendedCost": {"Amount": "12", "Unit": "USD"}}, "Groups": []}]
    assert cost_by_component(ungrouped)["coverage_percent"] == 0.0
    empty = cost_by_component([])
    assert empty["total"] == 0 and empty["coverage_percent"] == 100.0 and empty["components"] == []


def test_another_tag_key():
    report = cost_by_component([month(group("team-a", "3", tag="Owner"), group("", "1", tag="Owner"))], tag_key="Owner")
    assert [c["component"] for c in report["components"]] == ["team-a", UNTAGGED] and report["coverage_percent"] == 75.0


def test_module_reads_seeded_costs_from_moto(capsys, moto_session):
    from moto.ce.models import ce_backends

    ce_backends[ACCOUNT]["global"].cost_usage_results_queue.append({"ResultsByTime": SEEDED})
    result = run_module(module.main, capsys, {"month": "2026-10", "region": "us-east-1"}, check=True)
    assert not result["changed"] and result["time_period"] == {"Start": "2026-10-01", "End": "2026-11-01"}
    assert cost_by_component(result["results_by_time"])["coverage_percent"] == 95.0


def test_module_request_shape_and_paging(capsys, stubbed):
    ce = stubbed("ce")
    request = {
        "TimePeriod": {"Start": "2026-10-01", "End": "2026-11-01"},
        "Granularity": "MONTHLY",
        "Metrics": ["AmortizedCost"],
        "GroupBy": [{"Type": "TAG", "Key": "Component"}],
    }
    ce.add_response("get_cost_and_usage", {"ResultsByTime": SEEDED[:1], "NextPageToken": "p2"}, request)
    ce.add_response("get_cost_and_usage", {"ResultsByTime": [month(group("edge", "1"))]}, {**request, "NextPageToken": "p2"})
    result = run_module(module.main, capsys, {"month": "2026-10", "metric": "AmortizedCost"})
    assert len(result["results_by_time"]) == 2


def test_module_rejects_a_bad_month(capsys, stubbed):
    stubbed("ce")
    result = run_module(module.main, capsys, {"month": "2026-13"})
    assert result["failed"] and result["msg"] == "month must be YYYY-MM (got '2026-13')"


def test_module_fails_naming_the_month(capsys, stubbed):
    ce = stubbed("ce")
    ce.add_client_error("get_cost_and_usage", service_error_code="DataUnavailableException", http_status_code=400)
    result = run_module(module.main, capsys, {"month": "2026-10"})
    assert result["failed"] and "Failed to read the cost of 2026-10 by Component" in result["msg"]


def test_report_metrics_one_point_per_component_and_the_coverage():
    report = cost_by_component([month(group("data", "600"), group("", "50"), group("edge", "350"))])
    points = cost_report_metrics(report, "prod")
    assert points == [
        {"name": "ComponentCost", "value": 600.0, "unit": "None", "dimensions": {"Component": "data", "Env": "prod"}},
        {"name": "ComponentCost", "value": 350.0, "unit": "None", "dimensions": {"Component": "edge", "Env": "prod"}},
        {"name": "ComponentCost", "value": 50.0, "unit": "None", "dimensions": {"Component": UNTAGGED, "Env": "prod"}},
        {"name": "AttributionCoverage", "value": 95.0, "unit": "Percent", "dimensions": {"Env": "prod"}},
    ]


def test_the_filter_names_itself_on_a_report_without_components():
    metrics = cost_report_metrics_filter.FilterModule().filters()["cost_report_metrics"]
    assert metrics(cost_by_component(SEEDED), env="dev")[-1] == {
        "name": "AttributionCoverage",
        "value": 95.0,
        "unit": "Percent",
        "dimensions": {"Env": "dev"},
    }
    with pytest.raises(AnsibleFilterError, match="cost_report_metrics: 'components'"):
        metrics({"coverage_percent": 100.0}, env="dev")
