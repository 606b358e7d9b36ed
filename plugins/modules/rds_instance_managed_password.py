#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rds_instance_managed_password
short_description: Hand the master password of an RDS instance to RDS and Secrets Manager
version_added: 0.1.0
description:
  - Turns on C(ManageMasterUserPassword) for an existing DB instance, so RDS keeps the master password
    in a Secrets Manager secret (encrypted with O(kms_key_id)) and rotates it; any password used at
    creation is replaced. amazon.aws.rds_instance has no option for it.
  - Idempotent, it does nothing when the instance already has a managed secret with that key.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  db_instance_identifier:
    description: DB instance identifier.
    type: str
    required: true
  kms_key_id:
    description: KMS key ARN of the secret. Default is the account's Secrets Manager key.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Let RDS manage the master password
  mosaic.platform.rds_instance_managed_password:
    db_instance_identifier: legacyplatform-prod-postgres
    kms_key_id: "{{ aws_kms_outputs.secrets.arn }}"
"""

RETURN = r"""
secret_arn:
  description: ARN of the Secrets Manager secret RDS keeps the master credentials in.
  returned: when not in check mode or already managed
  type: str
diff:
  description: What differed.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.data_rds import ensure_managed_master_password


def main():
    argument_spec = {"db_instance_identifier": {"type": "str", "required": True}, "kms_key_id": {"type": "str"}}
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        changed, result = ensure_managed_master_password(
            module.client("rds"), module.params["db_instance_identifier"], module.params["kms_key_id"], module.check_mode
        )
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg=f"Failed to manage the master password of {module.params['db_instance_identifier']}")
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
