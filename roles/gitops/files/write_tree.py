#!/usr/bin/env python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write one environment's rendered tree: only the files whose content changed, and remove the files
of add-ons no longer rendered. Reads {"root", "env", "files": {path: text}} as JSON on stdin; prints
{"write": [...], "remove": [...], "remove_dirs": [...]} and writes nothing with --check.

The base files (gitops/base/values/, and the own charts in gitops/base/charts/) are shared by every
environment of the tree: an environment writes those it renders and never removes one. --prune-base
(once, after every environment) reads {"root"} and removes the base values files that no
helmfile.d/environments/*.yaml lists any more.

One task instead of one copy per file: a first render writes a few hundred files per environment,
which took minutes as a copy loop. The plan itself is plan_writes() of the collection's module_utils.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve()
_spec = importlib.util.spec_from_file_location("gitops_catalog", HERE.parents[3] / "plugins" / "module_utils" / "gitops_catalog.py")
gitops_catalog = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gitops_catalog)


def sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()  # noqa: S324 - change detection


def on_disk(root: Path, env: str, shared=()) -> dict:
    """SHA-1 by relative path of the files this environment owns, and of the shared ones it renders."""
    found = {rel: sha1(root / rel) for rel in shared if (root / rel).is_file()}
    owned = [root / "gitops" / env]
    for base in owned:
        if base.is_dir():
            for path in base.rglob("*"):
                if path.is_file():
                    found[path.relative_to(root).as_posix()] = sha1(path)
    env_file = root / "helmfile.d" / "environments" / f"{env}.yaml"
    if env_file.is_file():
        found[env_file.relative_to(root).as_posix()] = sha1(env_file)
    return found


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gitops-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def prune_base(root: Path, check: bool) -> dict:
    base = root / gitops_catalog.BASE_DIR / "values"
    present = [p.relative_to(root).as_posix() for p in sorted(base.glob("*.yaml"))] if base.is_dir() else []
    environments = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((root / "helmfile.d" / "environments").glob("*.yaml"))]
    remove = gitops_catalog.unused_base_values(present, environments)
    if not check:
        for rel in remove:
            (root / rel).unlink(missing_ok=True)
    return {"write": [], "remove": remove, "remove_dirs": []}


def main() -> int:
    check = "--check" in sys.argv[1:]
    request = json.load(sys.stdin)
    root = Path(request["root"])
    if "--prune-base" in sys.argv[1:]:
        print(json.dumps(prune_base(root, check), sort_keys=True))
        return 0
    env = request["env"]
    files = request["files"]
    shared_prefix = f"{gitops_catalog.BASE_DIR}/"
    prefix = (f"gitops/{env}/", f"helmfile.d/environments/{env}.yaml", shared_prefix)
    stray = [p for p in files if not p.startswith(prefix)]
    if stray:
        print(json.dumps({"failed": True, "msg": f"refusing paths outside gitops/{env}/ and {shared_prefix}: {stray[:3]}"}))
        return 1
    plan = gitops_catalog.plan_writes(files, on_disk(root, env, [p for p in files if p.startswith(shared_prefix)]))
    if not check:
        for rel in plan["write"]:
            write_atomic(root / rel, files[rel])
        for rel in plan["remove"]:
            (root / rel).unlink(missing_ok=True)
        for rel in sorted(plan["remove_dirs"], key=len, reverse=True):
            for sub in sorted((root / rel).rglob("*"), key=lambda p: len(p.parts), reverse=True):
                if sub.is_dir():
                    sub.rmdir()
            if (root / rel).is_dir():
                (root / rel).rmdir()
    print(json.dumps(plan, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
