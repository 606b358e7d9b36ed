"""playbooks/teardown.yml refuses prod without teardown_confirm=<cluster name>, before any call.

Only the guard runs (--tags never-matching-tag: the guard is tagged `always`), so a passing
guard proves the confirmation is accepted without touching AWS or a cluster.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANSIBLE_PLAYBOOK = Path(sys.executable).with_name("ansible-playbook")


def teardown(env: str, extra: dict) -> subprocess.CompletedProcess:
    cmd = [str(ANSIBLE_PLAYBOOK), str(ROOT / "playbooks/teardown.yml"), "-i", str(ROOT / "inventories" / env), "--tags", "guard-only"]
    if extra:
        cmd += ["-e", json.dumps(extra)]
    env_vars = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    return subprocess.run(cmd, cwd=ROOT, env=env_vars, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("extra", [{}, {"teardown_confirm": ""}, {"teardown_confirm": "yes"}, {"teardown_confirm": "legacyplatform-dev-main"}])
def test_prod_teardown_is_refused_without_the_cluster_name(extra):
    result = teardown("prod", extra)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "teardown_confirm" in out
    assert "needs -e teardown_confirm=legacyplatform-prod-main" in out


def test_prod_teardown_passes_the_guard_with_the_cluster_name():
    result = teardown("prod", {"teardown_confirm": "legacyplatform-prod-main"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_other_environments_need_no_confirmation():
    result = teardown("dev", {})
    assert result.returncode == 0, result.stdout + result.stderr
