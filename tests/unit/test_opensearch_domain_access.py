"""opensearch_domain_access: the access policy, the master user and the log publishing reconciled on an existing domain.

The access policy against moto in-process (modify x check/real x twice, order-free). moto stores
AdvancedSecurityOptions as sent and never checks them, so the master-user update is also checked
with botocore's Stubber: the request keeps fine-grained access control on and carries only the ARN.
The live path of the master user is covered only against real AWS.
"""

from __future__ import annotations

import json

import boto3
import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.data_opensearch import ensure_domain_access
from botocore.stub import Stubber
from moto import mock_aws

REGION = "eu-west-1"
ACCOUNT = "123456789012"
DOMAIN_ARN = f"arn:aws:es:{REGION}:{ACCOUNT}:domain/search"
OPS = f"arn:aws:iam::{ACCOUNT}:role/p-platform-ops"
BREAK_GLASS = f"arn:aws:iam::{ACCOUNT}:role/p-break-glass"
MARKER = "mosaic-master-user-arn"


def policy(*principals):
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": list(principals)}, "Action": "es:ESHttp*", "Resource": f"{DOMAIN_ARN}/*"}],
    }


@pytest.fixture
def opensearch(monkeypatch):
    for var in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("opensearch", region_name=REGION)
        client.create_domain(
            DomainName="search",
            EngineVersion="OpenSearch_2.17",
            AccessPolicies=json.dumps(policy(OPS)),
            AdvancedSecurityOptions={"Enabled": True, "InternalUserDatabaseEnabled": False, "MasterUserOptions": {"MasterUserARN": OPS}},
            TagList=[{"Key": MARKER, "Value": OPS}],
        )
        yield client


def current_policy(client):
    return json.loads(client.describe_domain(DomainName="search")["DomainStatus"]["AccessPolicies"])


def test_the_created_state_is_no_change(opensearch):
    assert ensure_domain_access(opensearch, "search", policy(OPS), OPS, MARKER, False) == (False, {"diff": [], "domain_arn": DOMAIN_ARN})


def test_a_tightened_policy_reaches_the_live_domain_check_real_twice(opensearch):
    tighter = policy(BREAK_GLASS)
    changed, result = ensure_domain_access(opensearch, "search", tighter, OPS, MARKER, True)
    assert changed and result["diff"] == ["access_policies"]
    assert current_policy(opensearch) == policy(OPS), "the check run changed the policy"
    assert ensure_domain_access(opensearch, "search", tighter, OPS, MARKER, False)[0] is True
    assert current_policy(opensearch) == tighter
    assert ensure_domain_access(opensearch, "search", tighter, OPS, MARKER, False)[0] is False
    assert ensure_domain_access(opensearch, "search", tighter, OPS, MARKER, True)[0] is False


def test_policy_comparison_ignores_order(opensearch):
    both = policy(OPS, BREAK_GLASS)
    ensure_domain_access(opensearch, "search", both, None, MARKER, False)
    assert ensure_domain_access(opensearch, "search", policy(BREAK_GLASS, OPS), None, MARKER, False)[0] is False


def test_a_new_master_user_is_applied_and_remembered_check_real_twice(opensearch):
    changed, result = ensure_domain_access(opensearch, "search", None, BREAK_GLASS, MARKER, True)
    assert changed and result["diff"] == ["master_user"]
    tags = {t["Key"]: t["Value"] for t in opensearch.list_tags(ARN=DOMAIN_ARN)["TagList"]}
    assert tags[MARKER] == OPS, "the check run changed the marker"
    assert ensure_domain_access(opensearch, "search", None, BREAK_GLASS, MARKER, False)[0] is True
    tags = {t["Key"]: t["Value"] for t in opensearch.list_tags(ARN=DOMAIN_ARN)["TagList"]}
    assert tags[MARKER] == BREAK_GLASS
    assert ensure_domain_access(opensearch, "search", None, BREAK_GLASS, MARKER, False)[0] is False


def test_master_user_update_request_keeps_fine_grained_access_control_on():
    client = boto3.client("opensearch", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
    status = {
        "DomainId": f"{ACCOUNT}/search",
        "DomainName": "search",
        "ARN": DOMAIN_ARN,
        "ClusterConfig": {},
        "AdvancedSecurityOptions": {"Enabled": True, "InternalUserDatabaseEnabled": False},
    }
    with Stubber(client) as stub:
        stub.add_response("describe_domain", {"DomainStatus": status}, {"DomainName": "search"})
        stub.add_response("list_tags", {"TagList": [{"Key": MARKER, "Value": OPS}]}, {"ARN": DOMAIN_ARN})
        stub.add_response(
            "update_domain_config",
            {"DomainConfig": {}},
            {
                "DomainName": "search",
                "AdvancedSecurityOptions": {"Enabled": True, "InternalUserDatabaseEnabled": False, "MasterUserOptions": {"MasterUserARN": BREAK_GLASS}},
            },
        )
        stub.add_response("add_tags", {}, {"ARN": DOMAIN_ARN, "TagList": [{"Key": MARKER, "Value": BREAK_GLASS}]})
        assert ensure_domain_access(client, "search", None, BREAK_GLASS, MARKER, False)[0] is True
        stub.assert_no_pending_responses()


def test_a_domain_without_fine_grained_access_control_fails_naming_it():
    client = boto3.client("opensearch", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
    status = {"DomainId": "x", "DomainName": "search", "ARN": DOMAIN_ARN, "ClusterConfig": {}, "AdvancedSecurityOptions": {"Enabled": False}}
    with Stubber(client) as stub:
        stub.add_response("describe_domain", {"DomainStatus": status}, {"DomainName": "search"})
        with pytest.raises(ValueError, match="domain search has no fine-grained access control"):
            ensure_domain_access(client, "search", None, BREAK_GLASS, MARKER, False)


def test_the_module_takes_the_policy_as_a_json_string(capsys, monkeypatch, opensearch):
    from ansible_collections.mosaic.platform.plugins.modules import opensearch_domain_access as module
    from test_edge_audit_cost_harness import run_module

    args = {"domain_name": "search", "access_policies": json.dumps(policy(BREAK_GLASS)), "master_user_arn": OPS}
    result = run_module(module.main, capsys, args, check=True)
    assert result["changed"] and result["diff"] == ["access_policies"]
    assert run_module(module.main, capsys, args)["changed"]
    assert not run_module(module.main, capsys, args)["changed"]
    assert run_module(module.main, capsys, {"domain_name": "nope", "master_user_arn": OPS})["failed"]


def test_the_module_publishes_the_logs_in_the_same_run_check_real_twice(capsys, monkeypatch, opensearch):
    from ansible_collections.mosaic.platform.plugins.modules import opensearch_domain_access as module
    from test_edge_audit_cost_harness import run_module

    logs = boto3.client("logs", region_name=REGION)
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/opensearch/search/audit"
    args = {
        "domain_name": "search",
        "access_policies": policy(OPS),
        "master_user_arn": OPS,
        "log_publishing": {"account_id": ACCOUNT, "policy_name": "search-logs", "log_groups": {"AUDIT_LOGS": group}},
    }
    planned = run_module(module.main, capsys, args, check=True)
    assert planned["changed"] and planned["diff"] == ["resource_policy", "log_publishing_options"]
    assert logs.describe_resource_policies()["resourcePolicies"] == []
    assert planned["log_publishing_options"] == {"AUDIT_LOGS": {"CloudWatchLogsLogGroupArn": group, "Enabled": True}}

    assert run_module(module.main, capsys, args)["changed"]
    status = opensearch.describe_domain(DomainName="search")["DomainStatus"]
    assert status["LogPublishingOptions"]["AUDIT_LOGS"] == {"CloudWatchLogsLogGroupArn": group, "Enabled": True}
    assert [p["policyName"] for p in logs.describe_resource_policies()["resourcePolicies"]] == ["search-logs"]
    again = run_module(module.main, capsys, args)
    assert again["changed"] is False and again["diff"] == []

    bad = run_module(module.main, capsys, dict(args, log_publishing=dict(args["log_publishing"], log_groups={"AUDIT": group})))
    assert bad["failed"] and "unknown log types ['AUDIT']" in bad["msg"]
