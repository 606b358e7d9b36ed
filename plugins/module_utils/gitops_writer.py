# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write rendered GitOps trees: only the files whose content changed, and remove the files of add-ons no longer
rendered. The base files (gitops/base/values/, gitops/base/charts/) are shared by every environment of a tree: an
environment writes those it renders and never removes one; prune_base() removes, once after every environment, the
base values files that no helmfile.d/environments/*.yaml lists any more."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

try:
    import yaml
except ImportError:  # pragma: no cover - requirements.txt pins it; gitops_catalog reports it first
    yaml = None

from ansible_collections.mosaic.platform.plugins.module_utils.gitops_catalog import BASE_DIR, SAFE_LOADER, CatalogError, plan_writes, unused_base_values


def sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()  # noqa: S324 - change detection


def on_disk(root: Path, env: str, shared=()) -> dict:
    """SHA-1 by relative path of the files this environment owns, and of the shared ones it renders."""
    found = {rel: sha1(root / rel) for rel in shared if (root / rel).is_file()}
    owned = root / "gitops" / env
    if owned.is_dir():
        for path in owned.rglob("*"):
            if path.is_file():
                found[path.relative_to(root).as_posix()] = sha1(path)
    env_file = root / "helmfile.d" / "environments" / f"{env}.yaml"
    if env_file.is_file():
        found[env_file.relative_to(root).as_posix()] = sha1(env_file)
    return found


def write_atomic(path: Path, text: str, make_parent: bool = True) -> None:
    if make_parent:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gitops-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def plan_environment(root: Path, env: str, files: dict) -> dict:
    """What writing one environment's render changes: {"write", "remove", "remove_dirs"} (relative paths)."""
    shared_prefix = f"{BASE_DIR}/"
    allowed = (f"gitops/{env}/", f"helmfile.d/environments/{env}.yaml", shared_prefix)
    stray = [p for p in files if not p.startswith(allowed)]
    if stray:
        raise CatalogError(f"refusing paths outside gitops/{env}/ and {shared_prefix}: {stray[:3]}")
    return plan_writes(files, on_disk(root, env, [p for p in files if p.startswith(shared_prefix)]))


def apply_plan(root: Path, files: dict, plan: dict) -> None:
    made = set()  # one mkdir per directory, not per file: an environment writes about 100 files into 40 directories
    for rel in plan["write"]:
        path = root / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        write_atomic(path, files[rel], make_parent=False)
    for rel in plan["remove"]:
        (root / rel).unlink(missing_ok=True)
    for rel in sorted(plan["remove_dirs"], key=len, reverse=True):
        for sub in sorted((root / rel).rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if sub.is_dir():
                sub.rmdir()
        if (root / rel).is_dir():
            (root / rel).rmdir()


def unused_base(root: Path) -> list:
    """The base values files no rendered environment lists (read after every environment is written)."""
    base = root / BASE_DIR / "values"
    present = [p.relative_to(root).as_posix() for p in sorted(base.glob("*.yaml"))] if base.is_dir() else []
    environments = [yaml.load(p.read_text(encoding="utf-8"), Loader=SAFE_LOADER) for p in sorted((root / "helmfile.d" / "environments").glob("*.yaml"))]  # noqa: S506 - a safe loader
    return unused_base_values(present, environments)
