"""aws_network: each validation rule fails with its own message, naming the value, before any API call."""

from __future__ import annotations

import pytest
from test_bad_input import assert_rule_failed, assert_spec_failed, assert_validation_passed, run_role

BASE = {
    "platform_prefix": "p-local",
    "platform_aws_region": "eu-west-1",
    "platform_cluster_name": "p-local",
    "platform_tags": {"Project": "P", "Env": "local", "Owner": "o"},
}
FIRST_API_TASK = "Manage the VPC"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_network_data_security_groups": [{"name": "postgres"}]}, "port"),
        ({"aws_network_nat_mode": "none"}, "aws_network_nat_mode"),
    ],
)
def test_argument_spec_rejects_bad_input(tmp_path, extra, needle):
    assert_spec_failed(run_role(tmp_path, "aws_network", {**BASE, **extra}), needle)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_network_vpc_cidr": "10.40.0.0/12"}, "aws_network_vpc_cidr must be a /16 to /24 IPv4 CIDR (got '10.40.0.0/12')"),
        # The argument spec splits a string into a list, so the zone-count rule catches it.
        ({"aws_network_azs": "eu-west-1a"}, "aws_network_azs three distinct zones are required (got eu-west-1a)"),
        ({"aws_network_azs": ["eu-west-1a", "eu-west-1b"]}, "aws_network_azs three distinct zones are required (got ['eu-west-1a', 'eu-west-1b'])"),
        ({"aws_network_azs": ["eu-west-1a", "eu-west-1a", "eu-west-1b"]}, "aws_network_azs three distinct zones are required"),
        (
            {"aws_network_azs": ["eu-west-1a", "eu-west-1b", "eu-central-1c"]},
            "aws_network_azs must be zones of aws_network_region 'eu-west-1' (got ['eu-central-1c'])",
        ),
        (
            {"aws_network_private_subnet_cidrs": ["10.40.0.0/19", "10.40.32.0/19"]},
            "aws_network_private_subnet_cidrs must have one CIDR per zone of aws_network_azs (3) (got ['10.40.0.0/19', '10.40.32.0/19'])",
        ),
        (
            {"aws_network_public_subnet_cidrs": ["10.40.96.0/22"]},
            "aws_network_public_subnet_cidrs must have one CIDR per zone of aws_network_azs (3) (got ['10.40.96.0/22'])",
        ),
        (
            {"aws_network_public_subnet_cidrs": ["10.40.0.0/19", "10.40.100.0/22", "10.40.104.0/22"]},
            "aws_network_private_subnet_cidrs and aws_network_public_subnet_cidrs must be six distinct CIDRs",
        ),
        (
            {"aws_network_data_client_cidrs": ["10.50.0.0"]},
            "aws_network_private_subnet_cidrs, aws_network_public_subnet_cidrs and aws_network_data_client_cidrs must be IPv4 CIDRs (got ['10.50.0.0'])",
        ),
        (
            {"aws_network_data_security_groups": [{"name": "Postgres", "port": 5432}]},
            "aws_network_data_security_groups names must match ^[a-z][a-z0-9-]{0,30}$ (got ['Postgres'])",
        ),
        (
            {"aws_network_data_security_groups": [{"name": "pg", "port": 5432}, {"name": "pg", "port": 5433}]},
            "aws_network_data_security_groups names must be unique and not nodes or endpoints (got ['pg'])",
        ),
        (
            {"aws_network_data_security_groups": [{"name": "endpoints", "port": 443}]},
            "aws_network_data_security_groups names must be unique and not nodes or endpoints (got ['endpoints'])",
        ),
        ({"aws_network_data_security_groups": [{"name": "pg", "port": 70000}]}, "aws_network_data_security_groups ports must be 1 to 65535 (got [70000])"),
        ({"aws_network_data_security_groups": [{"name": "pg", "port": 0}]}, "aws_network_data_security_groups ports must be 1 to 65535 (got [0])"),
        (
            {"aws_network_interface_endpoints": ["sts", "s3"]},
            "aws_network_interface_endpoints must be unique and not s3, which has its gateway endpoint (got ['s3'])",
        ),
        (
            {"aws_network_interface_endpoints": ["sts", "sts"]},
            "aws_network_interface_endpoints must be unique and not s3, which has its gateway endpoint (got ['sts'])",
        ),
        ({"aws_network_tags": {"Project": "P"}}, "aws_network_tags must carry Project, Env, Owner and Component (got {'Project': 'P'})"),
    ],
)
def test_rule_fails_with_its_own_message(tmp_path, extra, needle):
    assert_rule_failed(run_role(tmp_path, "aws_network", {**BASE, **extra}), needle, FIRST_API_TASK)


def test_good_input_passes_every_rule(tmp_path):
    assert_validation_passed(run_role(tmp_path, "aws_network", BASE))
