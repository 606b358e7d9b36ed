"""backup_plans: create/converge x check/real x twice against moto in-process.

moto 5.2.5 answers 500 to UpdateBackupPlan: a changed rule is checked as a request shape with botocore's Stubber.
"""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.mosaic.platform.plugins.modules import backup_plans
from botocore.stub import Stubber
from moto import mock_aws

AUTH = {"region": "eu-west-1", "access_key": "testing", "secret_key": "testing"}
WRITES = {"CreateBackupPlan", "UpdateBackupPlan", "TagResource", "UntagResource", "DeleteBackupPlan"}
COPY_VAULT = "arn:aws:backup:eu-central-1:123456789012:backup-vault:p-prod-copy"
TAGS = {"Component": "backup", "Env": "prod"}

pytestmark = pytest.mark.usefixtures("in_process_aws")


@pytest.fixture
def backup():
    with mock_aws():
        client = boto3.client("backup", region_name="eu-west-1")
        client.create_backup_vault(BackupVaultName="p-prod")
        yield client


def run(capsys, plans, check_mode=False, **extra):
    args = {**AUTH, "plans": plans, "_ansible_check_mode": check_mode, **extra}
    with patch_module_args(args), pytest.raises(SystemExit):
        backup_plans.main()
    return json.loads(capsys.readouterr().out)


def tier(name, days, continuous=False, copy=False, tags=None):
    """A plan as aws_backup passes it: one daily rule per tier."""
    return {
        "name": f"p-prod-{name}",
        "rules": [
            {
                "rule_name": f"{name}-daily",
                "target_backup_vault_name": "p-prod",
                "schedule_expression": "cron(0 3 * * ? *)",
                "enable_continuous_backup": continuous,
                "lifecycle": {"delete_after_days": days},
                "copy_actions": [{"destination_backup_vault_arn": COPY_VAULT, "lifecycle": {"delete_after_days": days}}] if copy else [],
            }
        ],
        "tags": TAGS if tags is None else tags,
    }


def tiers():
    return [tier("critical", 35, continuous=True, copy=True), tier("standard", 14)]


def writes(api_calls):
    return [op for op, _ in api_calls if op in WRITES]


def plans_by_name(client):
    return {p["BackupPlanName"]: p for p in client.list_backup_plans()["BackupPlansList"]}


def test_check_mode_on_a_clean_account_writes_nothing(backup, capsys, api_calls):
    out = run(capsys, tiers(), check_mode=True)
    assert out["changed"] is True
    assert out["plans"]["p-prod-critical"] == {"id": "", "arn": "", "changed": ["created"]}
    assert writes(api_calls) == []
    assert plans_by_name(backup) == {}


def test_creates_the_plans_with_rules_and_tags_then_converges_without_a_write(backup, capsys, api_calls):
    out = run(capsys, tiers())
    assert {name: p["changed"] for name, p in out["plans"].items()} == {"p-prod-critical": ["created"], "p-prod-standard": ["created"]}
    listed = plans_by_name(backup)
    assert out["plans"]["p-prod-critical"]["arn"] == listed["p-prod-critical"]["BackupPlanArn"]
    [rule] = backup.get_backup_plan(BackupPlanId=listed["p-prod-critical"]["BackupPlanId"])["BackupPlan"]["Rules"]
    assert rule["EnableContinuousBackup"] is True
    assert rule["Lifecycle"] == {"DeleteAfterDays": 35}
    assert rule["CopyActions"] == [{"DestinationBackupVaultArn": COPY_VAULT, "Lifecycle": {"DeleteAfterDays": 35}}]
    assert (rule["StartWindowMinutes"], rule["CompletionWindowMinutes"]) == (60, 480)
    assert backup.list_tags(ResourceArn=listed["p-prod-standard"]["BackupPlanArn"])["Tags"] == TAGS

    api_calls.clear()
    again = run(capsys, tiers())
    assert again["changed"] is False
    assert writes(api_calls) == []
    assert [op for op, _ in api_calls].count("ListBackupPlans") == 1
    # The plan of a converged account: amazon.aws.backup_plan answered "changed" here for any plan with tags.
    assert run(capsys, tiers(), check_mode=True)["changed"] is False


