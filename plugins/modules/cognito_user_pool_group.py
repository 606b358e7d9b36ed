#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cognito_user_pool_group
short_description: Manage a group of a Cognito user pool
version_added: 0.1.0
description:
  - Creates, updates or deletes a user pool group. The group name reaches applications in the
    C(cognito:groups) claim; O(role_arn) maps it to an IAM role for identity pools.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  user_pool_id:
    description: Id of the user pool.
    type: str
    required: true
  name:
    description: Group name.
    type: str
    required: true
  description:
    description: Group description.
    type: str
    default: ""
  precedence:
    description: Lower wins when a user is in several groups with roles.
    type: int
    default: 10
  role_arn:
    description: IAM role ARN the group maps to.
    type: str
  state:
    description: Whether the group exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the ops group
  mosaic.platform.cognito_user_pool_group:
    user_pool_id: "{{ pool.id }}"
    name: ops
    precedence: 1
"""

RETURN = r"""
name:
  description: Group name.
  returned: when the group exists
  type: str
role_arn:
  description: Mapped IAM role ARN, or an empty string.
  returned: when state is present
  type: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.auth_cognito import ensure_user_pool_group


def main():
    argument_spec = {
        "user_pool_id": {"type": "str", "required": True},
        "name": {"type": "str", "required": True},
        "description": {"type": "str", "default": ""},
        "precedence": {"type": "int", "default": 10},
        "role_arn": {"type": "str"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("cognito-idp")
    try:
        changed, result = ensure_user_pool_group(client, module.params, module.check_mode)
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg=f"Failed to manage group {module.params['name']}")
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
