"""The mosaic.platform.plugin_preload callback: the controller loads every filter and test file of the collection once,
so the workers ansible-core forks for each task find them loaded. A probe callback (test code) records what each
worker imports; without the preload every worker that meets one of the collection's filters imports all its files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from local_playbook import run_local_playbook

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "ansible_collections.mosaic.platform.plugins."
SHIPPED = sorted(f"{PREFIX}{kind}.{p.stem}" for kind in ("filter", "test") for p in (ROOT / "plugins" / kind).glob("*.py") if p.stem != "__init__")

# Wraps the task run inside each forked worker and appends the collection's plugin modules it imported to a file. It
# writes before the worker sends its result, so the playbook cannot end before the line is written.
PROBE = """
import json, os, sys
from ansible.executor import task_executor
from ansible.plugins.callback import CallbackBase

_run = task_executor.TaskExecutor.run

def _probed(self):
    before = set(sys.modules)
    try:
        return _run(self)
    finally:
        new = sorted(m for m in set(sys.modules) - before if m.startswith("ansible_collections.mosaic.platform.plugins."))
        with open(os.environ["PROBE_OUT"], "a") as out:
            out.write(json.dumps({"task": self._task.get_name(), "imported": new}) + "\\n")

task_executor.TaskExecutor.run = _probed

class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "probe"
    CALLBACK_NEEDS_ENABLED = True
"""


def test_the_collection_ships_filters_and_tests():
    assert len([m for m in SHIPPED if ".filter." in m]) >= 30 and any(".test." in m for m in SHIPPED)


def test_playbook_start_loads_every_filter_and_test_file_in_the_controller():
    script = f"""
import json, sys
from ansible.plugins.loader import callback_loader, init_plugin_loader
init_plugin_loader([{str(ROOT / ".collections")!r}])
loaded = lambda: sorted(m for m in sys.modules if m.startswith("{PREFIX}filter.") or m.startswith("{PREFIX}test."))
before = loaded()
callback_loader.get("mosaic.platform.plugin_preload").v2_playbook_on_start(None)
print(json.dumps({{"before": before, "after": loaded()}}))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    modules = json.loads(result.stdout.strip().splitlines()[-1])
    assert modules["before"] == []
    assert modules["after"] == SHIPPED


def test_a_failed_preload_warns_and_does_not_stop_the_run():
    script = f"""
from ansible.plugins import loader
loader.init_plugin_loader([{str(ROOT / ".collections")!r}])
def broken(*args, **kwargs):
    raise RuntimeError("disk on fire")
loader.filter_loader.get_with_context = broken
loader.callback_loader.get("mosaic.platform.plugin_preload").v2_playbook_on_start(None)
print("went on")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "went on" in result.stdout
    assert "mosaic.platform.plugin_preload: the filter plugins of mosaic.platform were not preloaded: disk on fire" in result.stderr


@pytest.fixture
def project(tmp_path):
    (tmp_path / "callbacks").mkdir()
    (tmp_path / "callbacks" / "probe.py").write_text(PROBE)
    tasks = [
        {
            "name": f"Use a filter and a test of the collection ({n})",
            "ansible.builtin.assert": {
                "that": [
                    "([{'role_name': 'AWSReservedSSO_ops_aaaabbbbccccdddd', 'path': '/aws-reserved/sso.amazonaws.com/'}]"
                    " | mosaic.platform.sso_role_arn('ops', '123456789012')) == 'arn:aws:iam::123456789012:role/AWSReservedSSO_ops_aaaabbbbccccdddd'",
                    "'arn:aws:iam::123456789012:role/x' is mosaic.platform.aws_arn('iam_role')",
                ]
            },
        }
        for n in (1, 2, 3)
    ]
    (tmp_path / "site.yml").write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], sort_keys=False))
    return tmp_path


def worker_imports(project: Path, callbacks: str) -> list[dict]:
    out = project / f"probe-{callbacks.replace(',', '_')}.jsonl"
    env = {"ANSIBLE_CALLBACK_PLUGINS": str(project / "callbacks"), "ANSIBLE_CALLBACKS_ENABLED": callbacks, "PROBE_OUT": str(out)}
    assert "ok=3 " in run_local_playbook(project, env).stdout
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_without_the_preload_each_worker_loads_the_plugin_files_again(project):
    runs = worker_imports(project, "probe")
    assert len(runs) == 3
    for run in runs:
        assert [m for m in SHIPPED if m not in run["imported"]] == [], run["task"]


def test_with_the_preload_no_worker_loads_a_plugin_file(project):
    runs = worker_imports(project, "probe,mosaic.platform.plugin_preload")
    assert len(runs) == 3
    assert all(run["imported"] == [] for run in runs), runs
