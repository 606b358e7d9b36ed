#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_access_entry
version_added: 0.1.0
short_description: Manage an EKS access entry and its access policy associations
description:
  - Creates, updates and deletes the access entry of an IAM principal on an EKS cluster whose
    authentication mode includes C(API), with its Kubernetes groups and the EKS access policies
    associated with it (cluster or namespace scope).
  - amazon.aws and community.aws have no module for access entries.
  - moto 5.2.5 does not implement access entries; the unit tests check the requests with botocore's Stubber.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  cluster_name:
    description: Name of the EKS cluster.
    type: str
    required: true
  principal_arn:
    description: ARN of the IAM role or user the entry is for.
    type: str
    required: true
  kubernetes_groups:
    description:
      - Kubernetes groups the principal belongs to (bound by RBAC in the cluster). Authoritative when given.
      - Names starting with C(system:) are refused by EKS.
    type: list
    elements: str
  username:
    description: Kubernetes user name; EKS generates one when omitted.
    type: str
  type:
    description: Type of the access entry.
    type: str
    default: STANDARD
    choices: [STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX]
  access_policies:
    description: EKS access policies associated with the entry. Authoritative when given.
    type: list
    elements: dict
    suboptions:
      policy_arn:
        description: ARN of the access policy (C(arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy)).
        type: str
        required: true
      scope:
        description: Scope of the association.
        type: str
        choices: [cluster, namespace]
        default: cluster
      namespaces:
        description: Namespaces when O(access_policies[].scope=namespace).
        type: list
        elements: str
        default: []
  state:
    description: Whether the entry exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Map the ops role to cluster admin
  mosaic.platform.eks_access_entry:
    cluster_name: legacyplatform-prod-main
    principal_arn: arn:aws:iam::123456789012:role/legacyplatform-prod-platform-ops
    kubernetes_groups: ["platform:ops"]
    access_policies:
      - policy_arn: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
        scope: cluster

- name: Map the dev role to the group the bootstrap binds
  mosaic.platform.eks_access_entry:
    cluster_name: legacyplatform-prod-main
    principal_arn: arn:aws:iam::123456789012:role/legacyplatform-prod-platform-dev
    kubernetes_groups: ["platform:dev"]
    access_policies: []
"""

RETURN = r"""
access_entry:
  description: The access entry as EKS describes it (snake_case), after the change.
  returned: when O(state=present)
  type: dict
  contains:
    principal_arn:
      description: The principal.
      type: str
    kubernetes_groups:
      description: Kubernetes groups.
      type: list
      elements: str
access_policies:
  description: The associated access policies, C({policy_arn, scope, namespaces}).
  returned: when O(state=present)
  type: list
  elements: dict
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.eks_common import aws_errors, describe_or_none, sync_tags


def _policy_key(policy):
    return (policy["policy_arn"], policy.get("scope", "cluster"), tuple(sorted(policy.get("namespaces") or [])))


def current_policies(client, cluster, principal):
    found = []
    params = {"clusterName": cluster, "principalArn": principal}
    while True:
        page = client.list_associated_access_policies(**params)
        for assoc in page.get("associatedAccessPolicies", []):
            scope = assoc.get("accessScope", {})
            found.append({"policy_arn": assoc["policyArn"], "scope": scope.get("type", "cluster"), "namespaces": sorted(scope.get("namespaces", []))})
        if not page.get("nextToken"):
            return found
        params["nextToken"] = page["nextToken"]


def sync_policies(module, client, cluster, principal, wanted, existing):
    """Associate what is missing or rescoped, disassociate the rest; True when changed."""
    if wanted is None:
        return False
    wanted_keys = {_policy_key(p): p for p in wanted}
    have_keys = {_policy_key(p): p for p in existing}
    changed = False
    for key, policy in sorted(wanted_keys.items()):
        if key in have_keys:
            continue
        changed = True
        if not module.check_mode:
            scope = {"type": policy.get("scope", "cluster")}
            if scope["type"] == "namespace":
                scope["namespaces"] = sorted(policy.get("namespaces") or [])
            client.associate_access_policy(clusterName=cluster, principalArn=principal, policyArn=policy["policy_arn"], accessScope=scope)
    wanted_arns = {k[0] for k in wanted_keys}
    for key in sorted(have_keys):
        if key in wanted_keys or key[0] in wanted_arns:
            continue  # a rescoped policy was re-associated above (associate replaces the scope)
        changed = True
        if not module.check_mode:
            client.disassociate_access_policy(clusterName=cluster, principalArn=principal, policyArn=key[0])
    return changed