def test_corrects_tag_drift_and_reports_it_in_check_mode_first(backup, capsys, api_calls):
    run(capsys, tiers())
    arn = plans_by_name(backup)["p-prod-standard"]["BackupPlanArn"]
    backup.tag_resource(ResourceArn=arn, Tags={"Env": "dev", "Stray": "x"})
    api_calls.clear()
    planned = run(capsys, tiers(), check_mode=True)
    assert planned["plans"]["p-prod-standard"]["changed"] == ["tags"]
    assert planned["plans"]["p-prod-critical"]["changed"] == []
    assert writes(api_calls) == []
    fixed = run(capsys, tiers())
    assert fixed["plans"]["p-prod-standard"]["changed"] == ["tags"]
    assert backup.list_tags(ResourceArn=arn)["Tags"] == TAGS


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"lifecycle": {"delete_after_days": 30}}, True),
        ({"enable_continuous_backup": True}, True),
        ({"schedule_expression": "cron(0 5 * * ? *)"}, True),
        ({"copy_actions": [{"destination_backup_vault_arn": COPY_VAULT, "lifecycle": {"delete_after_days": 14}}]}, True),
        ({}, False),
    ],
)
def test_a_rule_differs_in_each_setting_it_gives_and_not_in_what_aws_adds(change, expected):
    rule = dict(tier("standard", 14)["rules"][0], start_window_minutes=60, completion_window_minutes=480)
    current = dict(backup_plans.rule_request(rule), RuleId="r-1", ScheduleExpressionTimezone="Etc/UTC")
    current["Lifecycle"] = dict(current["Lifecycle"], OptInToArchiveForSupportedResources=False)
    del current["CopyActions"], current["EnableContinuousBackup"]  # AWS omits them when empty or off
    assert backup_plans.rule_differs(current, backup_plans.rule_request(dict(rule, **change))) is expected


def test_a_changed_rule_updates_the_plan_in_place(capsys):
    """UpdateBackupPlan's request shape (moto answers 500 to it)."""
    client = boto3.client("backup", region_name="eu-west-1")  # in_process_aws sets moto's dummy keys
    wrapped = RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff())
    spec = dict(tier("standard", 30), rules=[dict(tier("standard", 30)["rules"][0], start_window_minutes=60, completion_window_minutes=480)])
    old = backup_plans.rule_request(dict(spec["rules"][0], lifecycle={"delete_after_days": 14}))
    current = {"BackupPlanId": "id-1", "BackupPlanArn": "arn:aws:backup:eu-west-1:123456789012:backup-plan:id-1"}

    class Module:
        check_mode = False
        params = {"purge_tags": True}

    with Stubber(client) as stub:
        stub.add_response("get_backup_plan", {"BackupPlan": {"BackupPlanName": spec["name"], "Rules": [dict(old, RuleId="r-1")]}}, {"BackupPlanId": "id-1"})
        stub.add_response(
            "update_backup_plan",
            {"BackupPlanId": "id-1"},
            {"BackupPlanId": "id-1", "BackupPlan": {"BackupPlanName": spec["name"], "Rules": [backup_plans.rule_request(spec["rules"][0])]}},
        )
        stub.add_response("list_tags", {"Tags": TAGS}, {"ResourceArn": current["BackupPlanArn"]})
        assert backup_plans.converge_plan(Module(), wrapped, spec, current) == (["rules"], "id-1", current["BackupPlanArn"])
        stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("plans", "message"),
    [
        ([tier("a", 7), tier("a", 8)], "plans names must be unique (got ['p-prod-a'] more than once)"),
        ([dict(tier("a", 7), name="p prod")], "plans names must be 1 to 50 letters, digits, hyphens, underscores or dots (got ['p prod'])"),
        ([dict(tier("a", 7), rules=tier("a", 7)["rules"] * 2)], "plans[p-prod-a].rules rule_name must be unique (got ['a-daily'] more than once)"),
        ([dict(tier("a", 7), rules=[])], "plans[p-prod-a].rules must hold at least one rule"),
    ],
)
def test_bad_input_fails_before_any_call(backup, capsys, api_calls, plans, message):
    api_calls.clear()
    out = run(capsys, plans)
    assert out["failed"] is True
    assert out["msg"] == message
    assert api_calls == []
