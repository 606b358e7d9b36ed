#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_vpc_route_tables
short_description: Manage a list of route tables of one VPC in one run
version_added: 0.2.0
description:
  - Creates or converges every route table of O(route_tables) in the VPC O(vpc_id), in one module run. A table is
    found by its C(Name) tag in the VPC (two tables with the name fail the run before any write); per table, its
    IPv4 routes, its subnet associations and its tags.
  - The VPC's route tables are read once (C(DescribeRouteTables), paginated). A converged table costs no other call.
    amazon.aws.ec2_vpc_route_table in a loop costs one module run per table and several reads in each.
  - Routes follow amazon.aws.ec2_vpc_route_table. A wanted route whose destination exists with another target, or
    as a blackhole, is replaced (C(ReplaceRoute)); one whose destination is only a propagated route is created
    beside it. With O(route_tables[].purge_routes), only routes this API created (origin C(CreateRoute)) with an
    IPv4 destination are removed; the C(local) route, propagated routes and prefix-list routes (gateway endpoints)
    are never touched.
  - A wanted subnet associated with another table is moved (C(ReplaceRouteTableAssociation)); one with no explicit
    association (it follows the main table) is associated. With O(route_tables[].purge_subnets), the table's other
    subnet associations are removed. The main-table association is never touched.
  - Route tables are only created or updated; removing one is left to amazon.aws.ec2_vpc_route_table.
  - In check mode nothing is written; the result says what would change, and a table to create has an empty id.
    In check mode a route target may be empty (a gateway the same check run would create), which is reported as a change.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  vpc_id:
    description: The VPC the route tables belong to.
    type: str
    required: true
  route_tables:
    description: The route tables, returned in the same order.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The C(Name) tag of the table, which finds it in the VPC.
        type: str
        required: true
      subnets:
        description: The ids of the subnets associated with the table.
        type: list
        elements: str
        default: []
      purge_subnets:
        description: Remove the table's associations with subnets not in O(route_tables[].subnets).
        type: bool
        default: true
      routes:
        description: The IPv4 routes of the table, each with one target.
        type: list
        elements: dict
        default: []
        suboptions:
          dest:
            description: The destination IPv4 CIDR.
            type: str
            required: true
          gateway_id:
            description: An internet (or virtual private) gateway id.
            type: str
          nat_gateway_id:
            description: A NAT gateway id.
            type: str
      purge_routes:
        description: Remove the routes this API created that are not in O(route_tables[].routes).
        type: bool
        default: true
      tags:
        description: The tags of the table; C(Name) is set from O(route_tables[].name).
        type: dict
        default: {}
      purge_tags:
        description: Remove the tags not in O(route_tables[].tags).
        type: bool
        default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the route tables
  mosaic.platform.ec2_vpc_route_tables:
    vpc_id: vpc-0123456789abcdef0
    route_tables:
      - name: p-dev-public
        subnets: [subnet-0123456789abcdef0]
        routes: [{dest: 0.0.0.0/0, gateway_id: igw-0123456789abcdef0}]
        tags: {Project: P}
      - name: p-dev-private-a
        subnets: [subnet-0123456789abcdef1]
        routes: [{dest: 0.0.0.0/0, nat_gateway_id: nat-0123456789abcdef0}]
        purge_routes: false  # a gateway endpoint adds its prefix-list route
        tags: {Project: P}
"""

RETURN = r"""
route_tables:
  description: Per table, in the order given, its id (empty for one that check mode would create), name and what changed.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "rtb-0123456789abcdef0", "name": "p-dev-public", "changed": ["routes"]}]
