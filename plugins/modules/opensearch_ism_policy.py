#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: opensearch_ism_policy
short_description: Manage an index retention policy (Index State Management) in an Amazon OpenSearch Service domain
version_added: 0.1.0
description:
  - Puts (C(PUT _plugins/_ism/policies/<id>)) a policy that deletes the indices it manages once older than
    O(retention_days), attached through C(ism_template) to new indices matching O(index_patterns).
  - ISM attaches a policy to indices created after the policy exists; older indices need
    C(POST _plugins/_ism/add/<pattern>) once.
  - Calls the domain's HTTPS endpoint with a SigV4 signature for service C(es) made from the module's AWS
    credentials (C(es:ESHttpGet), C(es:ESHttpPut)). The endpoint is inside the VPC, so run it from a host that reaches it.
  - Reads the policy first and writes only when it differs; an update carries the sequence number read.
  - Not served by moto; the requests are covered by unit tests against a recording HTTP server, the live path only against real AWS.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  policy_id:
    description: Policy id (lower case).
    type: str
    required: true
  description:
    description: Policy description.
    type: str
    default: Delete indices past their retention
  index_patterns:
    description: New indices matching these patterns get the policy, e.g. C(jaeger-*).
    type: list
    elements: str
    required: true
  retention_days:
    description: Age (days since creation) after which an index is deleted, 1..3650.
    type: int
    required: true
  priority:
    description: C(ism_template) priority when several policies match an index.
    type: int
    default: 100
extends_documentation_fragment:
  - mosaic.platform.opensearch_domain
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Delete Jaeger's indices after 14 days
  mosaic.platform.opensearch_ism_policy:
    endpoint: vpc-legacyplatform-prod-search-abc.eu-west-1.es.amazonaws.com
    policy_id: jaeger-retention
    index_patterns: [jaeger-*]
    retention_days: 14
"""

RETURN = r"""
path:
  description: The API path of the policy.
  returned: always
  type: str
body:
  description: The policy sent (or that would be sent).
  returned: always
  type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.data_search import DOMAIN_ARGUMENT_SPEC, run_ensure
from ansible_collections.mosaic.platform.plugins.module_utils.data_security import ensure_ism_policy, ism_retention_body


def main():
    argument_spec = {
        **DOMAIN_ARGUMENT_SPEC,
        "policy_id": {"type": "str", "required": True},
        "description": {"type": "str", "default": "Delete indices past their retention"},
        "index_patterns": {"type": "list", "elements": "str", "required": True},
        "retention_days": {"type": "int", "required": True},
        "priority": {"type": "int", "default": 100},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_ensure(module, module.params["policy_id"], ism_retention_body, ensure_ism_policy)


if __name__ == "__main__":
    main()
