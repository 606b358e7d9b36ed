"""Every aws_secrets task that handles a value runs under the aws_secrets_no_log switch."""

from __future__ import annotations

from pathlib import Path

import yaml

TASKS = Path(__file__).resolve().parents[2] / "roles" / "aws_secrets" / "tasks"
VALUE_MODULES = {"mosaic.platform.secretsmanager_secrets", "mosaic.platform.ssm_parameters"}


def tasks():
    for path in sorted(TASKS.glob("*.yml")):
        for task in yaml.safe_load(path.read_text()) or []:
            yield path.name, task


def test_value_tasks_are_no_log():
    found = 0
    for name, task in tasks():
        text = yaml.safe_dump(task)
        handles_value = VALUE_MODULES & set(task) or "__aws_secrets_value" in text
        if handles_value:
            found += 1
            assert task.get("no_log") == "{{ aws_secrets_no_log }}", f"{name}: {task['name']}"
    assert found == 2


def test_generated_values_are_never_overwritten_by_default():
    found = 0
    for _, task in tasks():
        entries = "".join(str(v) for k, v in task.get("vars", {}).items() if k.endswith("_list"))
        if "mosaic.platform.secretsmanager_secrets" in task:
            found += 1
            assert "'overwrite': entry.overwrite | default(source != 'generate', true)" in entries
        if "mosaic.platform.ssm_parameters" in task:
            found += 1
            assert "'overwrite_value': 'changed' if entry.overwrite | default(source != 'generate', true) else 'never'" in entries
    assert found == 2


def test_the_switch_defaults_to_true():
    defaults = yaml.safe_load((TASKS.parent / "defaults" / "main.yml").read_text())
    assert defaults["aws_secrets_no_log"] is True
