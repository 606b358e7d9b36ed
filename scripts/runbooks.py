#!/usr/bin/env python3
"""Write docs/runbooks/<alert>.md for every alert the platform defines, from the alert catalog.

The alert catalog is the PrometheusRules of the platform-monitoring chart, rendered with `helm template` (name,
severity, summary, expression, runbook_url). docs/runbooks/alerts.yml adds what a rule cannot say (service,
dashboard panel, log labels, the steps); the add-on catalog gives the ArgoCD application and the chart version to
roll back; the dashboards come from the chart's values (uid, panel id), the Grafana hosts from the example
inventories' domains. The layout is docs/runbooks/README.md's template.
Usage: scripts/runbooks.py [--check]   (--check: fail when a runbook is missing or stale, write nothing)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHART = ROOT / "roles" / "gitops" / "files" / "charts" / "platform-monitoring"
CATALOG = ROOT / "roles" / "gitops" / "files" / "catalog"
RUNBOOKS = ROOT / "docs" / "runbooks"
SOURCE = RUNBOOKS / "alerts.yml"
ENVS = ("prod", "staging", "dev", "local")
FIELDS = ("Service", "Alert", "Severity", "Dashboards", "Logs/Traces", "Playbook", "Rollback", "Escalation", "Postmortem")


def helm() -> str:
    local = ROOT / ".tools" / "bin" / "helm"
    return str(local) if local.exists() else "helm"


def rendered_chart() -> list[dict]:
    args = [helm(), "template", "platform-monitoring", str(CHART), "--namespace", "observability", "--set", "prefix=<prefix>"]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout  # noqa: S603 our pinned helm on our own chart
    return [doc for doc in yaml.safe_load_all(out) if doc]


def alert_rules(docs: list[dict]) -> list[dict]:
    """Every alerting rule of every PrometheusRule the chart renders, in file order."""
    rules = []
    for doc in docs:
        if doc.get("kind") != "PrometheusRule":
            continue
        for group in doc["spec"]["groups"]:
            rules += [{**rule, "group": group["name"]} for rule in group["rules"] if "alert" in rule]
    return rules


def dashboards(docs: list[dict]) -> dict:
    """uid -> {title, panels: {id: title}} of the dashboards the chart ships."""
    out = {}
    for doc in docs:
        if doc.get("kind") != "ConfigMap" or doc["metadata"].get("labels", {}).get("grafana_dashboard") != "1":
            continue
        for text in doc["data"].values():
            board = json.loads(text)
            out[board["uid"]] = {"title": board["title"], "panels": {p["id"]: p["title"] for p in board["panels"]}}
    return out


def domains() -> dict:
    return {env: yaml.safe_load((ROOT / f"inventories/{env}/group_vars/{env}/platform.yml").read_text())["platform_domain"] for env in ENVS}


def chart_of(app: str) -> tuple[str, str]:
    entry = yaml.safe_load((CATALOG / f"{app}.yml").read_text())
    if entry.get("own_chart"):
        version = yaml.safe_load((ROOT / "roles/gitops/files/charts" / app / "Chart.yaml").read_text())["version"]
        return f"the platform's own chart `roles/gitops/files/charts/{app}`", str(version)
    return f"`{entry['repo']}/{entry['chart']}`", str(entry["version"])


def loki_query(logs: dict) -> str:
    return "{" + f'env="<env>", namespace="{logs["namespace"]}", app="{logs["app"]}"' + '} |~ "(?i)error|fail"'


def render(name: str, rule: dict, spec: dict, severities: dict, boards: dict, hosts: dict) -> str:
    severity = rule["labels"]["severity"]
    level = severities[severity]
    board = boards[spec["dashboard"]["uid"]]
    panel = spec["dashboard"]["panel"]
    uid = spec["dashboard"]["uid"]
    links = ", ".join(f"[{env}](https://grafana.{host}/d/{uid}?viewPanel={panel})" for env, host in hosts.items())
    query = loki_query(spec["logs"])
    explore = quote(json.dumps({"datasource": "Loki", "queries": [{"refId": "A", "expr": query.replace("<env>", "prod")}]}, separators=(",", ":")))
    chart, version = chart_of(spec["application"])
    steps = "\n".join(f"{i}. {step}" for i, step in enumerate(spec["playbook"], start=1))
    rollback = (
        f"Application `{spec['application']}` (namespace `argocd`), {chart} at version `{version}` "
        f"(`roles/gitops/files/catalog/{spec['application']}.yml`). ArgoCD auto-syncs from git, so roll back in git: "
        f"`git revert` the commit that changed the pin or the values, `make render`, merge; `argocd app history "
        f"{spec['application']}` shows the synced revisions and `argocd app diff {spec['application']}` what the revert changes."
    )
    if spec.get("rollback_note"):
        rollback += f"\n\n{spec['rollback_note'].strip()}"
    expr = rule["expr"].strip()
    sections = {
        "Service": spec["service"],
        "Alert": f"`{name}` (group `{rule['group']}`, for {rule.get('for', '0m')}): {rule['annotations']['summary']}\n\n```promql\n{expr}\n```",
        "Severity": f"{level['level']} (`severity={severity}`): {level['routing']}.",
        "Dashboards": f'{board["title"]} (uid `{uid}`), panel {panel} "{board["panels"][panel]}": {links}.',
        "Logs/Traces": (
            f"Loki (Grafana, Explore, data source Loki), with the log agent's labels:\n\n```logql\n{query}\n```\n\n"
            f"[Open in Grafana (prod)](https://grafana.{hosts['prod']}/explore?schemaVersion=1&left={explore}). "
            f"Traces: `kubectl -n observability port-forward svc/jaeger-query 16686`, then "
            f"[Jaeger search for {spec['trace_service']}](http://localhost:16686/search?service={spec['trace_service']}&lookback=1h) "
            f"(or Grafana, Explore, data source Jaeger)."
        ),
        "Playbook": steps,
        "Rollback": rollback,
        "Escalation": (spec.get("escalation") or level["escalation"]).strip(),
        "Postmortem": (spec.get("postmortem") or level["postmortem"]).strip(),
    }
    body = "\n\n".join(f"## {field}\n\n{sections[field]}" for field in FIELDS)
    return f"# Runbook: {name}\n\n<!-- Written by scripts/runbooks.py from docs/runbooks/alerts.yml and the alert catalog: edit those. -->\n\n{body}\n"


def runbooks() -> dict[str, str]:
    """File name -> content of every runbook; raises when an alert has no entry in alerts.yml or the reverse."""
    docs = rendered_chart()
    source = yaml.safe_load(SOURCE.read_text())
    rules = alert_rules(docs)
    names = [r["alert"] for r in rules]
    missing, extra = sorted(set(names) - set(source["alerts"])), sorted(set(source["alerts"]) - set(names))
    if missing or extra:
        raise SystemExit(f"docs/runbooks/alerts.yml: no entry for {missing}; entries for no alert {extra}")
    boards, hosts = dashboards(docs), domains()
    return {f"{r['alert']}.md": render(r["alert"], r, source["alerts"][r["alert"]], source["severities"], boards, hosts) for r in rules}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a runbook is missing or stale; write nothing")
    args = parser.parse_args()
    wanted = runbooks()
    stale = [name for name, text in wanted.items() if not (RUNBOOKS / name).exists() or (RUNBOOKS / name).read_text() != text]
    if args.check:
        if stale:
            print(f"stale or missing runbooks: {stale} (run scripts/runbooks.py)", file=sys.stderr)
            return 1
        return 0
    for name in stale:
        (RUNBOOKS / name).write_text(wanted[name])
    print(f"{len(wanted)} runbooks, {len(stale)} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
