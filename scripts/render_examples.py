#!/usr/bin/env python3
"""Render the example inventories' GitOps trees from their committed fixture outputs.

The committed gitops/<env>/ and helmfile.d/ of this repository are the render of inventories/<env> with the
outputs files under tests/fixtures/outputs/<env>/ (written by `make fixtures`, never by hand). The gitops
tests call render() into a scratch root and compare; `make fixtures` calls it on the repository root. On the
repository root it also redraws the add-on dependency graph (Mermaid, from the catalog's `needs`) in docs/gitops.md.
Usage: scripts/render_examples.py [--root DIR] [--envs local,dev,staging,prod]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENVS = ("local", "dev", "staging", "prod")
FIXTURES = ROOT / "tests" / "fixtures" / "outputs"
PLAYBOOK = ROOT / "playbooks" / "gitops.yml"
CATALOG = ROOT / "roles" / "gitops" / "files" / "catalog"
DOC = ROOT / "docs" / "gitops.md"
# The catalog code of the collection, loaded by path: this script also runs where the collection is not installed.
_spec = importlib.util.spec_from_file_location("gitops_catalog", ROOT / "plugins" / "module_utils" / "gitops_catalog.py")
gitops_catalog = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gitops_catalog)
GRAPH_RE = re.compile(r"(<!-- BEGIN add-on graph[^\n]*-->\n)(.*?)(<!-- END add-on graph -->)", re.S)


def render(out: Path, envs=ENVS, extra: dict | None = None, fixtures: Path = FIXTURES, check: bool = True, options=()) -> subprocess.CompletedProcess:
    """Run the gitops phase for the given example inventories into ``out``, reading ``fixtures/<env>/``; ``options`` are
    more ansible-playbook arguments (``--check``, ``--diff``)."""
    out.mkdir(parents=True, exist_ok=True)
    args = [str(Path(sys.executable).with_name("ansible-playbook"))]
    for env in envs:
        args += ["-i", str(ROOT / "inventories" / env)]
    variables = {"gitops_output_dir": str(out), "platform_outputs_dir": f"{fixtures}/{{{{ platform_env }}}}", **(extra or {})}
    args += [str(PLAYBOOK), "-e", json.dumps(variables), *options]
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)  # noqa: S603
    if check and result.returncode != 0:
        raise RuntimeError(f"render failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    return result


def graph_block() -> str:
    """The Mermaid block of the add-on dependency graph, drawn from the catalog files."""
    return "```mermaid\n" + gitops_catalog.dependency_graph(gitops_catalog.load_catalog(CATALOG)) + "```\n"


def documented_graph(doc: Path = DOC) -> str:
    match = GRAPH_RE.search(doc.read_text(encoding="utf-8"))
    if not match:
        raise RuntimeError(f"{doc}: no <!-- BEGIN add-on graph --> ... <!-- END add-on graph --> block")
    return match.group(2)


def write_graph(doc: Path = DOC) -> None:
    documented_graph(doc)  # fails when the markers are gone
    text = doc.read_text(encoding="utf-8")
    doc.write_text(GRAPH_RE.sub(lambda m: m.group(1) + graph_block() + m.group(3), text), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--envs", default=",".join(ENVS))
    opts = parser.parse_args()
    render(opts.root, envs=tuple(e for e in opts.envs.split(",") if e))
    if opts.root.resolve() == ROOT:
        write_graph()
    return 0


if __name__ == "__main__":
    sys.exit(main())
