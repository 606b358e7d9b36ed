#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: athena_named_queries
short_description: Manage the Athena saved (named) queries of a workgroup, each identified by its name, in one run
version_added: 0.3.0
description:
  - Athena identifies saved queries by a generated id and allows duplicate names; this module treats the
    name as the key within a workgroup, so repeated runs neither duplicate nor drift. Duplicates of a name are deleted.
  - Every query of O(queries) in one module run, with one listing of the workgroup's saved queries (C(ListNamedQueries),
    then C(GetNamedQuery) per id, as the emulator lacks C(BatchGetNamedQuery)) and no write when they match.
  - C(UpdateNamedQuery) cannot move a query to another database; such a query is deleted and created again.
  - In check mode nothing is written; the result says what would change.
  - No amazon.aws or community.aws module manages Athena.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  workgroup:
    description: Workgroup that holds the queries.
    type: str
    required: true
  queries:
    description: The saved queries.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Query name, unique within the workgroup.
        type: str
        required: true
      database:
        description: Database the query runs against. Required when O(queries[].state=present).
        type: str
      query:
        description: The SQL text. Required when O(queries[].state=present).
        type: str
      description:
        description: Query description.
        type: str
        default: ""
      state:
        description: Whether the query should exist.
        type: str
        choices: [present, absent]
        default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Save the anomaly queries
  mosaic.platform.athena_named_queries:
    workgroup: legacyplatform-prod-audit
    queries:
      - name: root-account-use
        database: legacyplatform_prod_audit
        query: SELECT eventtime, eventname FROM cloudtrail WHERE useridentity.type = 'Root'
      - name: retired-query
        state: absent
"""

RETURN = r"""
queries:
  description: Per query name, the id of the saved query (null for one not created yet or absent) and whether it changed.
  returned: always
  type: dict
  sample: {"root-account-use": {"named_query_id": "0b3c4c6e-5d6a-4f1e-9a59-0f5e6a1d2c3b", "changed": false}}
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mosaic.platform.plugins.module_utils.athena_saved_queries import QUERY_REQUIRED_IF, QUERY_SPEC, converge_all
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import fail_if_not_unique


def main():
    argument_spec = {
        "workgroup": {"type": "str", "required": True},
        "queries": {"type": "list", "elements": "dict", "required": True, "options": QUERY_SPEC, "required_if": QUERY_REQUIRED_IF},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    workgroup, specs = module.params["workgroup"], module.params["queries"]
    fail_if_not_unique(module, "queries names", [s["name"] for s in specs])
    client = module.client("athena", retry_decorator=AWSRetry.jittered_backoff())
    try:
        result, diff = converge_all(module.check_mode, client, workgroup, specs)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the Athena named queries of {workgroup}")
    module.exit_json(changed=any(r["changed"] for r in result.values()), queries=result, diff=diff)


if __name__ == "__main__":
    main()
