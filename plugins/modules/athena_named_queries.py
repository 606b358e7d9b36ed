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

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import fail_if_not_unique


def saved_by_name(client, workgroup):
    """Every saved query of the workgroup, by name (GetNamedQuery one by one: moto lacks the batch call)."""
    try:
        ids = client.get_paginator("list_named_queries").paginate(WorkGroup=workgroup).build_full_result().get("NamedQueryIds", [])
    except is_boto3_error_code("InvalidRequestException"):
        # The workgroup does not exist yet (a check-mode run on a clean account): no saved queries.
        return {}
    found = {}
    for query_id in ids:
        query = client.get_named_query(aws_retry=True, NamedQueryId=query_id)["NamedQuery"]
        found.setdefault(query.get("Name"), []).append(query)
    return found


def comparable(query):
    return {"database": query.get("Database"), "query": (query.get("QueryString") or "").strip(), "description": query.get("Description") or ""}


def create_query(client, workgroup, name, wanted):
    return client.create_named_query(
        aws_retry=True,
        Name=name,
        WorkGroup=workgroup,
        Database=wanted["database"],
        QueryString=wanted["query"],
        Description=wanted["description"],
    )["NamedQueryId"]


def converge(module, client, workgroup, spec, found):
    """Converge one saved query; return (id, changed, before, after)."""
    check, name = module.check_mode, spec["name"]
    if spec["state"] == "absent":
        if not check:
            for query in found:
                client.delete_named_query(aws_retry=True, NamedQueryId=query["NamedQueryId"])
        return None, bool(found), {"queries": len(found)}, {"queries": 0}
    wanted = {"database": spec["database"], "query": spec["query"].strip(), "description": spec["description"]}
    if not found:
        return (None if check else create_query(client, workgroup, name, wanted)), True, {}, wanted
    keep, duplicates = found[0], found[1:]
    query_id, before = keep["NamedQueryId"], comparable(keep)
    changed = before != wanted or bool(duplicates)
    if changed and not check:
        if before["database"] != wanted["database"]:
            client.delete_named_query(aws_retry=True, NamedQueryId=query_id)
            query_id = create_query(client, workgroup, name, wanted)
        elif before != wanted:
            client.update_named_query(aws_retry=True, NamedQueryId=query_id, Name=name, QueryString=wanted["query"], Description=wanted["description"])
        for query in duplicates:
            client.delete_named_query(aws_retry=True, NamedQueryId=query["NamedQueryId"])
    return query_id, changed, before, wanted


def main():
    query_spec = {
        "name": {"type": "str", "required": True},
        "database": {"type": "str"},
        "query": {"type": "str"},
        "description": {"type": "str", "default": ""},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    argument_spec = {
        "workgroup": {"type": "str", "required": True},
        "queries": {
            "type": "list",
            "elements": "dict",
            "required": True,
            "options": query_spec,
            "required_if": [("state", "present", ["database", "query"])],
        },
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    workgroup, specs = module.params["workgroup"], module.params["queries"]
    names = [s["name"] for s in specs]
    fail_if_not_unique(module, "queries names", names)
    client = module.client("athena", retry_decorator=AWSRetry.jittered_backoff())

    result, before, after = {}, {}, {}
    try:
        saved = saved_by_name(client, workgroup)
        for spec in specs:
            name = spec["name"]
            query_id, changed, before[name], after[name] = converge(module, client, workgroup, spec, saved.get(name, []))
            result[name] = {"named_query_id": query_id, "changed": changed}
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the Athena named queries of {workgroup}")
    changed = [n for n, r in result.items() if r["changed"]]
    module.exit_json(changed=bool(changed), queries=result, diff={"before": {n: before[n] for n in changed}, "after": {n: after[n] for n in changed}})


if __name__ == "__main__":
    main()
