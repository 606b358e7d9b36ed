"""aws_network against the local stack: VPC, subnets per AZ with their EKS tags, NAT per mode, endpoints."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

INVENTORY = Path(__file__).resolve().parents[3] / "inventories" / "local"

INTERFACE_ENDPOINTS = {"sts", "secretsmanager", "sqs", "sns", "kms", "ecr.api", "ecr.dkr", "logs"}


def tags(resource):
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}


def assert_platform_tags(resource, platform, component):
    t = tags(resource)
    assert t.get("Project") == platform["project"] and t.get("Env") == platform["env"] and t.get("Owner") == platform["owner"], t
    assert t.get("Component") == component, t


@pytest.fixture(scope="module")
def vpc(aws, platform):
    vpcs = aws("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [platform["prefix"]]}])["Vpcs"]
    assert len(vpcs) == 1
    return vpcs[0]


@pytest.fixture(scope="module")
def subnets(aws, vpc):
    return aws("ec2").describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]


def test_vpc_is_tagged_with_dns(aws, vpc, platform):
    assert_platform_tags(vpc, platform, "network")
    attr = aws("ec2").describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")
    assert attr["EnableDnsHostnames"]["Value"] is True


@pytest.mark.parametrize(("tier", "elb_tag"), [("private", "kubernetes.io/role/internal-elb"), ("public", "kubernetes.io/role/elb")])
def test_one_subnet_per_az_per_tier_with_eks_tags(subnets, platform, tier, elb_tag):
    mine = [s for s in subnets if tags(s).get("Tier") == tier]
    assert len({s["AvailabilityZone"] for s in mine}) == 3 and len(mine) == 3
    for subnet in mine:
        t = tags(subnet)
        assert t[elb_tag] == "1"
        assert t["kubernetes.io/cluster/legacyplatform-local-main"] == "shared"
        assert subnet["MapPublicIpOnLaunch"] is False
        assert_platform_tags(subnet, platform, "network")


def test_nat_gateway_count_follows_the_mode(aws, vpc, platform):
    mode_file = INVENTORY / "group_vars" / "local" / "aws_network.yml"
    mode = (yaml.safe_load(mode_file.read_text()) or {}).get("aws_network_nat_mode", "single") if mode_file.exists() else "single"
    nats = aws("ec2").describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["NatGateways"]
    live = [n for n in nats if n["State"] in ("pending", "available")]
    assert len(live) == (3 if mode == "per_az" else 1)
    for nat in live:
        assert_platform_tags(nat, platform, "network")
    eips = aws("ec2").describe_addresses()["Addresses"]
    assert len(eips) == len(live), "a re-run must not allocate extra EIPs"


def test_private_route_tables_default_to_nat(aws, vpc):
    tables = aws("ec2").describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["RouteTables"]
    private = [t for t in tables if "-private-" in tags(t).get("Name", "")]
    assert len(private) == 3
    for table in private:
        assert any(r.get("DestinationCidrBlock") == "0.0.0.0/0" and r.get("NatGatewayId") for r in table["Routes"])


def test_endpoints_present(aws, vpc, platform):
    endpoints = aws("ec2").describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["VpcEndpoints"]
    by_service = {e["ServiceName"].split(f"com.amazonaws.{platform['region']}.")[1]: e for e in endpoints}
    assert by_service["s3"]["VpcEndpointType"] == "Gateway"
    assert {name for name, e in by_service.items() if e["VpcEndpointType"] == "Interface"} >= INTERFACE_ENDPOINTS
    for endpoint in endpoints:
        assert_platform_tags(endpoint, platform, "network")


def test_data_security_groups_admit_only_the_node_group(aws, vpc, platform):
    groups = {g["GroupName"]: g for g in aws("ec2").describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["SecurityGroups"]}
    nodes = groups[f"{platform['prefix']}-nodes"]["GroupId"]
    for name, port in (("postgres", 5432), ("opensearch", 443)):
        group = groups[f"{platform['prefix']}-{name}"]
        (rule,) = group["IpPermissions"]
        assert (rule["FromPort"], rule["ToPort"]) == (port, port)
        assert [p["GroupId"] for p in rule["UserIdGroupPairs"]] == [nodes]
        assert rule["IpRanges"] == []
        assert_platform_tags(group, platform, "network")
    (https,) = groups[f"{platform['prefix']}-endpoints"]["IpPermissions"]
    assert https["FromPort"] == 443 and [r["CidrIp"] for r in https["IpRanges"]] == [vpc["CidrBlock"]]


def test_outputs_publish_endpoint_cidrs(outputs):
    network = outputs["network"]
    assert network["vpc_id"].startswith("vpc-") and len(network["private_subnet_ids"]) == 3
    assert network["endpoint_cidrs"] == network["private_subnet_cidrs"]
