"""athena_workgroup: create/delete and tags against moto; the update path through a Stubber.

moto answers 500 to UpdateWorkGroup (BRIEF.md section 4), so a real update is checked as a request
shape only and is verified against real AWS alone.
"""

from __future__ import annotations

import datetime

import pytest
from ansible_collections.mosaic.platform.plugins.modules import athena_workgroup as module
from test_edge_audit_cost_harness import ACCOUNT, run_module

# The moto_session and stubbed fixtures.
pytest_plugins = ["test_edge_audit_cost_harness"]

KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
ARGS = {
    "name": "audit",
    "output_location": "s3://logs/athena-results/",
    "encryption_option": "SSE_KMS",
    "kms_key": KEY,
    "bytes_scanned_cutoff_per_query": 10737418240,
    "tags": {"Project": "P", "Component": "audit"},
}
ARN = f"arn:aws:athena:eu-west-1:{ACCOUNT}:workgroup/audit"


@pytest.fixture
def athena(moto_session):
    return moto_session.client("athena")


def names(athena):
    return [w["Name"] for w in athena.list_work_groups()["WorkGroups"] if w["Name"] != "primary"]


def test_create_check_real_twice(capsys, athena):
    assert run_module(module.main, capsys, ARGS, check=True)["changed"]
    assert names(athena) == []
    created = run_module(module.main, capsys, ARGS)
    assert created["changed"] and created["workgroup"]["arn"] == ARN
    config = athena.get_work_group(WorkGroup="audit")["WorkGroup"]["Configuration"]
    assert config["EnforceWorkGroupConfiguration"] is True
    assert config["BytesScannedCutoffPerQuery"] == 10737418240
    assert config["ResultConfiguration"] == {
        "OutputLocation": "s3://logs/athena-results/",
        "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": KEY},
    }
    assert {t["Key"]: t["Value"] for t in athena.list_tags_for_resource(ResourceARN=ARN)["Tags"]} == ARGS["tags"]
    assert not run_module(module.main, capsys, ARGS)["changed"]
    assert not run_module(module.main, capsys, ARGS, check=True)["changed"]


def test_modify_tags_check_real_twice(capsys, athena):
    run_module(module.main, capsys, ARGS)
    retagged = {**ARGS, "tags": {"Project": "P", "Component": "audit", "Owner": "sec"}}
    assert run_module(module.main, capsys, retagged, check=True)["changed"]
    assert "Owner" not in {t["Key"] for t in athena.list_tags_for_resource(ResourceARN=ARN)["Tags"]}
    assert run_module(module.main, capsys, retagged)["changed"]
    assert {t["Key"] for t in athena.list_tags_for_resource(ResourceARN=ARN)["Tags"]} == {"Project", "Component", "Owner"}
    assert not run_module(module.main, capsys, retagged)["changed"]


def test_modify_configuration_in_check_mode_calls_no_update(capsys, athena):
    run_module(module.main, capsys, ARGS)
    smaller = {**ARGS, "bytes_scanned_cutoff_per_query": 1073741824}
    checked = run_module(module.main, capsys, smaller, check=True)
    assert checked["changed"] and checked["diff"]["after"]["cutoff"] == 1073741824
    assert athena.get_work_group(WorkGroup="audit")["WorkGroup"]["Configuration"]["BytesScannedCutoffPerQuery"] == 10737418240


def _workgroup(cutoff, description=""):
    response = {
        "WorkGroup": {
            "Name": "audit",
            "State": "ENABLED",
            "Description": description,
            "CreationTime": datetime.datetime(2026, 1, 1),
            "Configuration": {
                "ResultConfiguration": {
                    "OutputLocation": "s3://logs/athena-results/",
                    "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": KEY},
                },
                "EnforceWorkGroupConfiguration": True,
                "PublishCloudWatchMetricsEnabled": True,
                "BytesScannedCutoffPerQuery": cutoff,
                "RequesterPaysEnabled": False,
            },
        }
    }
    if cutoff is None:
        del response["WorkGroup"]["Configuration"]["BytesScannedCutoffPerQuery"]
    return response


def _stub_reads(stubbed, cutoff):
    stubbed("athena").add_response("get_work_group", _workgroup(cutoff), {"WorkGroup": "audit"})
    stubbed("sts").add_response("get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/t", "UserId": "x"}, {})
    stubbed("athena").add_response("list_tags_for_resource", {"Tags": [{"Key": k, "Value": v} for k, v in ARGS["tags"].items()]}, {"ResourceARN": ARN})


