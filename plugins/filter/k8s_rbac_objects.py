# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: k8s_rbac_objects
short_description: Build the ClusterRoles and bindings of the dev and ops groups
version_added: 0.1.0
description:
  - The dev group reads everywhere except Secrets (a read role bound cluster-wide) and edits workloads,
    never Secrets, in the team namespaces.
  - The ops group is bound to C(cluster-admin), matching its EKS access entry.
  - The objects are checked (no wildcard and no Secrets access for the dev group).
options:
  _input:
    description: The dev group name.
    type: str
    required: true
  ops_group:
    description: The ops group name.
    type: str
    required: true
  team_namespaces:
    description: Namespaces where the dev group edits workloads.
    type: list
    elements: str
    required: true
  prefix:
    description: Name prefix of the objects.
    type: str
    default: mosaic-platform
"""

EXAMPLES = r"""
- name: Render the RBAC objects
  ansible.builtin.set_fact:
    __rbac: "{{ 'platform:dev' | mosaic.platform.k8s_rbac_objects(ops_group='platform:ops', team_namespaces=['platform']) }}"
"""

RETURN = r"""
_value:
  description: ClusterRole, ClusterRoleBinding and RoleBinding manifests.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.k8s_policies import K8sPolicyError, rbac_objects


def _k8s_rbac_objects(dev_group, ops_group, team_namespaces, prefix="mosaic-platform"):
    try:
        return rbac_objects(dev_group, ops_group, list(team_namespaces), prefix)
    except K8sPolicyError as exc:
        raise AnsibleFilterError(f"k8s_rbac_objects: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"k8s_rbac_objects": _k8s_rbac_objects}
