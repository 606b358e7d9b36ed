"""aws_kms's replica-region keys, against an in-process moto server: with aws_kms_replica_region set, the storage key
gets a twin in that region (alias <prefix>-storage-replica, rotation on, key policy for that region), published as
aws_kms_outputs['storage-replica'] for aws_storage's replica buckets; a --check run creates nothing; a second run changes
nothing; without the region no replica key exists."""

from __future__ import annotations

import json
import re

import boto3
from test_aws_data_inputs import moto_endpoint, run_role_play  # noqa: F401 (fixture)

ACCOUNT = "123456789012"
VARS = {
    "platform_prefix": "p-test",
    "platform_env": "test",
    "platform_aws_region": "eu-west-1",
    "platform_aws_account_id": ACCOUNT,
    "platform_tags": {"Project": "P", "Env": "test", "Owner": "o"},
    "platform_replica_region": "eu-central-1",
}

PLAY = """
- name: The keys of aws_kms
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/amazon.aws.aws: &aws_defaults
      endpoint_url: "{endpoint}"
      region: eu-west-1
    group/mosaic.platform.aws: *aws_defaults
  roles:
    - role: mosaic.platform.aws_kms
  tasks:
    - name: Report the replica key output
      ansible.builtin.debug:
        msg: "REPLICA={{{{ (aws_kms_outputs['storage-replica'] | default({{}})).alias | default('none') }}}}"

    - name: Report the replica key ARN
      ansible.builtin.debug:
        msg: "REPLICA_ARN={{{{ (aws_kms_outputs['storage-replica'] | default({{}})).arn | default('none') }}}}"
"""


def _kms(endpoint, region):
    return boto3.client("kms", region_name=region, endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106


def _aliases(endpoint, region):
    return {a["AliasName"]: a.get("TargetKeyId") for a in _kms(endpoint, region).list_aliases()["Aliases"] if a["AliasName"].startswith("alias/p-test")}


def _published(out: str) -> dict:
    """aws_kms_outputs['storage-replica'] as the play reports it (one word per line: the YAML callback wraps at spaces)."""
    return {
        "alias": re.search(r"REPLICA=(\S+)", out).group(1),
        "arn": re.search(r"REPLICA_ARN=(\S+)", out).group(1),
    }


def _changed(out: str) -> int:
    return int(re.search(r"localhost\s+: ok=\d+\s+changed=(\d+)", out).group(1))


def test_the_storage_key_gets_a_twin_in_the_replica_region(tmp_path, moto_endpoint):  # noqa: F811
    playbook = tmp_path / "kms.yml"
    playbook.write_text(PLAY.format(endpoint=moto_endpoint))

    check = run_role_play(playbook, VARS, check=True)
    assert check.returncode == 0, check.stdout[-3000:]
    assert _aliases(moto_endpoint, "eu-central-1") == {}, "the --check run created a key"

    first = run_role_play(playbook, VARS)
    assert first.returncode == 0, first.stdout[-3000:]
    replica = _aliases(moto_endpoint, "eu-central-1")
    assert list(replica) == ["alias/p-test-storage-replica"], replica
    assert "alias/p-test-storage-replica" not in _aliases(moto_endpoint, "eu-west-1")
    kms = _kms(moto_endpoint, "eu-central-1")
    key_id = replica["alias/p-test-storage-replica"]
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    via = [s["Condition"]["StringEquals"]["kms:ViaService"] for s in policy["Statement"] if "kms:ViaService" in s.get("Condition", {}).get("StringEquals", {})]
    assert via and all(v == ["s3.eu-central-1.amazonaws.com"] or v == "s3.eu-central-1.amazonaws.com" for v in via), via
    published = _published(first.stdout)
    assert published["alias"] == "alias/p-test-storage-replica"
    assert published["arn"].startswith(f"arn:aws:kms:eu-central-1:{ACCOUNT}:key/")

    second = run_role_play(playbook, VARS)
    assert second.returncode == 0 and _changed(second.stdout) == 0, second.stdout[-3000:]


def test_no_replica_region_no_replica_key(tmp_path, moto_endpoint):  # noqa: F811
    playbook = tmp_path / "kms.yml"
    playbook.write_text(PLAY.format(endpoint=moto_endpoint))
    result = run_role_play(playbook, {k: v for k, v in VARS.items() if k != "platform_replica_region"})
    assert result.returncode == 0, result.stdout[-3000:]
    assert _aliases(moto_endpoint, "eu-central-1") == {}
    assert _published(result.stdout) == {"alias": "none", "arn": "none"}
