"""Fixtures of the aws_storage scenario: the outputs file its converge wrote and the role defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def outputs(platform) -> dict:
    """The outputs the converge published (molecule/aws_storage writes them to its own directory)."""
    path = ROOT / ".outputs" / "molecule-aws_storage" / platform["env"] / "local-main" / "aws.yml"
    assert path.exists(), f"{path} is missing: did the converge run?"
    return yaml.safe_load(path.read_text())["outputs"]


@pytest.fixture(scope="session")
def storage_defaults() -> dict:
    """The role defaults with the local inventory's aws_storage settings on top (as Ansible merges them)."""
    defaults = yaml.safe_load((ROOT / "roles" / "aws_storage" / "defaults" / "main.yml").read_text())
    local = ROOT / "inventories" / "local" / "group_vars" / "local" / "aws_storage.yml"
    return {**defaults, **(yaml.safe_load(local.read_text()) or {})}


@pytest.fixture(scope="session")
def messaging_defaults() -> dict:
    return yaml.safe_load((ROOT / "roles" / "aws_messaging" / "defaults" / "main.yml").read_text())
