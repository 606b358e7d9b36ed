#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: backup_vault_bootstrap
short_description: Create an AWS Backup vault if it does not exist
version_added: 0.1.0
description:
  - Creates a backup vault (name, KMS key, tags) when none of that name exists; never changes an existing one.
  - Run before amazon.aws.backup_vault, which then manages the vault. That module decides that a vault is
    missing only from an C(AccessDeniedException) (what AWS answers); the emulator (moto) answers
    C(ResourceNotFoundException), which the module reports as a failure, so it cannot create a vault there.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  backup_vault_name:
    description: Vault name.
    type: str
    required: true
  encryption_key_arn:
    description: KMS key of the vault (only used on creation).
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create the vault if missing
  mosaic.platform.backup_vault_bootstrap:
    backup_vault_name: legacyplatform-prod
    encryption_key_arn: "{{ aws_kms_outputs.data.arn }}"
    tags: {Env: prod}
"""

RETURN = r"""
created:
  description: Whether the vault was (or, in check mode, would be) created.
  returned: always
  type: bool
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.backup_vaults import ensure_vault_exists


def main():
    argument_spec = {
        "backup_vault_name": {"type": "str", "required": True},
        "encryption_key_arn": {"type": "str", "no_log": False},  # an ARN, not a secret
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    try:
        changed, result = ensure_vault_exists(module.client("backup"), p["backup_vault_name"], p["encryption_key_arn"], p["tags"], module.check_mode)
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg=f"Failed to create vault {p['backup_vault_name']}")
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
