#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cognito_user_pool_domain
short_description: Manage the hosted-UI domain prefix of a Cognito user pool
version_added: 0.1.0
description:
  - Creates or deletes the Cognito-hosted domain C(<domain>.auth.<region>.amazoncognito.com) of a user pool.
  - Fails when the prefix belongs to another pool.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  user_pool_id:
    description: Id of the user pool.
    type: str
    required: true
  domain:
    description: Domain prefix (lowercase letters, digits and dashes).
    type: str
    required: true
  state:
    description: Whether the domain exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the hosted domain
  mosaic.platform.cognito_user_pool_domain:
    user_pool_id: "{{ pool.id }}"
    domain: legacyplatform-prod
"""

RETURN = r"""
domain:
  description: The domain prefix.
  returned: when the domain exists
  type: str
user_pool_id:
  description: Pool the domain belongs to.
  returned: when state is present
  type: str
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.auth_cognito import ensure_user_pool_domain


def main():
    argument_spec = {
        "user_pool_id": {"type": "str", "required": True},
        "domain": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if not re.match(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", module.params["domain"]) or "aws" in module.params["domain"]:
        module.fail_json(msg="domain must be lowercase letters, digits and dashes, and may not contain 'aws'")
    client = module.client("cognito-idp")
    try:
        changed, result = ensure_user_pool_domain(client, module.params, module.check_mode)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg=f"Failed to manage domain {module.params['domain']}")
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
