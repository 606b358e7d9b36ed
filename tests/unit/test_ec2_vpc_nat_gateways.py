"""ec2_vpc_nat_gateways: create/converge x check/real x twice, per_az and single, against moto in-process."""

from __future__ import annotations

import json

import boto3
import botocore.exceptions
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.mosaic.platform.plugins.modules import ec2_vpc_nat_gateways
from botocore.stub import Stubber
from moto import mock_aws

REGION = "eu-west-1"
AUTH = {"region": REGION, "access_key": "testing", "secret_key": "testing"}
READS = ("Describe", "List", "Get")
TAGS = {"Project": "P", "Env": "dev"}

pytestmark = pytest.mark.usefixtures("in_process_aws")


@pytest.fixture
def net():
    """A VPC with three public subnets, one per zone."""
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc_id = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.40.{96 + 4 * i}.0/22", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
            for i, az in enumerate("abc")
        ]
        yield ec2, vpc_id, subnets


def run(capsys, vpc_id, gateways, check_mode=False, diff=False):
    args = {**AUTH, "vpc_id": vpc_id, "nat_gateways": gateways, "_ansible_check_mode": check_mode, "_ansible_diff": diff}
    with patch_module_args(args), pytest.raises(SystemExit):
        ec2_vpc_nat_gateways.main()
    return json.loads(capsys.readouterr().out)


def wanted(subnets):
    return [{"subnet_id": subnet, "tags": {**TAGS, "Name": f"p-nat-{az}"}} for subnet, az in zip(subnets, "abc", strict=True)]


def writes(api_calls):
    return [op for op, _ in api_calls if not op.startswith(READS)]


def live(ec2, vpc_id):
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "state", "Values": ["pending", "available"]}]
    return ec2.describe_nat_gateways(Filters=filters)["NatGateways"]


def tags_of(ec2, gateway_id):
    """By resource id: moto files NAT gateway tags under resource type nat-gateway (README)."""
    return {t["Key"]: t["Value"] for t in ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [gateway_id]}])["Tags"]}


def test_check_mode_on_a_clean_vpc_would_create_and_writes_nothing(capsys, net, api_calls):
    ec2, vpc_id, subnets = net
    api_calls.clear()
    result = run(capsys, vpc_id, wanted(subnets), check_mode=True)
    assert result["changed"] is True
    assert result["nat_gateways"][0] == {"id": "", "subnet_id": subnets[0], "state": "pending", "changed": ["created"]}
    assert [op for op, _ in api_calls] == ["DescribeNatGateways"]
    assert live(ec2, vpc_id) == []
    assert ec2.describe_addresses()["Addresses"] == []


def test_per_az_creates_one_per_subnet_in_order_then_writes_nothing(capsys, net, api_calls):
    ec2, vpc_id, subnets = net
    first = run(capsys, vpc_id, wanted(subnets))
    assert first["changed"] is True
    assert [g["subnet_id"] for g in first["nat_gateways"]] == subnets
    assert writes(api_calls) == ["AllocateAddress", "CreateNatGateway"] * 3
    by_id = {g["NatGatewayId"]: g for g in live(ec2, vpc_id)}
    assert [by_id[g["id"]]["SubnetId"] for g in first["nat_gateways"]] == subnets
    assert tags_of(ec2, first["nat_gateways"][1]["id"]) == {**TAGS, "Name": "p-nat-b"}
    assert len(ec2.describe_addresses()["Addresses"]) == 3
    api_calls.clear()
    second = run(capsys, vpc_id, wanted(subnets))
    assert second["changed"] is False
    assert [g["id"] for g in second["nat_gateways"]] == [g["id"] for g in first["nat_gateways"]]
    assert [op for op, _ in api_calls] == ["DescribeNatGateways"]


def test_single_then_per_az_adds_only_the_missing_ones(capsys, net, api_calls):
    ec2, vpc_id, subnets = net
    single = run(capsys, vpc_id, wanted(subnets)[:1])
    assert len(live(ec2, vpc_id)) == 1
    api_calls.clear()
    per_az = run(capsys, vpc_id, wanted(subnets))
    assert [g["changed"] for g in per_az["nat_gateways"]] == [[], ["created"], ["created"]]
    assert per_az["nat_gateways"][0]["id"] == single["nat_gateways"][0]["id"]
    assert writes(api_calls) == ["AllocateAddress", "CreateNatGateway"] * 2
    # Back to single: the first gateway is kept, the others are left as they are.
    api_calls.clear()
    back = run(capsys, vpc_id, wanted(subnets)[:1])
    assert back["changed"] is False
    assert writes(api_calls) == []
    assert len(live(ec2, vpc_id)) == 3