"""

import ipaddress

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    boto3_tag_list_to_ansible_dict,
    boto3_tag_specifications,
)
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_ec2_tags

# A table or gateway created moments ago may not be visible to the next call yet (eventual consistency).
NOT_YET_VISIBLE = ["InvalidRouteTableID.NotFound", "InvalidNatGatewayID.NotFound", "InvalidGatewayID.NotFound"]
TARGETS = {"gateway_id": "GatewayId", "nat_gateway_id": "NatGatewayId"}
PROPAGATED = "EnableVgwRoutePropagation"


@AWSRetry.jittered_backoff()
def _list_route_tables(client, vpc_id):
    paginator = client.get_paginator("describe_route_tables")
    return paginator.paginate(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]).build_full_result().get("RouteTables", [])


def name_of(table):
    return boto3_tag_list_to_ansible_dict(table.get("Tags", [])).get("Name")


def target_of(route):
    """The (key, id) a wanted route or an existing one points to."""
    for key, api_key in TARGETS.items():
        if route.get(key):
            return key, route[key]
        if route.get(api_key):
            return key, route[api_key]
    return None, None


def owned_routes(table):
    """The routes purge_routes may remove: IPv4 routes this API created, by destination."""
    return {r["DestinationCidrBlock"]: r for r in table.get("Routes", []) if r.get("Origin") == "CreateRoute" and r.get("DestinationCidrBlock")}


def state_of(table, subnets_of):
    """The managed settings of an existing table, in the shape of a spec (for the diff)."""
    return {
        "routes": sorted(f"{dest} -> {target_of(r)[1] or 'unknown'}" for dest, r in owned_routes(table).items()),
        "subnets": sorted(subnets_of(table["RouteTableId"])),
        "tags": boto3_tag_list_to_ansible_dict(table.get("Tags", [])),
    }


def wanted_of(spec, before):
    tags = spec["tags"] if spec["purge_tags"] else {**(before or {}).get("tags", {}), **spec["tags"]}
    kept = [] if spec["purge_routes"] else [r for r in (before or {}).get("routes", []) if r.split(" -> ")[0] not in {w["dest"] for w in spec["routes"]}]
    kept_subnets = [] if spec["purge_subnets"] else (before or {}).get("subnets", [])
    return {
        "routes": sorted(kept + [f"{r['dest']} -> {target_of(r)[1] or '(not created yet)'}" for r in spec["routes"]]),
        "subnets": sorted(set(spec["subnets"]) | set(kept_subnets)),
        "tags": tags,
    }


class Associations:
    """Which table each subnet of the VPC is explicitly associated with, kept current as the run moves them."""

    def __init__(self, tables):
        self.by_subnet = {}
        for table in tables:
            for association in table.get("Associations", []):
                live = association.get("AssociationState", {}).get("State", "associated") in ("associated", "associating")
                if not association.get("Main") and association.get("SubnetId") and live:
                    self.by_subnet[association["SubnetId"]] = (table["RouteTableId"], association["RouteTableAssociationId"])

    def subnets_of(self, table_id):
        return [subnet for subnet, place in self.by_subnet.items() if place[0] == table_id]

    def converge(self, module, client, table_id, spec):
        """Associate the wanted subnets, moving them from another table; purge the others. Return whether any changed."""
        check, changed = module.check_mode, False
        for subnet_id in spec["subnets"]:
            owner, association_id = self.by_subnet.get(subnet_id, (None, None))
            if owner == table_id and table_id:
                continue
            changed = True
            if check:
                continue
            if association_id:
                association_id = client.replace_route_table_association(aws_retry=True, AssociationId=association_id, RouteTableId=table_id)["NewAssociationId"]
            else:
                association_id = client.associate_route_table(aws_retry=True, RouteTableId=table_id, SubnetId=subnet_id)["AssociationId"]
            self.by_subnet[subnet_id] = (table_id, association_id)
        if spec["purge_subnets"] and table_id:
            for subnet_id in sorted(set(self.subnets_of(table_id)) - set(spec["subnets"])):
                changed = True
                if not check:
                    client.disassociate_route_table(aws_retry=True, AssociationId=self.by_subnet.pop(subnet_id)[1])
        return changed


def route_params(table_id, route):
    key, target = target_of(route)
    return {"RouteTableId": table_id, "DestinationCidrBlock": route["dest"], TARGETS[key]: target}


def converge_routes(module, client, table, spec):
    """Create, replace and (with purge_routes) delete routes; return whether any changed (or would)."""
    check, table_id, changed = module.check_mode, table["RouteTableId"], False
    by_dest = {}
    for route in table.get("Routes", []):
        if route.get("DestinationCidrBlock"):
            by_dest.setdefault(route["DestinationCidrBlock"], []).append(route)
    for wanted in spec["routes"]:
        found = [r for r in by_dest.get(wanted["dest"], []) if r.get("Origin") != PROPAGATED]
        if found and target_of(found[0]) == target_of(wanted) and found[0].get("State") != "blackhole":
            continue
        changed = True
        if check:
            continue
        if found:
            client.replace_route(aws_retry=True, **route_params(table_id, wanted))
        else:
            client.create_route(aws_retry=True, **route_params(table_id, wanted))
    if spec["purge_routes"]:
        wanted_dests = {r["dest"] for r in spec["routes"]}
        for dest in sorted(set(owned_routes(table)) - wanted_dests):
            changed = True
            if not check:
                client.delete_route(aws_retry=True, RouteTableId=table_id, DestinationCidrBlock=dest)
    return changed


def create_table(client, vpc_id, spec):
    params = {"VpcId": vpc_id, "TagSpecifications": boto3_tag_specifications(spec["tags"], ["route-table"])}
    return client.create_route_table(aws_retry=True, **params)["RouteTable"]


def validate(module, specs):
    fail_if_not_unique(module, "route_tables names", [s["name"] for s in specs])
    fail_if_not_unique(module, "route_tables subnets", [subnet for s in specs for subnet in s["subnets"]])
    for spec in specs:
        dests = [r["dest"] for r in spec["routes"]]
        fail_if_not_unique(module, f"route_tables {spec['name']} routes dest", dests)
        for route in spec["routes"]:
            try:
                ipaddress.IPv4Network(route["dest"] if "/" in route["dest"] else "no prefix length")
            except ValueError:
                module.fail_json(msg=f"route_tables {spec['name']} routes dest must be an IPv4 CIDR (got {route['dest']!r})")
            given = [key for key in TARGETS if route.get(key) is not None]
            if len(given) != 1:
                module.fail_json(msg=f"route_tables {spec['name']} route {route['dest']} must name one target, gateway_id or nat_gateway_id (got {given})")
            if not route[given[0]] and not module.check_mode:
                module.fail_json(msg=f"route_tables {spec['name']} route {route['dest']} has an empty {given[0]}")


def main():
    route_spec = {
        "dest": {"type": "str", "required": True},
        "gateway_id": {"type": "str"},
        "nat_gateway_id": {"type": "str"},
    }
    table_spec = {
        "name": {"type": "str", "required": True},
        "subnets": {"type": "list", "elements": "str", "default": []},
        "purge_subnets": {"type": "bool", "default": True},
        "routes": {"type": "list", "elements": "dict", "default": [], "options": route_spec},
        "purge_routes": {"type": "bool", "default": True},
        "tags": {"type": "dict", "default": {}},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(
        argument_spec={
            "vpc_id": {"type": "str", "required": True},
            "route_tables": {"type": "list", "elements": "dict", "required": True, "options": table_spec},
        },
        supports_check_mode=True,
    )
    vpc_id, specs = module.params["vpc_id"], module.params["route_tables"]
    for spec in specs:
        spec["tags"] = {**spec["tags"], "Name": spec["name"]}
    validate(module, specs)

    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=NOT_YET_VISIBLE))
    try:
        tables = _list_route_tables(client, vpc_id)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to list the route tables of {vpc_id}")
    by_name = {}
    for table in tables:
        by_name.setdefault(name_of(table), []).append(table)
    ambiguous = {s["name"]: [t["RouteTableId"] for t in by_name[s["name"]]] for s in specs if len(by_name.get(s["name"], [])) > 1}
    if ambiguous:
        module.fail_json(msg=f"route_tables names must find one table each in {vpc_id} (got {ambiguous})")
    associations = Associations(tables)

    result, diff = [], {"before": {}, "after": {}}
    for spec in specs:
        table = by_name.get(spec["name"], [None])[0]
        before = state_of(table, associations.subnets_of) if table else None
        try:
            if table is None:
                changes = ["created"]
                if not module.check_mode:
                    table = create_table(client, vpc_id, spec)
            else:
                changes = []
                if reconcile_ec2_tags(client, table["RouteTableId"], before["tags"], spec["tags"], spec["purge_tags"], module.check_mode):
                    changes.append("tags")
            table_id = table["RouteTableId"] if table else ""
            if table and converge_routes(module, client, table, spec):
                changes.append("routes")
            if associations.converge(module, client, table_id, spec) and "created" not in changes:
                changes.append("subnets")
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the route table {spec['name']} in {vpc_id}")
        if "created" in changes:
            changes = ["created"]
        result.append({"id": table_id, "name": spec["name"], "changed": changes})
        if changes:
            diff["before"][spec["name"]] = before or {}
            diff["after"][spec["name"]] = wanted_of(spec, before)
    changed = any(r["changed"] for r in result)
    module.exit_json(changed=changed, route_tables=result, **({"diff": diff} if module._diff else {}))


if __name__ == "__main__":
    main()
