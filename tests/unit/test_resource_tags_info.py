"""resource_tags_info against moto: filters by tag and type, pages, returns ARNs with tags."""

from __future__ import annotations

from ansible_collections.mosaic.platform.plugins.modules import resource_tags_info as module
from test_edge_audit_cost_harness import run_module

# The moto_session and stubbed fixtures.
pytest_plugins = ["test_edge_audit_cost_harness"]


def test_lists_resources_by_tag_and_type(capsys, moto_session):
    sns = moto_session.client("sns")
    ours = sns.create_topic(Name="ours", Tags=[{"Key": "Project", "Value": "P"}, {"Key": "Env", "Value": "local"}])["TopicArn"]
    sns.create_topic(Name="other-env", Tags=[{"Key": "Project", "Value": "P"}, {"Key": "Env", "Value": "prod"}])
    sns.create_topic(Name="foreign", Tags=[{"Key": "Project", "Value": "Q"}])
    result = run_module(module.main, capsys, {"tag_filters": {"Project": "P", "Env": ["local"]}}, check=True)
    assert not result["changed"]
    assert result["resources"] == [{"arn": ours, "tags": {"Project": "P", "Env": "local"}}]

    everything = run_module(module.main, capsys, {})["resources"]
    assert len(everything) == 3
    assert run_module(module.main, capsys, {"resource_type_filters": ["s3:bucket"]})["resources"] == []