def test_a_subnet_that_holds_a_gateway_never_gets_a_second_one(capsys, net, api_calls):
    ec2, vpc_id, subnets = net
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    existing = ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    deleted = ec2.create_nat_gateway(SubnetId=subnets[1], AllocationId=ec2.allocate_address(Domain="vpc")["AllocationId"])["NatGateway"]["NatGatewayId"]
    ec2.delete_nat_gateway(NatGatewayId=deleted)
    api_calls.clear()
    result = run(capsys, vpc_id, wanted(subnets)[:2])
    assert [g["changed"] for g in result["nat_gateways"]] == [["tags"], ["created"]]
    assert result["nat_gateways"][0]["id"] == existing
    assert result["nat_gateways"][1]["id"] != deleted
    assert writes(api_calls) == ["CreateTags", "AllocateAddress", "CreateNatGateway"]
    assert sorted(g["SubnetId"] for g in live(ec2, vpc_id)) == sorted(subnets[:2])


def test_tag_drift_is_reported_in_check_mode_and_corrected_by_a_real_run(capsys, net, api_calls):
    ec2, vpc_id, subnets = net
    gateway_id = run(capsys, vpc_id, wanted(subnets)[:1])["nat_gateways"][0]["id"]
    ec2.create_tags(Resources=[gateway_id], Tags=[{"Key": "Env", "Value": "prod"}, {"Key": "Stray", "Value": "1"}])
    api_calls.clear()
    check = run(capsys, vpc_id, wanted(subnets)[:1], check_mode=True, diff=True)
    assert check["nat_gateways"][0]["changed"] == ["tags"]
    assert check["diff"]["before"][subnets[0]]["tags"] == {**TAGS, "Name": "p-nat-a", "Env": "prod", "Stray": "1"}
    assert check["diff"]["after"][subnets[0]]["tags"] == {**TAGS, "Name": "p-nat-a"}
    assert writes(api_calls) == []
    api_calls.clear()
    assert run(capsys, vpc_id, wanted(subnets)[:1])["changed"] is True
    assert writes(api_calls) == ["DeleteTags", "CreateTags"]
    assert tags_of(ec2, gateway_id) == {**TAGS, "Name": "p-nat-a"}
    api_calls.clear()
    assert run(capsys, vpc_id, wanted(subnets)[:1])["changed"] is False
    assert writes(api_calls) == []


def test_a_failed_creation_releases_its_address(capsys, net):
    ec2, vpc_id, subnets = net
    client = boto3.client("ec2", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_response("allocate_address", {"AllocationId": "eipalloc-1"}, {"Domain": "vpc"})
    stubber.add_client_error("create_nat_gateway", "InsufficientFreeAddressesInSubnet", expected_params={"SubnetId": subnets[0], "AllocationId": "eipalloc-1"})
    stubber.add_response("release_address", {}, {"AllocationId": "eipalloc-1"})

    class Module:
        def fail_json_aws(self, error, msg):
            raise RuntimeError(msg)

    with stubber, pytest.raises(RuntimeError, match=f"Failed to create a NAT gateway in {subnets[0]} \\(its address eipalloc-1 was released\\)"):
        ec2_vpc_nat_gateways.create_gateway(Module(), AWSRetryless(client), {"subnet_id": subnets[0], "tags": {}})
    stubber.assert_no_pending_responses()


class AWSRetryless:
    """The client with the aws_retry keyword the module's retrying client takes, dropped."""

    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        method = getattr(self.client, name)
        return lambda aws_retry=False, **params: method(**params)


def test_duplicate_subnets_fail_before_any_call(capsys, net, api_calls):
    _, vpc_id, subnets = net
    api_calls.clear()
    result = run(capsys, vpc_id, wanted(subnets)[:1] * 2)
    assert result["failed"] is True
    assert result["msg"] == f"nat_gateways subnet_id must be unique (got ['{subnets[0]}'] more than once)"
    assert api_calls == []


def test_a_listing_error_names_the_vpc(capsys, net, monkeypatch):
    _, vpc_id, subnets = net

    def fail(*_args, **_kwargs):
        raise botocore.exceptions.ClientError({"Error": {"Code": "UnauthorizedOperation", "Message": "no"}}, "DescribeNatGateways")

    monkeypatch.setattr(ec2_vpc_nat_gateways, "_list_gateways", fail)
    result = run(capsys, vpc_id, wanted(subnets))
    assert result["failed"] is True
    assert result["msg"].startswith(f"Failed to list the NAT gateways of {vpc_id}")
