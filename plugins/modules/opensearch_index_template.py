#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: opensearch_index_template
short_description: Manage a k-NN index template for hybrid search in an Amazon OpenSearch Service domain
version_added: 0.1.0
description:
  - Puts (C(PUT _index_template/<name>)) a composable index template with C(index.knn) on, one
    C(knn_vector) field (HNSW, with the engine and space type given) and one C(text) field, so an index
    it creates serves lexical, vector and hybrid queries.
  - Calls the domain's HTTPS endpoint with a SigV4 signature for service C(es) made from the module's AWS
    credentials (C(es:ESHttpGet), C(es:ESHttpPut)). The endpoint is inside the VPC, so run it from a host that reaches it.
  - Reads the template first (C(GET _index_template/<name>?flat_settings=true)) and writes only when it differs,
    a field dropped from the wanted mapping counts as a difference.
  - Not served by moto; the requests are covered by unit tests against a recording HTTP server, the live path only against real AWS.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  name:
    description: Template name.
    type: str
    required: true
  index_patterns:
    description: Index name patterns the template applies to.
    type: list
    elements: str
    required: true
  priority:
    description: Template priority (the highest matching template wins).
    type: int
    default: 100
  shards:
    description: Primary shards of a new index.
    type: int
    default: 1
  replicas:
    description: Replicas of a new index.
    type: int
    default: 1
  text_field:
    description: Name of the C(text) field (the lexical half of a hybrid query).
    type: str
    default: content
  vector_field:
    description: Name of the C(knn_vector) field.
    type: str
    default: embedding
  dimension:
    description: Vector dimension, 1 to 16000.
    type: int
    required: true
  engine:
    description: k-NN engine.
    type: str
    choices: [faiss, lucene, nmslib]
    default: faiss
  space_type:
    description:
      - Distance function. C(faiss) takes C(l2), C(innerproduct); C(lucene) also C(cosinesimil);
        C(nmslib) also C(l1), C(linf).
    type: str
    default: l2
  m:
    description: HNSW graph links per node.
    type: int
    default: 16
  ef_construction:
    description: HNSW candidate list size at build time.
    type: int
    default: 128
extends_documentation_fragment:
  - mosaic.platform.opensearch_domain
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the documents template
  mosaic.platform.opensearch_index_template:
    endpoint: vpc-legacyplatform-prod-search-abc.eu-west-1.es.amazonaws.com
    name: documents
    index_patterns: [documents-*]
    dimension: 768
    engine: lucene
    space_type: cosinesimil
"""

RETURN = r"""
path:
  description: The API path of the template.
  returned: always
  type: str
body:
  description: The template sent (or that would be sent).
  returned: always
  type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.data_search import (
    DOMAIN_ARGUMENT_SPEC,
    ensure_index_template,
    index_template_body,
    run_ensure,
)

TEMPLATE_KEYS = ("index_patterns", "priority", "shards", "replicas", "text_field", "vector_field", "dimension", "engine", "space_type", "m", "ef_construction")


def main():
    argument_spec = {
        **DOMAIN_ARGUMENT_SPEC,
        "name": {"type": "str", "required": True},
        "index_patterns": {"type": "list", "elements": "str", "required": True},
        "priority": {"type": "int", "default": 100},
        "shards": {"type": "int", "default": 1},
        "replicas": {"type": "int", "default": 1},
        "text_field": {"type": "str", "default": "content"},
        "vector_field": {"type": "str", "default": "embedding"},
        "dimension": {"type": "int", "required": True},
        "engine": {"type": "str", "choices": ["faiss", "lucene", "nmslib"], "default": "faiss"},
        "space_type": {"type": "str", "default": "l2"},
        "m": {"type": "int", "default": 16},
        "ef_construction": {"type": "int", "default": 128},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_ensure(module, module.params["name"], lambda p: index_template_body({k: p[k] for k in TEMPLATE_KEYS}), ensure_index_template)


if __name__ == "__main__":
    main()
