"""The mosaic.platform.run_summary callback: at the end of a run, per phase, what changed (with the changed loop
items), the outputs files and the rendered tree. Stand-in roles named like the collection's (platform_outputs writes
a file, gitops reports the trees it wrote) drive it through a real ansible-playbook run."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from local_playbook import run_local_playbook


@pytest.fixture
def project(tmp_path):
    (tmp_path / "roles" / "platform_outputs" / "tasks").mkdir(parents=True)
    (tmp_path / "roles" / "gitops" / "tasks").mkdir(parents=True)
    (tmp_path / "roles" / "platform_outputs" / "tasks" / "main.yml").write_text(
        yaml.safe_dump(
            [
                {
                    "name": "Write the outputs file",
                    "ansible.builtin.copy": {"content": "phase: aws\n", "dest": str(tmp_path / ".outputs" / "aws.yml"), "mode": "0640"},
                }
            ]
        )
    )
    # The gitops_render action's result names the trees it wrote; a debug of a variable of that name returns the same key.
    trees = [f"{tmp_path / 'tree'}/gitops/local (and {tmp_path / 'tree'}/helmfile.d)"]
    (tmp_path / "roles" / "gitops" / "tasks" / "main.yml").write_text(
        yaml.safe_dump([{"name": "Render and write the tree of every environment", "ansible.builtin.debug": {"var": "trees"}, "vars": {"trees": trees}}])
    )
    (tmp_path / ".outputs").mkdir()
    plays = [
        {
            "name": "Provision the AWS prerequisites",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "Create the buckets",
                    "ansible.builtin.copy": {"content": "x\n", "dest": str(tmp_path / "{{ bucket }}"), "mode": "0640"},
                    "loop": ["artifacts", "logs", "backups"],
                    "loop_control": {"loop_var": "bucket", "label": "{{ bucket }}"},
                },
                {"name": "Read something", "ansible.builtin.stat": {"path": str(tmp_path)}},
                {"name": "Write the aws outputs", "ansible.builtin.include_role": {"name": "platform_outputs"}},
            ],
        },
        {"name": "Write the GitOps tree", "hosts": "localhost", "gather_facts": False, "roles": ["gitops"]},
        {
            "name": "Bootstrap the cluster",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [{"name": "Nothing to do", "ansible.builtin.debug": {"msg": "ok"}}],
        },
    ]
    (tmp_path / "site.yml").write_text(yaml.safe_dump(plays, sort_keys=False))
    return tmp_path


def run(project: Path, *args: str) -> str:
    env = {"ANSIBLE_ROLES_PATH": str(project / "roles"), "ANSIBLE_CALLBACKS_ENABLED": "mosaic.platform.run_summary"}
    return run_local_playbook(project, env, *args).stdout.split("RUN SUMMARY", 1)[1]


def test_a_converge_lists_changes_per_phase_the_outputs_and_the_tree(project):
    summary = run(project)
    assert summary.startswith(" (converge)")
    assert "  aws: 2 task(s) changed\n" in summary
    assert "    - Create the buckets [localhost]: artifacts, logs, backups\n" in summary
    assert "    - platform_outputs : Write the outputs file [localhost]\n" in summary
    assert "Read something" not in summary
    assert "  gitops: nothing changed\n" in summary and "  bootstrap: nothing changed\n" in summary
    assert f"  outputs files: {project / '.outputs' / 'aws.yml'}\n" in summary
    assert f"  rendered tree: {project / 'tree'}/gitops/local (and {project / 'tree'}/helmfile.d)" in summary


def test_a_second_run_changes_nothing_and_a_check_run_is_a_plan(project):
    run(project)
    assert "  aws: nothing changed\n" in run(project)
    (project / "logs").unlink(missing_ok=True)
    plan = run(project, "--check")
    assert plan.startswith(" (plan, --check)")
    assert "  aws: 1 task(s) would change\n    - Create the buckets [localhost]: logs\n" in plan
