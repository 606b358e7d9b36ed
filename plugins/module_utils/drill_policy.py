# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The policy of the drill role: exactly the calls the quarterly restore drill makes.

The drill (playbooks/restore_drill.yml, role restore_drill) restores Postgres to a point in time into a scratch
instance <prefix>-pg-drill-<stamp> and deletes it, reads the newest restore points of the other tiers (dumps and
Velero records in the backups bucket, Neo4j backups, the OpenSearch snapshot repository), and restores an object
version of the media bucket (its replica where replication is on) into a scratch key. DRILL_CALLS names, per module
the drill runs, the AWS operations it makes there; tests/policy/test_drill_role_policy.py derives the modules from
the role's task files and replays each call through the offline evaluator against this policy and the boundary.
"""

from __future__ import annotations

# module -> [(botocore service, operation)], for the options the drill's tasks pass (amazon.aws's code).
DRILL_CALLS = {
    "amazon.aws.rds_instance_info": [("rds", "DescribeDBInstances")],
    # Restore (creation_source instance), tag, lift deletion protection, delete: each reads the instance first.
    "amazon.aws.rds_instance": [
        ("rds", "DescribeDBInstances"),
        ("rds", "RestoreDBInstanceToPointInTime"),
        ("rds", "AddTagsToResource"),
        ("rds", "ModifyDBInstance"),
        ("rds", "DeleteDBInstance"),
    ],
    "amazon.aws.s3_object_info": [("s3", "HeadBucket"), ("s3", "HeadObject"), ("s3", "ListObjectsV2")],
    # Modes get, getstr, put, copy and delobj: every mode checks the bucket and its ownership controls; copy sets
    # the object ACL (the module's default, private) and reads the copy's tags afterwards.
    "amazon.aws.s3_object": [
        ("s3", "HeadBucket"),
        ("s3", "GetBucketOwnershipControls"),
        ("s3", "HeadObject"),
        ("s3", "GetObject"),
        ("s3", "PutObject"),
        ("s3", "CopyObject"),
        ("s3", "PutObjectAcl"),
        ("s3", "GetObjectTagging"),
        ("s3", "DeleteObject"),
    ],
    # The cluster tier's namespace clean-up talks to the Kubernetes API, not to AWS.
    "kubernetes.core.k8s": [],
}

# Where the drill reads and writes, as roles/restore_drill names them (its defaults and task files; the policy
# test checks they agree).
POSTGRES_DUMP_PREFIX = "postgres/"
VELERO_PREFIX = "velero/"
NEO4J_PREFIX = "neo4j/"
MEDIA_SCRATCH_PREFIX = "restore-drill/"
SCRATCH_INSTANCE_INFIX = "-pg-drill-"


def drill_role_policy(
    account_id,
    region,
    prefix,
    postgres_source,
    backup_bucket,
    graph_backup_bucket,
    search_snapshot_bucket,
    search_domain,
    media_bucket,
    media_region,
    storage_kms_key_arns=(),
    data_kms_key_arn="",
    partition="aws",
):
    """The inline policy of <prefix>-drill."""
    s3 = f"arn:{partition}:s3:::"
    rds = f"arn:{partition}:rds:{region}:{account_id}:"
    scratch_db = f"{rds}db:{prefix}{SCRATCH_INSTANCE_INFIX}*"
    statements = [
        {
            "Sid": "ReadTheSourceAndScratchInstances",
            "Effect": "Allow",
            "Action": ["rds:DescribeDBInstances"],
            "Resource": [f"{rds}db:{postgres_source}", scratch_db],
        },
        # IAM checks a point-in-time restore against the source, the new instance and the groups it names. The
        # source exists, so the only instance a restore can create is a scratch one.
        {
            "Sid": "RestoreIntoAScratchInstance",
            "Effect": "Allow",
            "Action": ["rds:RestoreDBInstanceToPointInTime"],
            "Resource": [f"{rds}db:{postgres_source}", scratch_db, f"{rds}subgrp:{prefix}-*", f"{rds}pg:{prefix}-*", f"{rds}og:default:*"],
        },
        {
            "Sid": "TagAndRemoveOnlyTheScratchInstances",
            "Effect": "Allow",
            "Action": ["rds:AddTagsToResource", "rds:ModifyDBInstance", "rds:DeleteDBInstance"],
            "Resource": scratch_db,
        },
        # HeadBucket needs s3:ListBucket without a prefix: key names of these buckets, not their contents.
        {
            "Sid": "FindTheBuckets",
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:GetBucketOwnershipControls"],
            "Resource": [f"{s3}{b}" for b in (backup_bucket, graph_backup_bucket, search_snapshot_bucket, media_bucket)],
        },
        {
            "Sid": "ReadTheRestorePoints",
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": [
                f"{s3}{backup_bucket}/{POSTGRES_DUMP_PREFIX}*",
                f"{s3}{backup_bucket}/{VELERO_PREFIX}*",
                f"{s3}{graph_backup_bucket}/{NEO4J_PREFIX}*",
                f"{s3}{search_snapshot_bucket}/{search_domain}/*",
            ],
        },
        # The media tier writes an object twice, restores its first version into a scratch key, reads it back
        # and deletes both keys (a delete marker: versions expire with the bucket's noncurrent lifecycle).
        {
            "Sid": "WriteOnlyTheScratchObjects",
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:PutObjectAcl", "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:DeleteObject"],
            "Resource": f"{s3}{media_bucket}/{MEDIA_SCRATCH_PREFIX}*",
        },
    ]
    storage_keys = sorted({k for k in storage_kms_key_arns if k})
    if storage_keys:
        statements.append(
            {
                "Sid": "UseTheBucketKeysThroughS3",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": storage_keys,
                "Condition": {"StringEquals": {"kms:ViaService": sorted({f"s3.{region}.amazonaws.com", f"s3.{media_region}.amazonaws.com"})}},
            }
        )
    if data_kms_key_arn:
        # RDS creates the restored instance's storage under the source's key with a grant in the caller's name.
        via_rds = {"kms:ViaService": f"rds.{region}.amazonaws.com"}
        statements += [
            {
                "Sid": "LetRdsDescribeTheDataKey",
                "Effect": "Allow",
                "Action": ["kms:DescribeKey"],
                "Resource": data_kms_key_arn,
                "Condition": {"StringEquals": via_rds},
            },
            {
                "Sid": "LetRdsGrantTheDataKey",
                "Effect": "Allow",
                "Action": ["kms:CreateGrant"],
                "Resource": data_kms_key_arn,
                "Condition": {"StringEquals": via_rds, "Bool": {"kms:GrantIsForAWSResource": "true"}},
            },
        ]
    return {"Version": "2012-10-17", "Statement": statements}
