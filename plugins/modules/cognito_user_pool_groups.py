#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cognito_user_pool_groups
short_description: Manage a list of groups of a Cognito user pool in one run
version_added: 0.2.0
description:
  - Creates or converges every group of O(groups) in one module run, as M(mosaic.platform.cognito_user_pool_group)
    does for one. The group names reach applications in the C(cognito:groups) claim.
  - The pool's groups are read with one paginated C(ListGroups); a converged group costs no further call.
  - Groups are only created or updated; removing one is left to M(mosaic.platform.cognito_user_pool_group) with
    C(state=absent).
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  user_pool_id:
    description: Id of the user pool.
    type: str
    required: true
  groups:
    description: The groups.
    type: list
    elements: dict
    required: true
    suboptions:
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
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Supports check mode; a group that does not exist yet is reported as a change and calls nothing.
"""

EXAMPLES = r"""
- name: Manage the ops and dev groups
  mosaic.platform.cognito_user_pool_groups:
    user_pool_id: "{{ pool.id }}"
    groups:
      - {name: ops, precedence: 1}
      - {name: dev, precedence: 2}
"""

RETURN = r"""
groups:
  description: Per group name, its pool, mapped IAM role ARN (or an empty string) and the settings that differed.
  returned: always
  type: dict
  sample: {"ops": {"name": "ops", "user_pool_id": "eu-west-1_abc", "role_arn": "", "diff": []}}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.auth_cognito import GROUP_SPEC, ensure_user_pool_groups


def main():
    argument_spec = {
        "user_pool_id": {"type": "str", "required": True},
        "groups": {"type": "list", "elements": "dict", "required": True, "options": GROUP_SPEC},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        changed, result = ensure_user_pool_groups(module.client("cognito-idp"), module.params["user_pool_id"], module.params["groups"], module.check_mode)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg="Failed to manage the user pool groups")
    module.exit_json(changed=changed, groups=result)


if __name__ == "__main__":
    main()
