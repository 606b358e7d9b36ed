"""The drill role's policy allows exactly the calls the quarterly restore drill makes.

The AWS tasks come from the restore_drill role's task files (every tier the role runs); each task's calls, with
the resource each names, are listed here and replayed through the offline evaluator against the policy and the
permissions boundary (moto evaluates no IAM policy, BRIEF.md section 4). The modules' operations are those of
amazon.aws's code for the options the tasks pass; the test checks each is in that code. What KMS does for S3 and
RDS on the drill's behalf is replayed with the service in kms:ViaService, as AWS evaluates it.
"""

from __future__ import annotations

import re
from pathlib import Path

import ansible_collections.amazon.aws as amazon_aws
import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils import drill_policy
from ansible_collections.mosaic.platform.plugins.module_utils.deploy_policy import iam_action
from ansible_collections.mosaic.platform.plugins.module_utils.drill_policy import DRILL_CALLS, drill_role_policy
from ansible_collections.mosaic.platform.plugins.module_utils.iam_evaluator import allowed
from ansible_collections.mosaic.platform.plugins.module_utils.permissions_boundary import boundary_arn, boundary_policy
from botocore import xform_name

ROOT = Path(__file__).resolve().parents[2]
ROLE = ROOT / "roles" / "restore_drill"
WORKFLOW = ROOT / ".github" / "workflows" / "restore-drill.yml"
ACCOUNT, REGION = "123456789012", "eu-west-1"
PREFIX = "acme-dev"
RESOURCES = {
    "postgres_source": f"{PREFIX}-postgres",
    "backup_bucket": f"{PREFIX}-backups-{ACCOUNT}",
    "graph_backup_bucket": f"{PREFIX}-graph-backups-{ACCOUNT}",
    "search_snapshot_bucket": f"{PREFIX}-search-snapshots-{ACCOUNT}",
    "search_domain": f"{PREFIX}-search",
    "media_bucket": f"{PREFIX}-media-{ACCOUNT}",
    "media_region": REGION,
}
STORAGE_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/storage"
DATA_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/data"
POLICY = drill_role_policy(ACCOUNT, REGION, PREFIX, storage_kms_key_arns=[STORAGE_KEY, ""], data_kms_key_arn=DATA_KEY, **RESOURCES)
BOUNDARY = boundary_policy(boundary_arn(ACCOUNT, f"{PREFIX}-permissions-boundary"))

RDS = f"arn:aws:rds:{REGION}:{ACCOUNT}:"
SOURCE, SCRATCH = f"{RDS}db:{PREFIX}-postgres", f"{RDS}db:{PREFIX}-pg-drill-20261130060000"
BACKUPS, GRAPH = f"arn:aws:s3:::{RESOURCES['backup_bucket']}", f"arn:aws:s3:::{RESOURCES['graph_backup_bucket']}"
SNAPSHOTS, MEDIA = f"arn:aws:s3:::{RESOURCES['search_snapshot_bucket']}", f"arn:aws:s3:::{RESOURCES['media_bucket']}"
MANIFEST, DUMP = f"{BACKUPS}/postgres/app/latest.json", f"{BACKUPS}/postgres/app/2026-11-30T020000Z.dump"
NEO4J = f"{GRAPH}/neo4j/{PREFIX}-main/neo4j-2026-11-30T02-00-00.backup"
GENERATION, SNAPBLOB = f"{SNAPSHOTS}/{PREFIX}-search/index-42", f"{SNAPSHOTS}/{PREFIX}-search/snap-4f1c.dat"
VELERO = f"{BACKUPS}/velero/{PREFIX}-main/backups/daily-20261130020000/velero-backup.json"
DRILL_OBJECT, RESTORED = f"{MEDIA}/restore-drill/20261130060000/object.txt", f"{MEDIA}/restore-drill/20261130060000/restored.txt"
VIA_S3, VIA_RDS = {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}, {"kms:ViaService": f"rds.{REGION}.amazonaws.com"}
GRANT = {**VIA_RDS, "kms:GrantIsForAWSResource": "true"}


