"""ec2_security_groups: create/converge x check/real x twice, a group admitting another of the same run, against moto in-process."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.mosaic.platform.plugins.modules import ec2_security_groups
from moto import mock_aws

REGION = "eu-west-1"
AUTH = {"region": REGION, "access_key": "testing", "secret_key": "testing"}
READS = ("Describe", "List", "Get")
ALLOW_ALL_OUT = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]


pytestmark = pytest.mark.usefixtures("in_process_aws")


@pytest.fixture
def vpc():
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        yield ec2, ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]


def run(capsys, vpc_id, groups, check_mode=False, diff=False):
    args = {**AUTH, "vpc_id": vpc_id, "security_groups": groups, "_ansible_check_mode": check_mode, "_ansible_diff": diff}
    with patch_module_args(args), pytest.raises(SystemExit):
        ec2_security_groups.main()
    return json.loads(capsys.readouterr().out)


def tags(name):
    return {"Project": "P", "Name": name}


# The role's three kinds of group: the nodes (no ingress), a data group admitting the nodes (and a client CIDR) on its
# port, the endpoints admitting HTTPS from the VPC. The data group comes first: the reference does not rely on order.
def layout(client_cidrs=(), desc="cluster nodes", client_desc="client CIDR"):
    return [
        {
            "name": "p-postgres",
            "description": "postgres: port 5432 from the cluster nodes only",
            "rules": [{"ports": [5432], "group_name": "p-nodes", "rule_desc": desc}]
            + [{"ports": [5432], "cidr_ip": cidr, "rule_desc": client_desc} for cidr in client_cidrs],
            "tags": tags("p-postgres"),
        },
        {"name": "p-nodes", "description": "Cluster nodes", "rules": [], "tags": tags("p-nodes")},
        {
            "name": "p-endpoints",
            "description": "Interface VPC endpoints, HTTPS from the VPC",
            "rules": [{"ports": [443], "cidr_ip": "10.40.0.0/16", "rule_desc": "HTTPS from the VPC"}],
            "tags": tags("p-endpoints"),
        },
    ]


def writes(api_calls):
    return [op for op, _ in api_calls if not op.startswith(READS)]


def group(ec2, group_id):
    return ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]


def ingress(ec2, group_id):
    """The group's ingress as (proto, from, to, source, description) tuples."""
    found = set()
    for p in group(ec2, group_id)["IpPermissions"]:
        for r in p.get("IpRanges", []):
            found.add((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), r["CidrIp"], r.get("Description")))
        for r in p.get("UserIdGroupPairs", []):
            found.add((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), r["GroupId"], r.get("Description")))
    return found


def test_create_resolves_the_reference_then_again_reads_once_and_writes_nothing(capsys, vpc, api_calls):
    ec2, vpc_id = vpc
    first = run(capsys, vpc_id, layout(["192.168.0.0/24"]))
    assert first["changed"] is True
    ids = {name: r["id"] for name, r in first["security_groups"].items()}
    assert first["security_groups"]["p-postgres"] == {"id": ids["p-postgres"], "changed": ["created", "rules"]}
    assert first["security_groups"]["p-nodes"] == {"id": ids["p-nodes"], "changed": ["created"]}
    # Groups first (the node group before the data group admits it), then the rules; no describe after a write.
    assert writes(api_calls) == ["CreateSecurityGroup"] * 3 + ["AuthorizeSecurityGroupIngress"] * 2
    assert [op for op, _ in api_calls if op.startswith(READS)] == ["DescribeSecurityGroups"]
    assert ingress(ec2, ids["p-postgres"]) == {("tcp", 5432, 5432, ids["p-nodes"], "cluster nodes"), ("tcp", 5432, 5432, "192.168.0.0/24", "client CIDR")}
    assert ingress(ec2, ids["p-nodes"]) == set()
    assert ingress(ec2, ids["p-endpoints"]) == {("tcp", 443, 443, "10.40.0.0/16", "HTTPS from the VPC")}
    postgres = group(ec2, ids["p-postgres"])
    assert postgres["VpcId"] == vpc_id
    assert postgres["Description"] == "postgres: port 5432 from the cluster nodes only"
    assert {t["Key"]: t["Value"] for t in postgres["Tags"]} == tags("p-postgres")
    assert group(ec2, ids["p-nodes"])["IpPermissionsEgress"] == ALLOW_ALL_OUT  # the default egress rule is kept
    api_calls.clear()
    second = run(capsys, vpc_id, layout(["192.168.0.0/24"]))
    assert second["changed"] is False
    assert second["security_groups"] == {name: {"id": ids[name], "changed": []} for name in ids}
    assert [(op, p) for op, p in api_calls] == [
        (
            "DescribeSecurityGroups",
            {"Filters": [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["p-postgres", "p-nodes", "p-endpoints"]}]},
        )
    ]


