#!/usr/bin/env python3
"""Apply .github/labels.yml (labels and milestones) to a GitHub repository through the REST API.

Usage: GITHUB_TOKEN=... github_labels.py OWNER/REPO [--dry-run] [--prune]
Creates missing labels and milestones, updates changed colours and descriptions, and with --prune deletes
labels the file does not list. --dry-run prints the requests without sending them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
API = "https://api.github.com"


class GitHub:
    """The few REST calls this script needs; `send` is the only place that talks to the network."""

    def __init__(self, repo: str, token: str, api: str = API):
        self.base, self.token = f"{api}/repos/{repo}", token

    def send(self, method: str, path: str, body: dict | None = None):
        request = urllib.request.Request(  # noqa: S310  https API URL
            self.base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            text = response.read()
        return json.loads(text) if text else None


def plan(config: dict, labels: list[dict], milestones: list[dict], prune: bool = False) -> list[tuple[str, str, dict | None]]:
    """The (method, path, body) requests that make the repository match the file."""
    requests = []
    have = {label["name"]: label for label in labels}
    for label in config["labels"]:
        body = {"name": label["name"], "color": label["color"], "description": label.get("description", "")}
        current = have.get(label["name"])
        if current is None:
            requests.append(("POST", "/labels", body))
        elif (current.get("color"), current.get("description") or "") != (body["color"], body["description"]):
            requests.append(("PATCH", f"/labels/{urllib.parse.quote(label['name'], safe='')}", {"new_name": label["name"], **body}))
    if prune:
        wanted = {label["name"] for label in config["labels"]}
        requests += [("DELETE", f"/labels/{urllib.parse.quote(name, safe='')}", None) for name in sorted(have) if name not in wanted]
    titles = {m["title"]: m for m in milestones}
    for milestone in config.get("milestones", []):
        body = {"title": milestone["title"], "description": milestone.get("description", "")}
        current = titles.get(milestone["title"])
        if current is None:
            requests.append(("POST", "/milestones", body))
        elif (current.get("description") or "") != body["description"]:
            requests.append(("PATCH", f"/milestones/{current['number']}", body))
    return requests


def main(argv: list[str] | None = None, client: GitHub | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo")
    parser.add_argument("--file", type=Path, default=ROOT / ".github" / "labels.yml")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--prune", action="store_true")
    args = parser.parse_args(argv)
    token = os.environ.get("GITHUB_TOKEN", "")
    if client is None and not token:
        print("github_labels: set GITHUB_TOKEN (a token that may write issues of the repository)", file=sys.stderr)
        return 1
    client = client or GitHub(args.repo, token)
    config = yaml.safe_load(args.file.read_text())
    labels = client.send("GET", "/labels?per_page=100")
    milestones = client.send("GET", "/milestones?state=all&per_page=100")
    for method, path, body in plan(config, labels, milestones, args.prune):
        print(f"{method} {path} {json.dumps(body) if body else ''}".rstrip())
        if not args.dry_run:
            client.send(method, path, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
