#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rds_parameter_group
short_description: Manage an RDS DB parameter group by its user-set parameters
version_added: 0.1.0
description:
  - Creates a DB parameter group if needed, sets the named parameters that differ and keeps the tags.
  - Unlike amazon.aws.rds_instance_param_group, it compares only the parameters whose source is
    C(user), so it does not need the engine's default parameter list. moto has none, so there the
    amazon.aws module can neither create a group nor set C(rds.force_ssl).
  - Parameters not listed are left as they are.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  name:
    description: Parameter group name.
    type: str
    required: true
  family:
    description: Parameter group family (C(postgres16)). Cannot change.
    type: str
    required: true
  description:
    description: Description (used on creation).
    type: str
    required: true
  parameters:
    description: Parameter name to value.
    type: dict
    default: {}
  apply_method:
    description: C(pending-reboot) or C(immediate) (dynamic parameters only).
    type: str
    choices: [pending-reboot, immediate]
    default: pending-reboot
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Force TLS on Postgres
  mosaic.platform.rds_parameter_group:
    name: legacyplatform-prod-postgres16
    family: postgres16
    description: TLS only
    parameters:
      rds.force_ssl: 1
"""

RETURN = r"""
arn:
  description: Parameter group ARN.
  returned: when the group exists
  type: str
diff:
  description: What differed (C(created), C(parameter:<name>), C(tags)).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.data_rds import ensure_parameter_group


def main():
    argument_spec = {
        "name": {"type": "str", "required": True},
        "family": {"type": "str", "required": True},
        "description": {"type": "str", "required": True},
        "parameters": {"type": "dict", "default": {}},
        "apply_method": {"type": "str", "choices": ["pending-reboot", "immediate"], "default": "pending-reboot"},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        changed, result = ensure_parameter_group(module.client("rds"), module.params, module.check_mode)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg=f"Failed to manage parameter group {module.params['name']}")
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
