# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: gitops_environments
short_description: Render helmfile.d/bases/environments.yaml for a list of environments
version_added: 0.1.0
description:
  - Each environment reads its rendered C(helmfile.d/environments/<env>.yaml); names are sorted and de-duplicated.
options:
  _input:
    description: Environment names.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Render the environments base
  ansible.builtin.set_fact:
    __text: "{{ ['dev', 'prod'] | mosaic.platform.gitops_environments }}"
"""

RETURN = r"""
_value:
  description: The YAML text of the base.
  type: str
"""

from ansible_collections.mosaic.platform.plugins.module_utils.gitops_catalog import render_environments


def _gitops_environments(envs):
    return render_environments([str(e) for e in envs])


class FilterModule:
    def filters(self):
        return {"gitops_environments": _gitops_environments}
