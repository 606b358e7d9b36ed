#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: opensearch_search_pipeline
short_description: Manage a hybrid-scoring search pipeline in an Amazon OpenSearch Service domain
version_added: 0.1.0
description:
  - Puts (C(PUT _search/pipeline/<name>)) a search pipeline whose C(normalization-processor) normalizes the
    scores of the clauses of a C(hybrid) query (lexical and vector) and combines them with weights.
  - Calls the domain's HTTPS endpoint with a SigV4 signature for service C(es) made from the module's AWS
    credentials (C(es:ESHttpGet), C(es:ESHttpPut)). The endpoint is inside the VPC, so run it from a host that reaches it.
  - Reads the pipeline first (C(GET _search/pipeline/<name>)) and writes only when it differs.
  - Not served by moto; the requests are covered by unit tests against a recording HTTP server, the live path only against real AWS.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  name:
    description: Pipeline name (a query names it with C(search_pipeline=<name>), or an index sets C(index.search.default_pipeline)).
    type: str
    required: true
  description:
    description: Pipeline description.
    type: str
    default: Hybrid scoring of lexical and vector clauses
  normalization:
    description: Score normalization technique.
    type: str
    choices: [min_max, l2]
    default: min_max
  combination:
    description: Score combination technique.
    type: str
    choices: [arithmetic_mean, geometric_mean, harmonic_mean]
    default: arithmetic_mean
  weights:
    description: One weight per hybrid query clause, in clause order, non-negative, summing to 1.0.
    type: list
    elements: float
    required: true
extends_documentation_fragment:
  - mosaic.platform.opensearch_domain
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the hybrid search pipeline
  mosaic.platform.opensearch_search_pipeline:
    endpoint: vpc-legacyplatform-prod-search-abc.eu-west-1.es.amazonaws.com
    name: hybrid
    weights: [0.3, 0.7]
"""

RETURN = r"""
path:
  description: The API path of the pipeline.
  returned: always
  type: str
body:
  description: The pipeline sent (or that would be sent).
  returned: always
  type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.data_search import (
    DOMAIN_ARGUMENT_SPEC,
    ensure_search_pipeline,
    run_ensure,
    search_pipeline_body,
)


def main():
    argument_spec = {
        **DOMAIN_ARGUMENT_SPEC,
        "name": {"type": "str", "required": True},
        "description": {"type": "str", "default": "Hybrid scoring of lexical and vector clauses"},
        "normalization": {"type": "str", "choices": ["min_max", "l2"], "default": "min_max"},
        "combination": {"type": "str", "choices": ["arithmetic_mean", "geometric_mean", "harmonic_mean"], "default": "arithmetic_mean"},
        "weights": {"type": "list", "elements": "float", "required": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_ensure(module, module.params["name"], search_pipeline_body, ensure_search_pipeline)


if __name__ == "__main__":
    main()
