"""Helpers of the gitops tests: render the example inventories (scripts/render_examples.py) into scratch roots."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".tools" / "bin"
sys.path.insert(0, str(ROOT / "scripts"))
from render_examples import ENVS, FIXTURES, render  # noqa: E402  the one render of the examples, shared with make fixtures

__all__ = ["ENVS", "FIXTURES", "ROOT", "TOOLS", "helmfile", "render", "tree"]


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
