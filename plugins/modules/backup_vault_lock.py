#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: backup_vault_lock
short_description: Manage AWS Backup Vault Lock on a backup vault
version_added: 0.1.0
description:
  - Puts or removes the Vault Lock configuration (minimum and maximum retention) of an AWS Backup vault;
    amazon.aws.backup_vault does not manage it.
  - After O(changeable_for_days) the lock is in compliance mode and immutable, even for the account root.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  backup_vault_name:
    description: Vault name.
    type: str
    required: true
  min_retention_days:
    description: Shortest retention a recovery point in the vault may have.
    type: int
    default: 7
  max_retention_days:
    description: Longest retention a recovery point in the vault may have.
    type: int
    default: 365
  changeable_for_days:
    description: Grace period (3 days or more) before the lock becomes immutable.
    type: int
    default: 3
  state:
    description: Whether the lock exists (removal only works during the grace period).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Lock the prod vault
  mosaic.platform.backup_vault_lock:
    backup_vault_name: legacyplatform-prod
    min_retention_days: 7
    max_retention_days: 400
"""

RETURN = r"""
locked:
  description: Whether the vault has a lock configuration.
  returned: always
  type: bool
lock_date:
  description: When the lock becomes immutable.
  returned: when state is present
  type: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.backup_vaults import ensure_vault_lock


def main():
    argument_spec = {
        "backup_vault_name": {"type": "str", "required": True},
        "min_retention_days": {"type": "int", "default": 7},
        "max_retention_days": {"type": "int", "default": 365},
        "changeable_for_days": {"type": "int", "default": 3},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    if not 1 <= p["min_retention_days"] <= p["max_retention_days"] <= 36500 or p["changeable_for_days"] < 3:
        module.fail_json(msg="need 1 <= min_retention_days <= max_retention_days <= 36500 and changeable_for_days >= 3")
    try:
        changed, result = ensure_vault_lock(module.client("backup"), p, module.check_mode)
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg=f"Failed to manage the lock of vault {p['backup_vault_name']}")
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
