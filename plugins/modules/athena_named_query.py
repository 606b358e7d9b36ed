#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: athena_named_query
short_description: Manage an Athena saved (named) query, identified by its name within a workgroup
version_added: 0.1.0
description:
  - Athena identifies saved queries by a generated id and allows duplicate names; this module treats the
    name as the key within a workgroup, so repeated runs neither duplicate nor drift.
  - No amazon.aws or community.aws module manages Athena.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  name:
    description: Query name, unique within the workgroup.
    type: str
    required: true
  workgroup:
    description: Workgroup that holds the query.
    type: str
    required: true
  database:
    description: Database the query runs against. Required when O(state=present).
    type: str
  query:
    description: The SQL text. Required when O(state=present).
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
- name: Save the root-account-use query
  mosaic.platform.athena_named_query:
    name: root-account-use
    workgroup: legacyplatform-prod-audit
    database: legacyplatform_prod_audit
    query: SELECT eventtime, eventname FROM cloudtrail WHERE useridentity.type = 'Root'
"""

RETURN = r"""
named_query_id:
  description: Id of the saved query.
  returned: when state is present and not in check mode for a new query
  type: str
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def find_by_name(client, workgroup, name):
    """All saved queries of the workgroup with this name (get_named_query one by one: moto lacks the batch call)."""
    try:
        ids = client.get_paginator("list_named_queries").paginate(WorkGroup=workgroup).build_full_result().get("NamedQueryIds", [])
    except is_boto3_error_code("InvalidRequestException"):
        # The workgroup does not exist yet (a check-mode run on a clean account): no saved queries.
        return []
    found = []
    for query_id in ids:
        query = client.get_named_query(aws_retry=True, NamedQueryId=query_id)["NamedQuery"]
        if query.get("Name") == name:
            found.append(query)
    return found


def comparable(query):
    return {"database": query.get("Database"), "query": (query.get("QueryString") or "").strip(), "description": query.get("Description") or ""}


def create_query(client, params, wanted):
    return client.create_named_query(
        aws_retry=True,
        Name=params["name"],
        WorkGroup=params["workgroup"],
        Database=wanted["database"],
        QueryString=wanted["query"],
        Description=wanted["description"],
    )["NamedQueryId"]


def main():
    argument_spec = {
        "name": {"type": "str", "required": True},
        "workgroup": {"type": "str", "required": True},
        "database": {"type": "str"},
        "query": {"type": "str"},
        "description": {"type": "str", "default": ""},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True, required_if=[("state", "present", ["database", "query"])])
    client = module.client("athena", retry_decorator=AWSRetry.jittered_backoff())
    params = module.params

    try:
        found = find_by_name(client, params["workgroup"], params["name"])
        if params["state"] == "absent":
            if found and not module.check_mode:
                for query in found:
                    client.delete_named_query(aws_retry=True, NamedQueryId=query["NamedQueryId"])
            module.exit_json(changed=bool(found))

        wanted = {"database": params["database"], "query": params["query"].strip(), "description": params["description"]}
        if not found:
            query_id = None
            if not module.check_mode:
                query_id = create_query(client, params, wanted)
            module.exit_json(changed=True, named_query_id=query_id, diff={"before": {}, "after": wanted})

        keep, duplicates = found[0], found[1:]
        before = comparable(keep)
        changed = before != wanted or bool(duplicates)
        if changed and not module.check_mode:
            # UpdateNamedQuery cannot move a query to another database; recreate it then.
            if before["database"] != wanted["database"]:
                client.delete_named_query(aws_retry=True, NamedQueryId=keep["NamedQueryId"])
                keep["NamedQueryId"] = create_query(client, params, wanted)
            elif before != wanted:
                client.update_named_query(
                    aws_retry=True, NamedQueryId=keep["NamedQueryId"], Name=params["name"], QueryString=wanted["query"], Description=wanted["description"]
                )
            for query in duplicates:
                client.delete_named_query(aws_retry=True, NamedQueryId=query["NamedQueryId"])
        module.exit_json(changed=changed, named_query_id=keep["NamedQueryId"], diff={"before": before, "after": wanted})
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the Athena named query {params['name']}")


if __name__ == "__main__":
    main()