def _bucket(bucket, prefix=None):
    """The bucket check every s3 module makes (HeadBucket is s3:ListBucket), and a listing when a prefix is given."""
    return [("s3:ListBucket", bucket, {} if prefix is None else {"s3:prefix": prefix})]


def _s3_object(bucket):
    return _bucket(bucket) + [("s3:GetBucketOwnershipControls", bucket, {})]


def _read(bucket, key):
    return _s3_object(bucket) + [("s3:GetObject", key, {}), ("kms:Decrypt", STORAGE_KEY, VIA_S3)]


def _put(key):
    writes = [("s3:PutObject", key, {}), ("s3:PutObjectAcl", key, {}), ("kms:GenerateDataKey", STORAGE_KEY, VIA_S3)]
    return _s3_object(MEDIA) + [("s3:GetObject", key, {})] + writes


# (task file, task name) -> the requests the task makes: (IAM action, resource, condition context).
REQUESTS = {
    ("postgres_pitr.yml", "Read the source Postgres instance"): [("rds:DescribeDBInstances", SOURCE, {})],
    ("postgres_pitr.yml", "Restore Postgres to the latest restorable time, into a new instance"): [
        ("rds:DescribeDBInstances", SCRATCH, {}),
        ("rds:RestoreDBInstanceToPointInTime", SOURCE, {}),
        ("rds:RestoreDBInstanceToPointInTime", SCRATCH, {}),
        ("rds:RestoreDBInstanceToPointInTime", f"{RDS}subgrp:{PREFIX}-db", {}),
        ("rds:RestoreDBInstanceToPointInTime", f"{RDS}pg:{PREFIX}-postgres16", {}),
        ("rds:RestoreDBInstanceToPointInTime", f"{RDS}og:default:postgres-16", {}),
        ("kms:DescribeKey", DATA_KEY, VIA_RDS),
        ("kms:CreateGrant", DATA_KEY, GRANT),
    ],
    ("postgres_pitr.yml", "Tag the restored instance"): [("rds:DescribeDBInstances", SCRATCH, {}), ("rds:AddTagsToResource", SCRATCH, {})],
    ("postgres_pitr.yml", "Read the restored instance"): [("rds:DescribeDBInstances", SCRATCH, {})],
    ("postgres_pitr.yml", "Read the scratch instance left"): [("rds:DescribeDBInstances", SCRATCH, {})],
    ("postgres_pitr.yml", "Lift deletion protection from the scratch instance"): [
        ("rds:DescribeDBInstances", SCRATCH, {}),
        ("rds:ModifyDBInstance", SCRATCH, {}),
    ],
    ("postgres_pitr.yml", "Delete the scratch instance"): [("rds:DescribeDBInstances", SCRATCH, {}), ("rds:DeleteDBInstance", SCRATCH, {})],
    ("postgres_dump.yml", "Read the latest dump manifests"): _read(BACKUPS, MANIFEST),
    ("postgres_dump.yml", "Read the dump objects the manifests name"): _bucket(BACKUPS) + [("s3:GetObject", DUMP, {})],
    ("postgres_dump.yml", "Download the dumps into the scratch directory"): _read(BACKUPS, DUMP),
    ("neo4j.yml", "List the Neo4j backups"): _bucket(GRAPH, "neo4j/"),
    ("neo4j.yml", "Read the newest Neo4j backup"): _bucket(GRAPH) + [("s3:GetObject", NEO4J, {})],
    ("neo4j.yml", "Download the Neo4j backup into the scratch directory"): _read(GRAPH, NEO4J),
    ("opensearch.yml", "List the snapshot repository's generation blobs"): _bucket(SNAPSHOTS, f"{PREFIX}-search/index-"),
    ("opensearch.yml", "Read the newest generation blob"): _bucket(SNAPSHOTS) + [("s3:GetObject", GENERATION, {})],
    ("opensearch.yml", "Read the snapshot list"): _read(SNAPSHOTS, GENERATION),
    ("opensearch.yml", "Read the snapshot's metadata blob"): _bucket(SNAPSHOTS) + [("s3:GetObject", SNAPBLOB, {})],
    ("media.yml", "Put the first version of the drill object"): _put(DRILL_OBJECT),
    ("media.yml", "Read the first version (the restore point)"): _bucket(MEDIA) + [("s3:GetObject", DRILL_OBJECT, {})],
    ("media.yml", "Overwrite the drill object (the accident)"): _put(DRILL_OBJECT),
    # copy by version id: the source checked and read by version (s3:GetObjectVersion), the copy written, its ACL
    # set (the module's default, private), its tags read back.
    ("media.yml", "Restore the first version into the scratch key"): _s3_object(MEDIA)
    + [
        ("s3:GetObjectVersion", DRILL_OBJECT, {}),
        ("s3:GetObject", RESTORED, {}),
        ("s3:PutObject", RESTORED, {}),
        ("s3:PutObjectAcl", RESTORED, {}),
        ("s3:GetObjectTagging", RESTORED, {}),
        ("kms:Decrypt", STORAGE_KEY, VIA_S3),
        ("kms:GenerateDataKey", STORAGE_KEY, VIA_S3),
    ],
    ("media.yml", "Read the scratch copy back"): _read(MEDIA, RESTORED),
    ("media.yml", "Remove the media drill objects"): _s3_object(MEDIA) + [("s3:DeleteObject", DRILL_OBJECT, {}), ("s3:DeleteObject", RESTORED, {})],
    ("cluster.yml", "List the Velero backups"): _bucket(BACKUPS, "velero/"),
    ("cluster.yml", "Read the Velero backups' records"): _bucket(BACKUPS) + [("s3:GetObject", VELERO, {})],
    ("cluster.yml", "Read the newest Velero backup record"): _read(BACKUPS, VELERO),
}
# The IAM action of each operation DRILL_CALLS lists, where it is not the operation's own name.
COPY_ACTIONS = {"s3:CopyObject": {"s3:GetObjectVersion", "s3:PutObject"}}
AWS_COLLECTIONS = ("amazon.aws.", "community.aws.")


