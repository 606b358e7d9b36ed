#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: opensearch_security_role
short_description: Manage a fine-grained access control role in an Amazon OpenSearch Service domain
version_added: 0.1.0
description:
  - Puts (C(PUT _plugins/_security/api/roles/<name>)) a security role with the named cluster permissions and
    index permissions on the given index patterns only (never C(*) nor system indices).
  - Calls the domain's HTTPS endpoint with a SigV4 signature for service C(es) made from the module's AWS
    credentials, which must map to the security plugin's C(all_access) (the fine-grained access control master role).
    The endpoint is inside the VPC, so run it from a host that reaches it.
  - Reads the role first (C(GET _plugins/_security/api/roles/<name>)) and writes only when it differs.
  - Not served by moto; the requests are covered by unit tests against a recording HTTP server, the live path only against real AWS.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  name:
    description: Role name (lower case).
    type: str
    required: true
  description:
    description: Role description.
    type: str
    default: Managed by mosaic.platform
  cluster_permissions:
    description: Cluster permissions (actions or action groups).
    type: list
    elements: str
    default: []
  index_patterns:
    description: The index patterns the role may use, e.g. C(jaeger-*).
    type: list
    elements: str
    required: true
  allowed_actions:
    description: Index actions or action groups on those patterns.
    type: list
    elements: str
    required: true
extends_documentation_fragment:
  - mosaic.platform.opensearch_domain
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage Jaeger's security role
  mosaic.platform.opensearch_security_role:
    endpoint: vpc-legacyplatform-prod-search-abc.eu-west-1.es.amazonaws.com
    name: jaeger
    cluster_permissions: [cluster:monitor/main, cluster_composite_ops, indices:admin/template/get, indices:admin/template/put]
    index_patterns: [jaeger-*]
    allowed_actions: [crud, create_index, indices:admin/get, indices:admin/mapping/put]
"""

RETURN = r"""
path:
  description: The API path of the role.
  returned: always
  type: str
body:
  description: The role sent (or that would be sent).
  returned: always
  type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.data_search import DOMAIN_ARGUMENT_SPEC, run_ensure
from ansible_collections.mosaic.platform.plugins.module_utils.data_security import ensure_security_role, security_role_body


def main():
    argument_spec = {
        **DOMAIN_ARGUMENT_SPEC,
        "name": {"type": "str", "required": True},
        "description": {"type": "str", "default": "Managed by mosaic.platform"},
        "cluster_permissions": {"type": "list", "elements": "str", "default": []},
        "index_patterns": {"type": "list", "elements": "str", "required": True},
        "allowed_actions": {"type": "list", "elements": "str", "required": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_ensure(module, module.params["name"], security_role_body, ensure_security_role)


if __name__ == "__main__":
    main()
