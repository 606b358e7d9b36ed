"""ec2_vpc_endpoints: create/converge x check/real x twice, interface and gateway endpoints in one run, against moto in-process."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.mosaic.platform.plugins.modules import ec2_vpc_endpoints
from moto import mock_aws

REGION = "eu-west-1"
AUTH = {"region": REGION, "access_key": "testing", "secret_key": "testing"}
STS, SQS = f"com.amazonaws.{REGION}.sts", f"com.amazonaws.{REGION}.sqs"
READS = ("Describe", "List", "Get")


pytestmark = pytest.mark.usefixtures("in_process_aws")


@pytest.fixture
def vpc():
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc_id = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.40.{i * 32}.0/19", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
            for i, az in enumerate("abc")
        ]
        groups = [ec2.create_security_group(VpcId=vpc_id, GroupName=f"g{i}", Description="g")["GroupId"] for i in range(2)]
        yield ec2, vpc_id, subnets, groups


def run(capsys, vpc_id, endpoints, check_mode=False, diff=False):
    args = {**AUTH, "vpc_id": vpc_id, "endpoints": endpoints, "_ansible_check_mode": check_mode, "_ansible_diff": diff}
    with patch_module_args(args), pytest.raises(SystemExit):
        ec2_vpc_endpoints.main()
    return json.loads(capsys.readouterr().out)


def spec(service, subnets, groups, **over):
    return {"service": service, "subnets": subnets, "security_groups": groups, "tags": {"Project": "P", "Name": service.rsplit(".", 1)[1]}, **over}


def writes(api_calls):
    return [op for op, _ in api_calls if not op.startswith(READS)]


def endpoint(ec2, endpoint_id):
    return ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]


def test_check_mode_on_a_clean_vpc_would_create_and_writes_nothing(capsys, vpc, api_calls):
    ec2, vpc_id, subnets, groups = vpc
    api_calls.clear()
    result = run(capsys, vpc_id, [spec(STS, subnets, groups[:1]), spec(SQS, subnets, groups[:1])], check_mode=True)
    assert result["changed"] is True
    assert result["endpoints"] == {STS: {"id": "", "changed": ["created"]}, SQS: {"id": "", "changed": ["created"]}}
    assert writes(api_calls) == []
    assert [op for op, _ in api_calls] == ["DescribeVpcEndpoints"]
    assert ec2.describe_vpc_endpoints()["VpcEndpoints"] == []


def test_create_then_again_reads_once_and_writes_nothing(capsys, vpc, api_calls):
    ec2, vpc_id, subnets, groups = vpc
    want = [spec(STS, subnets, groups[:1]), spec(SQS, subnets, groups[:1])]
    first = run(capsys, vpc_id, want)
    assert first["changed"] is True
    assert writes(api_calls) == ["CreateVpcEndpoint", "CreateVpcEndpoint"]
    created = {op_params["ServiceName"]: op_params for op, op_params in api_calls if op == "CreateVpcEndpoint"}
    assert created[STS]["VpcEndpointType"] == "Interface"
    assert created[STS]["PrivateDnsEnabled"] is True
    sts = endpoint(ec2, first["endpoints"][STS]["id"])
    assert sts["ServiceName"] == STS
    assert sorted(sts["SubnetIds"]) == sorted(subnets)
    assert [g["GroupId"] for g in sts["Groups"]] == groups[:1]
    assert {t["Key"]: t["Value"] for t in sts["Tags"]} == {"Project": "P", "Name": "sts"}
    api_calls.clear()
    second = run(capsys, vpc_id, want)
    assert second["changed"] is False
    assert second["endpoints"][SQS] == {"id": first["endpoints"][SQS]["id"], "changed": []}
    assert [op for op, _ in api_calls] == ["DescribeVpcEndpoints"]


def test_drift_is_reported_in_check_mode_and_converged_by_a_real_run(capsys, vpc, api_calls):
    ec2, vpc_id, subnets, groups = vpc
    endpoint_id = run(capsys, vpc_id, [spec(STS, subnets, groups[:1])])["endpoints"][STS]["id"]
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, RemoveSubnetIds=[subnets[2]], AddSecurityGroupIds=[groups[1]])
    ec2.create_tags(Resources=[endpoint_id], Tags=[{"Key": "Extra", "Value": "x"}, {"Key": "Name", "Value": "other"}])
    api_calls.clear()
    planned = run(capsys, vpc_id, [spec(STS, subnets, groups[:1])], check_mode=True, diff=True)
    assert planned["endpoints"][STS] == {"id": endpoint_id, "changed": ["subnets", "security_groups", "tags"]}
    assert planned["diff"]["before"][STS]["security_groups"] == sorted(groups)
    assert planned["diff"]["after"][STS] == {
        "subnets": sorted(subnets),
        "security_groups": groups[:1],
        "private_dns": True,
        "tags": {"Project": "P", "Name": "sts"},
    }
    assert writes(api_calls) == []
    api_calls.clear()
    applied = run(capsys, vpc_id, [spec(STS, subnets, groups[:1])])
    assert applied["endpoints"][STS]["changed"] == ["subnets", "security_groups", "tags"]
    modify = [p for op, p in api_calls if op == "ModifyVpcEndpoint"]
    assert modify == [{"VpcEndpointId": endpoint_id, "AddSubnetIds": [subnets[2]], "RemoveSecurityGroupIds": [groups[1]]}]
    assert run(capsys, vpc_id, [spec(STS, subnets, groups[:1])])["changed"] is False
    current = endpoint(ec2, endpoint_id)
    assert sorted(current["SubnetIds"]) == sorted(subnets)
    assert [g["GroupId"] for g in current["Groups"]] == groups[:1]
    assert {t["Key"]: t["Value"] for t in current["Tags"]} == {"Project": "P", "Name": "sts"}


def test_tags_are_kept_without_purge(capsys, vpc):
    ec2, vpc_id, subnets, groups = vpc
    endpoint_id = run(capsys, vpc_id, [spec(STS, subnets, groups[:1])])["endpoints"][STS]["id"]
    ec2.create_tags(Resources=[endpoint_id], Tags=[{"Key": "Extra", "Value": "x"}])
    assert run(capsys, vpc_id, [spec(STS, subnets, groups[:1], purge_tags=False)])["changed"] is False
    assert "Extra" in {t["Key"] for t in endpoint(ec2, endpoint_id)["Tags"]}


# moto ignores PrivateDnsEnabled in ModifyVpcEndpoint: only the request is asserted (covered live on real AWS only).
def test_private_dns_drift_sends_one_modify(capsys, vpc, api_calls):
    ec2, vpc_id, subnets, groups = vpc
    endpoint_id = run(capsys, vpc_id, [spec(STS, subnets, groups[:1])])["endpoints"][STS]["id"]
    api_calls.clear()
    result = run(capsys, vpc_id, [spec(STS, subnets, groups[:1], private_dns=False)])
    assert result["endpoints"][STS]["changed"] == ["private_dns"]
    assert [(op, p) for op, p in api_calls if op not in ("DescribeVpcEndpoints",)] == [
        ("ModifyVpcEndpoint", {"VpcEndpointId": endpoint_id, "PrivateDnsEnabled": False})
    ]


def test_deleted_endpoints_and_gateways_are_not_matched(capsys, vpc):
    ec2, vpc_id, subnets, groups = vpc
    old = run(capsys, vpc_id, [spec(STS, subnets, groups[:1])])["endpoints"][STS]["id"]
    ec2.delete_vpc_endpoints(VpcEndpointIds=[old])
    ec2.create_vpc_endpoint(VpcId=vpc_id, VpcEndpointType="Gateway", ServiceName=SQS)
    result = run(capsys, vpc_id, [spec(STS, subnets, groups[:1]), spec(SQS, subnets, groups[:1])])
    assert result["endpoints"][STS]["changed"] == ["created"]
    assert result["endpoints"][STS]["id"] != old
    assert result["endpoints"][SQS]["changed"] == ["created"]


@pytest.mark.parametrize(
    ("endpoints", "needle"),
    [
        ([spec(STS, ["subnet-1"], ["sg-1"]), spec(STS, ["subnet-1"], ["sg-1"])], f"endpoints service must be unique (got ['{STS}'] more than once)"),
        ([spec(STS, [], ["sg-1"])], f"endpoints subnets and security_groups must not be empty (got them empty on ['{STS}'])"),
        ([spec(STS, ["subnet-1"], [])], f"endpoints subnets and security_groups must not be empty (got them empty on ['{STS}'])"),
    ],
)
def test_bad_input_fails_before_any_call(capsys, vpc, api_calls, endpoints, needle):
    _, vpc_id, _, _ = vpc
    api_calls.clear()
    result = run(capsys, vpc_id, endpoints)
    assert result["failed"] is True
    assert needle in result["msg"]
    assert api_calls == []


S3 = f"com.amazonaws.{REGION}.s3"


@pytest.fixture
def route_tables(vpc):
    ec2, vpc_id, _, _ = vpc
    return [ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"] for _ in range(3)]


def gateway(route_table_ids, **over):
    return {"service": S3, "type": "Gateway", "route_table_ids": route_table_ids, "tags": {"Project": "P", "Name": "s3"}, **over}


def test_gateway_and_interfaces_in_one_run_then_again_writes_nothing(capsys, vpc, route_tables, api_calls):
    ec2, vpc_id, subnets, groups = vpc
    want = [gateway(route_tables), spec(STS, subnets, groups[:1])]
    first = run(capsys, vpc_id, want)
    assert first["changed"] is True
    created = {p["ServiceName"]: p for op, p in api_calls if op == "CreateVpcEndpoint"}
    assert created[S3] == {
        "VpcId": vpc_id,
        "VpcEndpointType": "Gateway",
        "ServiceName": S3,
        "RouteTableIds": route_tables,
        "TagSpecifications": [{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Project", "Value": "P"}, {"Key": "Name", "Value": "s3"}]}],
    }
    s3 = endpoint(ec2, first["endpoints"][S3]["id"])
    assert s3["VpcEndpointType"] == "Gateway"
    assert sorted(s3["RouteTableIds"]) == sorted(route_tables)
    assert {t["Key"]: t["Value"] for t in s3["Tags"]} == {"Project": "P", "Name": "s3"}
    api_calls.clear()
    second = run(capsys, vpc_id, want)
    assert second["changed"] is False
    assert second["endpoints"][S3] == {"id": first["endpoints"][S3]["id"], "changed": []}
    assert [op for op, _ in api_calls] == ["DescribeVpcEndpoints"]


def test_gateway_route_table_and_tag_drift_is_planned_then_converged(capsys, vpc, route_tables, api_calls):
    ec2, vpc_id, _, _ = vpc
    endpoint_id = run(capsys, vpc_id, [gateway(route_tables[:2])])["endpoints"][S3]["id"]
    ec2.create_tags(Resources=[endpoint_id], Tags=[{"Key": "Extra", "Value": "x"}])
    want = [gateway(route_tables[1:])]
    api_calls.clear()
    planned = run(capsys, vpc_id, want, check_mode=True, diff=True)
    assert planned["endpoints"][S3] == {"id": endpoint_id, "changed": ["route_table_ids", "tags"]}
    assert planned["diff"]["before"][S3]["route_table_ids"] == sorted(route_tables[:2])
    assert planned["diff"]["after"][S3] == {"route_table_ids": sorted(route_tables[1:]), "tags": {"Project": "P", "Name": "s3"}}
    assert writes(api_calls) == []
    api_calls.clear()
    assert run(capsys, vpc_id, want)["endpoints"][S3]["changed"] == ["route_table_ids", "tags"]
    assert [p for op, p in api_calls if op == "ModifyVpcEndpoint"] == [
        {"VpcEndpointId": endpoint_id, "AddRouteTableIds": [route_tables[2]], "RemoveRouteTableIds": [route_tables[0]]}
    ]
    assert run(capsys, vpc_id, want)["changed"] is False
    current = endpoint(ec2, endpoint_id)
    assert sorted(current["RouteTableIds"]) == sorted(route_tables[1:])
    assert {t["Key"]: t["Value"] for t in current["Tags"]} == {"Project": "P", "Name": "s3"}


def test_check_mode_would_create_the_gateway_with_an_empty_id(capsys, vpc, route_tables, api_calls):
    ec2, vpc_id, _, _ = vpc
    api_calls.clear()
    result = run(capsys, vpc_id, [gateway(route_tables)], check_mode=True)
    assert result["endpoints"] == {S3: {"id": "", "changed": ["created"]}}
    assert [op for op, _ in api_calls] == ["DescribeVpcEndpoints"]
    assert ec2.describe_vpc_endpoints()["VpcEndpoints"] == []


@pytest.mark.parametrize(
    ("endpoints", "needle"),
    [
        ([gateway(["rtb-1"], subnets=["subnet-1"])], f"endpoints subnets and security_groups must be empty on a Gateway endpoint (got them on ['{S3}'])"),
        ([gateway(["rtb-1"], security_groups=["sg-1"])], f"endpoints subnets and security_groups must be empty on a Gateway endpoint (got them on ['{S3}'])"),
        (
            [spec(STS, ["subnet-1"], ["sg-1"], route_table_ids=["rtb-1"])],
            f"endpoints route_table_ids must be empty on an Interface endpoint (got them on ['{STS}'])",
        ),
        ([gateway(["rtb-1"]), spec(S3, ["subnet-1"], ["sg-1"])], f"endpoints service must be unique (got ['{S3}'] more than once)"),
    ],
)
def test_gateway_bad_input_fails_before_any_call(capsys, vpc, api_calls, endpoints, needle):
    _, vpc_id, _, _ = vpc
    api_calls.clear()
    result = run(capsys, vpc_id, endpoints)
    assert result["failed"] is True
    assert result["msg"] == needle
    assert api_calls == []
