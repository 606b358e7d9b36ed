#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cognito_user_pool
short_description: Manage a Cognito user pool for OIDC sign-in
version_added: 0.1.0
description:
  - Creates, updates or deletes an Amazon Cognito user pool, found by name.
  - Manages the MFA setting (TOTP), the password policy, the advanced security mode, deletion
    protection and the tags. Sign-up is admin-only and users sign in with their e-mail address.
  - community.aws has no Cognito modules, hence this one.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  name:
    description: Name of the user pool (unique in the account and region).
    type: str
    required: true
  state:
    description: Whether the pool exists.
    type: str
    choices: [present, absent]
    default: present
  mfa_configuration:
    description: C(OFF), C(OPTIONAL) or C(ON). C(OPTIONAL) and C(ON) enable TOTP (software token) MFA.
    type: str
    choices: ['OFF', 'OPTIONAL', 'ON']
    default: 'OPTIONAL'
  password_policy:
    description: Password policy.
    type: dict
    default: {}
    suboptions:
      minimum_length:
        description: Minimum length.
        type: int
        default: 14
      require_uppercase:
        description: Require an uppercase letter.
        type: bool
        default: true
      require_lowercase:
        description: Require a lowercase letter.
        type: bool
        default: true
      require_numbers:
        description: Require a digit.
        type: bool
        default: true
      require_symbols:
        description: Require a symbol.
        type: bool
        default: true
      temporary_password_validity_days:
        description: Days a temporary password stays valid.
        type: int
        default: 7
  advanced_security_mode:
    description: Threat protection (advanced security) mode.
    type: str
    choices: ['OFF', 'AUDIT', 'ENFORCED']
    default: 'OFF'
  deletion_protection:
    description: Refuse deletion through the API while on. C(state=absent) turns it off first.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the platform user pool
  mosaic.platform.cognito_user_pool:
    name: legacyplatform-prod
    mfa_configuration: "ON"
    advanced_security_mode: ENFORCED
    tags:
      Env: prod
"""

RETURN = r"""
id:
  description: User pool id.
  returned: when the pool exists
  type: str
  sample: eu-west-1_AbCdEf123
arn:
  description: User pool ARN.
  returned: when the pool exists
  type: str
issuer_url:
  description: OIDC issuer URL of the pool.
  returned: when the pool exists
  type: str
  sample: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123
diff:
  description: Settings that differ (or C(created)).
  returned: when state is present
  type: list
  elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.auth_cognito import ensure_user_pool

PASSWORD_SPEC = {
    "minimum_length": {"type": "int", "default": 14, "no_log": False},
    "require_uppercase": {"type": "bool", "default": True},
    "require_lowercase": {"type": "bool", "default": True},
    "require_numbers": {"type": "bool", "default": True},
    "require_symbols": {"type": "bool", "default": True},
    "temporary_password_validity_days": {"type": "int", "default": 7, "no_log": False},
}


def main():
    argument_spec = {
        "name": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "mfa_configuration": {"type": "str", "choices": ["OFF", "OPTIONAL", "ON"], "default": "OPTIONAL"},
        "password_policy": {"type": "dict", "default": {}, "options": PASSWORD_SPEC, "no_log": False},
        "advanced_security_mode": {"type": "str", "choices": ["OFF", "AUDIT", "ENFORCED"], "default": "OFF"},
        "deletion_protection": {"type": "bool", "default": True},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if not 8 <= module.params["password_policy"]["minimum_length"] <= 99:
        module.fail_json(msg="password_policy.minimum_length must be between 8 and 99")
    client = module.client("cognito-idp")
    try:
        changed, result = ensure_user_pool(client, module.params, module.check_mode, module.region)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg=f"Failed to manage user pool {module.params['name']}")
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
