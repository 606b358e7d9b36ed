#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: outputs_write
short_description: Write a file the controller reads, such as a phase's outputs file, on the controller
version_added: 0.2.0
description:
  - Writes O(content) to O(dest) on the controller (an action plugin) when the file's content or mode differs,
    creating its directory, and removes the files of O(remove) that exist.
  - The C(mosaic.platform.outputs) lookup reads the outputs files on the controller, so their writer runs there too,
    whatever the connection of the host. eks_cluster writes the cluster's kubeconfig with it, for the kubernetes
    modules, helm and kubectl that run there.
  - An existing directory keeps its mode; O(dir_mode) applies to a directory it creates.
  - In check mode nothing is written or removed; the result says whether it would be. With C(--diff) the result holds
    the file before and after, so it is never given a secret (outputs are names, ARNs, URLs and ids; the kubeconfig
    holds the endpoint and the CA, and runs C(aws eks get-token) for a token).
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  dest:
    description: The file to write.
    type: path
    required: true
  content:
    description: The file's content.
    type: str
    required: true
  mode:
    description: The file's mode.
    type: str
    default: "0640"
  dir_mode:
    description: The mode of O(dest)'s directory when it is created.
    type: str
    default: "0750"
  remove:
    description: Files to remove, such as the plan file a C(--check) run left.
    type: list
    elements: path
    default: []
notes:
  - Runs on the controller.
"""

EXAMPLES = r"""
- name: Write the outputs file
  mosaic.platform.outputs_write:
    dest: "{{ platform_outputs_file }}"
    content: "{{ sections | mosaic.platform.outputs_document(phase='aws', environment='dev', cluster='p-dev-main') }}"
    remove: ["{{ platform_outputs_dir }}/{{ inventory_hostname }}/aws.check.yml"]
"""

RETURN = r"""
dest:
  description: The file written.
  returned: always
  type: str
removed:
  description: The files of O(remove) that existed (and were removed, unless in check mode).
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec={
            "dest": {"type": "path", "required": True},
            "content": {"type": "str", "required": True},
            "mode": {"type": "str", "default": "0640"},
            "dir_mode": {"type": "str", "default": "0750"},
            "remove": {"type": "list", "elements": "path", "default": []},
        },
        supports_check_mode=True,
    )
    module.fail_json(msg="mosaic.platform.outputs_write runs as an action plugin on the controller")


if __name__ == "__main__":
    main()