def ensure_present(module, client):
    p = module.params
    cluster, principal = p["cluster_name"], p["principal_arn"]
    entry = describe_or_none(client.describe_access_entry, "accessEntry", clusterName=cluster, principalArn=principal)
    changed = False
    if entry is None:
        changed = True
        if module.check_mode:
            groups = sorted(p["kubernetes_groups"] or [])
            return changed, {"principal_arn": principal, "kubernetes_groups": groups, "type": p["type"]}, p["access_policies"] or []
        params = {"clusterName": cluster, "principalArn": principal, "type": p["type"]}
        if p["kubernetes_groups"]:
            params["kubernetesGroups"] = sorted(p["kubernetes_groups"])
        if p["username"]:
            params["username"] = p["username"]
        if p["tags"]:
            params["tags"] = p["tags"]
        entry = client.create_access_entry(**params)["accessEntry"]
        existing = []
    else:
        if entry.get("type", "STANDARD") != p["type"]:
            module.fail_json(msg=f"access entry {principal} is of type {entry.get('type')}; EKS cannot change the type (delete it first)")
        update = {}
        if p["kubernetes_groups"] is not None and sorted(entry.get("kubernetesGroups", [])) != sorted(p["kubernetes_groups"]):
            update["kubernetesGroups"] = sorted(p["kubernetes_groups"])
        if p["username"] and entry.get("username") != p["username"]:
            update["username"] = p["username"]
        if update:
            changed = True
            if not module.check_mode:
                entry = client.update_access_entry(clusterName=cluster, principalArn=principal, **update)["accessEntry"]
            else:
                entry = dict(entry, **update)
        changed |= sync_tags(module, client, entry["accessEntryArn"], entry.get("tags", {}), p["tags"], p["purge_tags"])
        existing = current_policies(client, cluster, principal)
    changed |= sync_policies(module, client, cluster, principal, p["access_policies"], existing)
    after = p["access_policies"] if p["access_policies"] is not None else existing
    return changed, camel_dict_to_snake_dict(entry, ignore_list=["tags"]), after


def main():
    argument_spec = {
        "cluster_name": {"type": "str", "required": True},
        "principal_arn": {"type": "str", "required": True},
        "kubernetes_groups": {"type": "list", "elements": "str"},
        "username": {"type": "str"},
        "type": {"type": "str", "default": "STANDARD", "choices": ["STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX"]},
        "access_policies": {
            "type": "list",
            "elements": "dict",
            "options": {
                "policy_arn": {"type": "str", "required": True},
                "scope": {"type": "str", "default": "cluster", "choices": ["cluster", "namespace"]},
                "namespaces": {"type": "list", "elements": "str", "default": []},
            },
        },
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    for policy in module.params["access_policies"] or []:
        if policy["scope"] == "namespace" and not policy["namespaces"]:
            module.fail_json(msg=f"access_policies: {policy['policy_arn']} has scope namespace but no namespaces")
    if any(g.startswith("system:") for g in module.params["kubernetes_groups"] or []):
        module.fail_json(msg="kubernetes_groups: EKS refuses groups starting with system:")
    client = module.client("eks")
    p = module.params
    try:
        if p["state"] == "absent":
            entry = describe_or_none(client.describe_access_entry, "accessEntry", clusterName=p["cluster_name"], principalArn=p["principal_arn"])
            if entry and not module.check_mode:
                client.delete_access_entry(clusterName=p["cluster_name"], principalArn=p["principal_arn"])
            module.exit_json(changed=entry is not None)
        changed, entry, policies = ensure_present(module, client)
    except aws_errors() as e:
        module.fail_json_aws(e, msg=f"Failed to manage the access entry of {p['principal_arn']} on {p['cluster_name']}")
    module.exit_json(changed=changed, access_entry=entry, access_policies=policies)


if __name__ == "__main__":
    main()
