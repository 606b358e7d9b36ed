#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: gitops_render
short_description: Render and write the GitOps tree of every environment of the play in one task
version_added: 0.2.0
description:
  - The gitops role's writer, run once over every host of the play on the controller (an action plugin).
  - Per host, it reads the settings the O(rules_only) task registered (every C(gitops_*) variable, templated once per host), reads
    and validates the host's aws and cluster outputs files, merges the add-on catalog, renders the manifest templates,
    renders the tree and writes only the files whose content changed, removing those of add-ons no longer rendered.
  - Then the files every environment shares, the helmfile state files and C(helmfile.d/bases/environments.yaml), and
    the removal of the base values files no environment lists.
  - With O(rules_only), it checks the role's input rules over every host and writes nothing.
  - In check mode nothing is written; with C(--diff) every file that would change is shown.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  hosts:
    description: The hosts to render, one environment each (the play's hosts).
    type: list
    elements: str
    required: true
  all_hosts:
    description: Every host of the play, also those that failed earlier, for the one-host-per-environment rule.
    type: list
    elements: str
  role_path:
    description: The gitops role's directory (its catalog, manifest templates, own charts and helmfile state files).
    type: path
  settings_var:
    description: The variable the O(rules_only) task's result was registered in (its RV(settings) are rendered).
    type: str
    default: __gitops_settings
  rules_only:
    description:
      - Only collect the settings of every host (each C(gitops_*) variable templated in the host's context, with the role's
        defaults) and check the input rules (plugins/module_utils/gitops_rules.py); returns RV(settings) to register.
    type: bool
    default: false
notes:
  - Runs on the controller; set C(run_once).
"""

EXAMPLES = r"""
- name: Check that the gitops settings of every host keep the rules
  mosaic.platform.gitops_render:
    hosts: "{{ ansible_play_hosts }}"
    all_hosts: "{{ ansible_play_hosts_all }}"
    rules_only: true
  register: __gitops_settings
  run_once: true

- name: Render and write the tree of every environment
  mosaic.platform.gitops_render:
    hosts: "{{ ansible_play_hosts }}"
    role_path: "{{ role_path }}"
  run_once: true
"""

RETURN = r"""
settings:
  description:
    - Per host, every C(gitops_*) variable templated, with C(platform_env), C(platform_outputs_dir) and the two strings
      spliced from C(gitops_auth_group_roles).
  returned: when rules_only
  type: dict
environments:
  description: Per host, the environment, its outputs directory, the number of files rendered, and what was written and removed.
  returned: unless rules_only
  type: list
  elements: dict
shared:
  description: The shared files written and the base values files removed.
  returned: unless rules_only
  type: dict
trees:
  description: The trees written, for the run summary.
  returned: unless rules_only
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec={
            "hosts": {"type": "list", "elements": "str", "required": True},
            "all_hosts": {"type": "list", "elements": "str"},
            "role_path": {"type": "path"},
            "settings_var": {"type": "str", "default": "__gitops_settings"},
            "rules_only": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    module.fail_json(msg="mosaic.platform.gitops_render runs as an action plugin on the controller")


if __name__ == "__main__":
    main()
