#!/usr/bin/env python3
"""Render benchmark of the gitops phase: the gitops role over 1, 10 and 50 synthetic environments.

Each size gets a scratch inventory of N hosts (one per environment, bench01..benchNN, the dev example's
gitops settings, each with a copy of the dev example's fixture outputs) and a scratch output root; the table shows the cold render (every
file written) and the no-op re-render (nothing changed) in seconds, and the time per environment.
Usage: scripts/bench_render.py [--sizes 1,10,50] [--forks 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PLAYBOOK = ROOT / "playbooks" / "gitops.yml"
FIXTURE = ROOT / "tests" / "fixtures" / "outputs" / "dev" / "dev-main"


def inventory(base: Path, size: int) -> Path:
    inv = base / f"inventory-{size}"
    (inv / "group_vars" / "bench").mkdir(parents=True)
    (inv / "group_vars" / "all").mkdir(parents=True)
    shutil.copy(ROOT / "inventories" / "project.yml", inv / "group_vars" / "all" / "project.yml")
    shutil.copy(ROOT / "inventories" / "dev" / "group_vars" / "dev" / "gitops.yml", inv / "group_vars" / "bench" / "gitops.yml")
    platform = {"platform_aws_region": "eu-west-1", "platform_aws_account_id": "111111111111", "platform_local_stack": False}
    (inv / "group_vars" / "bench" / "platform.yml").write_text("---\n" + yaml.safe_dump(platform))
    hosts = {f"bench{i:02d}-main": {"platform_env": f"bench{i:02d}", "platform_cluster_name": f"legacyplatform-bench{i:02d}-main"} for i in range(1, size + 1)}
    for host in hosts:
        shutil.copytree(FIXTURE, base / f"outputs-{size}" / host)
    (inv / "hosts.yml").write_text("---\n" + yaml.safe_dump({"bench": {"hosts": hosts}}))
    return inv


def run(inv: Path, out: Path, forks: int) -> float:
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_FORKS=str(forks))
    extra = f'{{"gitops_output_dir": "{out}", "platform_outputs_dir": "{inv.parent}/outputs-{inv.name.rsplit("-", 1)[1]}"}}'
    start = time.monotonic()
    result = subprocess.run(  # noqa: S603 - our own ansible-playbook with generated arguments
        [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(inv), str(PLAYBOOK), "-e", extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.monotonic() - start
    if result.returncode != 0:
        sys.exit(f"render failed:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,50")
    parser.add_argument("--forks", type=int, default=10)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="gitops-bench-") as tmp:
        base = Path(tmp)
        for size in sizes:
            inv, out = inventory(base, size), base / f"out-{size}"
            out.mkdir()
            cold = run(inv, out, args.forks)
            noop = run(inv, out, args.forks)
            files = sum(1 for p in out.rglob("*") if p.is_file())
            rows.append((size, files, cold, noop))
    print(f"{'environments':>12} {'files':>7} {'cold (s)':>9} {'no-op (s)':>10} {'cold/env (s)':>13}")
    for size, files, cold, noop in rows:
        print(f"{size:>12} {files:>7} {cold:>9.1f} {noop:>10.1f} {cold / size:>13.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
