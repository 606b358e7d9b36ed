#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_vpc_subnets
short_description: Manage a list of IPv4 subnets of one VPC in one run
version_added: 0.2.0
description:
  - Creates or converges every subnet of O(subnets) in the VPC O(vpc_id), in one module run. A subnet is matched
    by its CIDR; per subnet, its zone (checked, since a subnet cannot move), public IP mapping and tags. IPv6 is not
    used, so an IPv6 CIDR association or automatic IPv6 assignment found on a subnet is removed, as
    amazon.aws.ec2_vpc_subnet does when given no IPv6 CIDR.
  - The VPC's subnets are read once (C(DescribeSubnets), paginated). A converged subnet costs no other call.
    amazon.aws.ec2_vpc_subnet in a loop costs one module run per subnet.
  - A new subnet is waited for until it is C(available) (botocore waiter C(subnet_available)).
  - Subnets are only created or updated; removing one is left to amazon.aws.ec2_vpc_subnet with C(state=absent).
  - In check mode nothing is written; the result says what would change, and a subnet to create has an empty id.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  vpc_id:
    description: The VPC the subnets belong to.
    type: str
    required: true
  subnets:
    description: The subnets, returned in the same order.
    type: list
    elements: dict
    required: true
    suboptions:
      cidr:
        description: The IPv4 CIDR of the subnet.
        type: str
        required: true
      az:
        description: The availability zone of the subnet.
        type: str
        required: true
      map_public:
        description: Whether instances launched in the subnet get a public IPv4 address.
        type: bool
        default: false
      tags:
        description: The tags of the subnet.
        type: dict
        default: {}
      purge_tags:
        description: Remove the tags not in O(subnets[].tags).
        type: bool
        default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the subnets
  mosaic.platform.ec2_vpc_subnets:
    vpc_id: vpc-0123456789abcdef0
    subnets:
      - cidr: 10.40.0.0/19
        az: eu-west-1a
        tags: {Project: P, Name: p-dev-private-a, Tier: private}
      - cidr: 10.40.96.0/22
        az: eu-west-1a
        tags: {Project: P, Name: p-dev-public-a, Tier: public}
"""

RETURN = r"""
subnets:
  description: Per subnet, in the order given, its id (empty for one that check mode would create), CIDR, zone and what changed.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "subnet-0123456789abcdef0", "cidr": "10.40.0.0/19", "availability_zone": "eu-west-1a", "changed": ["tags"]}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    boto3_tag_list_to_ansible_dict,
    boto3_tag_specifications,
)
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_ec2_tags

IPV6_LIVE = ("associated", "associating")


@AWSRetry.jittered_backoff()
def _list_subnets(client, vpc_id):
    paginator = client.get_paginator("describe_subnets")
    return paginator.paginate(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]).build_full_result().get("Subnets", [])


def state_of(subnet):
    """The managed settings of an existing subnet, in the shape of a spec (for the diff)."""
    return {
        "cidr": subnet["CidrBlock"],
        "az": subnet["AvailabilityZone"],
        "map_public": bool(subnet.get("MapPublicIpOnLaunch")),
        "tags": boto3_tag_list_to_ansible_dict(subnet.get("Tags", [])),
    }


def wanted_of(spec, before):
    tags = spec["tags"] if spec["purge_tags"] else {**(before or {}).get("tags", {}), **spec["tags"]}
    return {"cidr": spec["cidr"], "az": spec["az"], "map_public": spec["map_public"], "tags": tags}


def create_subnet(client, vpc_id, spec):
    params = {"VpcId": vpc_id, "CidrBlock": spec["cidr"], "AvailabilityZone": spec["az"]}
    if spec["tags"]:
        params["TagSpecifications"] = boto3_tag_specifications(spec["tags"], ["subnet"])
    subnet = client.create_subnet(aws_retry=True, **params)["Subnet"]
    if subnet.get("State") != "available":
        client.get_waiter("subnet_available").wait(SubnetIds=[subnet["SubnetId"]], WaiterConfig={"Delay": 5, "MaxAttempts": 60})
    if spec["map_public"]:
        client.modify_subnet_attribute(aws_retry=True, SubnetId=subnet["SubnetId"], MapPublicIpOnLaunch={"Value": True})
    return subnet["SubnetId"]


