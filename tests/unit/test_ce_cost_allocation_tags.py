"""ce_cost_allocation_tags with botocore Stubbers: moto 5.2.5 lacks ListCostAllocationTags and
UpdateCostAllocationTagsStatus (a bare 500 from the server), so request shapes are checked here and the live
path only against real AWS."""

from __future__ import annotations

from ansible_collections.mosaic.platform.plugins.modules import ce_cost_allocation_tags as module
from botocore.stub import ANY
from test_edge_audit_cost_harness import run_module

# The stubbed fixture.
pytest_plugins = ["test_edge_audit_cost_harness"]

KEYS = ["Project", "Env", "Owner", "Component"]


def listed(ce, statuses: dict, keys=KEYS):
    ce.add_response(
        "list_cost_allocation_tags",
        {"CostAllocationTags": [{"TagKey": k, "Type": "UserDefined", "Status": s} for k, s in statuses.items()]},
        {"TagKeys": keys, "Type": "UserDefined", "MaxResults": 100},
    )


def test_activate_check_real_twice(capsys, stubbed):
    ce = stubbed("ce")
    inactive = {"Project": "Active", "Env": "Inactive", "Owner": "Active", "Component": "Inactive"}
    listed(ce, inactive)
    checked = run_module(module.main, capsys, {"tag_keys": KEYS}, check=True)
    assert checked["changed"] and checked["diff"]["after"] == {"Env": "Active", "Component": "Active"}

    listed(ce, inactive)
    ce.add_response(
        "update_cost_allocation_tags_status",
        {"Errors": []},
        {"CostAllocationTagsStatus": [{"TagKey": "Env", "Status": "Active"}, {"TagKey": "Component", "Status": "Active"}]},
    )
    applied = run_module(module.main, capsys, {"tag_keys": KEYS})
    assert applied["changed"] and {t["status"] for t in applied["cost_allocation_tags"]} == {"Active"}

    listed(ce, dict.fromkeys(KEYS, "Active"))
    assert not run_module(module.main, capsys, {"tag_keys": KEYS})["changed"]
    listed(ce, dict.fromkeys(KEYS, "Active"))
    assert not run_module(module.main, capsys, {"tag_keys": KEYS}, check=True)["changed"]


def test_deactivate(capsys, stubbed):
    ce = stubbed("ce")
    listed(ce, {"Owner": "Active"}, ["Owner"])
    ce.add_response("update_cost_allocation_tags_status", {"Errors": []}, {"CostAllocationTagsStatus": [{"TagKey": "Owner", "Status": "Inactive"}]})
    result = run_module(module.main, capsys, {"tag_keys": ["Owner"], "status": "inactive"})
    assert result["changed"] and result["cost_allocation_tags"] == [{"tag_key": "Owner", "status": "Inactive"}]


def test_a_key_billing_does_not_list_yet_is_reported_not_changed(capsys, stubbed):
    ce = stubbed("ce")
    listed(ce, {"Project": "Active", "Env": "Active", "Owner": "Active"})
    result = run_module(module.main, capsys, {"tag_keys": KEYS})
    assert not result["changed"] and result["missing_tag_keys"] == ["Component"]
    assert "the tag keys Component yet (a resource must carry them first); run again later" in str(result["warnings"])


def test_pages_are_followed_and_updates_batched_by_20(capsys, stubbed):
    ce = stubbed("ce")
    keys = [f"k{i}" for i in range(25)]
    first = {"CostAllocationTags": [{"TagKey": k, "Type": "UserDefined", "Status": "Inactive"} for k in keys[:10]], "NextToken": "t"}
    second = {"CostAllocationTags": [{"TagKey": k, "Type": "UserDefined", "Status": "Inactive"} for k in keys[10:]]}
    ce.add_response("list_cost_allocation_tags", first, {"TagKeys": keys, "Type": "UserDefined", "MaxResults": 100})
    ce.add_response("list_cost_allocation_tags", second, {"TagKeys": keys, "Type": "UserDefined", "MaxResults": 100, "NextToken": "t"})
    ce.add_response("update_cost_allocation_tags_status", {"Errors": []}, {"CostAllocationTagsStatus": [{"TagKey": k, "Status": "Active"} for k in keys[:20]]})
    ce.add_response("update_cost_allocation_tags_status", {"Errors": []}, {"CostAllocationTagsStatus": [{"TagKey": k, "Status": "Active"} for k in keys[20:]]})
    assert run_module(module.main, capsys, {"tag_keys": keys})["changed"]


def test_per_key_errors_fail_naming_the_key(capsys, stubbed):
    ce = stubbed("ce")
    listed(ce, {"Component": "Inactive"}, ["Component"])
    ce.add_response(
        "update_cost_allocation_tags_status",
        {"Errors": [{"TagKey": "Component", "Code": "TagKeyNotFound", "Message": "not found"}]},
        {"CostAllocationTagsStatus": ANY},
    )
    result = run_module(module.main, capsys, {"tag_keys": ["Component"]})
    assert result["failed"] and "Component: TagKeyNotFound not found" in result["msg"]


def test_the_emulators_bare_500_warns_and_changes_nothing(capsys, stubbed):
    ce = stubbed("ce")
    ce.add_client_error("list_cost_allocation_tags", service_error_code="500", http_status_code=500)
    result = run_module(module.main, capsys, {"tag_keys": KEYS})
    assert not result["changed"] and not result.get("failed")
    assert "cannot read the cost allocation tags; left unchanged" in str(result["warnings"])


def test_an_aws_error_fails(capsys, stubbed):
    ce = stubbed("ce")
    ce.add_client_error("list_cost_allocation_tags", service_error_code="AccessDeniedException", http_status_code=400)
    result = run_module(module.main, capsys, {"tag_keys": KEYS})
    assert result["failed"] and "Failed to manage the cost allocation tags" in result["msg"]


def test_too_many_keys_fail_before_any_call(capsys, stubbed):
    stubbed("ce")
    result = run_module(module.main, capsys, {"tag_keys": [f"k{i}" for i in range(101)]})
    assert result["failed"] and result["msg"] == "tag_keys must list 1 to 100 keys (got 101)"
