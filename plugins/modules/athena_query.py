#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: athena_query
short_description: Run an Athena DDL statement once, idempotently
version_added: 0.1.0
description:
  - Runs a statement (C(CREATE DATABASE), C(CREATE EXTERNAL TABLE), ...) through C(StartQueryExecution) in a workgroup
    and waits for it to finish, but only when it has not taken effect yet.
  - "Two ways to know that: O(creates_database) asks the Athena catalog (C(GetDatabase)) whether the database exists;
    O(marker_tag) keeps the SHA-256 of the last statement that succeeded in a tag of the workgroup, so a changed
    statement runs again (after O(replace_query), for example C(DROP TABLE IF EXISTS), which is harmless for external tables)."
  - The marker is used for tables because the emulator (moto) records databases created by DDL but not tables,
    and has no C(GetTableMetadata)/C(ListTableMetadata). It lives on the workgroup rather than in S3 so that it needs
    no access to the (policy-guarded) log bucket.
  - Use keys starting with C(mosaic:ddl:), which M(mosaic.platform.athena_workgroup) does not purge.
  - No amazon.aws or community.aws module runs Athena queries.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  query:
    description: The statement.
    type: str
    required: true
  workgroup:
    description: Workgroup to run in (its enforced result location and encryption apply).
    type: str
    required: true
  database:
    description: Database context of the statement.
    type: str
  catalog:
    description: Data catalog.
    type: str
    default: AwsDataCatalog
  creates_database:
    description: Skip when this database exists in O(catalog).
    type: str
  marker_tag:
    description:
      - Key of the workgroup tag (for example C(mosaic:ddl:<database>.<table>)) whose value is the SHA-256 of the last
        statement that succeeded; skip when it holds the SHA-256 of O(query). Written after the statement succeeds.
      - "An Athena tag key: 1-128 letters, digits, spaces and C(+ - = . _ : / @), not starting with C(aws:)."
      - A missing workgroup (check mode on a clean account) means the statement never ran.
    type: str
  replace_query:
    description: Statement run first when the marker tag exists but holds another hash (the statement changed).
    type: str
  wait_timeout:
    description: Seconds to wait for the statement to finish.
    type: int
    default: 120
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create the audit database
  mosaic.platform.athena_query:
    query: CREATE DATABASE IF NOT EXISTS legacyplatform_prod_audit
    workgroup: legacyplatform-prod-audit
    creates_database: legacyplatform_prod_audit

- name: Create the CloudTrail table
  mosaic.platform.athena_query:
    query: "{{ lookup('ansible.builtin.template', 'cloudtrail.sql.j2') }}"
    workgroup: legacyplatform-prod-audit
    database: legacyplatform_prod_audit
    marker_tag: "mosaic:ddl:legacyplatform_prod_audit.cloudtrail"
    replace_query: DROP TABLE IF EXISTS cloudtrail
"""

RETURN = r"""
query_execution_id:
  description: Id of the execution of O(query).
  returned: when the statement ran
  type: str
sha256:
  description: SHA-256 of O(query) (the value of O(marker_tag) once the statement succeeded).
  returned: always
  type: str
  sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
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


def read_marker(module, client, arn, key):
    """The hash the marker tag holds; None when the statement never ran."""
    if get_workgroup(client, module.params["workgroup"]) is None:
        # No workgroup yet (a check-mode run on a clean account): nothing ran in it.
        return None
    return workgroup_tags(client, arn).get(key)


def database_exists(client, catalog, name):
    try:
        client.get_database(aws_retry=True, CatalogName=catalog, DatabaseName=name)
        return True
    except is_boto3_error_code(["MetadataException", "EntityNotFoundException"]):
        return False


def run(module, client, query):
    params = module.params
    request = {"QueryString": query, "WorkGroup": params["workgroup"], "QueryExecutionContext": {"Catalog": params["catalog"]}}
    if params["database"]:
        request["QueryExecutionContext"]["Database"] = params["database"]
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


def main():
    argument_spec = {
        "query": {"type": "str", "required": True},
        "workgroup": {"type": "str", "required": True},
        "database": {"type": "str"},
        "catalog": {"type": "str", "default": "AwsDataCatalog"},
        "creates_database": {"type": "str"},
        "marker_tag": {"type": "str"},
        "replace_query": {"type": "str"},
        "wait_timeout": {"type": "int", "default": 120},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("creates_database", "marker_tag")],
        required_one_of=[("creates_database", "marker_tag")],
    )
    params = module.params
    if params["marker_tag"] is not None:
        problem = tag_key_error(params["marker_tag"])
        if problem:
            module.fail_json(msg=f"marker_tag {problem}, got {params['marker_tag']!r}")
    client = module.client("athena", retry_decorator=AWSRetry.jittered_backoff())
    digest = hashlib.sha256(params["query"].strip().encode()).hexdigest()

    try:
        if params["creates_database"]:
            if database_exists(client, params["catalog"], params["creates_database"]):
                module.exit_json(changed=False, sha256=digest)
            if module.check_mode:
                module.exit_json(changed=True, sha256=digest)
            module.exit_json(changed=True, sha256=digest, query_execution_id=run(module, client, params["query"]))

        key = params["marker_tag"]
        arn = workgroup_arn(module, params["workgroup"])
        previous = read_marker(module, client, arn, key)
        if previous == digest:
            module.exit_json(changed=False, sha256=digest)
        diff = {"before": {"sha256": previous or ""}, "after": {"sha256": digest}}
        if module.check_mode:
            module.exit_json(changed=True, sha256=digest, diff=diff)
        if previous and params["replace_query"]:
            run(module, client, params["replace_query"])
        execution_id = run(module, client, params["query"])
        client.tag_resource(aws_retry=True, ResourceARN=arn, Tags=[{"Key": key, "Value": digest}])
        module.exit_json(changed=True, sha256=digest, query_execution_id=execution_id, diff=diff)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to run the Athena statement")


if __name__ == "__main__":
    main()
