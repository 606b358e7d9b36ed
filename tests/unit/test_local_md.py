"""docs/developer/LOCAL.md: every command of its shell blocks names a make target, script, playbook, inventory,
molecule scenario, tag or test file that exists, so the doc cannot drift from the repository."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "developer" / "LOCAL.md"
BLOCK = re.compile(r"^( *)```(?:sh|bash|shell)\n(.*?)^\1```", re.S | re.M)
TARGETS = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.M))
TAGS = {t.strip() for f in ROOT.glob("playbooks/*.yml") for group in re.findall(r"tags: \[([^\]]*)\]", f.read_text()) for t in group.split(",")}


def commands() -> list[str]:
    found = []
    for _, block in BLOCK.findall(DOC.read_text()):
        for line in block.splitlines():
            line = line.split(" #")[0].strip()
            if line and not line.startswith("#"):
                found += [part.strip() for part in re.split(r"&&|\|", line) if part.strip()]
    return found


def problems(command: str) -> list[str]:
    words = [w for w in shlex.split(command) if not re.match(r"^[A-Z_]+=", w)]
    found = []
    if not words:
        return found
    if words[0] == "make":
        found += [f"make target {t}" for t in words[1:] if not t.startswith("-") and "=" not in t and t not in TARGETS]
    for word in words:
        path = word.split("=", 1)[-1]
        # .venv is not in a checkout before make venv: its tools are checked below.
        if re.match(r"^(scripts/|playbooks/|inventories/|tests/|docs/|site\.yml)", path) and not (ROOT / path).exists():
            found.append(f"path {path}")
    if "molecule" in words and "-s" in words:
        scenario = words[words.index("-s") + 1]
        if not (ROOT / "molecule" / scenario / "molecule.yml").is_file():
            found.append(f"molecule scenario {scenario}")
    if "--tags" in words:
        found += [f"tag {t}" for t in words[words.index("--tags") + 1].split(",") if t not in TAGS]
    if words[0].startswith(".venv/bin/"):
        tool = words[0].removeprefix(".venv/bin/")
        assert tool in {"pytest", "pre-commit", "ansible-playbook", "python"}, f"LOCAL.md runs {tool}: check it is in requirements.txt"
    return found


def test_the_doc_has_shell_blocks_with_commands():
    assert len(commands()) > 20
    assert any(c.startswith("make dev") for c in commands())


@pytest.mark.parametrize("command", commands())
def test_every_command_names_what_exists(command):
    assert problems(command) == [], f"LOCAL.md: {command!r}"


@pytest.mark.parametrize(
    "command",
    [
        "make nosuchtarget",
        "scripts/nosuch.sh up",
        "scripts/with-stack.sh molecule test -s nosuch",
        "ansible-playbook site.yml -i inventories/nosuch",
        "ansible-playbook site.yml --tags nosuch",
    ],
)
def test_the_checker_catches_a_stale_command(command):
    assert problems(command)
