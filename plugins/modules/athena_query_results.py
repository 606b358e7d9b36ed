#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: athena_query_results
short_description: Run an Athena SELECT and return its rows
version_added: 0.1.0
description:
  - Runs a read-only query (for example a saved anomaly query) through C(StartQueryExecution) in a workgroup, waits for
    it, and returns up to O(max_rows) rows as dicts keyed by column name (every value a string, as Athena returns it).
  - The query reads logs and changes nothing, so it runs in check mode too and never reports a change.
  - M(mosaic.platform.athena_queries) runs DDL once; no amazon.aws or community.aws module runs Athena queries.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  query:
    description: The query.
    type: str
    required: true
  workgroup:
    description: Workgroup to run in (its enforced result location, encryption and scan cutoff apply).
    type: str
    required: true
  database:
    description: Database context of the query.
    type: str
  max_rows:
    description: Rows to return at most.
    type: int
    default: 1000
  wait_timeout:
    description: Seconds to wait for the query to finish.
    type: int
    default: 300
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Run the WAF anomaly query
  mosaic.platform.athena_query_results:
    query: SELECT terminatingruleid, count(*) AS blocked FROM waf_logs WHERE action = 'BLOCK' GROUP BY 1
    workgroup: legacyplatform-prod-audit
    database: legacyplatform_prod_audit
  register: __waf
"""

RETURN = r"""
query_execution_id:
  description: Id of the execution.
  returned: success
  type: str
columns:
  description: Column names.
  returned: success
  type: list
  elements: str
rows:
  description: The rows, each a dict of column name to value (null values are null).
  returned: success
  type: list
  elements: dict
truncated:
  description: Whether more rows than O(max_rows) exist.
  returned: success
  type: bool
"""

import contextlib
import time

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def wait(module, client, execution_id: str, timeout: int) -> None:
    deadline = time.time() + timeout
    while True:
        status = client.get_query_execution(aws_retry=True, QueryExecutionId=execution_id)["QueryExecution"]["Status"]
        if status["State"] == "SUCCEEDED":
            return
        if status["State"] in ("FAILED", "CANCELLED"):
            module.fail_json(msg=f"Athena query {execution_id} {status['State']}: {status.get('StateChangeReason', '')}")
        if time.time() > deadline:
            module.fail_json(msg=f"Athena query {execution_id} still {status['State']} after {timeout}s")
        time.sleep(1)


def read_rows(client, execution_id: str, max_rows: int) -> tuple[list[str], list[dict], bool]:
    """Columns from the result metadata; the first row of a SELECT repeats the column names and is skipped."""
    columns: list[str] = []
    rows: list[dict] = []
    kwargs = {"QueryExecutionId": execution_id}
    first = True
    while True:
        page = client.get_query_results(aws_retry=True, **kwargs)
        result = page.get("ResultSet") or {}
        if not columns:
            columns = [c["Name"] for c in (result.get("ResultSetMetadata") or {}).get("ColumnInfo") or []]
        for row in result.get("Rows") or []:
            values = [d.get("VarCharValue") for d in row.get("Data") or []]
            if first and values == columns:
                first = False
                continue
            first = False
            if len(rows) == max_rows:
                return columns, rows, True
            rows.append(dict(zip(columns or [f"_col{i}" for i in range(len(values))], values, strict=False)))
        if not page.get("NextToken"):
            return columns, rows, False
        kwargs["NextToken"] = page["NextToken"]


def main():
    argument_spec = {
        "query": {"type": "str", "required": True},
        "workgroup": {"type": "str", "required": True},
        "database": {"type": "str"},
        "max_rows": {"type": "int", "default": 1000},
        "wait_timeout": {"type": "int", "default": 300},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    client = module.client("athena", retry_decorator=AWSRetry.jittered_backoff())
    request = {"QueryString": params["query"], "WorkGroup": params["workgroup"]}
    if params["database"]:
        request["QueryExecutionContext"] = {"Database": params["database"]}
    try:
        execution_id = client.start_query_execution(aws_retry=True, **request)["QueryExecutionId"]
        wait(module, client, execution_id, params["wait_timeout"])
        columns, rows, truncated = read_rows(client, execution_id, params["max_rows"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to run the Athena query in {params['workgroup']}")
    module.exit_json(changed=False, query_execution_id=execution_id, columns=columns, rows=rows, truncated=truncated)


if __name__ == "__main__":
    main()