def test_check_mode_on_a_clean_vpc_plans_every_group_with_an_empty_id(capsys, vpc, api_calls):
    ec2, vpc_id = vpc
    api_calls.clear()
    result = run(capsys, vpc_id, layout(), check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["security_groups"] == {
        "p-postgres": {"id": "", "changed": ["created", "rules"]},
        "p-nodes": {"id": "", "changed": ["created"]},
        "p-endpoints": {"id": "", "changed": ["created", "rules"]},
    }
    # The reference to a group not created yet is planned with its empty id.
    assert result["diff"]["after"]["p-postgres"]["rules"] == [
        {"proto": "tcp", "from_port": 5432, "to_port": 5432, "group_id": "", "rule_desc": "cluster nodes"}
    ]
    assert [op for op, _ in api_calls] == ["DescribeSecurityGroups"]
    assert [g["GroupName"] for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]] == ["default"]


def test_rule_and_tag_drift_is_planned_in_check_mode_then_converged(capsys, vpc, api_calls):
    ec2, vpc_id = vpc
    ids = {name: r["id"] for name, r in run(capsys, vpc_id, layout())["security_groups"].items()}
    postgres = ids["p-postgres"]
    ec2.authorize_security_group_ingress(
        GroupId=postgres, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    ec2.authorize_security_group_ingress(
        GroupId=ids["p-nodes"], IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]
    )
    ec2.create_tags(Resources=[postgres], Tags=[{"Key": "Extra", "Value": "x"}, {"Key": "Name", "Value": "other"}])
    api_calls.clear()
    planned = run(capsys, vpc_id, layout(), check_mode=True, diff=True)
    assert planned["security_groups"]["p-postgres"] == {"id": postgres, "changed": ["rules", "tags"]}
    assert planned["security_groups"]["p-nodes"] == {"id": ids["p-nodes"], "changed": ["rules"]}
    assert planned["diff"]["after"]["p-postgres"]["tags"] == tags("p-postgres")
    assert writes(api_calls) == []
    api_calls.clear()
    applied = run(capsys, vpc_id, layout())
    assert applied["security_groups"]["p-postgres"]["changed"] == ["rules", "tags"]
    assert [(op, p) for op, p in api_calls if op == "RevokeSecurityGroupIngress"] == [
        (
            "RevokeSecurityGroupIngress",
            {"GroupId": postgres, "IpPermissions": [{"IpProtocol": "tcp", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "FromPort": 5432, "ToPort": 5432}]},
        ),
        (
            "RevokeSecurityGroupIngress",
            {"GroupId": ids["p-nodes"], "IpPermissions": [{"IpProtocol": "tcp", "IpRanges": [{"CidrIp": "10.0.0.0/8"}], "FromPort": 22, "ToPort": 22}]},
        ),
    ]
    assert run(capsys, vpc_id, layout())["changed"] is False
    assert ingress(ec2, postgres) == {("tcp", 5432, 5432, ids["p-nodes"], "cluster nodes")}
    assert ingress(ec2, ids["p-nodes"]) == set()
    assert {t["Key"]: t["Value"] for t in group(ec2, postgres)["Tags"]} == tags("p-postgres")


def test_a_new_client_cidr_is_authorized_and_a_rule_description_updated_in_place(capsys, vpc, api_calls):
    ec2, vpc_id = vpc
    ids = {name: r["id"] for name, r in run(capsys, vpc_id, layout(["192.168.0.0/24"]))["security_groups"].items()}
    want = layout(["192.168.0.0/24", "192.168.1.0/24"], client_desc="clients")
    api_calls.clear()
    result = run(capsys, vpc_id, want)
    assert result["security_groups"]["p-postgres"]["changed"] == ["rules"]
    assert writes(api_calls) == ["UpdateSecurityGroupRuleDescriptionsIngress", "AuthorizeSecurityGroupIngress"]
    assert ingress(ec2, ids["p-postgres"]) == {
        ("tcp", 5432, 5432, ids["p-nodes"], "cluster nodes"),
        ("tcp", 5432, 5432, "192.168.0.0/24", "clients"),
        ("tcp", 5432, 5432, "192.168.1.0/24", "clients"),
    }
    assert run(capsys, vpc_id, want)["changed"] is False


