# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: tag_violations
short_description: Resources that break the tagging standard
version_added: 0.1.0
description:
  - Returns the resources (from M(mosaic.platform.resource_tags_info)) that lack one of the required tag keys, with the keys they lack.
options:
  _input:
    description: Resources, each C({arn, tags}).
    type: list
    elements: dict
    required: true
  required:
    description: Required tag keys.
    type: list
    elements: str
    default: [Project, Env, Owner, Component]
"""

EXAMPLES = r"""
- name: Evaluate the tagging standard
  ansible.builtin.set_fact:
    __result: "{{ __resources.resources | mosaic.platform.tag_violations }}"
"""

RETURN = r"""
_value:
  description: List of C({arn, missing}).
  type: list
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.cost_tagging import REQUIRED_TAG_KEYS, tag_violations


def _tag_violations(resources, required=REQUIRED_TAG_KEYS):
    try:
        return tag_violations(list(resources), tuple(required))
    except (KeyError, TypeError, AttributeError) as exc:
        raise AnsibleFilterError(f"tag_violations: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"tag_violations": _tag_violations}
