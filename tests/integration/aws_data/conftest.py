"""Fixtures of the aws_data scenario: the outputs file the converge wrote."""

from __future__ import annotations

import pytest
import yaml


@pytest.fixture(scope="session")
def outputs(platform):
    path = platform["outputs_dir"] / "local-main" / "aws.yml"
    assert path.exists(), f"{path} missing: did the converge run platform_outputs?"
    return yaml.safe_load(path.read_text())["outputs"]
