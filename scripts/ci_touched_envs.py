#!/usr/bin/env python3
"""Print, as a JSON list, the deployed environments a change touches (the PR workflow plans each).

Input: a file of changed paths, one a line (git diff --name-only). An inventory or rendered tree of one
environment touches that environment; code every environment runs (roles, plugins, playbooks, schemas,
site.yml, the shared inventory settings, dependencies) touches all; docs and tests touch none. The local
inventory is not deployed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ENVS = ("dev", "staging", "prod")
SHARED = (
    "roles/",
    "plugins/",
    "playbooks/",
    "schemas/",
    "meta/",
    "helmfile.d/",
    "site.yml",
    "inventories/project.yml",
    "requirements.txt",
    "requirements.yml",
    "galaxy.yml",
    "ansible.cfg",
)


def touched(paths: list[str]) -> list[str]:
    found = set()
    for path in paths:
        parts = path.split("/")
        if path.startswith(SHARED):
            return list(ENVS)
        if len(parts) > 2 and parts[0] in ("inventories", "gitops") and parts[1] in ENVS:
            found.add(parts[1])
    return [env for env in ENVS if env in found]


if __name__ == "__main__":
    print(json.dumps(touched([p for p in Path(sys.argv[1]).read_text().splitlines() if p.strip()])))
