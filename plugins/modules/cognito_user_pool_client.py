#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cognito_user_pool_client
short_description: Manage a Cognito user pool app client for the OIDC authorization code flow
version_added: 0.1.0
description:
  - Creates, updates or deletes an app client of a Cognito user pool, found by name.
  - The client uses the hosted UI (C(COGNITO) provider), OAuth flows from O(allowed_oauth_flows),
    token revocation and no user-existence errors.
  - The generated client secret is returned only with O(return_secret=true); run such a task with
    C(no_log) and store the secret (for example in Secrets Manager), never in outputs.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  user_pool_id:
    description: Id of the user pool.
    type: str
    required: true
  name:
    description: Client name, unique in the pool.
    type: str
    required: true
  state:
    description: Whether the client exists.
    type: str
    choices: [present, absent]
    default: present
  callback_urls:
    description: Allowed redirect (callback) URLs.
    type: list
    elements: str
    default: []
  logout_urls:
    description: Allowed sign-out URLs.
    type: list
    elements: str
    default: []
  allowed_oauth_flows:
    description: OAuth flows.
    type: list
    elements: str
    choices: [code, implicit, client_credentials]
    default: [code]
  allowed_oauth_scopes:
    description: OAuth scopes.
    type: list
    elements: str
    default: [openid, email, profile]
  generate_secret:
    description: Generate a client secret (confidential client). Cannot change after creation.
    type: bool
    default: true
  return_secret:
    description: Return the client secret as RV(client_secret).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the Grafana client
  mosaic.platform.cognito_user_pool_client:
    user_pool_id: "{{ pool.id }}"
    name: grafana
    callback_urls: [https://grafana.example.com/login/generic_oauth]
    return_secret: true
  no_log: true
  register: grafana_client
"""

RETURN = r"""
client_id:
  description: App client id.
  returned: when the client exists
  type: str
client_secret:
  description: App client secret (run the task with no_log).
  returned: when return_secret is true and the client exists
  type: str
diff:
  description: Settings that differ (or C(created)).
  returned: when state is present
  type: list
  elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.auth_cognito import ensure_user_pool_client


def main():
    argument_spec = {
        "user_pool_id": {"type": "str", "required": True},
        "name": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "callback_urls": {"type": "list", "elements": "str", "default": []},
        "logout_urls": {"type": "list", "elements": "str", "default": []},
        "allowed_oauth_flows": {"type": "list", "elements": "str", "choices": ["code", "implicit", "client_credentials"], "default": ["code"]},
        "allowed_oauth_scopes": {"type": "list", "elements": "str", "default": ["openid", "email", "profile"]},
        "generate_secret": {"type": "bool", "default": True, "no_log": False},
        "return_secret": {"type": "bool", "default": False, "no_log": False},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if module.params["state"] == "present":
        bad = [u for u in module.params["callback_urls"] + module.params["logout_urls"] if not u.startswith(("https://", "http://localhost"))]
        if bad:
            module.fail_json(msg=f"callback_urls/logout_urls must be https (or http://localhost): {bad}")
    client = module.client("cognito-idp")
    try:
        changed, result = ensure_user_pool_client(client, module.params, module.check_mode)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg=f"Failed to manage app client {module.params['name']}")
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
