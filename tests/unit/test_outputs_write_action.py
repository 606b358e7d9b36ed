"""mosaic.platform.outputs_write: the outputs file written on the controller, only when it differs, and the plan file removed."""

from __future__ import annotations

import json
import os
import subprocess

import yaml
from test_bad_input import ANSIBLE_PLAYBOOK, ROOT


def run_write(tmp_path, args, *flags):
    play = [
        {
            "name": "Write",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                {"name": "Write the outputs file", "mosaic.platform.outputs_write": args},
            ],
        }
    ]
    playbook = tmp_path / "probe.yml"
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1", ANSIBLE_STDOUT_CALLBACK="ansible.posix.json")
    result = subprocess.run(
        [str(ANSIBLE_PLAYBOOK), "-i", "localhost,", "-c", "local", str(playbook), *flags],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = result.stdout + result.stderr
    if result.returncode != 0:
        return None, " ".join(out.split())
    # The JSON document, then the run summary of ansible.cfg's callback.
    return json.JSONDecoder().raw_decode(result.stdout)[0]["plays"][0]["tasks"][0]["hosts"]["localhost"], out


def test_writes_the_file_and_its_directory_then_changes_nothing(tmp_path):
    dest = tmp_path / "outputs" / "host" / "aws.yml"
    result, out = run_write(tmp_path, {"dest": str(dest), "content": "phase: aws\n"})
    assert result is not None, out
    assert result["changed"] is True
    assert dest.read_text() == "phase: aws\n"
    assert oct(dest.stat().st_mode & 0o7777) == "0o640"
    assert oct(dest.parent.stat().st_mode & 0o7777) == "0o750"

    again, out = run_write(tmp_path, {"dest": str(dest), "content": "phase: aws\n"})
    assert again["changed"] is False, out


def test_an_existing_directory_keeps_its_mode(tmp_path):
    """dir_mode applies to a directory it creates: the kubeconfig's 0700 where eks_cluster makes it."""
    (tmp_path / "kube").mkdir(mode=0o755)
    (tmp_path / "kube").chmod(0o755)
    made = tmp_path / "new" / "kubeconfig"
    for dest in (tmp_path / "kube" / "config", made):
        result, out = run_write(tmp_path, {"dest": str(dest), "content": "kind: Config\n", "mode": "0600", "dir_mode": "0700"})
        assert result["changed"] is True, out
        assert oct(dest.stat().st_mode & 0o7777) == "0o600"
    assert oct((tmp_path / "kube").stat().st_mode & 0o7777) == "0o755"
    assert oct(made.parent.stat().st_mode & 0o7777) == "0o700"


def test_a_wrong_mode_is_corrected(tmp_path):
    dest = tmp_path / "aws.yml"
    dest.write_text("phase: aws\n")
    dest.chmod(0o644)
    result, out = run_write(tmp_path, {"dest": str(dest), "content": "phase: aws\n"})
    assert result["changed"] is True, out
    assert oct(dest.stat().st_mode & 0o7777) == "0o640"


def test_check_mode_writes_and_removes_nothing_and_diff_shows_the_change(tmp_path):
    dest, plan = tmp_path / "aws.yml", tmp_path / "aws.check.yml"
    dest.write_text("phase: aws\nold: 1\n")
    plan.write_text("stale plan\n")
    result, out = run_write(tmp_path, {"dest": str(dest), "content": "phase: aws\nnew: 2\n", "remove": [str(plan)]}, "--check", "--diff")
    assert result["changed"] is True, out
    assert result["removed"] == [str(plan)]
    assert dest.read_text() == "phase: aws\nold: 1\n"
    assert plan.exists()
    assert result["diff"]["before"] == "phase: aws\nold: 1\n"
    assert result["diff"]["after"] == "phase: aws\nnew: 2\n"


def test_a_real_run_removes_the_stale_plan_file(tmp_path):
    dest, plan = tmp_path / "aws.yml", tmp_path / "aws.check.yml"
    dest.write_text("phase: aws\n")
    dest.chmod(0o640)
    plan.write_text("stale plan\n")
    result, out = run_write(tmp_path, {"dest": str(dest), "content": "phase: aws\n", "remove": [str(plan)]})
    assert result["changed"] is True, out
    assert not plan.exists()
    again, _ = run_write(tmp_path, {"dest": str(dest), "content": "phase: aws\n", "remove": [str(plan)]})
    assert again["changed"] is False
    assert again["removed"] == []


def test_bad_arguments_fail_naming_them(tmp_path):
    result, out = run_write(tmp_path, {"dest": str(tmp_path / "a.yml"), "content": "x", "mode": "rw-r"})
    assert result is None
    assert "mode must be an octal mode such as '0640' (got 'rw-r')" in out
    result, out = run_write(tmp_path, {"dest": str(tmp_path / "a.yml"), "content": "x", "owner": "root"})
    assert result is None
    assert "unsupported parameters: ['owner']" in out
    assert not (tmp_path / "a.yml").exists()
