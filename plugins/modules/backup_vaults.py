#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: backup_vaults
short_description: Manage a list of AWS Backup vaults, in one or more regions, with their tags, in one run
version_added: 0.2.0
description:
  - Creates every vault of O(vaults) that does not exist (with its KMS key and tags), and converges the tags of the
    vaults that do, in one module run.
  - A vault is found in one C(ListBackupVaults) per region, so a missing vault is told apart the same way on AWS
    (which answers C(AccessDeniedException) to C(DescribeBackupVault)) and on moto (C(ResourceNotFoundException)).
    amazon.aws.backup_vault knows only the first, so it cannot create a vault on moto, and costs one module run per
    vault.
  - A converged vault costs its share of the listing plus one C(ListTags), and no write.
  - A vault's KMS key is set on creation and cannot change; an existing vault encrypted with another key is reported
    as a warning, never changed. Vault Lock is M(mosaic.platform.backup_vault_lock)'s; removing a vault is left to
    amazon.aws.backup_vault with C(state=absent).
  - In check mode nothing is written; a vault that does not exist yet is reported as created, with the ARN it will
    have.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  vaults:
    description: The vaults.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Vault name (2 to 50 letters, digits and hyphens).
        type: str
        required: true
      region:
        description: Region of the vault; empty for the module's region.
        type: str
        default: ""
      encryption_key_arn:
        description: KMS key of the vault, used on creation; empty for the account's C(aws/backup) key.
        type: str
        default: ""
      tags:
        description: The tags of the vault.
        type: dict
        default: {}
  purge_tags:
    description: Remove tags of the vaults that O(vaults[].tags) does not list.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the vault and its copy in another region
  mosaic.platform.backup_vaults:
    vaults:
      - name: legacyplatform-prod
        encryption_key_arn: "{{ aws_kms_outputs.keys.data.arn }}"
        tags: {Env: prod}
      - name: legacyplatform-prod-copy
        region: eu-central-1
        tags: {Env: prod}
"""

RETURN = r"""
vaults:
  description: Per vault name, its region, its ARN (built in check mode before it exists) and what changed (or would).
  returned: always
  type: dict
  sample: {"p-prod": {"region": "eu-west-1", "arn": "arn:aws:backup:eu-west-1:123456789012:backup-vault:p-prod",
                      "changed": ["created"]}}
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, arn_prefix, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_tags

VAULT_NAME = re.compile(r"^[A-Za-z0-9-]{2,50}$")


def list_vaults(client):
    """The region's vaults by name (one paginated ListBackupVaults)."""
    pages = client.get_paginator("list_backup_vaults").paginate().build_full_result()
    return {v["BackupVaultName"]: v for v in pages.get("BackupVaultList", [])}


def converge_vault(module, client, spec, current):
    """Create the vault, or reconcile its tags; return what changed (or would) and the ARN (None before creation)."""
    tags = {str(k): str(v) for k, v in spec["tags"].items()}
    if current is None:
        if module.check_mode:
            return ["created"], None
        params = {"BackupVaultName": spec["name"], "BackupVaultTags": tags}
        if spec["encryption_key_arn"]:
            params["EncryptionKeyArn"] = spec["encryption_key_arn"]
        return ["created"], client.create_backup_vault(aws_retry=True, **params)["BackupVaultArn"]
    key = current.get("EncryptionKeyArn", "")
    if spec["encryption_key_arn"].startswith("arn:") and key and key != spec["encryption_key_arn"]:
        module.warn(
            f"backup vault {spec['name']} is encrypted with {key}, not {spec['encryption_key_arn']}: a vault's key cannot change;"
            " create a vault of another name to use the new key"
        )
    arn = current["BackupVaultArn"]
    have = client.list_tags(aws_retry=True, ResourceArn=arn).get("Tags", {})
    changed = reconcile_tags(
        have,
        tags,
        module.params["purge_tags"],
        module.check_mode,
        tag=lambda add: client.tag_resource(aws_retry=True, ResourceArn=arn, Tags=add),
        untag=lambda keys: client.untag_resource(aws_retry=True, ResourceArn=arn, TagKeyList=keys),
    )[0]
    return ["tags"] if changed else [], arn


def main():
    vault_spec = {
        "name": {"type": "str", "required": True},
        "region": {"type": "str", "default": ""},
        "encryption_key_arn": {"type": "str", "default": "", "no_log": False},  # an ARN, not a secret
        "tags": {"type": "dict", "default": {}},
    }
    module = AnsibleAWSModule(
        argument_spec={
            "vaults": {"type": "list", "elements": "dict", "required": True, "options": vault_spec},
            "purge_tags": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    specs = module.params["vaults"]
    for spec in specs:
        spec["region"] = spec["region"] or module.region
    fail_if_not_unique(module, "vaults names", [s["name"] for s in specs])
    bad = [s["name"] for s in specs if not VAULT_NAME.match(s["name"])]
    if bad:
        module.fail_json(msg=f"vaults names must be 2 to 50 letters, digits or hyphens (got {bad})")

    result, prefixes = {}, {}
    for region in dict.fromkeys(s["region"] for s in specs):
        client = module.client("backup", retry_decorator=AWSRetry.jittered_backoff(), region=region)
        try:
            existing = list_vaults(client)
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to list the backup vaults of {region}")
        for spec in (s for s in specs if s["region"] == region):
            name, current = spec["name"], existing.get(spec["name"])
            try:
                changes, arn = converge_vault(module, client, spec, current)
            except AWS_ERRORS as e:
                module.fail_json_aws(e, msg=f"Failed to converge the backup vault {name} in {region}")
            if arn is None:
                if region not in prefixes:
                    prefixes[region] = arn_prefix(module, "backup", region)
                arn = f"{prefixes[region]}backup-vault:{name}"
            result[name] = {"region": region, "arn": arn, "changed": changes}
    module.exit_json(changed=any(r["changed"] for r in result.values()), vaults=result)


if __name__ == "__main__":
    main()
