"""backup_vaults: create/converge x check/real x twice for a vault and its copy in another region, against moto in-process."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.mosaic.platform.plugins.modules import backup_vaults
from moto import mock_aws

AUTH = {"region": "eu-west-1", "access_key": "testing", "secret_key": "testing"}
WRITES = {"CreateBackupVault", "TagResource", "UntagResource", "DeleteBackupVault"}
KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"

pytestmark = pytest.mark.usefixtures("in_process_aws")


@pytest.fixture
def aws():
    with mock_aws():
        yield {region: boto3.client("backup", region_name=region) for region in ("eu-west-1", "eu-central-1")}


def run(capsys, vaults, check_mode=False, **extra):
    args = {**AUTH, "vaults": vaults, "_ansible_check_mode": check_mode, **extra}
    with patch_module_args(args), pytest.raises(SystemExit):
        backup_vaults.main()
    return json.loads(capsys.readouterr().out)


def pair(tags=None):
    """The vault and its copy vault, as aws_backup passes them."""
    tags = tags or {"Component": "backup", "Env": "prod"}
    return [
        {"name": "p-prod", "encryption_key_arn": KEY, "tags": tags},
        {"name": "p-prod-copy", "region": "eu-central-1", "tags": tags},
    ]


def writes(api_calls):
    return [op for op, _ in api_calls if op in WRITES]


def vault_tags(client, name):
    arn = client.describe_backup_vault(BackupVaultName=name)["BackupVaultArn"]
    return client.list_tags(ResourceArn=arn)["Tags"]


def test_check_mode_on_a_clean_account_writes_nothing_and_names_the_arns(aws, capsys, api_calls):
    out = run(capsys, pair(), check_mode=True)
    assert out["changed"] is True
    assert out["vaults"]["p-prod"] == {
        "region": "eu-west-1",
        "arn": "arn:aws:backup:eu-west-1:123456789012:backup-vault:p-prod",
        "changed": ["created"],
    }
    assert out["vaults"]["p-prod-copy"]["arn"] == "arn:aws:backup:eu-central-1:123456789012:backup-vault:p-prod-copy"
    assert writes(api_calls) == []
    assert aws["eu-west-1"].list_backup_vaults()["BackupVaultList"] == []


def test_creates_each_vault_in_its_region_with_key_and_tags_then_converges_without_a_write(aws, capsys, api_calls):
    out = run(capsys, pair())
    assert out["changed"] is True
    assert {name: v["changed"] for name, v in out["vaults"].items()} == {"p-prod": ["created"], "p-prod-copy": ["created"]}
    main = aws["eu-west-1"].describe_backup_vault(BackupVaultName="p-prod")
    assert main["EncryptionKeyArn"] == KEY
    assert out["vaults"]["p-prod"]["arn"] == main["BackupVaultArn"]
    assert [v["BackupVaultName"] for v in aws["eu-central-1"].list_backup_vaults()["BackupVaultList"]] == ["p-prod-copy"]
    assert vault_tags(aws["eu-central-1"], "p-prod-copy") == {"Component": "backup", "Env": "prod"}

    api_calls.clear()
    again = run(capsys, pair())
    assert again["changed"] is False
    assert writes(api_calls) == []
    assert [op for op, _ in api_calls].count("ListBackupVaults") == 2  # one per region
    assert run(capsys, pair(), check_mode=True)["changed"] is False


def test_corrects_tag_drift_and_purges_only_when_asked(aws, capsys, api_calls):
    run(capsys, pair())
    arn = aws["eu-west-1"].describe_backup_vault(BackupVaultName="p-prod")["BackupVaultArn"]
    aws["eu-west-1"].tag_resource(ResourceArn=arn, Tags={"Env": "dev", "Stray": "x"})

    api_calls.clear()
    planned = run(capsys, pair(), check_mode=True)
    assert planned["vaults"]["p-prod"]["changed"] == ["tags"]
    assert writes(api_calls) == []

    kept = run(capsys, pair(), purge_tags=False)
    assert kept["vaults"]["p-prod"]["changed"] == ["tags"]
    assert vault_tags(aws["eu-west-1"], "p-prod") == {"Component": "backup", "Env": "prod", "Stray": "x"}

    purged = run(capsys, pair())
    assert purged["vaults"]["p-prod"]["changed"] == ["tags"]
    assert purged["vaults"]["p-prod-copy"]["changed"] == []
    assert vault_tags(aws["eu-west-1"], "p-prod") == {"Component": "backup", "Env": "prod"}


def test_a_vault_with_another_key_is_left_alone_with_a_warning(aws, capsys, api_calls):
    other = KEY.replace("1111", "9999")
    aws["eu-west-1"].create_backup_vault(BackupVaultName="p-prod", EncryptionKeyArn=other, BackupVaultTags={"Component": "backup", "Env": "prod"})
    out = run(capsys, pair())
    assert out["vaults"]["p-prod"]["changed"] == []
    assert f"encrypted with {other}" in str(out["warnings"])
    assert "a vault's key cannot change" in str(out["warnings"])
    assert aws["eu-west-1"].describe_backup_vault(BackupVaultName="p-prod")["EncryptionKeyArn"] == other


@pytest.mark.parametrize(
    ("vaults", "message"),
    [
        ([{"name": "v1"}, {"name": "v1", "region": "eu-central-1"}], "vaults names must be unique (got ['v1'] more than once)"),
        ([{"name": "v"}], "vaults names must be 2 to 50 letters, digits or hyphens (got ['v'])"),
        ([{"name": "p_prod"}], "vaults names must be 2 to 50 letters, digits or hyphens (got ['p_prod'])"),
    ],
)
def test_bad_input_fails_before_any_call(aws, capsys, api_calls, vaults, message):
    out = run(capsys, vaults)
    assert out["failed"] is True
    assert out["msg"] == message
    assert api_calls == []
