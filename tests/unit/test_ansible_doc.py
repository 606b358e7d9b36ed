"""`ansible-doc` renders every module, lookup, filter and test plugin and every role entry point of the collection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MODULES = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if p.stem != "__init__")
ROLES = sorted(p.parent.parent.name for p in (ROOT / "roles").glob("*/meta/argument_specs.yml"))


def doc(kind: str, *names: str, entry_point: str | None = None) -> dict:
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    args = [str(BIN / "ansible-doc"), "-t", kind, "-j", *(["-e", entry_point] if entry_point else []), *names]
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    return json.loads(result.stdout)


def test_every_module_renders_with_its_examples_and_return_values():
    docs = doc("module", *(f"mosaic.platform.{m}" for m in MODULES))
    assert sorted(docs) == [f"mosaic.platform.{m}" for m in MODULES]
    for name, body in docs.items():
        assert body["doc"]["short_description"], name
        assert body["doc"]["options"] is not None, name
        assert body["examples"], f"{name} has no EXAMPLES"
        assert body["return"] is not None, f"{name} has no RETURN"
    # Text output too, the way users read it.
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")}
    text = subprocess.run([str(BIN / "ansible-doc"), f"mosaic.platform.{MODULES[0]}"], capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)
    assert text.returncode == 0 and "EXAMPLES:" in text.stdout


@pytest.mark.parametrize("kind", ["lookup", "filter", "test", "callback"])
def test_every_other_plugin_renders(kind):
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")}
    listed = subprocess.run(
        [str(BIN / "ansible-doc"), "-t", kind, "-l", "mosaic.platform", "-j"], capture_output=True, text=True, timeout=300, env=env, cwd=ROOT
    )
    assert listed.returncode == 0, listed.stderr
    names = sorted(json.loads(listed.stdout))
    assert names, f"no {kind} plugin listed"
    docs = doc(kind, *names)
    assert sorted(docs) == names


def test_every_role_entry_point_renders():
    assert len(ROLES) >= 15
    docs = doc("role", *(f"mosaic.platform.{r}" for r in ROLES))
    for role in ROLES:
        spec = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
        rendered = docs[f"mosaic.platform.{role}"]["entry_points"]
        assert sorted(rendered) == sorted(spec), role
        for entry, body in rendered.items():
            assert body.get("short_description"), f"{role}:{entry} has no short_description"
            assert sorted(body.get("options") or {}) == sorted(spec[entry].get("options") or {}), f"{role}:{entry}"
