# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: gitops_version_diff
short_description: List the chart version changes between two pin maps
version_added: 0.1.0
description:
  - Used by playbooks/promote.yml to print what a promotion changes before it writes.
options:
  _input:
    description: The current pins (add-on name to version).
    type: dict
    required: true
  wanted:
    description: The pins after the promotion.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Show the diff
  ansible.builtin.debug:
    msg: "{{ {'keda': '2.20.1'} | mosaic.platform.gitops_version_diff({'keda': '2.20.2'}) }}"
"""

RETURN = r"""
_value:
  description: One line C(<add-on> <current> -> <wanted>) per change, sorted by add-on.
  type: list
  elements: str
"""

from ansible_collections.mosaic.platform.plugins.module_utils.gitops_catalog import version_diff


def _gitops_version_diff(current, wanted):
    return version_diff(dict(current or {}), dict(wanted or {}))


class FilterModule:
    def filters(self):
        return {"gitops_version_diff": _gitops_version_diff}
