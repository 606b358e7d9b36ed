#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: opensearch_role_mapping
short_description: Map a fine-grained access control role to IAM roles in an Amazon OpenSearch Service domain
version_added: 0.1.0
description:
  - Puts (C(PUT _plugins/_security/api/rolesmapping/<name>)) the mapping of a security role to IAM role ARNs
    (backend roles), with no users and no hosts, so only those IAM roles act as that security role.
  - Calls the domain's HTTPS endpoint with a SigV4 signature for service C(es) made from the module's AWS
    credentials, which must map to C(all_access) (the fine-grained access control master role). The endpoint is
    inside the VPC, so run it from a host that reaches it.
  - Reads the mapping first and writes only when it differs (backend roles compared as a set).
  - Not served by moto; the requests are covered by unit tests against a recording HTTP server, the live path only against real AWS.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  name:
    description: The security role mapped (see M(mosaic.platform.opensearch_security_role)).
    type: str
    required: true
  backend_roles:
    description: IAM role ARNs that act as the security role.
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
- name: Map Jaeger's IRSA role to its security role
  mosaic.platform.opensearch_role_mapping:
    endpoint: vpc-legacyplatform-prod-search-abc.eu-west-1.es.amazonaws.com
    name: jaeger
    backend_roles: [arn:aws:iam::123456789012:role/legacyplatform-prod-irsa-jaeger]
"""

RETURN = r"""
path:
  description: The API path of the mapping.
  returned: always
  type: str
body:
  description: The mapping sent (or that would be sent).
  returned: always
  type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.data_search import DOMAIN_ARGUMENT_SPEC, run_ensure
from ansible_collections.mosaic.platform.plugins.module_utils.data_security import ensure_role_mapping, role_mapping_body


def main():
    argument_spec = {
        **DOMAIN_ARGUMENT_SPEC,
        "name": {"type": "str", "required": True},
        "backend_roles": {"type": "list", "elements": "str", "required": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_ensure(module, module.params["name"], lambda p: role_mapping_body(p["backend_roles"]), ensure_role_mapping)


if __name__ == "__main__":
    main()
