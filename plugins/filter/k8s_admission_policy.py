# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: k8s_admission_policy
short_description: Build the ValidatingAdmissionPolicy that keeps developers' workloads away from platform secrets and IRSA roles
version_added: 0.1.0
description:
  - A ValidatingAdmissionPolicy (C(admissionregistration.k8s.io/v1), CEL) and its binding (C(Deny)).
  - It refuses the dev group's Pods (and ephemeral containers) and the pod templates of Deployments, StatefulSets,
    DaemonSets, ReplicaSets, ReplicationControllers, Jobs and CronJobs (create and update) that reference a Secret in a
    platform namespace (secret and projected volumes, env C(secretKeyRef), C(envFrom)) or run as a service account an
    IRSA role trusts.
options:
  _input:
    description: The dev group name.
    type: str
    required: true
  platform_namespaces:
    description: Namespaces whose Secrets are all platform secrets.
    type: list
    elements: str
    required: true
  irsa_service_accounts:
    description: C(<namespace>/<name>) of every service account bound to an IRSA role.
    type: list
    elements: str
    required: true
  name:
    description: Name of the policy and of its binding.
    type: str
    default: mosaic-platform-dev-workloads
"""

EXAMPLES = r"""
- name: Render the admission policy
  ansible.builtin.set_fact:
    __policy: >-
      {{ 'platform:dev' | mosaic.platform.k8s_admission_policy(platform_namespaces=['litellm', 'platform'],
                                                                irsa_service_accounts=['litellm/litellm']) }}
"""

RETURN = r"""
_value:
  description: The ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding manifests.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.k8s_admission import POLICY_NAME, admission_policy
from ansible_collections.mosaic.platform.plugins.module_utils.k8s_policies import K8sPolicyError


def _k8s_admission_policy(dev_group, platform_namespaces, irsa_service_accounts, name=POLICY_NAME):
    try:
        return admission_policy(dev_group, list(platform_namespaces), list(irsa_service_accounts), name)
    except K8sPolicyError as exc:
        raise AnsibleFilterError(f"k8s_admission_policy: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"k8s_admission_policy": _k8s_admission_policy}
