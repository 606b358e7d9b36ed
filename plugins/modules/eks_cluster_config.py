#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_cluster_config
version_added: 0.1.0
short_description: Create an EKS cluster with its security settings, keep them converged, delete it
description:
  - M(community.aws.eks_cluster) creates a cluster from a name, version, role, subnets and security groups only.
    It cannot set what the security baseline needs, and some of it only takes effect at creation,
    secrets envelope encryption (so no secret is ever stored unencrypted), the authentication mode
    with access entries and no implicit admin for the creator, the control-plane log types and the
    endpoint access (private, or public restricted to CIDRs).
  - This module creates the cluster with all of them when it does not exist, and on an existing
    cluster reconciles the mutable ones (logging, endpoint access, authentication mode, version
    upgrades, encryption association when missing, tags), one EKS update at a time.
  - With O(state=absent) it deletes the cluster (node groups and Fargate profiles must be gone first, as
    EKS requires) and, with O(wait=true), waits with the botocore C(cluster_deleted) waiter until EKS no
    longer knows it. One module owns the whole lifecycle of the cluster.
  - Check mode reports what would be created, updated or deleted without any write call; with C(--diff)
    the result carries the cluster settings before and after.
  - moto 5.2.5 stores encryption, logging and endpoint settings but ignores C(accessConfig) and lacks
    C(UpdateClusterVersion) and C(AssociateEncryptionConfig); those requests are checked with botocore's Stubber.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  name:
    description: Cluster name.
    type: str
    required: true
  state:
    description: C(present) creates or converges the cluster, C(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
    version_added: 0.1.0
  version:
    description:
      - Kubernetes version (C(1.35)). Upgrades one minor at a time; downgrades are refused.
      - Required with O(state=present); ignored with O(state=absent).
    type: str
  role_arn:
    description: Cluster IAM role. Required to create the cluster.
    type: str
  subnets:
    description: Subnet ids of the control plane ENIs. Required to create the cluster.
    type: list
    elements: str
    default: []
  security_groups:
    description: Extra security group ids.
    type: list
    elements: str
    default: []
  endpoint_private_access:
    description: Private API endpoint inside the VPC.
    type: bool
    default: true
  endpoint_public_access:
    description: Public API endpoint.
    type: bool
    default: false
  public_access_cidrs:
    description: CIDRs allowed to reach the public endpoint; required (and never C(0.0.0.0/0)) when O(endpoint_public_access=true).
    type: list
    elements: str
    default: []
  logging_types:
    description: Control-plane log types enabled; the others are disabled.
    type: list
    elements: str
    choices: [api, audit, authenticator, controllerManager, scheduler]
    default: [api, audit, authenticator, controllerManager, scheduler]
  authentication_mode:
    description: Authentication mode. C(API) uses access entries only.
    type: str
    choices: [API, API_AND_CONFIG_MAP, CONFIG_MAP]
    default: API
  bootstrap_cluster_creator_admin_permissions:
    description: Give the creating principal cluster admin. Off by default; access entries say who administers the cluster.
    type: bool
    default: false
  encryption_key_arn:
    description: KMS key ARN for the envelope encryption of Kubernetes secrets. EKS cannot change or remove it once set.
    type: str
  wait:
    description:
      - Wait until the cluster is ACTIVE after creation and after each update.
      - With O(state=absent), wait until the cluster is deleted (the botocore C(cluster_deleted) waiter).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for each step.
    type: int
    default: 1800
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create or converge the cluster
  mosaic.platform.eks_cluster_config:
    name: legacyplatform-prod-main
    version: "1.35"
    role_arn: arn:aws:iam::123456789012:role/legacyplatform-prod-eks-cluster
    subnets: [subnet-0a, subnet-0b]
    endpoint_private_access: true
    endpoint_public_access: true
    public_access_cidrs: [203.0.113.0/24]
    encryption_key_arn: arn:aws:kms:eu-west-1:123456789012:key/0000-1111
    tags:
      Component: cluster

- name: Delete the cluster (its node groups first) and wait until it is gone
  mosaic.platform.eks_cluster_config:
    name: legacyplatform-prod-main
    state: absent
    wait: true
"""

RETURN = r"""
cluster:
  description:
    - The cluster as EKS describes it (snake_case, tags unchanged).
    - With O(state=absent), the cluster as it was before the deletion, or C({}) when there was none.
  returned: always
  type: dict
  contains:
    endpoint:
      description: API server endpoint.
      type: str
    certificate_authority:
      description: The base64 cluster CA, under C(data).
      type: dict
    identity:
      description: The IRSA issuer, under C(oidc.issuer).
      type: dict
    arn:
      description: Cluster ARN.
      type: str
updates:
  description: The updates made (or, in check mode, that would be made), by kind (C(create), C(delete), C(version), ...).
  returned: always
  type: list
  elements: str
diff:
  description: The cluster settings before and after (C({}) for a cluster that does not exist), with C(--diff).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: Settings before the run.
      type: dict
    after:
      description: Settings after the run (or, in check mode, after a real run).
      type: dict
"""

import ipaddress
import time

try:
    import botocore.exceptions
except ImportError:  # AnsibleAWSModule reports the missing library
    botocore = None

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.eks_common import aws_errors, describe_or_none, sync_tags, wait_for_update

ALL_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
# EKS moves authentication modes one way only: CONFIG_MAP -> API_AND_CONFIG_MAP -> API.
AUTH_ORDER = ["CONFIG_MAP", "API_AND_CONFIG_MAP", "API"]
# Seconds between two polls of the cluster_deleted waiter.
WAITER_DELAY = 30


def logging_config(enabled):
    enabled = [t for t in ALL_LOG_TYPES if t in enabled]
    disabled = [t for t in ALL_LOG_TYPES if t not in enabled]
    config = []
    if enabled:
        config.append({"types": enabled, "enabled": True})
    if disabled:
        config.append({"types": disabled, "enabled": False})
    return {"clusterLogging": config}


def enabled_log_types(cluster):
    return sorted(t for entry in cluster.get("logging", {}).get("clusterLogging", []) if entry.get("enabled") for t in entry.get("types", []))


def endpoint_config(p):
    config = {"endpointPrivateAccess": p["endpoint_private_access"], "endpointPublicAccess": p["endpoint_public_access"]}
    if p["endpoint_public_access"]:
        config["publicAccessCidrs"] = sorted(p["public_access_cidrs"])
    return config


def endpoint_differs(cluster, p):
    vpc = cluster.get("resourcesVpcConfig", {})
    if bool(vpc.get("endpointPrivateAccess")) != p["endpoint_private_access"] or bool(vpc.get("endpointPublicAccess")) != p["endpoint_public_access"]:
        return True
    return p["endpoint_public_access"] and sorted(vpc.get("publicAccessCidrs", [])) != sorted(p["public_access_cidrs"])


def settings(cluster):
    """The settings this module manages, from an EKS cluster description ({} when there is none)."""
    if not cluster:
        return {}
    vpc = cluster.get("resourcesVpcConfig", {})
    keys = [c.get("provider", {}).get("keyArn") for c in cluster.get("encryptionConfig", []) if "secrets" in c.get("resources", [])]
    return {
        "name": cluster.get("name"),
        "version": cluster.get("version"),
        "endpoint_private_access": bool(vpc.get("endpointPrivateAccess")),
        "endpoint_public_access": bool(vpc.get("endpointPublicAccess")),
        "public_access_cidrs": sorted(vpc.get("publicAccessCidrs", [])) if vpc.get("endpointPublicAccess") else [],
        "logging_types": enabled_log_types(cluster),
        "authentication_mode": cluster.get("accessConfig", {}).get("authenticationMode"),
        "encryption_key_arn": keys[0] if keys else None,
        "tags": dict(cluster.get("tags") or {}),
    }


def wanted_settings(p, cluster):
    """The settings after a present run: the parameters over what the cluster keeps (unset tags, unreported modes)."""
    before = settings(cluster)
    tags = dict(before.get("tags", {}))
    if p["tags"] is not None:
        tags = dict(p["tags"]) if p["purge_tags"] else dict(tags, **p["tags"])
    return {
        "name": p["name"],
        "version": p["version"],
        "endpoint_private_access": p["endpoint_private_access"],
        "endpoint_public_access": p["endpoint_public_access"],
        "public_access_cidrs": sorted(p["public_access_cidrs"]) if p["endpoint_public_access"] else [],
        "logging_types": sorted(p["logging_types"]),
        "authentication_mode": p["authentication_mode"] if before.get("authentication_mode", p["authentication_mode"]) else None,
        "encryption_key_arn": p["encryption_key_arn"] or before.get("encryption_key_arn"),
        "tags": tags,
    }


def delete(module, client, cluster):
    """Delete the cluster (unless EKS is deleting it already) and wait until it is gone."""
    p = module.params
    if module.check_mode:
        return
    if cluster.get("status") != "DELETING":
        try:
            client.delete_cluster(name=p["name"])
        except is_boto3_error_code("ResourceNotFoundException"):
            return  # gone between the describe and the delete
    if p["wait"]:
        delay = WAITER_DELAY
        try:
            client.get_waiter("cluster_deleted").wait(name=p["name"], WaiterConfig={"Delay": delay, "MaxAttempts": max(1, p["wait_timeout"] // max(delay, 1))})
        except botocore.exceptions.WaiterError as e:
            module.fail_json_aws(e, msg=f"Timed out or failed waiting for the EKS cluster {p['name']} to be deleted")


def minor(version):
    major, _dot, rest = str(version).partition(".")
    return int(major), int(rest.split(".")[0] or 0)


def wait_active(module, client, name, timeout, delay=20):
    deadline = time.time() + timeout
    while True:
        cluster = client.describe_cluster(name=name)["cluster"]
        if cluster["status"] == "ACTIVE":
            return cluster
        if cluster["status"] == "FAILED" or time.time() > deadline:
            module.fail_json(msg=f"cluster {name} is {cluster['status']}")
        time.sleep(delay)


def create(module, client):
    p = module.params
    if not p["role_arn"] or not p["subnets"]:
        module.fail_json(msg=f"role_arn and subnets are required to create the cluster {p['name']}")
    params = {
        "name": p["name"],
        "version": p["version"],
        "roleArn": p["role_arn"],
        "resourcesVpcConfig": dict(endpoint_config(p), subnetIds=p["subnets"], securityGroupIds=p["security_groups"]),
        "logging": logging_config(p["logging_types"]),
        "accessConfig": {
            "authenticationMode": p["authentication_mode"],
            "bootstrapClusterCreatorAdminPermissions": p["bootstrap_cluster_creator_admin_permissions"],
        },
    }
    if p["encryption_key_arn"]:
        params["encryptionConfig"] = [{"resources": ["secrets"], "provider": {"keyArn": p["encryption_key_arn"]}}]
    if p["tags"]:
        params["tags"] = p["tags"]
    cluster = client.create_cluster(**params)["cluster"]
    return wait_active(module, client, p["name"], p["wait_timeout"]) if p["wait"] else cluster


def reconcile(module, client, cluster):
    """Apply the differences one EKS update at a time; return the list of update kinds."""
    p = module.params
    name = cluster["name"]
    updates = []

    def apply(kind, call, **params):
        updates.append(kind)
        if module.check_mode:
            return
        response = call(name=name, **params)
        if p["wait"]:
            wait_for_update(module, client, name, response, timeout=p["wait_timeout"])

    if cluster.get("version") != p["version"]:
        if minor(p["version"]) < minor(cluster["version"]):
            module.fail_json(msg=f"version: {name} runs {cluster['version']}; EKS cannot downgrade to {p['version']}")
        apply("version", client.update_cluster_version, version=p["version"])
    if enabled_log_types(cluster) != sorted(p["logging_types"]):
        apply("logging", client.update_cluster_config, logging=logging_config(p["logging_types"]))
    if endpoint_differs(cluster, p):
        apply("endpoint", client.update_cluster_config, resourcesVpcConfig=endpoint_config(p))
    mode = cluster.get("accessConfig", {}).get("authenticationMode")
    if mode is None:
        module.warn(f"EKS did not report the authentication mode of {name}; it was not reconciled")
    elif mode != p["authentication_mode"]:
        if AUTH_ORDER.index(p["authentication_mode"]) < AUTH_ORDER.index(mode):
            module.fail_json(msg=f"authentication_mode: {name} uses {mode}; EKS cannot go back to {p['authentication_mode']}")
        for step in AUTH_ORDER[AUTH_ORDER.index(mode) + 1 : AUTH_ORDER.index(p["authentication_mode"]) + 1]:
            apply(f"authentication_mode:{step}", client.update_cluster_config, accessConfig={"authenticationMode": step})
    keys = [c.get("provider", {}).get("keyArn") for c in cluster.get("encryptionConfig", []) if "secrets" in c.get("resources", [])]
    if p["encryption_key_arn"] and not keys:
        updates.append("encryption")
        if not module.check_mode:
            response = client.associate_encryption_config(
                clusterName=name, encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": p["encryption_key_arn"]}}]
            )
            if p["wait"]:
                wait_for_update(module, client, name, response, timeout=p["wait_timeout"])
    elif p["encryption_key_arn"] and p["encryption_key_arn"] not in keys:
        module.fail_json(msg=f"encryption_key_arn: {name} encrypts secrets with {keys[0]}; EKS cannot change the key")
    if sync_tags(module, client, cluster["arn"], cluster.get("tags", {}), p["tags"], p["purge_tags"]):
        updates.append("tags")
    return updates


def main():
    argument_spec = {
        "name": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "version": {"type": "str"},
        "role_arn": {"type": "str"},
        "subnets": {"type": "list", "elements": "str", "default": []},
        "security_groups": {"type": "list", "elements": "str", "default": []},
        "endpoint_private_access": {"type": "bool", "default": True},
        "endpoint_public_access": {"type": "bool", "default": False},
        "public_access_cidrs": {"type": "list", "elements": "str", "default": []},
        "logging_types": {"type": "list", "elements": "str", "choices": ALL_LOG_TYPES, "default": list(ALL_LOG_TYPES)},
        "authentication_mode": {"type": "str", "choices": AUTH_ORDER, "default": "API"},
        "bootstrap_cluster_creator_admin_permissions": {"type": "bool", "default": False},
        "encryption_key_arn": {"type": "str", "no_log": False},  # an ARN, not a secret
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 1800},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, required_if=[("state", "present", ["version"])], supports_check_mode=True)
    p = module.params
    if p["state"] == "absent":
        client = module.client("eks")
        try:
            cluster = describe_or_none(client.describe_cluster, "cluster", name=p["name"])
            if cluster is None:
                module.exit_json(changed=False, cluster={}, updates=[], diff={"before": {}, "after": {}})
            delete(module, client, cluster)
        except aws_errors() as e:
            module.fail_json_aws(e, msg=f"Failed to delete the EKS cluster {p['name']}")
        module.exit_json(
            changed=True, cluster=camel_dict_to_snake_dict(cluster, ignore_list=["tags"]), updates=["delete"], diff={"before": settings(cluster), "after": {}}
        )
    if p["endpoint_public_access"]:
        if not p["public_access_cidrs"]:
            module.fail_json(msg="public_access_cidrs: a public endpoint must be restricted to named CIDRs")
        for cidr in p["public_access_cidrs"]:
            try:
                if ipaddress.ip_network(cidr, strict=False).prefixlen == 0:
                    module.fail_json(msg=f"public_access_cidrs: {cidr} opens the endpoint to the internet")
            except ValueError:
                module.fail_json(msg=f"public_access_cidrs: {cidr} is not a CIDR")
    if not p["endpoint_private_access"] and not p["endpoint_public_access"]:
        module.fail_json(msg="endpoint_private_access and endpoint_public_access cannot both be false")
    client = module.client("eks")
    try:
        cluster = describe_or_none(client.describe_cluster, "cluster", name=p["name"])
        if cluster is None:
            diff = {"before": {}, "after": wanted_settings(p, None)}
            if module.check_mode:
                module.exit_json(changed=True, cluster={"name": p["name"], "version": p["version"]}, updates=["create"], diff=diff)
            cluster = create(module, client)
            module.exit_json(changed=True, cluster=camel_dict_to_snake_dict(cluster, ignore_list=["tags"]), updates=["create"], diff=diff)
        if p["wait"] and cluster["status"] != "ACTIVE" and not module.check_mode:
            cluster = wait_active(module, client, p["name"], p["wait_timeout"])
        before = settings(cluster)
        updates = reconcile(module, client, cluster)
        after = wanted_settings(p, cluster) if updates else before
        if updates and not module.check_mode:
            cluster = client.describe_cluster(name=p["name"])["cluster"]
    except aws_errors() as e:
        module.fail_json_aws(e, msg=f"Failed to manage the EKS cluster {p['name']}")
    module.exit_json(
        changed=bool(updates), cluster=camel_dict_to_snake_dict(cluster, ignore_list=["tags"]), updates=updates, diff={"before": before, "after": after}
    )


if __name__ == "__main__":
    main()