def _tasks(tasks):
    for task in tasks or []:
        yield task
        for section in ("block", "rescue", "always"):
            yield from _tasks(task.get(section))


def tier_files():
    """The task files the role includes: its own and, through tier.yml, one per tier of restore_drill_tiers."""
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    return ["main.yml", "validate.yml", "tier.yml", "report.yml"] + [f"{tier}.yml" for tier in defaults["restore_drill_tiers"]]


# Runs on the controller and calls no API: the role's input rules (tasks/validate.yml).
CONTROLLER_ONLY = {"mosaic.platform.validate"}


def drill_tasks():
    """(file, name, module, args) of every task of the role that runs a module outside ansible.builtin."""
    found = []
    for name in tier_files():
        for task in _tasks(yaml.safe_load((ROLE / "tasks" / name).read_text())):
            for key, args in task.items():
                if key.count(".") == 2 and not key.startswith("ansible.builtin.") and key not in CONTROLLER_ONLY:
                    found.append((name, task["name"], key, args))
    return found


def test_the_workflow_runs_the_drill_playbook_with_the_drill_role_in_its_environment():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    [job] = workflow["jobs"].values()
    assert job["environment"] == "${{ inputs.env || 'staging' }}-drills"
    credentials = [s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
    assert [s["with"]["role-to-assume"] for s in credentials] == ["${{ vars.AWS_DRILL_ROLE_ARN }}"]
    assert re.findall(r"ansible-playbook (playbooks/\S+\.yml)", WORKFLOW.read_text()) == ["playbooks/restore_drill.yml"]
    [play] = yaml.safe_load((ROOT / "playbooks" / "restore_drill.yml").read_text())
    assert [r["role"] for r in play["roles"]] == ["mosaic.platform.restore_drill"] and "tasks" not in play


def test_the_modules_of_the_drill_are_the_ones_whose_calls_are_listed():
    assert {module for _, _, module, _ in drill_tasks()} == set(DRILL_CALLS)


def test_every_aws_task_of_the_drill_has_its_requests_listed():
    aws_tasks = {(f, name) for f, name, module, _ in drill_tasks() if module.startswith(AWS_COLLECTIONS)}
    assert aws_tasks == set(REQUESTS)


def test_the_drill_uses_s3_object_only_in_the_modes_whose_calls_are_listed():
    modes = {args["mode"] for _, _, module, args in drill_tasks() if module == "amazon.aws.s3_object"}
    assert modes == {"get", "getstr", "put", "copy", "delobj"}


@pytest.mark.parametrize("module", sorted(m for m in DRILL_CALLS if m.startswith("amazon.aws.")))
def test_the_listed_operations_are_in_the_modules_code(module):
    """Each listed operation is called by the module or the amazon.aws module_utils it imports."""
    path = Path(next(iter(amazon_aws.__path__))) / "plugins" / "modules" / f"{module.split('.')[-1]}.py"
    source = path.read_text()
    for util in set(re.findall(r"amazon\.aws\.plugins\.module_utils\.(\w+) import", source)):
        source += (path.parent.parent / "module_utils" / f"{util}.py").read_text()
    for _, operation in DRILL_CALLS[module]:
        # CopyObject is s3transfer's managed copy (s3.copy), which heads the source and copies it.
        needle = "s3.copy(" if operation == "CopyObject" else xform_name(operation)
        assert needle in source, (module, operation)


def listed_actions():
    actions = set()
    for calls in DRILL_CALLS.values():
        for service, operation in calls:
            action = iam_action(service, operation)
            actions |= COPY_ACTIONS.get(action, {action})
    return actions


def test_the_requests_are_the_listed_calls_and_what_kms_does_for_them():
    requested = {action for requests in REQUESTS.values() for action, _, _ in requests}
    assert requested == listed_actions() | {"kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:CreateGrant"}


def distinct_requests():
    return sorted({(action, resource, tuple(sorted(context.items()))) for requests in REQUESTS.values() for action, resource, context in requests})


@pytest.mark.parametrize(("action", "resource", "context"), distinct_requests())
def test_every_call_of_the_drill_is_allowed_by_the_policy_and_the_boundary(action, resource, context):
    assert allowed(POLICY, action, resource, dict(context)), (action, resource)
    assert allowed(BOUNDARY, action, resource, dict(context)), f"{action} is outside the permissions boundary"


def test_the_policy_allows_nothing_else():
    granted = {a for s in POLICY["Statement"] for a in s["Action"]}
    assert all(s["Effect"] == "Allow" and "*" not in "".join(s["Action"]) for s in POLICY["Statement"])
    assert granted == {action for requests in REQUESTS.values() for action, _, _ in requests}


@pytest.mark.parametrize(
    ("action", "resource", "context"),
    [
        # The source instance: never deleted, modified or tagged; no restore into another name.
        ("rds:DeleteDBInstance", SOURCE, {}),
        ("rds:ModifyDBInstance", SOURCE, {}),
        ("rds:AddTagsToResource", SOURCE, {}),
        ("rds:RestoreDBInstanceToPointInTime", f"{RDS}db:{PREFIX}-postgres-copy", {}),
        ("rds:DeleteDBInstance", f"{RDS}db:{PREFIX}-other", {}),
        ("rds:CreateDBSnapshot", SOURCE, {}),
        # Restore points: read, never written or deleted.
        ("s3:DeleteObject", MANIFEST, {}),
        ("s3:PutObject", DUMP, {}),
        ("s3:DeleteObject", NEO4J, {}),
        ("s3:DeleteObject", f"{MEDIA}/uploads/avatar.png", {}),
        ("s3:PutObject", f"{MEDIA}/uploads/avatar.png", {}),
        ("s3:DeleteObjectVersion", DRILL_OBJECT, {}),
        # Other prefixes and buckets.
        ("s3:GetObject", f"{MEDIA}/uploads/avatar.png", {}),
        ("s3:GetObject", f"{BACKUPS}/other/secret.tar", {}),
        ("s3:GetObject", f"arn:aws:s3:::{PREFIX}-logs-{ACCOUNT}/audits/report.md", {}),
        ("s3:ListBucket", f"arn:aws:s3:::{PREFIX}-logs-{ACCOUNT}", {}),
        # Keys only through S3 and RDS, and only the named ones.
        ("kms:Decrypt", STORAGE_KEY, {}),
        ("kms:Decrypt", STORAGE_KEY, {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}),
        ("kms:Decrypt", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/secrets", VIA_S3),
        ("kms:Decrypt", DATA_KEY, VIA_RDS),
        ("kms:CreateGrant", DATA_KEY, {**VIA_RDS, "kms:GrantIsForAWSResource": "false"}),
        ("kms:CreateGrant", STORAGE_KEY, GRANT),
        ("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-ci-deploy", {}),
    ],
)
def test_the_policy_denies_what_the_drill_does_not_do(action, resource, context):
    assert not allowed(POLICY, action, resource, context)


def test_the_policy_names_the_places_the_drill_role_uses():
    """The prefixes and names of the policy are the ones roles/restore_drill reads and writes."""
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    assert defaults["restore_drill_neo4j_prefix"] == drill_policy.NEO4J_PREFIX
    assert defaults["restore_drill_velero_prefix"] == drill_policy.VELERO_PREFIX
    assert f'"{drill_policy.MEDIA_SCRATCH_PREFIX}{{{{ __restore_drill_stamp }}}}/object.txt"' in (ROLE / "tasks" / "media.yml").read_text()
    assert f'object: "{drill_policy.POSTGRES_DUMP_PREFIX}{{{{ __restore_drill_db }}}}/latest.json"' in (ROLE / "tasks" / "postgres_dump.yml").read_text()
    scratch = f'"{{{{ restore_drill_prefix }}}}{drill_policy.SCRATCH_INSTANCE_INFIX}{{{{ __restore_drill_stamp }}}}"'
    assert scratch in (ROLE / "tasks" / "postgres_pitr.yml").read_text()
    assert defaults["restore_drill_opensearch_base_path"] == "{{ restore_drill_opensearch_domain }}"


def test_with_replication_the_media_tier_works_in_the_replica_with_its_key():
    replica_key = f"arn:aws:kms:eu-central-1:{ACCOUNT}:key/replica"
    policy = drill_role_policy(
        ACCOUNT,
        REGION,
        PREFIX,
        storage_kms_key_arns=[STORAGE_KEY, replica_key],
        data_kms_key_arn=DATA_KEY,
        **{**RESOURCES, "media_bucket": f"{RESOURCES['media_bucket']}-replica", "media_region": "eu-central-1"},
    )
    replica = f"arn:aws:s3:::{RESOURCES['media_bucket']}-replica/restore-drill/20261130060000/restored.txt"
    assert allowed(policy, "s3:PutObject", replica)
    assert allowed(policy, "kms:GenerateDataKey", replica_key, {"kms:ViaService": "s3.eu-central-1.amazonaws.com"})
    assert allowed(policy, "kms:Decrypt", STORAGE_KEY, VIA_S3)
    assert not allowed(policy, "s3:PutObject", f"{MEDIA}/restore-drill/20261130060000/restored.txt")


def test_no_key_no_kms_statement():
    policy = drill_role_policy(ACCOUNT, REGION, PREFIX, storage_kms_key_arns=["", ""], data_kms_key_arn="", **RESOURCES)
    assert not [s for s in policy["Statement"] if any(a.startswith("kms:") for a in s["Action"])]
