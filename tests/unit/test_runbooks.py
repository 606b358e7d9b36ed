"""Every alert the platform defines has a runbook with every field filled in, and its runbook_url resolves to it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import runbooks  # noqa: E402  scripts/runbooks.py, the generator under test

RUNBOOKS = ROOT / "docs" / "runbooks"


@pytest.fixture(scope="module")
def chart():
    return runbooks.rendered_chart()


@pytest.fixture(scope="module")
def rules(chart):
    return runbooks.alert_rules(chart)


def sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts), 2)}


def test_the_catalog_has_alerts(rules):
    assert len(rules) >= 10


def test_every_alert_has_a_runbook_with_every_field(rules):
    for rule in rules:
        path = RUNBOOKS / f"{rule['alert']}.md"
        assert path.exists(), f"{rule['alert']} has no runbook (run scripts/runbooks.py)"
        found = sections(path.read_text())
        assert list(found) == list(runbooks.FIELDS), path
        empty = [field for field, body in found.items() if not body]
        assert not empty, f"{path.name}: empty fields {empty}"


def test_every_runbook_url_resolves_to_its_file(rules):
    base = yaml.safe_load((runbooks.CHART / "values.yaml").read_text())["runbookBaseUrl"]
    for rule in rules:
        url = rule["annotations"].get("runbook_url", "")
        assert url == f"{base}/{rule['alert']}.md", rule["alert"]
        assert base.endswith("/docs/runbooks")
        assert (RUNBOOKS / url.rsplit("/", 1)[1]).is_file(), url


def test_the_rendered_trees_point_at_the_repository_runbooks():
    # The gitops role sets the base per environment; it must still end in this repository's docs/runbooks.
    settings = (ROOT / "roles/gitops/defaults/main/settings.yml").read_text()
    assert re.search(r"^gitops_runbook_base_url: .*/blob/\{\{ gitops_revision \}\}/docs/runbooks\"$", settings, re.MULTILINE)
    catalog = yaml.safe_load((ROOT / "roles/gitops/files/catalog/platform-monitoring.yml").read_text())
    assert catalog["env_values"]["runbookBaseUrl"] == "@{vars.gitops_runbook_base_url}"


def test_every_dashboard_link_names_a_real_panel(chart):
    boards = runbooks.dashboards(chart)
    for path in RUNBOOKS.glob("*.md"):
        if path.name == "README.md":
            continue
        links = re.findall(r"/d/([a-z0-9-]+)\?viewPanel=(\d+)", path.read_text())
        assert links, path.name
        for uid, panel in links:
            assert int(panel) in boards[uid]["panels"], (path.name, uid, panel)


def test_the_runbooks_are_up_to_date():
    for name, text in runbooks.runbooks().items():
        assert (RUNBOOKS / name).read_text() == text, f"{name} is stale: run scripts/runbooks.py"


def test_no_runbook_for_an_alert_that_does_not_exist(rules):
    names = {f"{r['alert']}.md" for r in rules}
    assert {p.name for p in RUNBOOKS.glob("*.md")} - {"README.md"} == names


def test_an_alert_without_an_entry_fails_the_generator(tmp_path, monkeypatch):
    source = yaml.safe_load(runbooks.SOURCE.read_text())
    source["alerts"].pop("VeleroBackupFailed")
    broken = tmp_path / "alerts.yml"
    broken.write_text(yaml.safe_dump(source))
    monkeypatch.setattr(runbooks, "SOURCE", broken)
    with pytest.raises(SystemExit, match="no entry for \\['VeleroBackupFailed'\\]"):
        runbooks.runbooks()


def test_an_empty_playbook_shows_as_an_empty_field():
    source = yaml.safe_load(runbooks.SOURCE.read_text())
    rule = {"alert": "X", "group": "g", "labels": {"severity": "warning"}, "annotations": {"summary": "s"}, "expr": "up == 0"}
    spec = {**source["alerts"]["High5xxRatio"], "playbook": []}
    boards = runbooks.dashboards(runbooks.rendered_chart())
    text = runbooks.render("X", rule, spec, source["severities"], boards, runbooks.domains())
    assert sections(text)["Playbook"] == ""


def test_the_template_has_every_field():
    template = (RUNBOOKS / "README.md").read_text()
    for field in runbooks.FIELDS:
        assert f"## {field}\n" in template, field
