"""Session fixture of the gitops tests: one fresh render of the four example inventories."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitops_helpers import render


@pytest.fixture(scope="session")
def fresh(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fresh")
    render(out)
    return out
