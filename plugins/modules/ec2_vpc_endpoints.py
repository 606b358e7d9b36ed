#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_vpc_endpoints
short_description: Manage a list of interface and gateway VPC endpoints of one VPC in one run
version_added: 0.2.0
description:
  - Creates or converges every endpoint of O(endpoints) in the VPC O(vpc_id), in one module run. Per interface
    endpoint, its subnets, security groups, private DNS and tags; per gateway endpoint (S3, DynamoDB), its route tables
    and tags. Only what differs is written.
  - The VPC's endpoints are read once (C(DescribeVpcEndpoints), paginated). A converged endpoint costs no other call.
    amazon.aws.ec2_vpc_endpoint in a loop costs one module run per endpoint (Python and boto3 started again each
    time), and it never converges the subnets, security groups or route tables of an endpoint that exists (it
    creates another gateway endpoint when the route tables differ).
  - An endpoint is matched by its type and service name among the VPC's endpoints that are not deleted, deleting,
    failed, rejected or expired. Endpoints are only created or updated; removing one is left to
    amazon.aws.ec2_vpc_endpoint with C(state=absent). The module does not wait for a new endpoint to be available.
  - In check mode nothing is written; the result says what would change, and an endpoint to create has an empty id.
  - The local emulator (moto) ignores C(PrivateDnsEnabled) in C(ModifyVpcEndpoint); that call is tested for its
    request shape only and is covered live only against real AWS.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  vpc_id:
    description: The VPC the endpoints belong to.
    type: str
    required: true
  endpoints:
    description: The endpoints; a service name appears once.
    type: list
    elements: dict
    required: true
    suboptions:
      service:
        description: Full service name, for example C(com.amazonaws.eu-west-1.sts).
        type: str
        required: true
      type:
        description: The endpoint type.
        type: str
        choices: [Interface, Gateway]
        default: Interface
      subnets:
        description:
          - The subnets of an interface endpoint's network interfaces (at most one per AZ); others are removed.
          - Required (not empty) for an interface endpoint, empty for a gateway endpoint.
        type: list
        elements: str
        default: []
      security_groups:
        description:
          - The security groups of an interface endpoint's network interfaces; others are removed.
          - Required (not empty) for an interface endpoint, empty for a gateway endpoint.
        type: list
        elements: str
        default: []
      route_table_ids:
        description:
          - The route tables a gateway endpoint adds its route to; others are removed. Empty for an interface endpoint.
        type: list
        elements: str
        default: []
      private_dns:
        description:
          - Whether the service's default DNS name resolves to the endpoint inside the VPC. Interface endpoints only.
        type: bool
        default: true
      tags:
        description: The tags of the endpoint.
        type: dict
        default: {}
      purge_tags:
        description: Remove the tags not in O(endpoints[].tags).
        type: bool
        default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the interface endpoints
  mosaic.platform.ec2_vpc_endpoints:
    vpc_id: vpc-0123456789abcdef0
    endpoints:
      - service: com.amazonaws.eu-west-1.sts
        subnets: [subnet-0a, subnet-0b, subnet-0c]
        security_groups: [sg-0e]
        tags: {Project: P, Name: p-dev-sts}
      - service: com.amazonaws.eu-west-1.s3
        type: Gateway
        route_table_ids: [rtb-0a, rtb-0b, rtb-0c]
        tags: {Project: P, Name: p-dev-s3}
"""

RETURN = r"""
endpoints:
  description: Per service name, the endpoint id (empty for one that check mode would create) and what changed.
  returned: always
  type: dict
  sample: {"com.amazonaws.eu-west-1.sts": {"id": "vpce-0123456789abcdef0", "changed": ["subnets", "tags"]}}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    boto3_tag_list_to_ansible_dict,
    boto3_tag_specifications,
)
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_ec2_tags

# States of an endpoint that is gone or will never serve: a new one is created beside it.
GONE_STATES = {"deleted", "deleting", "failed", "rejected", "expired"}


@AWSRetry.jittered_backoff()
def _list_endpoints(client, vpc_id):
    paginator = client.get_paginator("describe_vpc_endpoints")
    return paginator.paginate(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]).build_full_result().get("VpcEndpoints", [])


def current_endpoints(client, vpc_id):
    """The VPC's live endpoints by (type, service name) (the first one listed when there are several)."""
    found = {}
    for endpoint in _list_endpoints(client, vpc_id):
        if endpoint.get("State", "").lower() not in GONE_STATES:
            found.setdefault((endpoint.get("VpcEndpointType", "").lower(), endpoint["ServiceName"]), endpoint)
    return found


# What each type converges: (the spec key, the endpoint's key, ModifyVpcEndpoint's add and remove parameters).
LISTS = {
    "Interface": (
        ("subnets", "SubnetIds", "AddSubnetIds", "RemoveSubnetIds"),
        ("security_groups", "Groups", "AddSecurityGroupIds", "RemoveSecurityGroupIds"),
    ),
    "Gateway": (("route_table_ids", "RouteTableIds", "AddRouteTableIds", "RemoveRouteTableIds"),),
}


