#!/usr/bin/env python3
"""The data-flow picture of docs/architecture.md, generated from site.yml, the phase playbooks and the outputs schema.

Prints a Mermaid flowchart: the phases in site.yml's order, the roles each phase playbook runs, and the files one
phase writes for the next. tests/unit/test_dataflow.py fails when the picture in the docs and this output differ,
or when a phase runs a role of another phase.
Usage: scripts/dataflow.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WRITES = {
    "aws": ".outputs/&lt;env&gt;/&lt;host&gt;/aws.yml",
    "cluster": ".outputs/&lt;env&gt;/&lt;host&gt;/cluster.yml",
    "gitops": "helmfile.d/ and gitops/&lt;env&gt;/",
}


def phases() -> list[tuple[str, str, list[str]]]:
    """``[(phase tag, playbook, [roles in order])]`` from site.yml and the playbooks it imports."""
    result = []
    for entry in yaml.safe_load((ROOT / "site.yml").read_text()):
        playbook = entry["ansible.builtin.import_playbook"]
        roles = []
        for play in yaml.safe_load((ROOT / playbook).read_text()):
            for role in play.get("roles", []):
                roles.append(role["role"] if isinstance(role, dict) else role)
            for task in play.get("tasks", []):
                for key in ("ansible.builtin.import_role", "ansible.builtin.include_role"):
                    if key in task:
                        roles.append(task[key]["name"])
        result.append((entry["tags"][0], playbook, [r.split(".")[-1] for r in roles]))
    return result


def sections_by_phase() -> dict[str, list[str]]:
    schema = json.loads((ROOT / "schemas" / "outputs.schema.json").read_text())
    out: dict[str, list[str]] = {}
    for name, spec in schema["$defs"]["outputs"]["properties"].items():
        out.setdefault(spec["x-phase"], []).append(name)
    return out


def picture() -> str:
    sections = sections_by_phase()
    lines = ["```mermaid", "flowchart LR", "  inventory[(inventories/&lt;env&gt;)]"]
    written = []
    for tag, playbook, roles in phases():
        body = "<br/>".join(r for r in roles if r != "platform_outputs")
        lines.append(f'  {tag}["<b>{tag}</b> ({playbook})<br/>{body}"]')
        lines.append(f"  inventory --> {tag}")
        if tag in WRITES:
            node = f"{tag}_out"
            detail = f"<br/>{', '.join(sections[tag])}" if tag in sections else ""
            lines.append(f'  {node}[/"{WRITES[tag]}{detail}"/]')
            lines.append(f"  {tag} --> {node}")
        # A phase reads what every earlier phase wrote, never the other way round.
        lines.extend(f"  {node} --> {tag}" for node in written)
        if tag in WRITES:
            written.append(f"{tag}_out")
    lines.append("```")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(picture())
