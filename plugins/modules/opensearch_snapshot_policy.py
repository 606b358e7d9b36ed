#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: opensearch_snapshot_policy
short_description: Manage a snapshot management policy in an Amazon OpenSearch Service domain
version_added: 0.1.0
description:
  - Creates (C(POST _plugins/_sm/policies/<name>)) or updates (C(PUT) with C(if_seq_no) and C(if_primary_term))
    a snapshot management policy, a snapshot on a cron schedule into a registered repository, and deletion
    of those older than O(max_age) or beyond O(max_count), never below O(min_count).
  - Calls the domain's HTTPS endpoint with a SigV4 signature for service C(es) made from the module's AWS
    credentials (C(es:ESHttpGet), C(es:ESHttpPost), C(es:ESHttpPut)); with fine-grained access control the caller
    needs the C(snapshot_management_full_access) role. The endpoint is inside the VPC.
  - Reads the policy first (C(GET _plugins/_sm/policies/<name>)) and writes only when it differs.
  - Not served by moto; the requests are covered by unit tests against a recording HTTP server, the live path only against real AWS.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  name:
    description: Policy name.
    type: str
    required: true
  repository:
    description: Registered snapshot repository (M(mosaic.platform.opensearch_snapshot_repository)).
    type: str
    required: true
  description:
    description: Policy description.
    type: str
    default: Scheduled snapshots with retention
  schedule:
    description: Cron expression (5 fields) of the snapshots.
    type: str
    required: true
  deletion_schedule:
    description: Cron expression (5 fields) of the retention sweep.
    type: str
    required: true
  timezone:
    description: Time zone of both schedules.
    type: str
    default: UTC
  time_limit:
    description: Longest a snapshot may run (OpenSearch time unit, for example C(1h)).
    type: str
    default: 1h
  indices:
    description: Index pattern to snapshot.
    type: str
    default: "*"
  max_age:
    description: Delete snapshots older than this (OpenSearch time unit, for example C(35d)).
    type: str
    required: true
  max_count:
    description: Keep at most this many snapshots.
    type: int
    required: true
  min_count:
    description: Always keep at least this many, whatever their age.
    type: int
    default: 1
extends_documentation_fragment:
  - mosaic.platform.opensearch_domain
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Take a snapshot every night, keep 35 days
  mosaic.platform.opensearch_snapshot_policy:
    endpoint: vpc-legacyplatform-prod-search-abc.eu-west-1.es.amazonaws.com
    name: nightly
    repository: s3-snapshots
    schedule: "0 1 * * *"
    deletion_schedule: "0 3 * * *"
    max_age: 35d
    max_count: 40
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
from ansible_collections.mosaic.platform.plugins.module_utils.data_search import (
    DOMAIN_ARGUMENT_SPEC,
    ensure_snapshot_policy,
    run_ensure,
    snapshot_policy_body,
)


def main():
    argument_spec = {
        **DOMAIN_ARGUMENT_SPEC,
        "name": {"type": "str", "required": True},
        "repository": {"type": "str", "required": True},
        "description": {"type": "str", "default": "Scheduled snapshots with retention"},
        "schedule": {"type": "str", "required": True},
        "deletion_schedule": {"type": "str", "required": True},
        "timezone": {"type": "str", "default": "UTC"},
        "time_limit": {"type": "str", "default": "1h"},
        "indices": {"type": "str", "default": "*"},
        "max_age": {"type": "str", "required": True},
        "max_count": {"type": "int", "required": True},
        "min_count": {"type": "int", "default": 1},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run_ensure(module, module.params["name"], lambda p: snapshot_policy_body(p["repository"], p), ensure_snapshot_policy)


if __name__ == "__main__":
    main()
