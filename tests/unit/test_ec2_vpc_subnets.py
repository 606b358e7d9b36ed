"""ec2_vpc_subnets: create/converge x check/real x twice, several subnets in one run, against moto in-process."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.mosaic.platform.plugins.modules import ec2_vpc_subnets
from moto import mock_aws

REGION = "eu-west-1"
AUTH = {"region": REGION, "access_key": "testing", "secret_key": "testing"}
READS = ("Describe", "List", "Get")


pytestmark = pytest.mark.usefixtures("in_process_aws")


@pytest.fixture
def vpc():
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        yield ec2, ec2.create_vpc(CidrBlock="10.40.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]


def run(capsys, vpc_id, subnets, check_mode=False, diff=False):
    args = {**AUTH, "vpc_id": vpc_id, "subnets": subnets, "_ansible_check_mode": check_mode, "_ansible_diff": diff}
    with patch_module_args(args), pytest.raises(SystemExit):
        ec2_vpc_subnets.main()
    return json.loads(capsys.readouterr().out)


def private(az, cidr, **over):
    return {"cidr": cidr, "az": f"{REGION}{az}", "tags": {"Project": "P", "Name": f"private-{az}", "Tier": "private"}, **over}


WANT = [private("a", "10.40.0.0/19"), private("b", "10.40.32.0/19"), {**private("a", "10.40.96.0/22"), "map_public": True}]


def writes(api_calls):
    return [op for op, _ in api_calls if not op.startswith(READS)]


def subnet(ec2, subnet_id):
    return ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]


def test_check_mode_on_a_clean_vpc_would_create_and_writes_nothing(capsys, vpc, api_calls):
    ec2, vpc_id = vpc
    api_calls.clear()
    result = run(capsys, vpc_id, WANT, check_mode=True)
    assert result["changed"] is True
    assert result["subnets"][0] == {"id": "", "cidr": "10.40.0.0/19", "availability_zone": f"{REGION}a", "changed": ["created"]}
    assert [op for op, _ in api_calls] == ["DescribeSubnets"]
    assert ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"] == []


def test_create_then_again_reads_once_and_writes_nothing(capsys, vpc, api_calls):
    ec2, vpc_id = vpc
    first = run(capsys, vpc_id, WANT)
    assert first["changed"] is True
    assert [s["cidr"] for s in first["subnets"]] == [s["cidr"] for s in WANT]
    assert writes(api_calls) == ["CreateSubnet", "CreateSubnet", "CreateSubnet", "ModifySubnetAttribute"]
    a, b, public = (subnet(ec2, s["id"]) for s in first["subnets"])
    assert (a["AvailabilityZone"], b["AvailabilityZone"]) == (f"{REGION}a", f"{REGION}b")
    assert (a["MapPublicIpOnLaunch"], public["MapPublicIpOnLaunch"]) == (False, True)
    assert {t["Key"]: t["Value"] for t in b["Tags"]} == {"Project": "P", "Name": "private-b", "Tier": "private"}
    api_calls.clear()
    second = run(capsys, vpc_id, WANT)
    assert second["changed"] is False
    assert [s["id"] for s in second["subnets"]] == [s["id"] for s in first["subnets"]]
    assert [op for op, _ in api_calls] == ["DescribeSubnets"]


def test_drift_is_reported_in_check_mode_and_converged_by_a_real_run(capsys, vpc, api_calls):
    ec2, vpc_id = vpc
    subnet_id = run(capsys, vpc_id, WANT[:1])["subnets"][0]["id"]
    ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": True})
    ec2.create_tags(Resources=[subnet_id], Tags=[{"Key": "Extra", "Value": "x"}, {"Key": "Tier", "Value": "public"}])
    api_calls.clear()
    planned = run(capsys, vpc_id, WANT[:1], check_mode=True, diff=True)
    assert planned["subnets"][0]["changed"] == ["map_public", "tags"]
    assert planned["diff"]["before"]["10.40.0.0/19"]["map_public"] is True
    assert planned["diff"]["after"]["10.40.0.0/19"] == {"cidr": "10.40.0.0/19", "az": f"{REGION}a", "map_public": False, "tags": WANT[0]["tags"]}
    assert writes(api_calls) == []
    assert run(capsys, vpc_id, WANT[:1])["subnets"][0]["changed"] == ["map_public", "tags"]
    assert run(capsys, vpc_id, WANT[:1])["changed"] is False
    current = subnet(ec2, subnet_id)
    assert current["MapPublicIpOnLaunch"] is False
    assert {t["Key"]: t["Value"] for t in current["Tags"]} == WANT[0]["tags"]


# moto 5.2.5 describes a subnet's IPv6 association state as the string "{'State': 'associated'}": the
# listing is given AWS's shape ({"State": "associated"}) so the module's decision is what is tested.
def test_an_ipv6_block_is_removed(capsys, vpc, api_calls, monkeypatch):
    ec2, vpc_id = vpc
    subnet_id = run(capsys, vpc_id, WANT[:1])["subnets"][0]["id"]
    block = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    association = ec2.associate_subnet_cidr_block(SubnetId=subnet_id, Ipv6CidrBlock=block.replace("/56", "/64"))["Ipv6CidrBlockAssociation"]
    listed = ec2_vpc_subnets._list_subnets

    def aws_shaped(client, vpc):
        subnets = listed(client, vpc)
        for item in subnets:
            for assoc in item.get("Ipv6CidrBlockAssociationSet", []):
                assoc["Ipv6CidrBlockState"] = {"State": "associated"}
        return subnets

    monkeypatch.setattr(ec2_vpc_subnets, "_list_subnets", aws_shaped)
    api_calls.clear()
    assert run(capsys, vpc_id, WANT[:1])["subnets"][0]["changed"] == ["ipv6_cidr"]
    assert [(op, p) for op, p in api_calls if op == "DisassociateSubnetCidrBlock"] == [
        ("DisassociateSubnetCidrBlock", {"AssociationId": association["AssociationId"]})
    ]


def test_tags_are_kept_without_purge(capsys, vpc):
    ec2, vpc_id = vpc
    subnet_id = run(capsys, vpc_id, WANT[:1])["subnets"][0]["id"]
    ec2.create_tags(Resources=[subnet_id], Tags=[{"Key": "Extra", "Value": "x"}])
    assert run(capsys, vpc_id, [{**WANT[0], "purge_tags": False}])["changed"] is False
    assert "Extra" in {t["Key"] for t in subnet(ec2, subnet_id)["Tags"]}


def test_a_subnet_in_another_zone_fails_before_any_write(capsys, vpc, api_calls):
    ec2, vpc_id = vpc
    run(capsys, vpc_id, WANT[:1])
    api_calls.clear()
    result = run(capsys, vpc_id, [WANT[1], private("b", "10.40.0.0/19")])
    assert result["failed"] is True
    assert f"subnets az cannot change on an existing subnet (got ['10.40.0.0/19 is in {REGION}a, not {REGION}b'])" in result["msg"]
    assert writes(api_calls) == []


def test_bad_input_fails_before_any_call(capsys, vpc, api_calls):
    _, vpc_id = vpc
    api_calls.clear()
    result = run(capsys, vpc_id, [WANT[0], WANT[0]])
    assert result["failed"] is True
    assert "subnets cidr must be unique (got ['10.40.0.0/19'] more than once)" in result["msg"]
    assert api_calls == []
