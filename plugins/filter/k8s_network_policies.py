# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: k8s_network_policies
short_description: Build the NetworkPolicies of the platform namespaces
version_added: 0.1.0
description:
  - Builds, for every namespace of the input, a default deny for ingress and egress, the DNS allow
    (UDP and TCP 53 to kube-dns in kube-system), the API server allow, the VPC endpoint allow and
    the explicit add-on allows, then checks the whole set (no namespace without a default deny, DNS
    over both protocols, no allow open to every peer).
options:
  _input:
    description: Namespace names.
    type: list
    elements: str
    required: true
  apiserver_cidrs:
    description: CIDRs of the Kubernetes API server endpoints.
    type: list
    elements: str
    required: true
  apiserver_port:
    description: TCP port of the API server.
    type: int
    default: 443
  endpoint_cidrs:
    description: CIDRs of the VPC interface endpoints (HTTPS).
    type: list
    elements: str
  allows:
    description:
      - Extra allows, each with C(name), C(namespace) (or C(*) for all), C(direction) (C(ingress) or C(egress)),
        peers (C(namespaces), C(pod_labels), C(cidrs), C(same_namespace)), C(ports) and C(pod_selector).
    type: list
    elements: dict
"""

EXAMPLES = r"""
- name: Render the NetworkPolicies
  ansible.builtin.set_fact:
    __policies: "{{ ['argocd', 'keda'] | mosaic.platform.k8s_network_policies(apiserver_cidrs=['10.0.0.0/16'], apiserver_port=443) }}"
"""

RETURN = r"""
_value:
  description: NetworkPolicy manifests, for every namespace.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.k8s_policies import K8sPolicyError, check_network_policies, network_policies


def _k8s_network_policies(namespaces, apiserver_cidrs, apiserver_port=443, endpoint_cidrs=None, allows=None):
    try:
        by_ns = {ns: network_policies(ns, apiserver_cidrs, int(apiserver_port), endpoint_cidrs or [], allows or []) for ns in namespaces}
        check_network_policies(by_ns, list(namespaces))
    except (K8sPolicyError, ValueError, KeyError) as exc:
        raise AnsibleFilterError(f"k8s_network_policies: {exc}") from exc
    return [policy for ns in namespaces for policy in by_ns[ns]]


class FilterModule:
    def filters(self):
        return {"k8s_network_policies": _k8s_network_policies}
