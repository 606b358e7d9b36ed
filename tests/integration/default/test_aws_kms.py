"""aws_kms on moto: keys, aliases, rotation, tags and the key policy as applied."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import check_kms_key_policy

ROLE_DEFAULTS = yaml.safe_load((Path(__file__).resolve().parents[3] / "roles/aws_kms/defaults/main.yml").read_text())
PURPOSES = [key["name"] for key in ROLE_DEFAULTS["aws_kms_keys"]]


@pytest.fixture(scope="module")
def keys(aws, platform):
    kms = aws("kms")
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    return kms, {p: aliases.get(f"alias/{platform['prefix']}-{p}") for p in PURPOSES}


@pytest.mark.parametrize("purpose", PURPOSES)
def test_key_exists_enabled_and_rotating(keys, purpose):
    kms, ids = keys
    key_id = ids[purpose]
    assert key_id, f"no alias for the {purpose} key"
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["Enabled"] and meta["KeyState"] == "Enabled"
    assert meta["KeyManager"] == "CUSTOMER"
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True


@pytest.mark.parametrize("purpose", PURPOSES)
def test_key_carries_the_platform_tags(keys, platform, purpose):
    kms, ids = keys
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=ids[purpose])["Tags"]}
    assert tags["Project"] == platform["project"]
    assert tags["Env"] == platform["env"]
    assert tags["Owner"] == platform["owner"]
    assert tags["Component"] == "security"


@pytest.mark.parametrize("purpose", PURPOSES)
def test_applied_key_policy_is_least_privilege(keys, platform, purpose):
    kms, ids = keys
    policy = json.loads(kms.get_key_policy(KeyId=ids[purpose], PolicyName="default")["Policy"])
    check_kms_key_policy(policy)
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    admin = by_sid["KeyAdministration"]
    assert not {"kms:Decrypt", "kms:Encrypt"} & set(admin["Action"]), "administrators must not be able to decrypt"
    via = by_sid["UseThroughAwsServices"]["Condition"]["StringEquals"]
    assert via["kms:CallerAccount"] == platform["account"]
    assert all(s.endswith(f".{platform['region']}.amazonaws.com") for s in via["kms:ViaService"])


def test_outputs_file_names_every_key(keys, platform):
    _, ids = keys
    outputs = yaml.safe_load((platform["outputs_dir"] / "local-main" / "aws.yml").read_text())
    assert outputs["phase"] == "aws" and outputs["schema_version"] == 1
    assert outputs["environment"] == platform["env"]
    kms_out = outputs["outputs"]["kms"]
    assert set(kms_out) == set(PURPOSES)
    for purpose, key_id in ids.items():
        assert kms_out[purpose]["id"] == key_id
        assert kms_out[purpose]["arn"].endswith(f":key/{key_id}")
        assert kms_out[purpose]["alias"] == f"alias/{platform['prefix']}-{purpose}"
