"""docs/disaster-recovery.md matches the restore drill's code: its targets (one source, the role's defaults)
and its schedule (the workflow's cron)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "disaster-recovery.md").read_text()
DEFAULTS = yaml.safe_load((ROOT / "roles" / "restore_drill" / "defaults" / "main.yml").read_text())
TARGETS = DEFAULTS["restore_drill_targets"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def table(heading: str) -> list[list[str]]:
    """The rows of the first Markdown table after heading, as lists of cells."""
    section = DOC.split(heading, 1)[1]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    end = next((i for i, line in enumerate(section.splitlines()) if line.startswith("|")), 0)
    rows = []
    for line in section.splitlines()[end:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    assert lines, f"no table after {heading}"
    return rows[2:]


def minutes(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+) (minutes?|hours?)", text).groups()
    return int(number) * (60 if unit.startswith("hour") else 1)


def test_the_drill_targets_table_is_the_role_defaults():
    rows = table("### Drill targets")
    assert [r[0] for r in rows] == DEFAULTS["restore_drill_tiers"]
    for tier, service, point, rpo, rto in rows:
        assert TARGETS[tier] == {"service": service, "restore_point": point, "rpo_minutes": minutes(rpo), "rto_minutes": minutes(rto)}, tier


def test_the_targets_table_rto_is_each_tiers_rto_target():
    rto = {r[0]: minutes(r[3]) for r in table("## Targets")}
    for tier, target in TARGETS.items():
        assert rto[target["service"]] == target["rto_minutes"], tier


def test_the_targets_table_rpo_names_each_tiers_rpo_target():
    # The Postgres dump is the daily fallback beside point-in-time recovery: its 24-hour RPO is in the drill table only.
    rpo = {r[0]: r[2] for r in table("## Targets")}
    for tier, target in TARGETS.items():
        if tier == "postgres_dump":
            continue
        hours = target["rpo_minutes"] // 60
        phrase = f"{target['rpo_minutes']} minutes" if target["rpo_minutes"] < 60 else f"{hours} hour{'s' if hours > 1 else ''}"
        assert phrase in rpo[target["service"]], tier


def test_the_doc_and_the_workflow_say_quarterly():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "restore-drill.yml").read_text())
    # PyYAML reads the `on` key as True.
    (cron,) = [entry["cron"] for entry in workflow[True]["schedule"]]
    minute, hour, day, month, weekday = cron.split()
    months = [int(m) for m in month.split(",")]
    assert weekday == "*" and len(months) == 4 and all(b - a == 3 for a, b in zip(months, months[1:], strict=False)), cron
    names = ", ".join(MONTHS[m - 1] for m in months[:-1]) + f" and {MONTHS[months[-1] - 1]}"
    workflow_path = "`.github/workflows/restore-drill.yml`"
    when = f"{int(hour):02d}:{int(minute):02d} UTC on the {int(day)}st of {names}"
    expected = f"Quarterly, every tier: the `restore-drill` workflow ({workflow_path}) runs it at {when}"
    assert expected in " ".join(DOC.split()), expected
    assert "twice a year" not in DOC.lower()


def test_the_doc_names_every_tier_the_role_drills():
    rows = table("### What each tier does")
    assert [r[0] for r in rows] == DEFAULTS["restore_drill_tiers"]
    assert sorted(p.stem for p in (ROOT / "roles" / "restore_drill" / "tasks").glob("*.yml") if p.stem in TARGETS) == sorted(TARGETS)