def test_update_request_shape_then_no_change(capsys, stubbed):
    """Real update (Stubber): UpdateWorkGroup carries the whole configuration; the second run changes nothing."""
    smaller = {**ARGS, "bytes_scanned_cutoff_per_query": 1073741824}
    athena = stubbed("athena")
    athena.add_response("get_work_group", _workgroup(10737418240), {"WorkGroup": "audit"})
    athena.add_response(
        "update_work_group",
        {},
        {
            "WorkGroup": "audit",
            "Description": "",
            "State": "ENABLED",
            "ConfigurationUpdates": {
                "EnforceWorkGroupConfiguration": True,
                "PublishCloudWatchMetricsEnabled": True,
                "RequesterPaysEnabled": False,
                "BytesScannedCutoffPerQuery": 1073741824,
                "ResultConfigurationUpdates": {
                    "OutputLocation": "s3://logs/athena-results/",
                    "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": KEY},
                },
            },
        },
    )
    stubbed("sts").add_response("get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/t", "UserId": "x"}, {})
    athena.add_response("list_tags_for_resource", {"Tags": [{"Key": k, "Value": v} for k, v in ARGS["tags"].items()]}, {"ResourceARN": ARN})
    athena.add_response("get_work_group", _workgroup(1073741824), {"WorkGroup": "audit"})
    assert run_module(module.main, capsys, smaller)["changed"]

    _stub_reads(stubbed, 1073741824)
    assert not run_module(module.main, capsys, smaller)["changed"]


def test_removing_the_cutoff_sends_remove_flag(capsys, stubbed):
    no_cutoff = {k: v for k, v in ARGS.items() if k != "bytes_scanned_cutoff_per_query"}
    athena = stubbed("athena")
    athena.add_response("get_work_group", _workgroup(10737418240), {"WorkGroup": "audit"})
    athena.add_response("update_work_group", {}, None)
    stubbed("sts").add_response("get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/t", "UserId": "x"}, {})
    athena.add_response("list_tags_for_resource", {"Tags": [{"Key": k, "Value": v} for k, v in ARGS["tags"].items()]}, {"ResourceARN": ARN})
    athena.add_response("get_work_group", _workgroup(None), {"WorkGroup": "audit"})
    assert run_module(module.main, capsys, no_cutoff)["changed"]
    assert (
        module.update_request("audit", module.wanted_settings({**no_cutoff, **_defaults()}))["ConfigurationUpdates"]["RemoveBytesScannedCutoffPerQuery"] is True
    )


def _defaults():
    return {
        "description": "",
        "enforce_workgroup_configuration": True,
        "publish_cloudwatch_metrics": True,
        "bytes_scanned_cutoff_per_query": None,
        "requester_pays": False,
    }


def test_delete_check_real_twice(capsys, athena):
    run_module(module.main, capsys, ARGS)
    gone = {"name": "audit", "state": "absent"}
    assert run_module(module.main, capsys, gone, check=True)["changed"]
    assert names(athena) == ["audit"]
    assert run_module(module.main, capsys, gone)["changed"]
    assert names(athena) == []
    assert not run_module(module.main, capsys, gone)["changed"]
    assert not run_module(module.main, capsys, gone, check=True)["changed"]


def test_sse_kms_requires_a_key(capsys, athena):
    result = run_module(module.main, capsys, {k: v for k, v in ARGS.items() if k != "kms_key"})
    assert result["failed"] and "kms_key" in result["msg"]


def test_purge_tags_keeps_the_ddl_markers_of_athena_queries(capsys, athena):
    """The markers belong to athena_queries: a second converge with purge_tags must not delete them."""
    run_module(module.main, capsys, ARGS)
    athena.tag_resource(ResourceARN=ARN, Tags=[{"Key": "mosaic:ddl:db.t", "Value": "0" * 64}, {"Key": "Stray", "Value": "x"}])
    checked = run_module(module.main, capsys, ARGS, check=True)
    assert checked["changed"] and "mosaic:ddl:db.t" in checked["diff"]["after"]["tags"]
    assert run_module(module.main, capsys, ARGS)["changed"], "the stray tag is purged"
    assert {t["Key"]: t["Value"] for t in athena.list_tags_for_resource(ResourceARN=ARN)["Tags"]} == {**ARGS["tags"], "mosaic:ddl:db.t": "0" * 64}
    assert not run_module(module.main, capsys, ARGS)["changed"]
    assert not run_module(module.main, capsys, ARGS, check=True)["changed"]
