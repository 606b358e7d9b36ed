"""wafv2_logging_configuration against moto: create/modify/delete x check/real x twice."""

from __future__ import annotations

import pytest
from ansible_collections.mosaic.platform.plugins.modules import wafv2_logging_configuration as module
from test_edge_audit_cost_harness import run_module

# The moto_session and stubbed fixtures.
pytest_plugins = ["test_edge_audit_cost_harness"]

BUCKET = "arn:aws:s3:::aws-waf-logs-test-123456789012"


@pytest.fixture
def waf(moto_session):
    client = moto_session.client("wafv2")
    vis = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "acl"}
    acl = client.create_web_acl(Name="acl", Scope="REGIONAL", DefaultAction={"Allow": {}}, Rules=[], VisibilityConfig=vis)["Summary"]
    return client, acl["ARN"]


def config(client, arn):
    try:
        return client.get_logging_configuration(ResourceArn=arn)["LoggingConfiguration"]
    except client.exceptions.WAFNonexistentItemException:
        return None


def headers(cfg):
    return sorted(f["SingleHeader"]["Name"] for f in cfg["RedactedFields"])


def args(arn, redacted=("Authorization", "cookie"), **extra):
    return {"web_acl_arn": arn, "log_destination_configs": [BUCKET], "redacted_headers": list(redacted), **extra}


def test_create_check_real_twice(capsys, waf):
    client, arn = waf
    assert run_module(module.main, capsys, args(arn), check=True)["changed"]
    assert config(client, arn) is None
    created = run_module(module.main, capsys, args(arn))
    assert created["changed"]
    cfg = config(client, arn)
    assert cfg["LogDestinationConfigs"] == [BUCKET]
    assert headers(cfg) == ["authorization", "cookie"], "header names are stored lowercase"
    assert not run_module(module.main, capsys, args(arn))["changed"]
    assert not run_module(module.main, capsys, args(arn), check=True)["changed"]


def test_modify_check_real_twice(capsys, waf):
    client, arn = waf
    run_module(module.main, capsys, args(arn))
    wider = args(arn, redacted=("authorization", "cookie", "x-api-key"))
    checked = run_module(module.main, capsys, wider, check=True)
    assert checked["changed"] and headers(config(client, arn)) == ["authorization", "cookie"]
    assert checked["diff"]["after"]["redacted_headers"] == ["authorization", "cookie", "x-api-key"]
    assert run_module(module.main, capsys, wider)["changed"]
    assert headers(config(client, arn)) == ["authorization", "cookie", "x-api-key"]
    assert not run_module(module.main, capsys, wider)["changed"]
    assert not run_module(module.main, capsys, wider, check=True)["changed"]


def test_delete_check_real_twice(capsys, waf):
    client, arn = waf
    run_module(module.main, capsys, args(arn))
    gone = {"web_acl_arn": arn, "state": "absent"}
    assert run_module(module.main, capsys, gone, check=True)["changed"]
    assert config(client, arn) is not None
    assert run_module(module.main, capsys, gone)["changed"]
    assert config(client, arn) is None
    assert not run_module(module.main, capsys, gone)["changed"]
    assert not run_module(module.main, capsys, gone, check=True)["changed"]


def test_present_requires_a_destination(capsys, waf):
    _, arn = waf
    result = run_module(module.main, capsys, {"web_acl_arn": arn})
    assert result["failed"] and "log_destination_configs" in result["msg"]
