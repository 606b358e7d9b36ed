"""aws_data against the local stack: RDS controls, the TLS parameter group, OpenSearch controls and the
snapshot role, the Neo4j backup outputs."""

from __future__ import annotations

import json

import pytest


def tag_map(tag_list):
    return {t["Key"]: t["Value"] for t in tag_list}


@pytest.fixture(scope="module")
def postgres(aws, platform):
    (db,) = aws("rds").describe_db_instances(DBInstanceIdentifier=f"{platform['prefix']}-postgres")["DBInstances"]
    return db


def test_postgres_is_private_encrypted_and_protected(postgres, outputs):
    assert postgres["StorageEncrypted"] is True
    assert postgres["KmsKeyId"] == outputs["kms"]["data"]["arn"]
    assert postgres["DeletionProtection"] is True
    assert postgres["PubliclyAccessible"] is False
    assert postgres["BackupRetentionPeriod"] >= 7
    assert postgres["IAMDatabaseAuthenticationEnabled"] is True
    assert postgres["CopyTagsToSnapshot"] is True
    assert postgres["AutoMinorVersionUpgrade"] is True
    assert sorted(postgres["EnabledCloudwatchLogsExports"]) == ["postgresql", "upgrade"]
    assert postgres["DBSubnetGroup"]["SubnetGroupStatus"] == "Complete"
    assert {s["SubnetIdentifier"] for s in postgres["DBSubnetGroup"]["Subnets"]} == set(outputs["network"]["private_subnet_ids"])
    assert [g["VpcSecurityGroupId"] for g in postgres["VpcSecurityGroups"]] == [outputs["network"]["security_group_ids"]["postgres"]]


def test_postgres_master_password_is_managed_by_rds(postgres, outputs):
    secret = postgres["MasterUserSecret"]
    assert secret["SecretArn"] == outputs["data"]["postgres"]["master_secret_arn"]
    assert secret["KmsKeyId"] == outputs["kms"]["secrets"]["arn"]


def test_postgres_parameter_group_forces_tls(aws, postgres):
    (group,) = postgres["DBParameterGroups"]
    params = aws("rds").describe_db_parameters(DBParameterGroupName=group["DBParameterGroupName"], Source="user")["Parameters"]
    assert {p["ParameterName"]: p["ParameterValue"] for p in params}["rds.force_ssl"] == "1"


def test_postgres_is_tagged_for_the_critical_backup_tier(aws, postgres, platform):
    tags = tag_map(aws("rds").list_tags_for_resource(ResourceName=postgres["DBInstanceArn"])["TagList"])
    assert tags["Backup"] == "critical" and tags["Component"] == "data" and tags["Env"] == platform["env"]


@pytest.fixture(scope="module")
def domain(aws, outputs):
    return aws("opensearch").describe_domain(DomainName=outputs["data"]["opensearch"]["domain_name"])["DomainStatus"]


def test_opensearch_encryption_tls_and_vpc(domain, outputs):
    assert domain["EngineVersion"].startswith("OpenSearch_2.")
    assert domain["EncryptionAtRestOptions"] == {"Enabled": True, "KmsKeyId": outputs["kms"]["data"]["arn"]}
    assert domain["NodeToNodeEncryptionOptions"]["Enabled"] is True
    assert domain["DomainEndpointOptions"]["EnforceHTTPS"] is True
    assert domain["DomainEndpointOptions"]["TLSSecurityPolicy"] in ("Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10")
    assert set(domain["VPCOptions"]["SubnetIds"]) <= set(outputs["network"]["private_subnet_ids"])
    assert domain["VPCOptions"]["SecurityGroupIds"] == [outputs["network"]["security_group_ids"]["opensearch"]]


