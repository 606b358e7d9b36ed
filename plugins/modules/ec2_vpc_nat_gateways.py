#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_vpc_nat_gateways
short_description: Manage one public NAT gateway in each of a list of subnets of one VPC, in one run
version_added: 0.2.0
description:
  - Makes sure each subnet of O(nat_gateways) holds a C(pending) or C(available) NAT gateway, in one module run,
    and converges the tags of the gateways found there. A subnet that already holds one never gets a second one.
  - The VPC's NAT gateways are read once (C(DescribeNatGateways), paginated, C(pending) and C(available) only),
    and their tags are read from that answer. A converged list costs no other call.
  - A missing gateway is created with a new Elastic IP (C(AllocateAddress)); if the creation fails, that address is
    released. The module does not wait for a new gateway to become C(available); routes to a C(pending) gateway are
    accepted.
  - Gateways are only created or updated; one in a subnet not listed is left as it is (neither deleted nor tagged).
  - In check mode nothing is written; the result says what would change, and a gateway to create has an empty id.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  vpc_id:
    description: The VPC the subnets belong to.
    type: str
    required: true
  nat_gateways:
    description: One entry per subnet that must hold a gateway; the gateways are returned in the same order.
    type: list
    elements: dict
    required: true
    suboptions:
      subnet_id:
        description: The (public) subnet of the gateway.
        type: str
        required: true
      tags:
        description: The tags of the gateway.
        type: dict
        default: {}
      purge_tags:
        description: Remove the tags not in O(nat_gateways[].tags).
        type: bool
        default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the NAT gateways
  mosaic.platform.ec2_vpc_nat_gateways:
    vpc_id: vpc-0123456789abcdef0
    nat_gateways:
      - subnet_id: subnet-0123456789abcdef0
        tags: {Project: P, Name: p-dev-nat-a}
"""

RETURN = r"""
nat_gateways:
  description: Per subnet, in the order given, its gateway's id (empty for one that check mode would create), state and what changed.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "nat-0123456789abcdef0", "subnet_id": "subnet-0123456789abcdef0", "state": "available", "changed": ["tags"]}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    boto3_tag_list_to_ansible_dict,
    boto3_tag_specifications,
)
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_ec2_tags

LIVE_STATES = ["pending", "available"]


@AWSRetry.jittered_backoff()
def _list_gateways(client, vpc_id):
    paginator = client.get_paginator("describe_nat_gateways")
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "state", "Values": LIVE_STATES}]
    return paginator.paginate(Filters=filters).build_full_result().get("NatGateways", [])


def gateways_by_subnet(gateways):
    """The live gateways of each subnet, the available ones first, then the oldest first."""
    found = {}
    for gateway in sorted(gateways, key=lambda g: (g.get("State") != "available", str(g.get("CreateTime", "")))):
        if gateway.get("State") in LIVE_STATES:
            found.setdefault(gateway["SubnetId"], []).append(gateway)
    return found


def create_gateway(module, client, spec):
    """A gateway with a new Elastic IP, released again if the gateway cannot be created."""
    allocation_id = client.allocate_address(aws_retry=True, Domain="vpc")["AllocationId"]
    params = {"SubnetId": spec["subnet_id"], "AllocationId": allocation_id}
    if spec["tags"]:
        params["TagSpecifications"] = boto3_tag_specifications(spec["tags"], ["natgateway"])
    try:
        return client.create_nat_gateway(aws_retry=True, **params)["NatGateway"]
    except AWS_ERRORS as e:
        try:
            client.release_address(aws_retry=True, AllocationId=allocation_id)
        except AWS_ERRORS as release_error:
            module.fail_json_aws(release_error, msg=f"Failed to create a NAT gateway in {spec['subnet_id']} and to release its address {allocation_id}")
        module.fail_json_aws(e, msg=f"Failed to create a NAT gateway in {spec['subnet_id']} (its address {allocation_id} was released)")


def main():
    gateway_spec = {
        "subnet_id": {"type": "str", "required": True},
        "tags": {"type": "dict", "default": {}},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(
        argument_spec={
            "vpc_id": {"type": "str", "required": True},
            "nat_gateways": {"type": "list", "elements": "dict", "required": True, "options": gateway_spec},
        },
        supports_check_mode=True,
    )
    vpc_id, specs = module.params["vpc_id"], module.params["nat_gateways"]
    fail_if_not_unique(module, "nat_gateways subnet_id", [s["subnet_id"] for s in specs])

    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["InvalidNatGatewayID.NotFound"]))
    try:
        existing = gateways_by_subnet(_list_gateways(client, vpc_id))
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to list the NAT gateways of {vpc_id}")

    result, diff = [], {"before": {}, "after": {}}
    for spec in specs:
        found = existing.get(spec["subnet_id"], [])
        try:
            if not found:
                changes, before = ["created"], {}
                gateway = {"NatGatewayId": "", "State": "pending"} if module.check_mode else create_gateway(module, client, spec)
            else:
                gateway, changes = found[0], []
                before = {"tags": boto3_tag_list_to_ansible_dict(gateway.get("Tags", []))}
                # Every live gateway of the subnet keeps the tags (the role tagged them all before).
                for each in found:
                    tags = boto3_tag_list_to_ansible_dict(each.get("Tags", []))
                    if reconcile_ec2_tags(client, each["NatGatewayId"], tags, spec["tags"], spec["purge_tags"], module.check_mode):
                        changes = ["tags"]
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the NAT gateway of {spec['subnet_id']} in {vpc_id}")
        result.append({"id": gateway["NatGatewayId"], "subnet_id": spec["subnet_id"], "state": gateway.get("State", "pending"), "changed": changes})
        if changes:
            diff["before"][spec["subnet_id"]] = before
            after_tags = spec["tags"] if spec["purge_tags"] else {**before.get("tags", {}), **spec["tags"]}
            diff["after"][spec["subnet_id"]] = {"tags": after_tags}
    changed = any(r["changed"] for r in result)
    module.exit_json(changed=changed, nat_gateways=result, **({"diff": diff} if module._diff else {}))


if __name__ == "__main__":
    main()
