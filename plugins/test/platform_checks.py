# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja tests the roles' validation tasks share: ARN shapes and the tagging standard.

Documented per test in aws_arn.yml and tag_standard.yml beside this file.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleError
from ansible_collections.mosaic.platform.plugins.module_utils.arn_patterns import is_arn
from ansible_collections.mosaic.platform.plugins.module_utils.cost_tagging import REQUIRED_TAG_KEYS


def aws_arn(value, kind, region=None, account=None):
    """True when value is an ARN of that kind (see arn_patterns.ARN_PATTERNS)."""
    try:
        return is_arn(value, kind, region=region, account=account)
    except ValueError as exc:
        raise AnsibleError(f"aws_arn: {exc}") from exc


def tag_standard(value, required=REQUIRED_TAG_KEYS):
    """True when the tag mapping carries every required key (Project, Env, Owner, Component)."""
    if not isinstance(value, Mapping):
        return False
    return all(key in value for key in required)


class TestModule:
    def tests(self):
        return {"aws_arn": aws_arn, "tag_standard": tag_standard}