def test_opensearch_fine_grained_access_and_policy(aws, domain, outputs, platform):
    security = domain["AdvancedSecurityOptions"]
    assert security["Enabled"] is True and security["InternalUserDatabaseEnabled"] is False
    policy = json.loads(domain["AccessPolicies"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    statement = statements.pop("NamedRolesOnly")
    # The master user is the ops role of Identity Center that aws_access resolved (with its path, as IAM reports
    # it in resource policies), not a role of a guessed name.
    ops = outputs["access"]["sso_roles_with_path"]["ops"]
    role = aws("iam").get_role(RoleName=ops.rsplit("/", 1)[-1])["Role"]
    assert role["Arn"] == ops and role["Path"].startswith("/aws-reserved/sso.amazonaws.com/")
    assert statement["Principal"] == {"AWS": [ops]}
    assert "*" not in json.dumps(statement["Principal"])
    # Jaeger's IRSA role (made later, in the cluster phase) only on its paths, named in a condition.
    jaeger = f"arn:aws:iam::{platform['account']}:role/{platform['prefix']}-irsa-jaeger"
    assert sorted(statements) == ["Jaeger0Bulk", "Jaeger0Indices", "Jaeger0Root", "Jaeger0Templates"]
    for jaeger_statement in statements.values():
        assert jaeger_statement["Condition"] == {"ArnEquals": {"aws:PrincipalArn": jaeger}}
        assert "es:ESHttpDelete" not in jaeger_statement["Action"]


def test_opensearch_publishes_audit_and_error_logs(aws, domain):
    logs = domain["LogPublishingOptions"]
    assert logs["AUDIT_LOGS"]["Enabled"] is True and logs["AUDIT_LOGS"]["CloudWatchLogsLogGroupArn"].endswith("/audit")
    assert logs["ES_APPLICATION_LOGS"]["Enabled"] is True
    groups = {g["logGroupName"]: g for g in aws("logs").describe_log_groups(logGroupNamePrefix="/aws/opensearch/")["logGroups"]}
    assert {f"/aws/opensearch/{domain['DomainName']}/audit", f"/aws/opensearch/{domain['DomainName']}/error"} <= set(groups)
    policies = {p["policyName"]: json.loads(p["policyDocument"]) for p in aws("logs").describe_resource_policies()["resourcePolicies"]}
    statement = policies[f"{domain['DomainName']}-logs"]["Statement"][0]
    assert statement["Principal"] == {"Service": "es.amazonaws.com"}


def test_opensearch_is_tagged(aws, domain, platform, outputs):
    tags = tag_map(aws("opensearch").list_tags(ARN=domain["ARN"])["TagList"])
    assert tags["Component"] == "data" and tags["Project"] == platform["project"]
    # The master user last applied, kept by opensearch_domain_access (AWS never returns MasterUserOptions).
    assert tags["mosaic-master-user-arn"] == outputs["access"]["sso_roles_with_path"]["ops"]


def test_snapshot_role_trusts_opensearch_and_reaches_only_the_snapshot_bucket(aws, outputs, platform):
    name = f"{platform['prefix']}-search-snapshots"
    role = aws("iam").get_role(RoleName=name)["Role"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "es.amazonaws.com"}
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == f"arn:aws:iam::{platform['account']}:policy/{platform['prefix']}-permissions-boundary"
    assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == platform["account"]
    policy = aws("iam").get_role_policy(RoleName=name, PolicyName="snapshot-bucket")["PolicyDocument"]
    bucket = outputs["data"]["opensearch"]["snapshot_bucket"]
    s3 = [s for s in policy["Statement"] if s["Sid"] != "UseTheBucketKey"]
    resources = [r for s in s3 for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])]
    assert all(r.startswith(f"arn:aws:s3:::{bucket}") for r in resources)
    # The bucket's SSE-KMS key (the storage key), through S3 only: without it snapshots fail on AWS.
    (key,) = [s for s in policy["Statement"] if s["Sid"] == "UseTheBucketKey"]
    assert key["Resource"] == outputs["kms"]["storage"]["arn"]
    assert key["Condition"] == {"StringEquals": {"kms:ViaService": f"s3.{platform['region']}.amazonaws.com"}}
    assert role["Arn"] == outputs["data"]["opensearch"]["snapshot_role_arn"]


def test_neo4j_backup_outputs_for_the_gitops_phase(aws, outputs, platform):
    neo4j = outputs["data"]["neo4j_backup"]
    assert neo4j["bucket"] == f"{platform['prefix']}-graph-backups-{platform['account']}"
    assert len(neo4j["schedule"].split()) == 5
    assert neo4j["irsa"]["namespace"] and neo4j["irsa"]["service_account"]
    assert neo4j["irsa"]["template"] == "neo4j-backup"
    aws("s3").head_bucket(Bucket=neo4j["bucket"])


@pytest.mark.parametrize(("purpose", "path"), [("search-snapshots", ("opensearch", "snapshot_bucket")), ("graph-backups", ("neo4j_backup", "bucket"))])
def test_data_buckets_are_the_ones_aws_storage_built(aws, outputs, purpose, path):
    """One builder: aws_data names aws_storage's bucket of that purpose, with aws_storage's whole baseline."""
    name = outputs["storage"]["buckets"][purpose]["name"]
    assert outputs["data"][path[0]][path[1]] == name
    s3 = aws("s3")
    assert s3.get_bucket_logging(Bucket=name)["LoggingEnabled"]["TargetBucket"] == outputs["storage"]["buckets"]["access-logs"]["name"]
    rules = s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]
    assert any("NoncurrentVersionExpiration" in r and "AbortIncompleteMultipartUpload" in r for r in rules)
    policy = json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])
    assert any(s["Effect"] == "Deny" and "aws:SecureTransport" in json.dumps(s.get("Condition", {})) for s in policy["Statement"])
    (rule,) = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms" and rule["BucketKeyEnabled"] is True
    tags = tag_map(s3.get_bucket_tagging(Bucket=name)["TagSet"])
    assert tags["Component"] == "storage" and tags["Purpose"] == purpose


def test_outputs_hold_no_secret(outputs):
    text = json.dumps(outputs).lower()
    assert "password" not in text and "client_secret" not in text


@pytest.mark.parametrize(
    ("output", "prefix", "rule_id"), [("neo4j_backup", "neo4j/", "neo4j-retention"), ("postgres_dump", "postgres/", "postgres-dump-retention")]
)
def test_backup_prefix_expires_after_its_published_retention(aws, outputs, output, prefix, rule_id):
    """The retention aws_data publishes is the one S3 enforces, on the job's prefix only, beside the bucket's tiering rule."""
    published = outputs["data"][output]
    rules = {r["ID"]: r for r in aws("s3").get_bucket_lifecycle_configuration(Bucket=published["bucket"])["Rules"]}
    rule = rules[rule_id]
    assert rule["Status"] == "Enabled"
    assert rule["Filter"] == {"Prefix": prefix}
    assert rule["Expiration"]["Days"] == int(published["retention_days"])
    # aws_storage's tiering rule is still there (s3_lifecycle_rules keeps the other rules).
    assert "tiering" in rules


def test_postgres_dump_outputs_for_the_gitops_phase(aws, outputs, platform):
    dump = outputs["data"]["postgres_dump"]
    assert dump["bucket"] == f"{platform['prefix']}-backups-{platform['account']}"
    assert dump["prefix"] == "postgres" and dump["database"]
    assert len(dump["schedule"].split()) == 5
    assert dump["irsa"] == {"namespace": "platform", "service_account": "postgres-dump", "template": "postgres-dump"}
    assert outputs["data"]["postgres"]["engine_version"].split(".")[0].isdigit()
