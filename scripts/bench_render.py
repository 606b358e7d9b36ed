#!/usr/bin/env python3
"""Render benchmark of the gitops phase: the gitops role over N synthetic environments, and over 10 environments
with N extra add-ons.

Each size gets a scratch inventory of N hosts (one per environment, bench01..benchNN, the dev example's
gitops settings, each with a copy of the dev example's fixture outputs) and a scratch output root. The tables show the
cold render (every file written) and the no-op re-render (nothing changed) in seconds, and the slope: the seconds
each more environment (each more add-on) adds to the cold render, fitted by least squares over the sizes.
Usage: scripts/bench_render.py [--sizes 1,10,50] [--addons 0,20,40] [--forks 10]
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


def extra_addons(count: int) -> list:
    """``count`` copies of the reloader entry under other names (same chart, pin and values): one more Application,
    values files and helmfile release each."""
    entry = yaml.safe_load((ROOT / "roles" / "gitops" / "files" / "catalog" / "reloader.yml").read_text(encoding="utf-8"))
    return [{**entry, "name": f"extra{i:02d}", "namespace": "platform", "description": "render benchmark copy"} for i in range(1, count + 1)]


def inventory(base: Path, size: int, addons: int = 0) -> Path:
    inv = base / f"inventory-{size}-{addons}"
    (inv / "group_vars" / "bench").mkdir(parents=True)
    (inv / "group_vars" / "all").mkdir(parents=True)
    shutil.copy(ROOT / "inventories" / "project.yml", inv / "group_vars" / "all" / "project.yml")
    # gitops.yml reads the GitHub App ids from k8s_bootstrap.yml (one value, not a copy).
    for name in ("gitops.yml", "k8s_bootstrap.yml"):
        shutil.copy(ROOT / "inventories" / "dev" / "group_vars" / "dev" / name, inv / "group_vars" / "bench" / name)
    platform = {"platform_aws_region": "eu-west-1", "platform_aws_account_id": "111111111111", "platform_local_stack": False}
    (inv / "group_vars" / "bench" / "platform.yml").write_text("---\n" + yaml.safe_dump(platform))
    if addons:
        (inv / "group_vars" / "bench" / "extra.yml").write_text("---\n" + yaml.safe_dump({"gitops_extra_addons": extra_addons(addons)}))
    hosts = {f"bench{i:02d}-main": {"platform_env": f"bench{i:02d}", "platform_cluster_name": f"legacyplatform-bench{i:02d}-main"} for i in range(1, size + 1)}
    for host in hosts:
        shutil.copytree(FIXTURE, base / f"outputs-{size}-{addons}" / host)
    (inv / "hosts.yml").write_text("---\n" + yaml.safe_dump({"bench": {"hosts": hosts}}))
    return inv


def run(inv: Path, out: Path, forks: int) -> float:
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_FORKS=str(forks))
    extra = f'{{"gitops_output_dir": "{out}", "platform_outputs_dir": "{inv.parent}/outputs-{inv.name.split("-", 1)[1]}"}}'
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


def slope(points: list) -> float:
    """Least-squares slope of (x, seconds): the seconds one more x adds."""
    n = len(points)
    if n < 2:
        return float("nan")
    mx, my = sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else float("nan")


def measure(base: Path, size: int, addons: int, forks: int) -> tuple:
    inv, out = inventory(base, size, addons), base / f"out-{size}-{addons}"
    out.mkdir()
    cold = run(inv, out, forks)
    noop = run(inv, out, forks)
    return sum(1 for p in out.rglob("*") if p.is_file()), cold, noop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,50")
    parser.add_argument("--addons", default="0,20,40", help="extra add-ons over 10 environments")
    parser.add_argument("--forks", type=int, default=10)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    addons = [int(a) for a in args.addons.split(",") if a]
    with tempfile.TemporaryDirectory(prefix="gitops-bench-") as tmp:
        base = Path(tmp)
        measured = {}  # (environments, extra add-ons) -> (files, cold, no-op): 10 environments appear in both tables

        def get(size, count):
            if (size, count) not in measured:
                measured[size, count] = measure(base, size, count, args.forks)
            return measured[size, count]

        by_env = [(size, *get(size, 0)) for size in sizes]
        by_addon = [(count, *get(10, count)) for count in addons]
    print(f"{'environments':>12} {'files':>7} {'cold (s)':>9} {'no-op (s)':>10} {'cold/env (s)':>13}")
    for size, files, cold, noop in by_env:
        print(f"{size:>12} {files:>7} {cold:>9.1f} {noop:>10.1f} {cold / size:>13.2f}")
    print(f"slope: {slope([(s, c) for s, _, c, _ in by_env]):.3f} s per environment (cold)")
    if by_addon:
        print(f"{'extra add-ons':>13} {'files':>7} {'cold (s)':>9} {'no-op (s)':>10}   (10 environments)")
        for count, files, cold, noop in by_addon:
            print(f"{count:>13} {files:>7} {cold:>9.1f} {noop:>10.1f}")
        print(f"slope: {slope([(a, c) for a, _, c, _ in by_addon]):.3f} s per add-on over 10 environments (cold)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
