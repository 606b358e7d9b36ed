# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: tag_coverage
short_description: Tag coverage of resources, overall and by Component
version_added: 0.1.0
description:
  - Returns the share of resources (from M(mosaic.platform.resource_tags_info)) that carry every required tag key, overall and grouped by their Component tag.
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
    __result: "{{ __resources.resources | mosaic.platform.tag_coverage }}"
"""

RETURN = r"""
_value:
  description: "Keys C(total), C(compliant), C(percent) and C(by_component) (component to C(total), C(compliant), C(percent))"
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.cost_tagging import REQUIRED_TAG_KEYS, tag_coverage


def _tag_coverage(resources, required=REQUIRED_TAG_KEYS):
    try:
        return tag_coverage(list(resources), tuple(required))
    except (KeyError, TypeError, AttributeError) as exc:
        raise AnsibleFilterError(f"tag_coverage: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"tag_coverage": _tag_coverage}
