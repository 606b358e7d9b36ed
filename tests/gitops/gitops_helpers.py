"""Helpers of the gitops tests: render the example inventories (scripts/render_examples.py) into scratch roots."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.gitops_catalog import deep_merge, values_files

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".tools" / "bin"
sys.path.insert(0, str(ROOT / "scripts"))
from render_examples import ENVS, FIXTURES, render  # noqa: E402  the one render of the examples, shared with make fixtures

__all__ = ["ENVS", "FIXTURES", "ROOT", "TOOLS", "helmfile", "merged_values", "render", "tree"]


def tree(root: Path) -> dict:
    files = {}
    for base in ("gitops", "helmfile.d"):
        for path in sorted((root / base).rglob("*")):
            if path.is_file():
                files[path.relative_to(root).as_posix()] = path.read_text()
    return files


def merged_values(env: str, addon: str, root: Path = ROOT) -> dict:
    """An add-on's values as Helm sees them in an environment: its values files of the tree, merged in order."""
    merged = {}
    for path in values_files(env, addon):
        merged = deep_merge(merged, yaml.safe_load((root / path).read_text()) or {})
    return merged


def helmfile() -> str:
    path = TOOLS / "helmfile"
    assert path.exists(), f"missing {path} (make tools)"
    return str(path)
