"""Helpers of the gitops tests: render the example inventories with the gitops role into scratch roots."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANSIBLE_PLAYBOOK = Path(sys.executable).with_name("ansible-playbook")
ENVS = ("local", "dev", "staging", "prod")
TOOLS = ROOT / ".tools" / "bin"


def render(out: Path, envs=ENVS, extra: dict | None = None) -> subprocess.CompletedProcess:
    """Run the role for the given example inventories with the outputs file switched off (the committed tree
    is rendered from the inventories' gitops_outputs, whatever .outputs/ holds on this machine)."""
    out.mkdir(parents=True, exist_ok=True)
    args = [str(ANSIBLE_PLAYBOOK)]
    for env in envs:
        args += ["-i", str(ROOT / "inventories" / env)]
    variables = {"gitops_output_dir": str(out), "gitops_outputs_file": str(out / "no-outputs-file.yml"), **(extra or {})}
    args += [str(ROOT / "tests" / "gitops" / "render.yml"), "-e", json.dumps(variables)]
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return result


def tree(root: Path) -> dict:
    files = {}
    for base in ("gitops", "helmfile.d"):
        for path in sorted((root / base).rglob("*")):
            if path.is_file():
                files[path.relative_to(root).as_posix()] = path.read_text()
    return files


def helmfile() -> str:
    path = TOOLS / "helmfile"
    assert path.exists(), f"missing {path} (make tools)"
    return str(path)
