"""The gap-filling modules of aws_data and aws_backup against moto in-process (create/modify/delete
x check/real x twice): rds_parameter_group, rds_instance_managed_password, opensearch_log_publishing,
backup_vault_lock."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.backup_vaults import ensure_vault_lock
from ansible_collections.mosaic.platform.plugins.module_utils.data_opensearch import ensure_log_publishing
from ansible_collections.mosaic.platform.plugins.module_utils.data_rds import ensure_managed_master_password, ensure_parameter_group
from moto import mock_aws

REGION = "eu-west-1"
ACCOUNT = "123456789012"


@pytest.fixture
def aws(monkeypatch):
    for var in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield lambda service: boto3.client(service, region_name=REGION)


def test_parameter_group_matrix(aws):
    rds = aws("rds")
    params = {
        "name": "pg16",
        "family": "postgres16",
        "description": "tls",
        "parameters": {"rds.force_ssl": 1},
        "apply_method": "pending-reboot",
        "tags": {"Env": "t"},
    }
    assert ensure_parameter_group(rds, params, True)[0] is True
    assert rds.describe_db_parameter_groups()["DBParameterGroups"] == []
    assert ensure_parameter_group(rds, params, False)[0] is True
    assert ensure_parameter_group(rds, params, False)[0] is False
    user = rds.describe_db_parameters(DBParameterGroupName="pg16", Source="user")["Parameters"]
    assert {p["ParameterName"]: p["ParameterValue"] for p in user} == {"rds.force_ssl": "1"}
    more = dict(params, parameters={"rds.force_ssl": 1, "log_min_duration_statement": 1000}, tags={"Env": "u"})
    changed, result = ensure_parameter_group(rds, more, True)
    assert changed and result["diff"] == ["parameter:log_min_duration_statement", "tags"]
    assert ensure_parameter_group(rds, more, False)[0] is True
    assert ensure_parameter_group(rds, more, False)[0] is False
    with pytest.raises(ValueError, match="family cannot change"):
        ensure_parameter_group(rds, dict(more, family="postgres15"), False)


def test_managed_master_password(aws):
    key = aws("kms").create_key()["KeyMetadata"]["Arn"]
    rds = aws("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="db", Engine="postgres", DBInstanceClass="db.t4g.micro", MasterUsername="u", MasterUserPassword="x" * 20, AllocatedStorage=20
    )
    changed, result = ensure_managed_master_password(rds, "db", key, True)
    assert changed and result["diff"] == ["ManageMasterUserPassword"] and result["secret_arn"] == ""
    changed, result = ensure_managed_master_password(rds, "db", key, False)
    assert changed and result["secret_arn"].startswith(f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:rds!db-")
    assert ensure_managed_master_password(rds, "db", key, False)[0] is False
    assert ensure_managed_master_password(rds, "db", key, True)[0] is False


def test_log_publishing_and_its_resource_policy(aws):
    opensearch, logs = aws("opensearch"), aws("logs")
    opensearch.create_domain(DomainName="search", EngineVersion="OpenSearch_2.17")
    groups = {
        "AUDIT_LOGS": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/opensearch/search/audit",
        "ES_APPLICATION_LOGS": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/opensearch/search/error",
    }
    changed, result = ensure_log_publishing(opensearch, logs, "search", groups, ACCOUNT, "search-logs", True)
    assert changed and result["diff"] == ["resource_policy", "log_publishing_options"]
    assert logs.describe_resource_policies()["resourcePolicies"] == []
    assert ensure_log_publishing(opensearch, logs, "search", groups, ACCOUNT, "search-logs", False)[0] is True
    assert ensure_log_publishing(opensearch, logs, "search", groups, ACCOUNT, "search-logs", False)[0] is False
    published = opensearch.describe_domain(DomainName="search")["DomainStatus"]["LogPublishingOptions"]
    assert {k: v["Enabled"] for k, v in published.items()} == {"AUDIT_LOGS": True, "ES_APPLICATION_LOGS": True}
    policy = json.loads(logs.describe_resource_policies()["resourcePolicies"][0]["policyDocument"])
    assert policy["Statement"][0]["Principal"] == {"Service": "es.amazonaws.com"}
    assert policy["Statement"][0]["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    only_audit = {"AUDIT_LOGS": groups["AUDIT_LOGS"]}
    assert ensure_log_publishing(opensearch, logs, "search", only_audit, ACCOUNT, "search-logs", False)[0] is True
    assert ensure_log_publishing(opensearch, logs, "search", only_audit, ACCOUNT, "search-logs", False)[0] is False
    with pytest.raises(ValueError, match="unknown log types"):
        ensure_log_publishing(opensearch, logs, "search", {"AUDIT": groups["AUDIT_LOGS"]}, ACCOUNT, "search-logs", True)


def test_vault_lock_matrix(aws):
    backup = aws("backup")
    backup.create_backup_vault(BackupVaultName="v")
    params = {"backup_vault_name": "v", "min_retention_days": 7, "max_retention_days": 400, "changeable_for_days": 3, "state": "present"}
    assert ensure_vault_lock(backup, params, True)[0] is True
    assert "Locked" not in backup.describe_backup_vault(BackupVaultName="v") or not backup.describe_backup_vault(BackupVaultName="v")["Locked"]
    assert ensure_vault_lock(backup, params, False)[0] is True
    assert ensure_vault_lock(backup, params, False)[0] is False
    vault = backup.describe_backup_vault(BackupVaultName="v")
    assert vault["Locked"] and vault["MinRetentionDays"] == 7 and vault["MaxRetentionDays"] == 400
    wider = dict(params, max_retention_days=500)
    assert ensure_vault_lock(backup, wider, True)[0] is True
    assert ensure_vault_lock(backup, wider, False)[0] is True
    assert ensure_vault_lock(backup, wider, False)[0] is False
    gone = dict(params, state="absent")
    assert ensure_vault_lock(backup, gone, True)[0] is True
    assert ensure_vault_lock(backup, gone, False)[0] is True
    assert ensure_vault_lock(backup, gone, False)[0] is False
