"""Every AWS module of the collection is in the action group `aws` (meta/runtime.yml): the plays give region and
endpoint_url through module_defaults of group/mosaic.platform.aws, and a module outside it would get neither."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GROUP = set(yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())["action_groups"]["aws"])
AWS_MODULES = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if "AnsibleAWSModule(" in p.read_text())


@pytest.mark.parametrize("module", AWS_MODULES)
def test_each_aws_module_takes_the_plays_aws_defaults(module):
    assert module in GROUP, f"plugins/modules/{module}.py is an AWS module missing from action_groups.aws in meta/runtime.yml"


def test_the_group_names_only_modules_that_exist():
    assert not GROUP - {p.stem for p in (ROOT / "plugins" / "modules").glob("*.py")}