def converge_subnet(module, client, spec, subnet):
    """Write what differs on an existing subnet; return what changed (or would)."""
    check, changes, subnet_id = module.check_mode, [], subnet["SubnetId"]
    before = state_of(subnet)
    if before["map_public"] != spec["map_public"]:
        changes.append("map_public")
        if not check:
            client.modify_subnet_attribute(aws_retry=True, SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": spec["map_public"]})
    if subnet.get("AssignIpv6AddressOnCreation"):
        changes.append("assign_ipv6")
        if not check:
            client.modify_subnet_attribute(aws_retry=True, SubnetId=subnet_id, AssignIpv6AddressOnCreation={"Value": False})
    for association in subnet.get("Ipv6CidrBlockAssociationSet", []):
        if association.get("Ipv6CidrBlockState", {}).get("State") in IPV6_LIVE:
            changes.append("ipv6_cidr")
            if not check:
                client.disassociate_subnet_cidr_block(aws_retry=True, AssociationId=association["AssociationId"])
    if reconcile_ec2_tags(client, subnet_id, before["tags"], spec["tags"], spec["purge_tags"], check):
        changes.append("tags")
    return changes


def validate(module, specs):
    cidrs = [s["cidr"] for s in specs]
    fail_if_not_unique(module, "subnets cidr", cidrs)


def main():
    subnet_spec = {
        "cidr": {"type": "str", "required": True},
        "az": {"type": "str", "required": True},
        "map_public": {"type": "bool", "default": False},
        "tags": {"type": "dict", "default": {}},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(
        argument_spec={
            "vpc_id": {"type": "str", "required": True},
            "subnets": {"type": "list", "elements": "dict", "required": True, "options": subnet_spec},
        },
        supports_check_mode=True,
    )
    vpc_id, specs = module.params["vpc_id"], module.params["subnets"]
    validate(module, specs)

    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
    try:
        existing = {s["CidrBlock"]: s for s in _list_subnets(client, vpc_id)}
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to list the subnets of {vpc_id}")
    zones = {cidr: subnet["AvailabilityZone"] for cidr, subnet in existing.items()}
    moved = [f"{s['cidr']} is in {zones[s['cidr']]}, not {s['az']}" for s in specs if zones.get(s["cidr"], s["az"]) != s["az"]]
    if moved:
        module.fail_json(msg=f"subnets az cannot change on an existing subnet (got {moved})")
    result, diff = [], {"before": {}, "after": {}}
    for spec in specs:
        subnet = existing.get(spec["cidr"])
        before = state_of(subnet) if subnet else None
        try:
            if subnet is None:
                changes = ["created"]
                subnet_id = "" if module.check_mode else create_subnet(client, vpc_id, spec)
            else:
                changes = converge_subnet(module, client, spec, subnet)
                subnet_id = subnet["SubnetId"]
        except AWS_ERRORS as e:
            # WaiterError (a new subnet that never became available) is a BotoCoreError too.
            module.fail_json_aws(e, msg=f"Failed to converge the subnet {spec['cidr']} in {vpc_id}")
        result.append({"id": subnet_id, "cidr": spec["cidr"], "availability_zone": spec["az"], "changed": changes})
        if changes:
            diff["before"][spec["cidr"]] = before or {}
            diff["after"][spec["cidr"]] = wanted_of(spec, before)
    changed = any(r["changed"] for r in result)
    module.exit_json(changed=changed, subnets=result, **({"diff": diff} if module._diff else {}))


if __name__ == "__main__":
    main()