# moto does not update the description of a rule whose source is a group: only the request is asserted (covered
# live on real AWS only).
def test_a_group_rule_description_is_updated_by_one_request(capsys, vpc, api_calls):
    _, vpc_id = vpc
    ids = {name: r["id"] for name, r in run(capsys, vpc_id, layout())["security_groups"].items()}
    api_calls.clear()
    assert run(capsys, vpc_id, layout(desc="the nodes"))["security_groups"]["p-postgres"]["changed"] == ["rules"]
    assert [(op, p) for op, p in api_calls if not op.startswith(READS)] == [
        (
            "UpdateSecurityGroupRuleDescriptionsIngress",
            {
                "GroupId": ids["p-postgres"],
                "IpPermissions": [
                    {"IpProtocol": "tcp", "UserIdGroupPairs": [{"GroupId": ids["p-nodes"], "Description": "the nodes"}], "FromPort": 5432, "ToPort": 5432}
                ],
            },
        )
    ]


def test_a_description_that_differs_is_reported_with_a_warning_and_no_write(capsys, vpc, api_calls):
    ec2, vpc_id = vpc
    ids = {name: r["id"] for name, r in run(capsys, vpc_id, layout())["security_groups"].items()}
    want = layout()
    want[1]["description"] = "Nodes"
    api_calls.clear()
    result = run(capsys, vpc_id, want)
    assert result["changed"] is False
    assert result["security_groups"]["p-nodes"] == {"id": ids["p-nodes"], "changed": ["description"]}
    assert (
        f"The description of the security group p-nodes ({ids['p-nodes']}) is 'Cluster nodes', not 'Nodes': EC2 cannot "
        "change a group's description. Delete the group and run again to change it."
    ) in str(result["warnings"])
    assert writes(api_calls) == []
    assert group(ec2, ids["p-nodes"])["Description"] == "Cluster nodes"


def test_tags_and_rules_are_kept_without_purge(capsys, vpc):
    ec2, vpc_id = vpc
    ids = {name: r["id"] for name, r in run(capsys, vpc_id, layout())["security_groups"].items()}
    ec2.create_tags(Resources=[ids["p-nodes"]], Tags=[{"Key": "Extra", "Value": "x"}])
    ec2.authorize_security_group_ingress(
        GroupId=ids["p-nodes"], IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]
    )
    want = layout()
    want[1].update(purge_tags=False, purge_rules=False)
    assert run(capsys, vpc_id, want)["changed"] is False
    assert "Extra" in {t["Key"] for t in group(ec2, ids["p-nodes"])["Tags"]}
    assert ingress(ec2, ids["p-nodes"]) == {("tcp", 22, 22, "10.0.0.0/8", None)}


def test_a_cidr_with_host_bits_is_admitted_as_its_network_with_a_warning(capsys, vpc):
    ec2, vpc_id = vpc
    result = run(capsys, vpc_id, layout(["192.168.0.7/24"]))
    assert "One of your CIDR addresses (192.168.0.7/24) has host bits set" in str(result["warnings"])
    assert ("tcp", 5432, 5432, "192.168.0.0/24", "client CIDR") in ingress(ec2, result["security_groups"]["p-postgres"]["id"])


def with_rule(rule):
    groups = layout()
    groups[0]["rules"].append(rule)
    return groups


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        (layout() + [{"name": "p-nodes", "description": "again"}], "security_groups name must be unique (got ['p-nodes'] more than once)"),
        (
            with_rule({"ports": [5432], "group_name": "p-missing"}),
            "security_groups rules group_name must name a group of security_groups (got 'p-missing' in group p-postgres)",
        ),
        (
            with_rule({"ports": [5432], "group_name": "p-nodes", "cidr_ip": "10.0.0.0/8"}),
            "security_groups rules must name exactly one of cidr_ip, group_id and group_name (got ['cidr_ip', 'group_name'] in group p-postgres)",
        ),
        (with_rule({"ports": [5432]}), "security_groups rules must name exactly one of cidr_ip, group_id and group_name (got [] in group p-postgres)"),
        (with_rule({"ports": [], "cidr_ip": "10.0.0.0/8"}), "security_groups rules ports must not be empty (got them empty in group p-postgres)"),
        (with_rule({"ports": [1], "cidr_ip": "10.0.0/8"}), "security_groups rules cidr_ip must be an IPv4 CIDR (got '10.0.0/8' in group p-postgres)"),
    ],
)
def test_bad_input_fails_before_any_call(capsys, vpc, api_calls, groups, message):
    _, vpc_id = vpc
    api_calls.clear()
    result = run(capsys, vpc_id, groups)
    assert result["failed"] is True
    assert result["msg"] == message
    assert api_calls == []
