"""Run a playbook of a test's own project on localhost with this collection importable: the callback tests'
common harness (ansible.cfg of the project ignored, so only the callbacks a test names are enabled)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run_local_playbook(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """ansible-playbook site.yml in project; env adds to (and overrides) the defaults. Fails the test on a failed run."""
    result = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", "-e", f"ansible_python_interpreter={sys.executable}", "site.yml", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={
            **os.environ,
            "ANSIBLE_CONFIG": str(project / "none.cfg"),
            "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".collections"),
            "ANSIBLE_NOCOLOR": "1",
            **env,
        },
        cwd=project,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result
