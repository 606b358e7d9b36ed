"""The scripts the GitHub workflows call: the plan report of a --check run, the environments a PR touches."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import ci_plan_report  # noqa: E402
import ci_touched_envs  # noqa: E402

LOG = """
TASK [mosaic.platform.aws_kms : Create the keys] *******************************
ok: [prod-main] => (item=audit)
TASK [mosaic.platform.aws_storage : Create the buckets] ************************
changed: [prod-main] => (item=artifacts)
changed: [prod-main] => (item=logs)
TASK [mosaic.platform.gitops : Write the tree] *********************************
changed: [prod-main]

PLAY RECAP *********************************************************************
prod-main                  : ok=42   changed=3    unreachable=0    failed=0    skipped=7    rescued=0    ignored=0
"""


def test_a_plan_with_changes_lists_them_and_exits_2():
    text, code = ci_plan_report.report("prod", LOG, "--- a/gitops/prod/x.yaml\n+++ b/gitops/prod/x.yaml\n")
    assert code == 2
    assert text.startswith("### Plan for `prod`: 3 change(s)\n")
    assert "| prod-main | 42 | 3 | 0 |" in text
    assert "- mosaic.platform.aws_storage : Create the buckets\n- mosaic.platform.gitops : Write the tree" in text
    assert "aws_kms" not in text
    assert "```diff\n--- a/gitops/prod/x.yaml" in text


def test_a_clean_plan_exits_0_without_a_tree_section():
    text, code = ci_plan_report.report("dev", LOG.replace("changed=3", "changed=0").replace("changed: ", "ok: "))
    assert code == 0
    assert "0 change(s)" in text and "Rendered tree diff" not in text


def test_a_failed_or_truncated_run_exits_1():
    assert ci_plan_report.report("dev", LOG.replace("failed=0", "failed=1"))[1] == 1
    assert ci_plan_report.report("dev", "ERROR! the playbook could not be parsed")[1] == 1


def test_a_long_plan_fits_in_one_comment():
    text, _ = ci_plan_report.report("prod", LOG, "+" * 100000)
    assert len(text) < 65536 and text.endswith("(truncated: the full plan is in the job log)\n")


def test_the_cli_writes_markdown_and_returns_the_code(tmp_path):
    (tmp_path / "plan.log").write_text(LOG)
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "ci_plan_report.py"), "prod", str(tmp_path / "plan.log")], capture_output=True, text=True)
    assert result.returncode == 2 and "3 change(s)" in result.stdout


@pytest.mark.parametrize(
    ("paths", "envs"),
    [
        (["docs/gitops.md", "tests/unit/test_x.py"], []),
        (["inventories/staging/group_vars/staging/gitops.yml"], ["staging"]),
        (["gitops/prod/apps/loki.yaml", "inventories/dev/hosts.yml"], ["dev", "prod"]),
        (["inventories/local/group_vars/local/k8s_bootstrap.yml"], []),
        (["roles/aws_kms/tasks/main.yml"], ["dev", "staging", "prod"]),
        (["inventories/project.yml"], ["dev", "staging", "prod"]),
    ],
)
def test_touched_envs(paths, envs):
    assert ci_touched_envs.touched(paths) == envs


def test_touched_envs_cli_prints_json(tmp_path):
    (tmp_path / "changed.txt").write_text("inventories/prod/hosts.yml\n")
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "ci_touched_envs.py"), str(tmp_path / "changed.txt")], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == ["prod"]


def test_deploy_role_arn_reads_the_identity_outputs(tmp_path):
    (tmp_path / ".outputs").symlink_to(ROOT / "tests" / "fixtures" / "outputs")
    env = {"PATH": "/usr/bin:/bin", "MOSAIC_WORKSPACE": str(tmp_path), "HOME": str(tmp_path)}
    out = subprocess.run([str(ROOT / "scripts" / "deploy_role_arn.sh"), "staging"], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().startswith("arn:aws:iam::") and out.stdout.strip().endswith(":role/legacyplatform-staging-ci-deploy")
