"""ec2_vpc_route_tables: create/converge x check/real x twice, several tables in one run, against moto in-process."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.mosaic.platform.plugins.modules import ec2_vpc_route_tables
from moto import mock_aws

REGION = "eu-west-1"
AUTH = {"region": REGION, "access_key": "testing", "secret_key": "testing"}
READS = ("Describe", "List", "Get")
TAGS = {"Project": "P", "Env": "dev"}

pytestmark = pytest.mark.usefixtures("in_process_aws")


@pytest.fixture
def net():
    """A VPC with an internet gateway, a NAT gateway, and a public and two private subnets."""
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc_id = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
        subnets = {
            name: ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
            for name, cidr in (("public", "10.40.96.0/22"), ("private-a", "10.40.0.0/19"), ("private-b", "10.40.32.0/19"))
        }
        allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat = ec2.create_nat_gateway(SubnetId=subnets["public"], AllocationId=allocation)["NatGateway"]["NatGatewayId"]
        yield {"ec2": ec2, "vpc": vpc_id, "igw": igw, "nat": nat, "subnets": subnets}


def run(capsys, vpc_id, tables, check_mode=False, diff=False):
    args = {**AUTH, "vpc_id": vpc_id, "route_tables": tables, "_ansible_check_mode": check_mode, "_ansible_diff": diff}
    with patch_module_args(args), pytest.raises(SystemExit):
        ec2_vpc_route_tables.main()
    return json.loads(capsys.readouterr().out)


def wanted(net, nat=None):
    s = net["subnets"]
    return [
        {"name": "p-public", "subnets": [s["public"]], "routes": [{"dest": "0.0.0.0/0", "gateway_id": net["igw"]}], "tags": TAGS},
        {
            "name": "p-private-a",
            "subnets": [s["private-a"]],
            "routes": [{"dest": "0.0.0.0/0", "nat_gateway_id": net["nat"] if nat is None else nat}],
            "purge_routes": False,
            "tags": TAGS,
        },
        {
            "name": "p-private-b",
            "subnets": [s["private-b"]],
            "routes": [{"dest": "0.0.0.0/0", "nat_gateway_id": net["nat"] if nat is None else nat}],
            "tags": TAGS,
        },
    ]


def writes(api_calls):
    return [op for op, _ in api_calls if not op.startswith(READS)]


def table(ec2, table_id):
    return ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"][0]


def routes(ec2, table_id):
    found = table(ec2, table_id)["Routes"]
    return {r.get("DestinationCidrBlock") or r.get("DestinationPrefixListId"): r.get("GatewayId") or r.get("NatGatewayId") for r in found}


def subnets_of(ec2, table_id):
    return sorted(a["SubnetId"] for a in table(ec2, table_id)["Associations"] if a.get("SubnetId"))


def tags_of(ec2, table_id):
    return {t["Key"]: t["Value"] for t in table(ec2, table_id)["Tags"]}


def test_check_mode_on_a_clean_vpc_would_create_and_writes_nothing(capsys, net, api_calls):
    api_calls.clear()
    result = run(capsys, net["vpc"], wanted(net), check_mode=True)
    assert result["changed"] is True
    assert result["route_tables"] == [
        {"id": "", "name": "p-public", "changed": ["created"]},
        {"id": "", "name": "p-private-a", "changed": ["created"]},
        {"id": "", "name": "p-private-b", "changed": ["created"]},
    ]
    assert [op for op, _ in api_calls] == ["DescribeRouteTables"]
    assert len(net["ec2"].describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}])["RouteTables"]) == 1  # the main table


def test_create_then_again_reads_once_and_writes_nothing(capsys, net, api_calls):
    ec2, s = net["ec2"], net["subnets"]
    first = run(capsys, net["vpc"], wanted(net))
    assert first["changed"] is True
    assert [t["changed"] for t in first["route_tables"]] == [["created"]] * 3
    public, private_a, private_b = (t["id"] for t in first["route_tables"])
    assert routes(ec2, public) == {"10.40.0.0/16": "local", "0.0.0.0/0": net["igw"]}
    assert routes(ec2, private_a) == {"10.40.0.0/16": "local", "0.0.0.0/0": net["nat"]}
    assert (subnets_of(ec2, public), subnets_of(ec2, private_b)) == ([s["public"]], [s["private-b"]])
    assert tags_of(ec2, private_a) == {**TAGS, "Name": "p-private-a"}
    assert writes(api_calls) == ["CreateRouteTable", "CreateRoute", "AssociateRouteTable"] * 3
    api_calls.clear()
    second = run(capsys, net["vpc"], wanted(net))
    assert second["changed"] is False
    assert [t["id"] for t in second["route_tables"]] == [public, private_a, private_b]
    assert [op for op, _ in api_calls] == ["DescribeRouteTables"]


def test_drift_is_reported_in_check_mode_and_corrected_by_a_real_run(capsys, net, api_calls):
    ec2, s = net["ec2"], net["subnets"]
    public, private_a, private_b = (t["id"] for t in run(capsys, net["vpc"], wanted(net))["route_tables"])
    # Drift: the default route of the public table to the NAT gateway, an extra route there, a tag changed and
    # one added, and the public and private-b subnets swapped between their tables.
    ec2.replace_route(RouteTableId=public, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=net["nat"])
    ec2.create_route(RouteTableId=public, DestinationCidrBlock="192.168.0.0/16", GatewayId=net["igw"])
    ec2.create_tags(Resources=[private_a], Tags=[{"Key": "Env", "Value": "prod"}, {"Key": "Stray", "Value": "1"}])
    public_association = next(a for a in table(ec2, public)["Associations"] if a.get("SubnetId"))
    private_association = next(a for a in table(ec2, private_b)["Associations"] if a.get("SubnetId"))
    ec2.replace_route_table_association(AssociationId=public_association["RouteTableAssociationId"], RouteTableId=private_b)
    ec2.replace_route_table_association(AssociationId=private_association["RouteTableAssociationId"], RouteTableId=public)
    api_calls.clear()
    check = run(capsys, net["vpc"], wanted(net), check_mode=True, diff=True)
    assert check["changed"] is True
    assert [t["changed"] for t in check["route_tables"]] == [["routes", "subnets"], ["tags"], ["subnets"]]
    assert check["diff"]["before"]["p-public"]["routes"] == ["0.0.0.0/0 -> " + net["nat"], "192.168.0.0/16 -> " + net["igw"]]
    assert check["diff"]["after"]["p-public"]["routes"] == ["0.0.0.0/0 -> " + net["igw"]]
    assert writes(api_calls) == []
    api_calls.clear()
    real = run(capsys, net["vpc"], wanted(net))
    assert [t["changed"] for t in real["route_tables"]] == [["routes", "subnets"], ["tags"], ["subnets"]]
    # The public subnet moves back in one call; private-b leaves the public table, then joins its own.
    assert writes(api_calls) == [
        "ReplaceRoute",
        "DeleteRoute",
        "ReplaceRouteTableAssociation",
        "DisassociateRouteTable",
        "DeleteTags",
        "CreateTags",
        "AssociateRouteTable",
    ]
    assert routes(ec2, public) == {"10.40.0.0/16": "local", "0.0.0.0/0": net["igw"]}
    assert (subnets_of(ec2, public), subnets_of(ec2, private_b)) == ([s["public"]], [s["private-b"]])
    assert tags_of(ec2, private_a) == {**TAGS, "Name": "p-private-a"}
    api_calls.clear()
    assert run(capsys, net["vpc"], wanted(net))["changed"] is False
    assert writes(api_calls) == []


def test_a_subnet_on_the_main_table_is_associated_and_the_main_association_kept(capsys, net):
    ec2, s = net["ec2"], net["subnets"]
    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}, {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]
    ec2.create_tags(Resources=[main["RouteTableId"]], Tags=[{"Key": "Name", "Value": "p-public"}])
    result = run(capsys, net["vpc"], wanted(net)[:1])
    assert result["route_tables"][0] == {"id": main["RouteTableId"], "name": "p-public", "changed": ["tags", "routes", "subnets"]}
    associations = table(ec2, main["RouteTableId"])["Associations"]
    assert [a["Main"] for a in associations if a["Main"]] == [True]
    assert subnets_of(ec2, main["RouteTableId"]) == [s["public"]]


def test_routes_not_owned_are_kept_even_with_purge_routes(capsys, net, api_calls):
    ec2 = net["ec2"]
    public, private_a, _ = (t["id"] for t in run(capsys, net["vpc"], wanted(net))["route_tables"])
    # A gateway endpoint adds its prefix-list route; an extra CreateRoute route stays where purge_routes is false.
    endpoint = ec2.create_vpc_endpoint(VpcId=net["vpc"], ServiceName=f"com.amazonaws.{REGION}.s3", RouteTableIds=[public, private_a])["VpcEndpoint"]
    ec2.create_route(RouteTableId=private_a, DestinationCidrBlock="172.16.0.0/12", GatewayId=net["igw"])
    before_public, before_private = routes(ec2, public), routes(ec2, private_a)
    assert sum(1 for target in before_public.values() if target == endpoint["VpcEndpointId"]) == 1
    api_calls.clear()
    assert run(capsys, net["vpc"], wanted(net))["changed"] is False
    assert writes(api_calls) == []
    assert (routes(ec2, public), routes(ec2, private_a)) == (before_public, before_private)


def test_a_propagated_route_is_never_replaced_and_a_blackhole_is(capsys, net):
    tables = [{"name": "p-public", "routes": [{"dest": "0.0.0.0/0", "gateway_id": net["igw"]}]}]
    propagated = {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "vgw-1", "Origin": "EnableVgwRoutePropagation", "State": "active"}
    blackhole = {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": net["igw"], "Origin": "CreateRoute", "State": "blackhole"}
    calls = []

    class Client:
        def create_route(self, **params):
            calls.append(("CreateRoute", params))

        def replace_route(self, **params):
            calls.append(("ReplaceRoute", params))

        def delete_route(self, **params):
            calls.append(("DeleteRoute", params))

    class Module:
        check_mode = False

    spec = {**tables[0], "purge_routes": True}
    assert ec2_vpc_route_tables.converge_routes(Module(), Client(), {"RouteTableId": "rtb-1", "Routes": [propagated]}, spec) is True
    assert ec2_vpc_route_tables.converge_routes(Module(), Client(), {"RouteTableId": "rtb-1", "Routes": [blackhole]}, spec) is True
    wanted_route = {"RouteTableId": "rtb-1", "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": net["igw"]}
    assert calls == [("CreateRoute", {"aws_retry": True, **wanted_route}), ("ReplaceRoute", {"aws_retry": True, **wanted_route})]


def test_check_mode_takes_a_target_not_created_yet_as_a_change(capsys, net, api_calls):
    ids = [t["id"] for t in run(capsys, net["vpc"], wanted(net))["route_tables"]]
    api_calls.clear()
    result = run(capsys, net["vpc"], wanted(net, nat=""), check_mode=True)
    assert [t["changed"] for t in result["route_tables"]] == [[], ["routes"], ["routes"]]
    assert [t["id"] for t in result["route_tables"]] == ids
    assert writes(api_calls) == []


def test_a_name_held_by_two_tables_fails_before_any_write(capsys, net, api_calls):
    ec2 = net["ec2"]
    for _ in range(2):
        ec2.create_route_table(VpcId=net["vpc"], TagSpecifications=[{"ResourceType": "route-table", "Tags": [{"Key": "Name", "Value": "p-public"}]}])
    api_calls.clear()
    result = run(capsys, net["vpc"], wanted(net))
    assert result["failed"] is True
    assert result["msg"].startswith(f"route_tables names must find one table each in {net['vpc']} (got {{'p-public': ['rtb-")
    assert writes(api_calls) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t[1].update(name="p-public"), "route_tables names must be unique (got ['p-public'] more than once)"),
        (lambda t: t[1].update(subnets=t[0]["subnets"]), "route_tables subnets must be unique (got ['{public}'] more than once)"),
        (lambda t: t[0]["routes"].append(dict(t[0]["routes"][0])), "route_tables p-public routes dest must be unique (got ['0.0.0.0/0'] more than once)"),
        (lambda t: t[0]["routes"][0].update(dest="10.0.0.0"), "route_tables p-public routes dest must be an IPv4 CIDR (got '10.0.0.0')"),
        (lambda t: t[0]["routes"][0].update(dest="::/0"), "route_tables p-public routes dest must be an IPv4 CIDR (got '::/0')"),
        (
            lambda t: t[0]["routes"][0].update(nat_gateway_id="nat-1"),
            "route_tables p-public route 0.0.0.0/0 must name one target, gateway_id or nat_gateway_id (got ['gateway_id', 'nat_gateway_id'])",
        ),
        (lambda t: t[0]["routes"][0].pop("gateway_id"), "route_tables p-public route 0.0.0.0/0 must name one target, gateway_id or nat_gateway_id (got [])"),
        (lambda t: t[1]["routes"][0].update(nat_gateway_id=""), "route_tables p-private-a route 0.0.0.0/0 has an empty nat_gateway_id"),
    ],
)
def test_bad_input_fails_before_any_call(capsys, net, api_calls, change, message):
    tables = wanted(net)
    change(tables)
    api_calls.clear()
    result = run(capsys, net["vpc"], tables)
    assert result["failed"] is True
    assert result["msg"] == message.format(**net["subnets"])
    assert api_calls == []
