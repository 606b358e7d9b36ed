#!/usr/bin/env python3
"""Check a commit message against Conventional Commits (release-please reads them to write the CHANGELOG).

Usage: check_commit_msg.py FILE (the commit-msg hook passes the message file). The subject must be
`<type>[(scope)][!]: <description>`; merge and revert subjects that git writes itself pass.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

TYPES = ("build", "chore", "ci", "docs", "feat", "fix", "perf", "refactor", "revert", "style", "test")
SUBJECT = re.compile(rf"^(?:{'|'.join(TYPES)})(?:\([a-z0-9][a-z0-9._/, -]*\))?!?: \S.*$")
GIT_WRITTEN = re.compile(r'^(?:Merge (?:branch|pull request|remote-tracking branch|tag|commit) |Revert ")')
MAX_SUBJECT = 200


def problems(message: str) -> list[str]:
    lines = [line for line in message.splitlines() if not line.startswith("#")]
    subject = lines[0].strip() if lines else ""
    if GIT_WRITTEN.match(subject):
        return []
    found = []
    if not SUBJECT.match(subject):
        found.append(f"the subject {subject!r} is not '<type>[(scope)][!]: <description>' with a type of {', '.join(TYPES)}")
    if len(subject) > MAX_SUBJECT:
        found.append(f"the subject is {len(subject)} characters long (at most {MAX_SUBJECT})")
    if len(lines) > 1 and lines[1].strip():
        found.append("the second line must be blank (it separates the subject from the body)")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    found = problems(Path(argv[1]).read_text())
    for problem in found:
        print(f"commit message: {problem} (https://www.conventionalcommits.org)", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
