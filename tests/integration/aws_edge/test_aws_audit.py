"""aws_audit on moto: the trail, the Athena workgroup, database, tables and saved queries."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]


def outputs_dir(platform) -> Path:
    """The scenario writes its outputs under its own MOSAIC_WORKSPACE (molecule.yml), else the repository."""
    return Path(os.environ.get("MOSAIC_WORKSPACE") or ROOT) / ".outputs" / platform["env"]


INVENTORY = yaml.safe_load((ROOT / "inventories/local/group_vars/local/aws_audit.yml").read_text())
DEFAULTS = yaml.safe_load((ROOT / "roles/aws_audit/defaults/main.yml").read_text())


@pytest.fixture(scope="module")
def names(platform):
    prefix = platform["prefix"]
    return {
        "trail": f"{prefix}-trail",
        "bucket": f"{prefix}-logs-{platform['account']}",
        "workgroup": f"{prefix}-audit",
        "database": f"{prefix.replace('-', '_')}_audit",
    }


@pytest.fixture(scope="module")
def audit_key_arn(aws, platform):
    kms = aws("kms")
    key_id = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}[f"alias/{platform['prefix']}-audit"]
    return kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]


def test_trail_is_multi_region_validated_and_encrypted(aws, names, audit_key_arn):
    [trail] = aws("cloudtrail").describe_trails(trailNameList=[names["trail"]])["trailList"]
    assert trail["IsMultiRegionTrail"] is True
    assert trail["IncludeGlobalServiceEvents"] is True
    assert trail["LogFileValidationEnabled"] is True
    assert trail["KmsKeyId"] == audit_key_arn
    assert trail["S3BucketName"] == names["bucket"]
    assert trail["S3KeyPrefix"] == "cloudtrail"
    assert aws("cloudtrail").get_trail_status(Name=names["trail"])["IsLogging"] is True


def test_trail_selects_management_events_and_audit_bucket_data_events(aws, names, platform):
    """Explicit selectors: management events read and write, S3 object events of the audit-relevant buckets (the
    molecule scenario has no aws_storage outputs, so their conventional names), and tampering with the log bucket."""
    response = aws("cloudtrail").get_event_selectors(TrailName=names["trail"])
    assert not response.get("EventSelectors")
    selectors = {s["Name"]: {f["Field"]: f for f in s["FieldSelectors"]} for s in response["AdvancedEventSelectors"]}
    management = selectors["Management events, read and write"]
    assert management == {"eventCategory": {"Field": "eventCategory", "Equals": ["Management"]}}, "a readOnly field would drop reads or writes"
    data = selectors["S3 data events of the audit-relevant buckets"]
    assert data["eventCategory"]["Equals"] == ["Data"] and data["resources.type"]["Equals"] == ["AWS::S3::Object"]
    expected = [f"arn:aws:s3:::{platform['prefix']}-{p}-{platform['account']}/" for p in DEFAULTS["aws_audit_data_event_bucket_purposes"]]
    assert sorted(data["resources.ARN"]["StartsWith"]) == sorted(expected)
    assert "readOnly" not in data
    tamper = selectors["Calls that could delete or unlock the audit logs"]
    assert tamper["resources.ARN"]["StartsWith"] == [f"arn:aws:s3:::{names['bucket']}/"]
    assert set(tamper["eventName"]["Equals"]) >= {"DeleteObject", "PutObjectRetention"}


def test_outputs_name_the_trail_workgroup_and_database(platform, names, aws):
    out = yaml.safe_load((outputs_dir(platform) / "local-main" / "aws.yml").read_text())["outputs"]["audit"]
    [trail] = aws("cloudtrail").describe_trails(trailNameList=[names["trail"]])["trailList"]
    assert out == {"trail_arn": trail["TrailARN"], "athena_workgroup": names["workgroup"], "athena_database": names["database"]}


def test_workgroup_enforces_encrypted_results_and_a_scan_cutoff(aws, names, audit_key_arn, platform):
    workgroup = aws("athena").get_work_group(WorkGroup=names["workgroup"])["WorkGroup"]
    config = workgroup["Configuration"]
    assert config["EnforceWorkGroupConfiguration"] is True
    assert config["PublishCloudWatchMetricsEnabled"] is True
    assert config["BytesScannedCutoffPerQuery"] == INVENTORY["aws_audit_bytes_scanned_cutoff"]
    assert config["ResultConfiguration"]["OutputLocation"] == f"s3://{names['bucket']}/athena-results/"
    assert config["ResultConfiguration"]["EncryptionConfiguration"] == {"EncryptionOption": "SSE_KMS", "KmsKey": audit_key_arn}
    arn = f"arn:aws:athena:{platform['region']}:{platform['account']}:workgroup/{names['workgroup']}"
    tags = {t["Key"]: t["Value"] for t in aws("athena").list_tags_for_resource(ResourceARN=arn)["Tags"]}
    assert tags["Component"] == "audit" and tags["Project"] == platform["project"]


def test_database_exists(aws, names):
    assert aws("athena").get_database(CatalogName="AwsDataCatalog", DatabaseName=names["database"])["Database"]["Name"] == names["database"]


@pytest.fixture(scope="module")
def statements(aws, names):
    athena = aws("athena")
    ids = athena.list_query_executions(WorkGroup=names["workgroup"])["QueryExecutionIds"]
    return [athena.get_query_execution(QueryExecutionId=i)["QueryExecution"] for i in ids]


@pytest.mark.parametrize(("table", "location"), [("cloudtrail", "/cloudtrail/AWSLogs/"), ("waf_logs", "/WAFLogs/"), ("alb_logs", "/alb/AWSLogs/")])
def test_log_tables_use_partition_projection(statements, names, aws, platform, table, location):
    [ddl] = [s for s in statements if s["Query"].startswith(f"CREATE EXTERNAL TABLE IF NOT EXISTS {table} ")]
    assert ddl["Status"]["State"] == "SUCCEEDED"
    assert ddl["QueryExecutionContext"]["Database"] == names["database"]
    assert "'projection.enabled' = 'true'" in ddl["Query"]
    assert "storage.location.template" in ddl["Query"]
    assert location in ddl["Query"]
    arn = f"arn:aws:athena:{platform['region']}:{platform['account']}:workgroup/{names['workgroup']}"
    tags = {t["Key"]: t["Value"] for t in aws("athena").list_tags_for_resource(ResourceARN=arn)["Tags"]}
    assert tags[f"mosaic:ddl:{names['database']}.{table}"] == hashlib.sha256(ddl["Query"].strip().encode()).hexdigest(), (
        "the workgroup's DDL marker tag holds the SHA-256 of the statement that ran"
    )


def test_each_statement_ran_once(statements):
    queries = [s["Query"] for s in statements]
    assert len(queries) == len(set(queries)), "the second converge must not run a statement again"


def test_saved_anomaly_queries(aws, names):
    athena = aws("athena")
    ids = athena.list_named_queries(WorkGroup=names["workgroup"])["NamedQueryIds"]
    saved = {q["Name"]: q for q in (athena.get_named_query(NamedQueryId=i)["NamedQuery"] for i in ids)}
    assert set(saved) == {q["name"] for q in DEFAULTS["aws_audit_named_queries"]}
    assert all(q["Database"] == names["database"] for q in saved.values())
    assert "useridentity.type = 'Root'" in saved["root-account-use"]["QueryString"]
    assert "AccessDenied" in saved["access-denied-calls"]["QueryString"]
    assert "action = 'BLOCK'" in saved["waf-blocks-by-rule"]["QueryString"]
