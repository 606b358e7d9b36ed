#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: athena_queries
short_description: Run Athena DDL statements in order, each once and idempotently, and manage saved queries, in one run
version_added: 0.3.0
description:
  - Runs each statement of O(statements) (C(CREATE DATABASE), C(CREATE EXTERNAL TABLE), ...) in order through
    C(StartQueryExecution) in one workgroup and waits for it to finish, but only when it has not taken effect yet.
  - "Two ways to know that, one per statement: O(statements[].creates_database) asks the Athena catalog
    (C(GetDatabase)) whether the database exists; O(statements[].marker_tag) keeps the SHA-256 of the last statement
    that succeeded in a tag of the workgroup, so a changed statement runs again (after O(statements[].replace_query),
    for example C(DROP TABLE IF EXISTS), which is harmless for external tables)."
  - The marker is used for tables because the emulator (moto) records databases created by DDL but not tables,
    and has no C(GetTableMetadata)/C(ListTableMetadata). It lives on the workgroup rather than in S3 so that it needs
    no access to the (policy-guarded) log bucket. The workgroup's tags are read once per run.
  - Use keys starting with C(mosaic:ddl:), which M(mosaic.platform.athena_workgroup) does not purge.
  - A statement that fails stops the run; the statements before it keep their markers, so a re-run starts there.
  - After the statements, O(named_queries) converges the workgroup's saved queries the way
    M(mosaic.platform.athena_named_queries) does (the name is the key; one listing), so a role that creates the tables
    the queries read saves them in the same module run.
  - No amazon.aws or community.aws module runs Athena queries.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  workgroup:
    description: Workgroup to run in (its enforced result location and encryption apply).
    type: str
    required: true
  catalog:
    description: Data catalog.
    type: str
    default: AwsDataCatalog
  wait_timeout:
    description: Seconds to wait for each statement to finish.
    type: int
    default: 120
  statements:
    description: The statements, run in this order.
    type: list
    elements: dict
    required: true
    suboptions:
      query:
        description: The statement.
        type: str
        required: true
      database:
        description: Database context of the statement.
        type: str
      creates_database:
        description: Skip when this database exists in O(catalog).
        type: str
      marker_tag:
        description:
          - Key of the workgroup tag (for example C(mosaic:ddl:<database>.<table>)) whose value is the SHA-256 of the
            last statement that succeeded; skip when it holds the SHA-256 of the query. Written after the statement
            succeeds.
          - "An Athena tag key: 1-128 letters, digits, spaces and C(+ - = . _ : / @), not starting with C(aws:)."
          - A missing workgroup (check mode on a clean account) means the statement never ran.
        type: str
      replace_query:
        description: Statement run first when the marker tag exists but holds another hash (the statement changed).
        type: str
  named_queries:
    description:
      - Saved queries of the workgroup, converged after the statements; the same options as
        M(mosaic.platform.athena_named_queries)' O(mosaic.platform.athena_named_queries#module:queries).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Query name, unique within the workgroup.
        type: str
        required: true
      database:
        description: Database the query runs against. Required when O(named_queries[].state=present).
        type: str
      query:
        description: The SQL text. Required when O(named_queries[].state=present).
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
- name: Create the audit database and the CloudTrail table
  mosaic.platform.athena_queries:
    workgroup: legacyplatform-prod-audit
    statements:
      - query: CREATE DATABASE IF NOT EXISTS legacyplatform_prod_audit
        creates_database: legacyplatform_prod_audit
      - query: "{{ lookup('ansible.builtin.template', 'cloudtrail.sql.j2') }}"
        database: legacyplatform_prod_audit
        marker_tag: "mosaic:ddl:legacyplatform_prod_audit.cloudtrail"
        replace_query: DROP TABLE IF EXISTS cloudtrail
    named_queries:
      - name: root-account-use
        database: legacyplatform_prod_audit
        query: SELECT eventtime, eventname FROM cloudtrail WHERE useridentity.type = 'Root'
