#!/usr/bin/env python3
"""Render the example inventories' GitOps trees from their committed fixture outputs.

The committed gitops/<env>/ and helmfile.d/ of this repository are the render of inventories/<env> with the
outputs files under tests/fixtures/outputs/<env>/ (written by `make fixtures`, never by hand). The gitops
tests call render() into a scratch root and compare; `make fixtures` calls it on the repository root.
Usage: scripts/render_examples.py [--root DIR] [--envs local,dev,staging,prod]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENVS = ("local", "dev", "staging", "prod")
FIXTURES = ROOT / "tests" / "fixtures" / "outputs"
PLAYBOOK = ROOT / "playbooks" / "gitops.yml"


def render(out: Path, envs=ENVS, extra: dict | None = None, fixtures: Path = FIXTURES, check: bool = True) -> subprocess.CompletedProcess:
    """Run the gitops phase for the given example inventories into ``out``, reading ``fixtures/<env>/``."""
    out.mkdir(parents=True, exist_ok=True)
    args = [str(Path(sys.executable).with_name("ansible-playbook"))]
    for env in envs:
        args += ["-i", str(ROOT / "inventories" / env)]
    variables = {"gitops_output_dir": str(out), "platform_outputs_dir": f"{fixtures}/{{{{ platform_env }}}}", **(extra or {})}
    args += [str(PLAYBOOK), "-e", json.dumps(variables)]
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)  # noqa: S603
    if check and result.returncode != 0:
        raise RuntimeError(f"render failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--envs", default=",".join(ENVS))
    opts = parser.parse_args()
    render(opts.root, envs=tuple(e for e in opts.envs.split(",") if e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
