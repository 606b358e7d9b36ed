"""The delivery configuration: workflow actions pinned by commit, pre-commit hooks offline, commit messages."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import check_commit_msg  # noqa: E402

WORKFLOWS = sorted((ROOT / ".github").rglob("*.yml"))
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", re.M)


def test_every_external_action_is_pinned_by_full_commit_sha_with_its_tag():
    seen = 0
    for path in WORKFLOWS:
        for ref, rest in USES.findall(path.read_text()):
            if ref.startswith("./"):
                continue
            seen += 1
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), f"{path.name}: {ref} is not pinned by a full commit SHA"
            assert re.match(r"\s+# v\d", rest), f"{path.name}: {ref} has no '# vX.Y.Z' comment naming the tag"
    assert seen > 10


def test_local_actions_and_workflows_exist():
    for path in WORKFLOWS:
        for ref, _ in USES.findall(path.read_text()):
            if ref.startswith("./"):
                assert (ROOT / ref).exists(), f"{path.name}: {ref} does not exist"


def test_scheduled_workflows_call_playbooks_that_exist():
    for path in WORKFLOWS:
        for playbook in re.findall(r"playbooks/[\w-]+\.yml", path.read_text()):
            assert (ROOT / playbook).is_file(), f"{path.name} calls {playbook}, which does not exist"


def test_pre_commit_hooks_are_local_and_their_tools_come_from_the_venv_or_tools():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert [r["repo"] for r in config["repos"]] == ["local"]
    hooks = {h["id"]: h for h in config["repos"][0]["hooks"]}
    assert {"yamllint", "ruff", "ansible-lint", "actionlint", "detect-secrets", "conventional-commit"} <= set(hooks)
    for hook in hooks.values():
        assert hook["language"] == "system", hook["id"]
        assert hook["entry"].split()[0].startswith((".venv/bin/", ".tools/bin/")), hook["id"]
    assert hooks["conventional-commit"]["stages"] == ["commit-msg"]
    assert (ROOT / ".secrets.baseline").is_file()


@pytest.mark.parametrize(
    "message",
    [
        "feat(crds): make crds downloads the pinned upstream CRDs\n",
        "fix(aws_edge,aws_audit): sort the set differences\n\nBody.\n",
        "feat!: drop Python 3.10\n",
        "docs: LOCAL.md\n# a git comment line\n",
        "Merge branch 'delivery'\n",
        'Revert "feat: x"\n',
    ],
)
def test_conventional_commit_messages_pass(message):
    assert check_commit_msg.problems(message) == []


@pytest.mark.parametrize(
    ("message", "needle"),
    [
        ("Add the CRDs\n", "is not '<type>[(scope)][!]: <description>'"),
        ("feature: the CRDs\n", "is not '<type>[(scope)][!]: <description>'"),
        ("feat(crds):missing space\n", "is not '<type>[(scope)][!]: <description>'"),
        ("feat: subject\nno blank line\n", "the second line must be blank"),
        ("feat: " + "x" * 200 + "\n", "characters long (at most 200)"),
    ],
)
def test_other_messages_fail_with_the_rule(message, needle):
    assert any(needle in p for p in check_commit_msg.problems(message))


def test_the_hook_exits_non_zero_and_explains(tmp_path):
    (tmp_path / "msg").write_text("wip\n")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_commit_msg.py"), str(tmp_path / "msg")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "commit message: the subject 'wip' is not" in result.stderr


def test_release_please_versions_galaxy_yml_and_writes_the_changelog():
    import json

    config = json.loads((ROOT / "release-please-config.json").read_text())
    manifest = json.loads((ROOT / ".release-please-manifest.json").read_text())
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    package = config["packages"]["."]
    assert {"type": "yaml", "path": "galaxy.yml", "jsonpath": "$.version"} in package["extra-files"]
    assert config["changelog-path"] == "CHANGELOG.md" and (ROOT / "CHANGELOG.md").is_file()
    # The manifest holds the last released version: the one galaxy.yml carries until the release PR bumps both.
    assert manifest == {".": galaxy["version"]}
    # Every type the commit-msg hook accepts has a changelog section (shown or hidden).
    assert {s["type"] for s in config["changelog-sections"]} == set(check_commit_msg.TYPES)
    workflow = (ROOT / ".github" / "workflows" / "release-please.yml").read_text()
    assert "config-file: release-please-config.json" in workflow and "manifest-file: .release-please-manifest.json" in workflow
