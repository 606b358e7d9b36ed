# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: k8s_namespace_objects
short_description: Build the Namespace objects of the platform and team namespaces, with their Pod Security labels
version_added: 0.2.0
description:
  - One Namespace per entry, labelled with the common labels, the entry's own labels and the Pod Security Admission
    labels (enforce, audit and warn at the entry's C(pod_security) level, C(restricted) by default, at the pinned
    version), and annotated with the entry's annotations plus C(platform.mosaic/pod-security-reason) when the entry
    gives a reason.
  - The k8s_namespaces role applies the whole list in one module run.
options:
  _input:
    description: The namespaces (C(name), C(pod_security), C(pod_security_reason), C(labels), C(annotations)).
    type: list
    elements: dict
    required: true
  labels:
    description: Labels every namespace carries.
    type: dict
    default: {}
  pod_security_version:
    description: The Pod Security Standards version the labels pin.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Build the namespaces
  ansible.builtin.set_fact:
    __namespaces: "{{ [{'name': 'platform'}] | mosaic.platform.k8s_namespace_objects(pod_security_version='v1.34') }}"
"""

RETURN = r"""
_value:
  description: Namespace manifests, in the order given.
  type: list
  elements: dict
"""

PSA_MODES = ("enforce", "audit", "warn")


def _k8s_namespace_objects(namespaces, labels=None, pod_security_version=None):
    objs = []
    for ns in namespaces:
        level = ns.get("pod_security", "restricted")
        psa = {}
        for mode in PSA_MODES:
            psa[f"pod-security.kubernetes.io/{mode}"] = level
            psa[f"pod-security.kubernetes.io/{mode}-version"] = pod_security_version
        annotations = dict(ns.get("annotations") or {})
        if "pod_security_reason" in ns:
            annotations["platform.mosaic/pod-security-reason"] = ns["pod_security_reason"]
        objs.append(
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {"name": ns["name"], "labels": {**(labels or {}), **(ns.get("labels") or {}), **psa}, "annotations": annotations},
            }
        )
    return objs


class FilterModule:
    def filters(self):
        return {"k8s_namespace_objects": _k8s_namespace_objects}
