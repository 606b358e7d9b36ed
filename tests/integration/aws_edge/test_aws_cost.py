"""aws_cost on moto: budgets with notifications, the tagging standard check and the tag coverage report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
INVENTORY = yaml.safe_load((ROOT / "inventories/local/group_vars/local/aws_cost.yml").read_text())
ANSIBLE_PLAYBOOK = Path(sys.executable).with_name("ansible-playbook")


@pytest.fixture(scope="module")
def budgets(aws, platform):
    found = aws("budgets").describe_budgets(AccountId=platform["account"])["Budgets"]
    return {b["BudgetName"]: b for b in found}


def test_total_and_component_budgets(budgets, platform):
    prefix = platform["prefix"]
    expected = {f"{prefix}-total"} | {f"{prefix}-{c['name']}" for c in INVENTORY["aws_cost_component_budgets"]}
    assert set(budgets) == expected
    total = budgets[f"{prefix}-total"]
    assert float(total["BudgetLimit"]["Amount"]) == float(INVENTORY["aws_cost_total_monthly_limit"])
    assert total["TimeUnit"] == "MONTHLY" and total["BudgetType"] == "COST"
    for component in INVENTORY["aws_cost_component_budgets"]:
        budget = budgets[f"{prefix}-{component['name']}"]
        assert budget["CostFilters"] == {"TagKeyValue": [f"user:Component${component['name']}"]}
        assert float(budget["BudgetLimit"]["Amount"]) == float(component["amount"])


def test_every_budget_has_forecasted_and_actual_notifications(aws, budgets, platform):
    expected = sorted(
        [("FORECASTED", float(t)) for t in INVENTORY["aws_cost_forecasted_thresholds"]]
        + [("ACTUAL", float(t)) for t in INVENTORY["aws_cost_actual_thresholds"]]
    )
    for name in budgets:
        notes = aws("budgets").describe_notifications_for_budget(AccountId=platform["account"], BudgetName=name)["Notifications"]
        assert sorted((n["NotificationType"], float(n["Threshold"])) for n in notes) == expected, name
        assert {n["ThresholdType"] for n in notes} == {"PERCENTAGE"}
        assert {n["ComparisonOperator"] for n in notes} == {"GREATER_THAN"}


def run_playbook(playbook: str, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    env.setdefault("MOSAIC_WORKSPACE", str(ROOT))
    return subprocess.run(
        [str(ANSIBLE_PLAYBOOK), "-i", str(ROOT / "inventories/local"), str(ROOT / playbook), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def mistagged_topic(aws, platform):
    """A topic carrying Project and Env (so the collection counts it as its own) but no Owner or Component."""
    sns = aws("sns")
    arn = sns.create_topic(
        Name=f"{platform['prefix']}-untagged-probe", Tags=[{"Key": "Project", "Value": platform["project"]}, {"Key": "Env", "Value": platform["env"]}]
    )["TopicArn"]
    yield arn
    sns.delete_topic(TopicArn=arn)


def test_tag_check_passes_on_the_converged_account():
    result = run_playbook("molecule/aws_edge/tag_check.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "carry Project, Env, Owner, Component" in result.stdout


def test_tag_check_fails_naming_a_mistagged_resource(mistagged_topic):
    result = run_playbook("molecule/aws_edge/tag_check.yml")
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert mistagged_topic in out
    assert "missing Owner, Component" in out


def test_audit_tags_reports_coverage_by_component(tmp_path, mistagged_topic):
    report = tmp_path / "tag-coverage.yml"
    passing = run_playbook("playbooks/audit_tags.yml", "-e", f"aws_cost_tag_report_file={report}", "-e", "aws_cost_tag_coverage_threshold=50")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    data = yaml.safe_load(report.read_text())
    coverage = data["coverage"]
    assert coverage["total"] == coverage["compliant"] + 1
    assert coverage["by_component"]["(none)"] == {"total": 1, "compliant": 0, "percent": 0.0}
    assert coverage["by_component"]["edge"]["percent"] == 100.0
    assert [v["arn"] for v in data["violations"]] == [mistagged_topic]

    failing = run_playbook("playbooks/audit_tags.yml", "-e", f"aws_cost_tag_report_file={report}", "-e", "aws_cost_tag_coverage_threshold=100")
    out = failing.stdout + failing.stderr
    assert failing.returncode != 0, out
    assert "below aws_cost_tag_coverage_threshold" in out