"""

RETURN = r"""
statements:
  description: Per statement, in order, the SHA-256 of its query (the value of its marker once it succeeded), whether it ran
    (or would), and the id of its execution when it ran.
  returned: always
  type: list
  elements: dict
  sample: [{"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "changed": true, "query_execution_id": "a1b2"}]
named_queries:
  description: Per saved query name, the id of the saved query (null for one not created yet or absent) and whether it changed.
  returned: always
  type: dict
  sample: {"root-account-use": {"named_query_id": "0b3c4c6e-5d6a-4f1e-9a59-0f5e6a1d2c3b", "changed": false}}
"""

import contextlib
import hashlib
import time

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mosaic.platform.plugins.module_utils.athena_common import get_workgroup, tag_key_error, workgroup_arn, workgroup_tags
from ansible_collections.mosaic.platform.plugins.module_utils.athena_saved_queries import QUERY_REQUIRED_IF, QUERY_SPEC, converge_all
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import fail_if_not_unique


def read_markers(module, client, arn):
    """The workgroup's tags; none when the workgroup does not exist (check mode on a clean account): nothing ran in it."""
    if get_workgroup(client, module.params["workgroup"]) is None:
        return {}
    return workgroup_tags(client, arn)


def database_exists(client, catalog, name):
    try:
        client.get_database(aws_retry=True, CatalogName=catalog, DatabaseName=name)
        return True
    except is_boto3_error_code(["MetadataException", "EntityNotFoundException"]):
        return False


def run(module, client, query, database):
    params = module.params
    request = {"QueryString": query, "WorkGroup": params["workgroup"], "QueryExecutionContext": {"Catalog": params["catalog"]}}
    if database:
        request["QueryExecutionContext"]["Database"] = database
    execution_id = client.start_query_execution(aws_retry=True, **request)["QueryExecutionId"]
    deadline = time.time() + params["wait_timeout"]
    while True:
        status = client.get_query_execution(aws_retry=True, QueryExecutionId=execution_id)["QueryExecution"]["Status"]
        if status["State"] == "SUCCEEDED":
            return execution_id
        if status["State"] in ("FAILED", "CANCELLED"):
            module.fail_json(msg=f"Athena statement {execution_id} {status['State']}: {status.get('StateChangeReason', '')}", query=query)
        if time.time() > deadline:
            module.fail_json(msg=f"Athena statement {execution_id} still {status['State']} after {params['wait_timeout']}s", query=query)
        time.sleep(1)


def apply_statement(module, client, statement, markers, arn):
    """Run one statement unless it took effect already; return its result entry and its diff (or None)."""
    digest = hashlib.sha256(statement["query"].strip().encode()).hexdigest()
    if statement["creates_database"]:
        if database_exists(client, module.params["catalog"], statement["creates_database"]):
            return {"sha256": digest, "changed": False}, None
        entry = {"sha256": digest, "changed": True}
        if not module.check_mode:
            entry["query_execution_id"] = run(module, client, statement["query"], statement["database"])
        return entry, None
    key = statement["marker_tag"]
    previous = markers.get(key)
    if previous == digest:
        return {"sha256": digest, "changed": False}, None
    diff = {"before": {key: previous or ""}, "after": {key: digest}}
    entry = {"sha256": digest, "changed": True}
    if not module.check_mode:
        if previous and statement["replace_query"]:
            run(module, client, statement["replace_query"], statement["database"])
        entry["query_execution_id"] = run(module, client, statement["query"], statement["database"])
        client.tag_resource(aws_retry=True, ResourceARN=arn, Tags=[{"Key": key, "Value": digest}])
        markers[key] = digest
    return entry, diff


def main():
    statement_spec = {
        "query": {"type": "str", "required": True},
        "database": {"type": "str"},
        "creates_database": {"type": "str"},
        "marker_tag": {"type": "str"},
        "replace_query": {"type": "str"},
    }
    argument_spec = {
        "workgroup": {"type": "str", "required": True},
        "catalog": {"type": "str", "default": "AwsDataCatalog"},
        "wait_timeout": {"type": "int", "default": 120},
        "statements": {
            "type": "list",
            "elements": "dict",
            "required": True,
            "options": statement_spec,
            "mutually_exclusive": [("creates_database", "marker_tag")],
            "required_one_of": [("creates_database", "marker_tag")],
        },
        "named_queries": {"type": "list", "elements": "dict", "default": [], "options": QUERY_SPEC, "required_if": QUERY_REQUIRED_IF},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    statements = module.params["statements"]
    for statement in statements:
        if statement["marker_tag"] is not None:
            problem = tag_key_error(statement["marker_tag"])
            if problem:
                module.fail_json(msg=f"statements marker_tag {problem}, got {statement['marker_tag']!r}")
    fail_if_not_unique(module, "named_queries names", [q["name"] for q in module.params["named_queries"]])
    client = module.client("athena", retry_decorator=AWSRetry.jittered_backoff())

    results, before, after = [], {}, {}
    try:
        arn, markers = None, {}
        if any(s["marker_tag"] for s in statements):
            arn = workgroup_arn(module, module.params["workgroup"])
            markers = read_markers(module, client, arn)
        for statement in statements:
            entry, diff = apply_statement(module, client, statement, markers, arn)
            results.append(entry)
            if diff:
                before.update(diff["before"])
                after.update(diff["after"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to run the Athena statements", statements=results)
    saved = {}
    if module.params["named_queries"]:
        try:
            saved, saved_diff = converge_all(module.check_mode, client, module.params["workgroup"], module.params["named_queries"])
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Failed to manage the Athena named queries of {module.params['workgroup']}", statements=results)
        if saved_diff["before"] or saved_diff["after"]:
            before["named_queries"], after["named_queries"] = saved_diff["before"], saved_diff["after"]
    changed = any(r["changed"] for r in results) or any(r["changed"] for r in saved.values())
    module.exit_json(changed=changed, statements=results, named_queries=saved, diff={"before": before, "after": after})


if __name__ == "__main__":
    main()
