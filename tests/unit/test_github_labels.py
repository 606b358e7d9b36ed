"""scripts/github_labels.py: the requests that apply .github/labels.yml, checked offline (no GitHub call)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import github_labels  # noqa: E402

CONFIG = yaml.safe_load((ROOT / ".github" / "labels.yml").read_text())


class FakeGitHub:
    def __init__(self, labels, milestones):
        self.answers = {"/labels?per_page=100": labels, "/milestones?state=all&per_page=100": milestones}
        self.sent = []

    def send(self, method, path, body=None):
        self.sent.append((method, path, body))
        return self.answers.get(path) if method == "GET" else {}


def test_the_file_has_every_form_label_and_board_status():
    names = {label["name"] for label in CONFIG["labels"]}
    for form in (ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml"):
        assert set(yaml.safe_load(form.read_text()).get("labels", [])) <= names, form.name
    assert {"status:idea", "status:ready", "status:in-progress", "status:in-review", "status:blocked", "drift"} <= names
    assert all(len(label["color"]) == 6 for label in CONFIG["labels"])


def test_an_empty_repository_gets_every_label_and_milestone():
    requests = github_labels.plan(CONFIG, [], [])
    assert [r for r in requests if r[1] == "/labels"] == [
        ("POST", "/labels", {"name": label["name"], "color": label["color"], "description": label["description"]}) for label in CONFIG["labels"]
    ]
    assert ("POST", "/milestones", {"title": "0.2.0", "description": CONFIG["milestones"][0]["description"]}) in requests


def test_only_what_differs_is_updated_and_prune_deletes_the_rest():
    first, second = CONFIG["labels"][:2]
    labels = [
        {"name": first["name"], "color": first["color"], "description": first["description"]},
        {"name": second["name"], "color": "000000", "description": second["description"]},
        {"name": "wontfix", "color": "ffffff", "description": ""},
    ]
    milestones = [{"title": m["title"], "description": m["description"], "number": i} for i, m in enumerate(CONFIG["milestones"], 1)]
    requests = github_labels.plan(CONFIG, labels, milestones, prune=True)
    assert (
        "PATCH",
        "/labels/type%3Abug",
        {"new_name": "type:bug", "name": "type:bug", "color": second["color"], "description": second["description"]},
    ) in requests
    assert not any(r[1] == f"/labels/{first['name']}" or (r[0] == "POST" and r[2]["name"] == first["name"]) for r in requests)
    assert ("DELETE", "/labels/wontfix", None) in requests
    assert not any(r[1].startswith("/milestones") for r in requests)
    assert ("DELETE", "/labels/wontfix", None) not in github_labels.plan(CONFIG, labels, milestones)


def test_dry_run_sends_only_the_reads(capsys):
    fake = FakeGitHub([], [])
    assert github_labels.main(["org/repo", "--dry-run"], client=fake) == 0
    assert [m for m, _, _ in fake.sent] == ["GET", "GET"]
    assert 'POST /labels {"name": "type:feature"' in capsys.readouterr().out


def test_a_run_sends_each_planned_request():
    fake = FakeGitHub([], [])
    github_labels.main(["org/repo"], client=fake)
    assert len(fake.sent) == 2 + len(CONFIG["labels"]) + len(CONFIG["milestones"])


def test_the_http_request_shape(monkeypatch):
    seen = {}

    class Response:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self):
            return b'{"id": 1}'

    def urlopen(request, timeout):
        seen.update(url=request.full_url, method=request.get_method(), headers=dict(request.header_items()), body=request.data, timeout=timeout)
        return Response()

    monkeypatch.setattr(github_labels.urllib.request, "urlopen", urlopen)
    client = github_labels.GitHub("mosaic-platform/legacyplatform-infra", "t0ken")
    assert client.send("POST", "/labels", {"name": "type:bug", "color": "d73a4a", "description": "x"}) == {"id": 1}
    assert seen["url"] == "https://api.github.com/repos/mosaic-platform/legacyplatform-infra/labels"
    assert seen["method"] == "POST"
    assert seen["headers"]["Authorization"] == "Bearer t0ken"
    assert seen["headers"]["Accept"] == "application/vnd.github+json"
    assert seen["headers"]["X-github-api-version"] == "2022-11-28"
    assert json.loads(seen["body"]) == {"name": "type:bug", "color": "d73a4a", "description": "x"}


def test_without_a_token_it_says_what_to_set(monkeypatch, capsys):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert github_labels.main(["org/repo"]) == 1
    assert "set GITHUB_TOKEN" in capsys.readouterr().err