def state_of(spec_type, endpoint):
    """The managed settings of an existing endpoint, in the shape of a spec (for the diff)."""
    state = {}
    for key, endpoint_key in (entry[:2] for entry in LISTS[spec_type]):
        values = endpoint.get(endpoint_key, [])
        state[key] = sorted(v["GroupId"] if isinstance(v, dict) else v for v in values)
    if spec_type == "Interface":
        state["private_dns"] = bool(endpoint.get("PrivateDnsEnabled"))
    state["tags"] = boto3_tag_list_to_ansible_dict(endpoint.get("Tags", []))
    return state


def wanted_of(spec, before):
    tags = spec["tags"] if spec["purge_tags"] else {**(before or {}).get("tags", {}), **spec["tags"]}
    wanted = {entry[0]: sorted(spec[entry[0]]) for entry in LISTS[spec["type"]]}
    if spec["type"] == "Interface":
        wanted["private_dns"] = spec["private_dns"]
    return {**wanted, "tags": tags}


def create_endpoint(client, vpc_id, spec):
    params = {"VpcId": vpc_id, "VpcEndpointType": spec["type"], "ServiceName": spec["service"]}
    if spec["type"] == "Interface":
        params.update(SubnetIds=spec["subnets"], SecurityGroupIds=spec["security_groups"], PrivateDnsEnabled=spec["private_dns"])
    elif spec["route_table_ids"]:
        params["RouteTableIds"] = spec["route_table_ids"]
    if spec["tags"]:
        params["TagSpecifications"] = boto3_tag_specifications(spec["tags"], ["vpc-endpoint"])
    return client.create_vpc_endpoint(aws_retry=True, **params)["VpcEndpoint"]["VpcEndpointId"]


def converge_endpoint(module, client, spec, endpoint):
    """Write what differs on an existing endpoint; return what changed (or would)."""
    check, changes, modify = module.check_mode, [], {}
    before = state_of(spec["type"], endpoint)
    for key, add, remove in (entry[:1] + entry[2:] for entry in LISTS[spec["type"]]):
        to_add = sorted(set(spec[key]) - set(before[key]))
        to_remove = sorted(set(before[key]) - set(spec[key]))
        if to_add or to_remove:
            changes.append(key)
            modify.update({add: to_add} if to_add else {})
            modify.update({remove: to_remove} if to_remove else {})
    if spec["type"] == "Interface" and before["private_dns"] != spec["private_dns"]:
        changes.append("private_dns")
        modify["PrivateDnsEnabled"] = spec["private_dns"]
    if modify and not check:
        client.modify_vpc_endpoint(aws_retry=True, VpcEndpointId=endpoint["VpcEndpointId"], **modify)
    if reconcile_ec2_tags(client, endpoint["VpcEndpointId"], before["tags"], spec["tags"], spec["purge_tags"], check):
        changes.append("tags")
    return changes


def validate(module, specs):
    services = [s["service"] for s in specs]
    fail_if_not_unique(module, "endpoints service", services)
    interfaces = [s for s in specs if s["type"] == "Interface"]
    gateways = [s for s in specs if s["type"] == "Gateway"]
    bare = [s["service"] for s in interfaces if not s["subnets"] or not s["security_groups"]]
    if bare:
        module.fail_json(msg=f"endpoints subnets and security_groups must not be empty (got them empty on {bare})")
    routed = [s["service"] for s in interfaces if s["route_table_ids"]]
    if routed:
        module.fail_json(msg=f"endpoints route_table_ids must be empty on an Interface endpoint (got them on {routed})")
    placed = [s["service"] for s in gateways if s["subnets"] or s["security_groups"]]
    if placed:
        module.fail_json(msg=f"endpoints subnets and security_groups must be empty on a Gateway endpoint (got them on {placed})")


def main():
    endpoint_spec = {
        "service": {"type": "str", "required": True},
        "type": {"type": "str", "choices": ["Interface", "Gateway"], "default": "Interface"},
        "subnets": {"type": "list", "elements": "str", "default": []},
        "security_groups": {"type": "list", "elements": "str", "default": []},
        "route_table_ids": {"type": "list", "elements": "str", "default": []},
        "private_dns": {"type": "bool", "default": True},
        "tags": {"type": "dict", "default": {}},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(
        argument_spec={
            "vpc_id": {"type": "str", "required": True},
            "endpoints": {"type": "list", "elements": "dict", "required": True, "options": endpoint_spec},
        },
        supports_check_mode=True,
    )
    vpc_id, specs = module.params["vpc_id"], module.params["endpoints"]
    validate(module, specs)

    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
    try:
        existing = current_endpoints(client, vpc_id)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to list the VPC endpoints of {vpc_id}")
    result, diff = {}, {"before": {}, "after": {}}
    for spec in specs:
        service, endpoint = spec["service"], existing.get((spec["type"].lower(), spec["service"]))
        before = state_of(spec["type"], endpoint) if endpoint else None
        try:
            if endpoint is None:
                changes = ["created"]
                endpoint_id = "" if module.check_mode else create_endpoint(client, vpc_id, spec)
            else:
                changes = converge_endpoint(module, client, spec, endpoint)
                endpoint_id = endpoint["VpcEndpointId"]
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the VPC endpoint of {service} in {vpc_id}")
        result[service] = {"id": endpoint_id, "changed": changes}
        if changes:
            diff["before"][service] = before or {}
            diff["after"][service] = wanted_of(spec, before)
    changed = any(r["changed"] for r in result.values())
    module.exit_json(changed=changed, endpoints=result, **({"diff": diff} if module._diff else {}))


if __name__ == "__main__":
    main()
