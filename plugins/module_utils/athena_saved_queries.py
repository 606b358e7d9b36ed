# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Athena saved (named) queries keyed by name within a workgroup, shared by athena_named_queries and athena_queries.

Athena identifies a saved query by a generated id and allows duplicate names; these helpers treat the name as the key,
keep the first query of a name and delete its duplicates, so repeated runs neither duplicate nor drift.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

# The suboptions of one saved query, in both modules' argument specs.
QUERY_SPEC = {
    "name": {"type": "str", "required": True},
    "database": {"type": "str"},
    "query": {"type": "str"},
    "description": {"type": "str", "default": ""},
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
}
QUERY_REQUIRED_IF = [("state", "present", ["database", "query"])]


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


def converge(check, client, workgroup, spec, found):
    """Converge one saved query; return (id, changed, before, after)."""
    name = spec["name"]
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


def converge_all(check, client, workgroup, specs):
    """Converge every saved query of specs with one listing; return (results by name, diff of the changed ones)."""
    saved = saved_by_name(client, workgroup)
    result, before, after = {}, {}, {}
    for spec in specs:
        name = spec["name"]
        query_id, changed, before[name], after[name] = converge(check, client, workgroup, spec, saved.get(name, []))
        result[name] = {"named_query_id": query_id, "changed": changed}
    changed = [n for n, r in result.items() if r["changed"]]
    return result, {"before": {n: before[n] for n in changed}, "after": {n: after[n] for n in changed}}
