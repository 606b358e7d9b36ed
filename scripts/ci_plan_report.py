#!/usr/bin/env python3
"""Turn a `site.yml --check --diff` log into the Markdown a PR comment or a drift issue carries.

Usage: ci_plan_report.py ENV LOG [--tree-diff FILE] > report.md; the exit code is 2 when the plan changes
something (drift), 0 when it changes nothing, 1 when the log has no PLAY RECAP (the run failed early).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

RECAP = re.compile(r"^(?P<host>\S+)\s*:\s*ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)\s+failed=(?P<failed>\d+)")
TASK = re.compile(r"^TASK \[(?P<name>.+?)\] \*+$")
CHANGED = re.compile(r"^changed: \[(?P<host>[^\]]+)\]")
MAX_CHARS = 60000  # a GitHub comment holds 65,536 characters


def parse(log: str) -> tuple[dict[str, dict[str, int]], list[str]]:
    """The recap per host, and the name of every task that reported a change."""
    recap, changed, task = {}, [], None
    for line in log.splitlines():
        if m := TASK.match(line):
            task = m["name"]
        elif CHANGED.match(line) and task and task not in changed:
            changed.append(task)
        elif m := RECAP.match(line):
            recap[m["host"]] = {k: int(v) for k, v in m.groupdict().items() if k != "host"}
    return recap, changed


def report(env: str, log: str, tree_diff: str = "") -> tuple[str, int]:
    recap, changed = parse(log)
    if not recap:
        return f"### Plan for `{env}`: the run failed before its recap\n\nSee the job log.\n", 1
    total = sum(h["changed"] for h in recap.values())
    failed = sum(h["failed"] + h["unreachable"] for h in recap.values())
    lines = [f"### Plan for `{env}`: {total} change(s){', FAILED' if failed else ''}", "", "| host | ok | changed | failed |", "|---|---|---|---|"]
    lines += [f"| {host} | {h['ok']} | {h['changed']} | {h['failed'] + h['unreachable']} |" for host, h in sorted(recap.items())]
    if changed:
        lines += ["", "Tasks that would change:", *[f"- {name}" for name in changed]]
    if tree_diff.strip():
        lines += ["", "<details><summary>Rendered tree diff</summary>", "", "```diff", tree_diff.rstrip(), "```", "</details>"]
    text = "\n".join(lines) + "\n"
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS] + "\n... (truncated: the full plan is in the job log)\n"
    return text, 1 if failed else (2 if total else 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("env")
    parser.add_argument("log", type=Path)
    parser.add_argument("--tree-diff", type=Path)
    args = parser.parse_args(argv)
    diff = args.tree_diff.read_text() if args.tree_diff and args.tree_diff.exists() else ""
    text, code = report(args.env, args.log.read_text(errors="replace"), diff)
    sys.stdout.write(text)
    return code


if __name__ == "__main__":
    sys.exit(main())
