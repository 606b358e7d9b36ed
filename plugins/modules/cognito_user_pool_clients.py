#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cognito_user_pool_clients
short_description: Manage a list of Cognito user pool app clients for the OIDC authorization code flow in one run
version_added: 0.2.0
description:
  - Creates or converges every app client of O(clients), found by name, in one module run, as
    M(mosaic.platform.cognito_user_pool_client) does for one (hosted UI, C(COGNITO) provider, the OAuth flows given,
    token revocation, no user-existence errors).
  - The pool's clients are listed once (C(ListUserPoolClients)) and each existing one described once
    (C(DescribeUserPoolClient)); a converged client costs no write.
  - The generated client secrets are returned only with O(return_secret=true); run such a task with C(no_log) and
    store the secrets (for example in Secrets Manager), never in outputs.
  - Clients are only created or updated; removing one is left to M(mosaic.platform.cognito_user_pool_client) with
    C(state=absent).
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  user_pool_id:
    description: Id of the user pool.
    type: str
    required: true
  clients:
    description: The app clients.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Client name, unique in the pool.
        type: str
        required: true
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
    description: Return each client's secret (C(client_secret) in RV(clients)).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Supports check mode; a client that does not exist yet is reported as created, without a client id, and calls
    nothing.
"""

EXAMPLES = r"""
- name: Manage the Grafana and Argo CD clients
  mosaic.platform.cognito_user_pool_clients:
    user_pool_id: "{{ pool.id }}"
    clients:
      - {name: grafana, callback_urls: [https://grafana.example.com/login/generic_oauth]}
      - {name: argocd, callback_urls: [https://argocd.example.com/auth/callback]}
    return_secret: true
  no_log: true
  register: clients
"""

RETURN = r"""
clients:
  description:
    - Per client, in the order given, its name, the settings that differ (or C(created)), and once it exists its
      id, pool and (with O(return_secret)) secret.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "grafana", "client_id": "4f1k...", "user_pool_id": "eu-west-1_abc", "diff": []}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.auth_cognito import ensure_user_pool_clients


def main():
    client_spec = {
        "name": {"type": "str", "required": True},
        "callback_urls": {"type": "list", "elements": "str", "default": []},
        "logout_urls": {"type": "list", "elements": "str", "default": []},
        "allowed_oauth_flows": {"type": "list", "elements": "str", "choices": ["code", "implicit", "client_credentials"], "default": ["code"]},
        "allowed_oauth_scopes": {"type": "list", "elements": "str", "default": ["openid", "email", "profile"]},
        "generate_secret": {"type": "bool", "default": True, "no_log": False},
    }
    argument_spec = {
        "user_pool_id": {"type": "str", "required": True},
        "clients": {"type": "list", "elements": "dict", "required": True, "options": client_spec},
        "return_secret": {"type": "bool", "default": False, "no_log": False},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    bad = sorted({u for c in params["clients"] for u in c["callback_urls"] + c["logout_urls"] if not u.startswith(("https://", "http://localhost"))})
    if bad:
        module.fail_json(msg=f"clients callback_urls/logout_urls must be https (or http://localhost): {bad}")
    try:
        changed, result = ensure_user_pool_clients(
            module.client("cognito-idp"), params["user_pool_id"], params["clients"], params["return_secret"], module.check_mode
        )
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg="Failed to manage the app clients")
    module.exit_json(changed=changed, clients=result)


if __name__ == "__main__":
    main()
