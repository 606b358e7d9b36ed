#!/usr/bin/env python3
"""The floor of a no-op converge: one Python process that reads every managed resource once with boto3.

The managed resources are those make bench counts: every resource the tagging API lists with the project's tag,
plus the IAM roles of the environment's prefix. Each gets one describe or get of its own service (one call per
resource; the tagging API's own read of the ARN where a service has no cheaper one), after the listing calls.
Prints JSON: {"resources", "calls", "seconds", "by_service"}.
Usage: scripts/bench_floor.py --project LegacyPlatform --prefix legacyplatform-local (AWS_ENDPOINT_URL for moto)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter

import boto3


class Counted:
    """boto3 clients that count the API calls they make (botocore's before-call event)."""

    def __init__(self, region: str):
        self.session = boto3.session.Session(region_name=region)
        self.clients = {}
        self.calls = 0

    def __call__(self, service: str):
        if service not in self.clients:
            client = self.session.client(service, endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
            client.meta.events.register("before-call", self._count)
            self.clients[service] = client
        return self.clients[service]

    def _count(self, **_):
        self.calls += 1


def _resource(arn: str) -> tuple:
    """(service, resource type, resource id) of an ARN: arn:aws:<service>:<region>:<account>:<type>/<id> or <type>:<id>."""
    parts = arn.split(":", 5)
    service, rest = parts[2], parts[5]
    for sep in ("/", ":"):
        if sep in rest:
            kind, _, ident = rest.partition(sep)
            return service, kind, ident
    return service, "", rest


def _ec2(api, kind, ident):
    calls = {
        "vpc": ("describe_vpcs", "VpcIds"),
        "subnet": ("describe_subnets", "SubnetIds"),
        "security-group": ("describe_security_groups", "GroupIds"),
        "route-table": ("describe_route_tables", "RouteTableIds"),
        "internet-gateway": ("describe_internet_gateways", "InternetGatewayIds"),
        "natgateway": ("describe_nat_gateways", "NatGatewayIds"),
        "vpc-endpoint": ("describe_vpc_endpoints", "VpcEndpointIds"),
        "elastic-ip": ("describe_addresses", "AllocationIds"),
        "network-acl": ("describe_network_acls", "NetworkAclIds"),
        "launch-template": ("describe_launch_templates", "LaunchTemplateIds"),
        "vpc-flow-log": ("describe_flow_logs", "FlowLogIds"),
    }
    if kind not in calls:
        return False
    method, key = calls[kind]
    getattr(api("ec2"), method)(**{key: [ident]})
    return True


def read_one(api, arn: str, region: str) -> None:
    """One read of the resource behind ``arn``."""
    service, kind, ident = _resource(arn)
    if service == "s3":
        api("s3").get_bucket_tagging(Bucket=arn.split(":::", 1)[1])
    elif service == "sqs":
        account, name = arn.split(":")[4], arn.split(":")[5]
        endpoint = os.environ.get("AWS_ENDPOINT_URL") or f"https://sqs.{region}.amazonaws.com"
        api("sqs").get_queue_attributes(QueueUrl=f"{endpoint}/{account}/{name}", AttributeNames=["All"])
    elif service == "sns":
        api("sns").get_topic_attributes(TopicArn=arn)
    elif service == "kms" and kind == "key":
        api("kms").describe_key(KeyId=arn)
    elif service == "secretsmanager":
        api("secretsmanager").describe_secret(SecretId=arn)
    elif service == "rds" and kind == "db":
        api("rds").describe_db_instances(DBInstanceIdentifier=ident)
    elif service == "rds" and kind == "pg":
        api("rds").describe_db_parameter_groups(DBParameterGroupName=ident)
    elif service == "rds" and kind == "subgrp":
        api("rds").describe_db_subnet_groups(DBSubnetGroupName=ident)
    elif service == "logs":
        api("logs").describe_log_groups(logGroupNamePrefix=ident.removesuffix(":*"))
    elif service == "es":
        api("opensearch").describe_domain(DomainName=ident)
    elif service == "cognito-idp":
        api("cognito-idp").describe_user_pool(UserPoolId=ident)
    elif service == "acm":
        api("acm").describe_certificate(CertificateArn=arn)
    elif service == "cloudtrail":
        api("cloudtrail").get_trail(Name=arn)
    elif service == "events" and kind == "rule":
        api("events").describe_rule(Name=ident)
    elif service == "cloudwatch" and kind == "alarm":
        api("cloudwatch").describe_alarms(AlarmNames=[ident])
    elif service == "eks" and kind == "cluster":
        api("eks").describe_cluster(name=ident)
    elif service == "backup" and kind == "backup-vault":
        api("backup").describe_backup_vault(BackupVaultName=ident)
    elif service == "iam" and kind == "role":
        api("iam").get_role(RoleName=ident.rsplit("/", 1)[-1])
    elif service == "ec2" and _ec2(api, kind, ident):
        pass
    else:
        api("resourcegroupstaggingapi").get_resources(ResourceARNList=[arn])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", required=True, help="value of the Project tag of the managed resources")
    parser.add_argument("--prefix", required=True, help="name prefix of the environment's IAM roles")
    parser.add_argument("--region", default=os.environ.get("AWS_DEFAULT_REGION", "eu-west-1"))
    args = parser.parse_args()
    api = Counted(args.region)
    start = time.monotonic()
    pages = api("resourcegroupstaggingapi").get_paginator("get_resources").paginate(TagFilters=[{"Key": "Project", "Values": [args.project]}])
    arns = [r["ResourceARN"] for page in pages for r in page["ResourceTagMappingList"]]
    roles = [r["Arn"] for page in api("iam").get_paginator("list_roles").paginate() for r in page["Roles"] if r["RoleName"].startswith(args.prefix)]
    arns = sorted(set(arns) | set(roles))
    listing = api.calls
    by_service = Counter()
    for arn in arns:
        read_one(api, arn, args.region)
        by_service[_resource(arn)[0]] += 1
    seconds = time.monotonic() - start
    json.dump(
        {"resources": len(arns), "calls": api.calls, "listing_calls": listing, "seconds": round(seconds, 2), "by_service": dict(sorted(by_service.items()))},
        sys.stdout,
    )
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
