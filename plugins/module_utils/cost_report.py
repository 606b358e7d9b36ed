# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The monthly cost report: Cost Explorer costs grouped by a tag, and the share of cost that tag attributes."""

from __future__ import annotations

import datetime
import math

UNTAGGED = "(untagged)"


def month_period(month: str | None = None, today: datetime.date | None = None) -> dict:
    """Cost Explorer's TimePeriod of a month 'YYYY-MM' (default: the month before today); End is exclusive."""
    if month:
        start = datetime.datetime.strptime(month, "%Y-%m").date()
    else:
        first = (today or datetime.datetime.now(datetime.UTC).date()).replace(day=1)
        start = (first - datetime.timedelta(days=1)).replace(day=1)
    end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return {"Start": start.isoformat(), "End": end.isoformat()}


def _amount(metrics: dict, metric: str) -> tuple[float, str]:
    value = metrics.get(metric) or {}
    return float(value.get("Amount") or 0), value.get("Unit") or ""


def cost_by_component(results_by_time: list[dict], metric: str = "UnblendedCost", tag_key: str = "Component") -> dict:
    """Sum GetCostAndUsage results grouped by TAG tag_key (group keys 'tag_key$value'; an empty value is
    untagged cost) into per-component costs and the attribution coverage (tagged cost over total, percent,
    rounded down to one decimal so that rounding never lifts it over a threshold; 100 when there is no cost)."""
    costs: dict[str, float] = {}
    unit = ""
    for period in results_by_time:
        for group in period.get("Groups") or []:
            key = (group.get("Keys") or [""])[0]
            name = key.split("$", 1)[1] if key.startswith(f"{tag_key}$") else key
            amount, group_unit = _amount(group.get("Metrics") or {}, metric)
            unit = unit or group_unit
            costs[name or UNTAGGED] = costs.get(name or UNTAGGED, 0.0) + amount
        if not period.get("Groups"):
            # Ungrouped results (no group keys) attribute nothing.
            amount, total_unit = _amount(period.get("Total") or {}, metric)
            unit = unit or total_unit
            if amount:
                costs[UNTAGGED] = costs.get(UNTAGGED, 0.0) + amount
    total = sum(costs.values())
    untagged = costs.get(UNTAGGED, 0.0)
    tagged = total - untagged
    components = [
        {"component": name, "cost": round(cost, 2), "percent": round(100.0 * cost / total, 1) if total else 0.0}
        for name, cost in sorted(costs.items(), key=lambda item: (-item[1], item[0]))
    ]
    return {
        "metric": metric,
        "tag_key": tag_key,
        "unit": unit or "USD",
        "total": round(total, 2),
        "tagged": round(tagged, 2),
        "untagged": round(untagged, 2),
        "coverage_percent": math.floor(1000.0 * tagged / total) / 10 if total else 100.0,
        "components": components,
    }


def cost_report_metrics(report: dict, env: str) -> list[dict]:
    """The CloudWatch data points of one report (cloudwatch_metric_data's ``metrics``): ComponentCost per component,
    untagged cost included (dimensions Component, Env), and AttributionCoverage in percent (dimension Env)."""
    points = [
        {"name": "ComponentCost", "value": float(c["cost"]), "unit": "None", "dimensions": {"Component": c["component"], "Env": env}}
        for c in report["components"]
    ]
    points.append({"name": "AttributionCoverage", "value": float(report["coverage_percent"]), "unit": "Percent", "dimensions": {"Env": env}})
    return points
