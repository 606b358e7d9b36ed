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
    O(marker) keeps the SHA-256 of the last statement that succeeded in an S3 object, so a changed statement runs again
    (after O(replace_query), for example C(DROP TABLE IF EXISTS), which is harmless for external tables)."
  - The marker is used for tables because the emulator (moto) records databases created by DDL but not tables,
    and has no C(GetTableMetadata)/C(ListTableMetadata).
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
  marker:
    description: S3 URI (C(s3://bucket/key)) of the marker object; skip when it holds the SHA-256 of O(query).
    type: str
  replace_query:
    description: Statement run first when the marker exists but holds another hash (the statement changed).
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
    marker: s3://legacyplatform-prod-logs-333333333333/athena-results/_ddl/cloudtrail.sha256
    replace_query: DROP TABLE IF EXISTS cloudtrail
"""

RETURN = r"""
query_execution_id:
  description: Id of the execution of O(query).
  returned: when the statement ran
  type: str
sha256:
  description: SHA-256 of O(query).
  returned: always
  type: str
"""

import contextlib
import hashlib
import time

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def split_s3_uri(uri):
    if not uri.startswith("s3://") or "/" not in uri[5:]:
        raise ValueError(f"marker must be an s3://bucket/key URI, got {uri!r}")
    bucket, key = uri[5:].split("/", 1)
    return bucket, key


def read_marker(s3, uri):
    bucket, key = split_s3_uri(uri)
    try:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode().strip()
    except is_boto3_error_code(["NoSuchKey", "NoSuchBucket", "404"]):
        # No bucket yet (a check-mode run on a clean account) or no marker: the statement never ran.
        return None


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
        "marker": {"type": "str"},
        "replace_query": {"type": "str"},
        "wait_timeout": {"type": "int", "default": 120},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("creates_database", "marker")],
        required_one_of=[("creates_database", "marker")],
    )
    params = module.params
    client = module.client("athena", retry_decorator=AWSRetry.jittered_backoff())
    digest = hashlib.sha256(params["query"].strip().encode()).hexdigest()

    try:
        if params["creates_database"]:
            if database_exists(client, params["catalog"], params["creates_database"]):
                module.exit_json(changed=False, sha256=digest)
            if module.check_mode:
                module.exit_json(changed=True, sha256=digest)
            module.exit_json(changed=True, sha256=digest, query_execution_id=run(module, client, params["query"]))

        try:
            bucket, key = split_s3_uri(params["marker"])
        except ValueError as e:
            module.fail_json(msg=str(e))
        s3 = module.client("s3", retry_decorator=AWSRetry.jittered_backoff())
        previous = read_marker(s3, params["marker"])
        if previous == digest:
            module.exit_json(changed=False, sha256=digest)
        diff = {"before": {"sha256": previous or ""}, "after": {"sha256": digest}}
        if module.check_mode:
            module.exit_json(changed=True, sha256=digest, diff=diff)
        if previous and params["replace_query"]:
            run(module, client, params["replace_query"])
        execution_id = run(module, client, params["query"])
        s3.put_object(Bucket=bucket, Key=key, Body=digest.encode(), ContentType="text/plain")
        module.exit_json(changed=True, sha256=digest, query_execution_id=execution_id, diff=diff)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to run the Athena statement")


if __name__ == "__main__":
    main()
