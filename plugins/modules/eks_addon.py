#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_addon
version_added: 0.1.0
short_description: Manage an EKS managed add-on
description:
  - Creates, updates and deletes an EKS managed add-on (vpc-cni, coredns, kube-proxy, aws-ebs-csi-driver...)
    at a pinned version, with its IRSA role and configuration values.
  - amazon.aws and community.aws have no module for EKS add-ons.
  - moto 5.2.5 does not implement EKS add-ons; the unit tests check the requests with botocore's Stubber.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  cluster_name:
    description: Name of the EKS cluster.
    type: str
    required: true
  name:
    description: Add-on name.
    type: str
    required: true
  version:
    description: Pinned add-on version (C(v1.20.4-eksbuild.1)). Required when O(state=present).
    type: str
  service_account_role_arn:
    description: IAM role (IRSA) the add-on's service account assumes.
    type: str
  configuration_values:
    description: Configuration values (a dict, sent as JSON), validated by EKS against the add-on's schema. Authoritative.
    type: dict
    default: {}
  resolve_conflicts:
    description: How EKS resolves fields changed in the cluster outside EKS.
    type: str
    choices: [OVERWRITE, NONE, PRESERVE]
    default: OVERWRITE
  wait:
    description: Wait until the add-on is ACTIVE (or deleted).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 1200
  state:
    description: Whether the add-on exists.
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
- name: VPC CNI with network policy enforcement
  mosaic.platform.eks_addon:
    cluster_name: legacyplatform-prod-main
    name: vpc-cni
    version: v1.20.4-eksbuild.1
    configuration_values:
      enableNetworkPolicy: "true"

- name: EBS CSI driver with its IRSA role
  mosaic.platform.eks_addon:
    cluster_name: legacyplatform-prod-main
    name: aws-ebs-csi-driver
    version: v1.51.1-eksbuild.1
    service_account_role_arn: arn:aws:iam::123456789012:role/legacyplatform-prod-irsa-ebs-csi
"""

RETURN = r"""
addon:
  description: The add-on as EKS describes it (snake_case), after the change.
  returned: when O(state=present)
  type: dict
  contains:
    addon_version:
      description: Installed version.
      type: str
    status:
      description: Add-on status.
      type: str
"""

import json
import time

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.eks_common import (
    aws_errors,
    describe_or_none,
    parse_configuration,
    sync_tags,
    wait_for_update,
)


def wait_for_status(module, client, cluster, name, wanted, timeout, delay=15):
    deadline = time.time() + timeout
    while True:
        addon = describe_or_none(client.describe_addon, "addon", clusterName=cluster, addonName=name)
        status = addon["status"] if addon else "DELETED"
        if status == wanted:
            return addon
        if status in ("CREATE_FAILED", "UPDATE_FAILED", "DEGRADED", "DELETE_FAILED") and wanted != "DELETED":
            module.fail_json(msg=f"add-on {name} is {status}", health=(addon or {}).get("health", {}))
        if time.time() > deadline:
            module.fail_json(msg=f"Timed out waiting for add-on {name} to be {wanted} (is {status})")
        time.sleep(delay)


def differences(addon, p):
    update = {}
    if addon.get("addonVersion") != p["version"]:
        update["addonVersion"] = p["version"]
    if (addon.get("serviceAccountRoleArn") or None) != (p["service_account_role_arn"] or None):
        update["serviceAccountRoleArn"] = p["service_account_role_arn"] or ""
    if parse_configuration(addon.get("configurationValues")) != (p["configuration_values"] or {}):
        update["configurationValues"] = json.dumps(p["configuration_values"] or {}, sort_keys=True)
    return update


def ensure_present(module, client):
    p = module.params
    cluster, name = p["cluster_name"], p["name"]
    addon = describe_or_none(client.describe_addon, "addon", clusterName=cluster, addonName=name)
    if addon is None:
        if module.check_mode:
            return True, {"addon_name": name, "addon_version": p["version"], "status": "CREATING"}
        params = {"clusterName": cluster, "addonName": name, "addonVersion": p["version"], "resolveConflicts": p["resolve_conflicts"]}
        if p["service_account_role_arn"]:
            params["serviceAccountRoleArn"] = p["service_account_role_arn"]
        if p["configuration_values"]:
            params["configurationValues"] = json.dumps(p["configuration_values"], sort_keys=True)
        if p["tags"]:
            params["tags"] = p["tags"]
        addon = client.create_addon(**params)["addon"]
        if p["wait"]:
            addon = wait_for_status(module, client, cluster, name, "ACTIVE", p["wait_timeout"])
        return True, camel_dict_to_snake_dict(addon, ignore_list=["tags"])
    changed = False
    update = differences(addon, p)
    if update:
        changed = True
        if not module.check_mode:
            response = client.update_addon(clusterName=cluster, addonName=name, resolveConflicts=p["resolve_conflicts"], **update)
            if p["wait"]:
                wait_for_update(module, client, cluster, response, addon_name=name, timeout=p["wait_timeout"])
    changed |= sync_tags(module, client, addon["addonArn"], addon.get("tags", {}), p["tags"], p["purge_tags"])
    if changed and not module.check_mode:
        addon = client.describe_addon(clusterName=cluster, addonName=name)["addon"]
    return changed, camel_dict_to_snake_dict(addon, ignore_list=["tags"])


def main():
    argument_spec = {
        "cluster_name": {"type": "str", "required": True},
        "name": {"type": "str", "required": True},
        "version": {"type": "str"},
        "service_account_role_arn": {"type": "str"},
        "configuration_values": {"type": "dict", "default": {}},
        "resolve_conflicts": {"type": "str", "default": "OVERWRITE", "choices": ["OVERWRITE", "NONE", "PRESERVE"]},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 1200},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True, required_if=[("state", "present", ["version"])])
    client = module.client("eks")
    p = module.params
    try:
        if p["state"] == "absent":
            addon = describe_or_none(client.describe_addon, "addon", clusterName=p["cluster_name"], addonName=p["name"])
            if addon and not module.check_mode:
                client.delete_addon(clusterName=p["cluster_name"], addonName=p["name"])
                if p["wait"]:
                    wait_for_status(module, client, p["cluster_name"], p["name"], "DELETED", p["wait_timeout"])
            module.exit_json(changed=addon is not None)
        changed, addon = ensure_present(module, client)
    except aws_errors() as e:
        module.fail_json_aws(e, msg=f"Failed to manage the add-on {p['name']} on {p['cluster_name']}")
    module.exit_json(changed=changed, addon=addon)


if __name__ == "__main__":
    main()
