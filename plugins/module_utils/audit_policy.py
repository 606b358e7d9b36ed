# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The policy of the audit role: exactly the calls the scheduled audit playbooks make.

The audits (playbooks/audit_tags.yml, cost_report.yml, iam_review.yml, waf_anomalies.yml) read IAM, Cost
Explorer and the tagging API, run the saved Athena queries, and write their reports and run records. AUDIT_CALLS
names, per module those playbooks run, the AWS operations it makes; tests/policy/test_audit_role_policy.py
derives the modules from the playbooks and the operations from the modules' source, and replays each call
through the offline evaluator against this policy and the permissions boundary.
"""

from __future__ import annotations

# module -> [(botocore service, operation)]
AUDIT_CALLS = {
    "mosaic.platform.iam_review_info": [("iam", "GetAccountAuthorizationDetails")],
    "mosaic.platform.ce_cost_and_usage_info": [("ce", "GetCostAndUsage")],
    "mosaic.platform.resource_tags_info": [("tagging", "GetResources")],
    "mosaic.platform.athena_query_results": [("athena", "StartQueryExecution"), ("athena", "GetQueryExecution"), ("athena", "GetQueryResults")],
    "mosaic.platform.cloudwatch_metric_data": [("monitoring", "PutMetricData")],
    # mode put, as roles/aws_audit/tasks/audit_log.yml runs it (amazon.aws's code: bucket check, ownership
    # controls, the key's ETag compare, the upload).
    "amazon.aws.s3_object": [("s3", "HeadBucket"), ("s3", "GetBucketOwnershipControls"), ("s3", "HeadObject"), ("s3", "PutObject")],
}

# What Athena does with the caller's permissions while it runs a query: read the table definitions from
# Glue and the WAF logs from their bucket, and write the results under the workgroup's output location.
ATHENA_CALLER_ACTIONS = ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions", "s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:PutObject"]


def audit_role_policy(
    account_id,
    region,
    report_bucket,
    report_prefix,
    athena_workgroup,
    athena_database,
    athena_results_prefix,
    waf_log_bucket,
    metrics_namespace,
    kms_key_arns=(),
    partition="aws",
):
    """The inline policy of <prefix>-audit. The reports and the Athena results share the logs bucket."""
    s3 = f"arn:{partition}:s3:::"
    glue = f"arn:{partition}:glue:{region}:{account_id}:"
    statements = [
        {"Sid": "ReviewIam", "Effect": "Allow", "Action": ["iam:GetAccountAuthorizationDetails"], "Resource": "*"},
        # Cost Explorer and the tagging API have no resource-level permissions.
        {"Sid": "ReadCostAndTags", "Effect": "Allow", "Action": ["ce:GetCostAndUsage", "tag:GetResources"], "Resource": "*"},
        {
            "Sid": "RecordAuditRuns",
            "Effect": "Allow",
            "Action": ["cloudwatch:PutMetricData"],
            "Resource": "*",
            "Condition": {"StringEquals": {"cloudwatch:namespace": metrics_namespace}},
        },
        {
            "Sid": "RunTheSavedQueries",
            "Effect": "Allow",
            "Action": ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"],
            "Resource": f"arn:{partition}:athena:{region}:{account_id}:workgroup/{athena_workgroup}",
        },
        {
            "Sid": "ReadTheAuditTables",
            "Effect": "Allow",
            "Action": ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
            "Resource": [f"{glue}catalog", f"{glue}database/{athena_database}", f"{glue}table/{athena_database}/*"],
        },
        {"Sid": "ReadTheWafLogs", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"{s3}{waf_log_bucket}/*"},
        {
            "Sid": "WriteReportsAndQueryResults",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": [f"{s3}{report_bucket}/{report_prefix}/*", f"{s3}{report_bucket}/{athena_results_prefix}/*"],
        },
        {
            "Sid": "FindTheBuckets",
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketOwnershipControls"],
            "Resource": [f"{s3}{report_bucket}", f"{s3}{waf_log_bucket}"],
        },
    ]
    keys = sorted(k for k in kms_key_arns if k)
    if keys:
        statements.append({"Sid": "UseTheBucketKeys", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": keys})
    return {"Version": "2012-10-17", "Statement": statements}
