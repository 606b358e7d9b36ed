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
  - With O(domain) and O(groups), also the pool's hosted domain and its groups, in the same module run (one
    C(DescribeUserPoolDomain) and one C(ListGroups), as M(mosaic.platform.cognito_user_pool_domain) and
    M(mosaic.platform.cognito_user_pool_groups) would read them, without two more module runs).
  - In check mode, a pool not created yet reports its domain and groups as would-create, with no call.
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
  domain:
    description:
      - Prefix of the pool's hosted UI domain (C(<domain>.auth.<region>.amazoncognito.com)), created when missing.
      - A domain that belongs to another pool is an error. Not managed when omitted.
    type: str
  groups:
    description:
      - The pool's groups, created or converged; groups not listed are left alone. Not managed when omitted.
    type: list
    elements: dict
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
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the platform user pool
  mosaic.platform.cognito_user_pool:
    name: legacyplatform-prod
    mfa_configuration: "ON"
    advanced_security_mode: ENFORCED
    domain: legacyplatform-prod
    groups:
      - {name: ops, precedence: 1}
      - {name: dev, precedence: 2}
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
domain:
  description: The hosted domain, with C(changed) true when it is (or would be) created.
  returned: when O(domain) is given and state is present
  type: dict
  sample: {"domain": "legacyplatform-prod", "changed": false}
groups:
  description: Per group name, its pool, role and the settings that differ.
  returned: when O(groups) is given and state is present
  type: dict
  sample: {"ops": {"name": "ops", "user_pool_id": "eu-west-1_AbCdEf123", "role_arn": "", "diff": []}}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.auth_cognito import GROUP_SPEC, ensure_user_pool, ensure_user_pool_domain, ensure_user_pool_groups
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import fail_if_not_unique

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
        "domain": {"type": "str"},
        "groups": {"type": "list", "elements": "dict", "options": GROUP_SPEC},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    if not 8 <= params["password_policy"]["minimum_length"] <= 99:
        module.fail_json(msg="password_policy.minimum_length must be between 8 and 99")
    if params["groups"] is not None:
        fail_if_not_unique(module, "groups names", [g["name"] for g in params["groups"]])
    client = module.client("cognito-idp")
    try:
        changed, result = ensure_user_pool(client, params, module.check_mode, module.region)
        if params["state"] == "present":
            changed = ensure_contents(client, params, result, module.check_mode) or changed
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg=f"Failed to manage user pool {params['name']}")
    module.exit_json(changed=changed, **result)


def ensure_contents(client, params, result, check_mode):
    """Converge the domain and groups given into ``result``; whether anything changed (or would).

    A pool a check run would create has no id: its domain and groups would be created, and nothing is called.
    """
    pool_id, changed = result.get("id"), False
    if params["domain"] is not None:
        if pool_id is None:
            domain_changed, domain = True, {"domain": params["domain"]}
        else:
            domain_changed, domain = ensure_user_pool_domain(client, {"user_pool_id": pool_id, "domain": params["domain"], "state": "present"}, check_mode)
        result["domain"] = dict(domain, changed=domain_changed)
        changed = changed or domain_changed
    if params["groups"] is not None:
        if pool_id is None:
            groups_changed = bool(params["groups"])
            groups = {g["name"]: {"name": g["name"], "user_pool_id": "", "role_arn": g["role_arn"] or "", "diff": ["created"]} for g in params["groups"]}
        else:
            groups_changed, groups = ensure_user_pool_groups(client, pool_id, params["groups"], check_mode)
        result["groups"] = groups
        changed = changed or groups_changed
    return changed


if __name__ == "__main__":
    main()
