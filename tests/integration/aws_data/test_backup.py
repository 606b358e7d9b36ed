"""aws_backup against the local stack: vaults, plans per tier with copy, selections by tag, the role."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def backup(aws):
    return aws("backup")


def test_vault_is_encrypted_with_the_data_key_and_tagged(backup, outputs, platform):
    vault = backup.describe_backup_vault(BackupVaultName=platform["prefix"])
    assert vault["EncryptionKeyArn"] == outputs["kms"]["data"]["arn"]
    tags = backup.list_tags(ResourceArn=vault["BackupVaultArn"])["Tags"]
    assert tags["Component"] == "backup" and tags["Env"] == platform["env"]
    assert bool(vault.get("Locked")) is (platform["env"] == "prod")


def test_plans_per_tier_with_retention_and_cross_region_copy(backup, outputs, platform):
    plans = {p["BackupPlanName"]: p for p in backup.list_backup_plans()["BackupPlansList"]}
    critical = backup.get_backup_plan(BackupPlanId=plans[f"{platform['prefix']}-critical"]["BackupPlanId"])["BackupPlan"]
    (rule,) = critical["Rules"]
    assert rule["Lifecycle"]["DeleteAfterDays"] == 35
    assert rule["TargetBackupVaultName"] == platform["prefix"]
    (copy,) = rule["CopyActions"]
    assert copy["DestinationBackupVaultArn"] == outputs["backup"]["copy_vault_arn"]
    assert ":eu-central-1:" in copy["DestinationBackupVaultArn"]
    standard = backup.get_backup_plan(BackupPlanId=plans[f"{platform['prefix']}-standard"]["BackupPlanId"])["BackupPlan"]
    (rule,) = standard["Rules"]
    assert rule["Lifecycle"]["DeleteAfterDays"] == 14 and not rule.get("CopyActions")


def test_copy_vault_exists_in_the_copy_region(aws, platform):
    import boto3

    region = boto3.session.Session(region_name="eu-central-1", aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106 moto keys
    client = region.client("backup", endpoint_url=aws("backup").meta.endpoint_url)
    assert client.describe_backup_vault(BackupVaultName=f"{platform['prefix']}-copy")["BackupVaultName"]


def test_selection_conditions_are_published_per_tier(backup, outputs):
    # moto 5.2.5 has no backup selection API (ListBackupSelections answers 500): the role skips the
    # selections on the local stack, so only what it would select by is checked here.
    with pytest.raises(Exception, match="500|InternalError|Internal Server Error"):
        backup.list_backup_selections(BackupPlanId="any")
    assert outputs["backup"]["selections"] == {"critical": "aws:ResourceTag/Backup=critical", "standard": "aws:ResourceTag/Backup=standard"}


def test_backup_role_trusts_only_aws_backup_for_the_account(aws, outputs, platform):
    role = aws("iam").get_role(RoleName=f"{platform['prefix']}-backup")["Role"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "backup.amazonaws.com"}
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == f"arn:aws:iam::{platform['account']}:policy/{platform['prefix']}-permissions-boundary"
    assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == platform["account"]
    attached = {p["PolicyName"] for p in aws("iam").list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]}
    assert "AWSBackupServiceRolePolicyForBackup" in attached and "AWSBackupServiceRolePolicyForRestores" in attached


def _tiers():
    """platform_backup_tiers of the project (the one place the tagging roles read)."""
    return yaml.safe_load((ROOT / "inventories" / "project.yml").read_text())["platform_backup_tiers"]


def test_the_converged_resources_carry_exactly_their_backup_tier(aws, outputs, platform):
    """The tags aws_backup's plans select by (aws:ResourceTag/Backup) are on the resources platform_backup_tiers names,
    and on no other bucket of the converged local stack."""
    tiers = _tiers()
    rds = aws("rds")
    instance = rds.describe_db_instances(DBInstanceIdentifier=outputs["data"]["postgres"]["identifier"])["DBInstances"][0]
    rds_tags = {t["Key"]: t["Value"] for t in rds.list_tags_for_resource(ResourceName=instance["DBInstanceArn"])["TagList"]}
    assert rds_tags.get("Backup") == tiers["postgres"]
    domain = outputs["data"]["opensearch"]["arn"]
    os_tags = {t["Key"]: t["Value"] for t in aws("opensearch").list_tags(ARN=domain)["TagList"]}
    assert os_tags.get("Backup") == tiers["opensearch"]
    s3 = aws("s3")
    for purpose, bucket in outputs["storage"]["buckets"].items():
        tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket["name"])["TagSet"]}
        assert tags.get("Backup") == tiers["buckets"].get(purpose), purpose
    assert set(tiers["buckets"]) <= set(outputs["storage"]["buckets"])
