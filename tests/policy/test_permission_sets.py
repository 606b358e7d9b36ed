"""The inline policies of the IAM Identity Center permission sets (role aws_access) as documents.

moto stores policies but never evaluates them; these tests are the control: dev cannot write, ops cannot write the
log, audit and backup buckets nor read a secret, break-glass can read secrets and its use is alarmed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.iam_permissions import (
    PROTECTED_BUCKET_WRITES,
    Naming,
    PermissionPolicyError,
    human_policy,
)

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "333333333333"
KEYS = {p: f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{i:08d}-0000-0000-0000-000000000000" for i, p in enumerate(["data", "secrets", "storage", "messaging"])}
NAMING = Naming("acme-prod", "acme", "prod", ACCOUNT, "eu-west-1")
PROTECTED = [f"arn:aws:s3:::acme-prod-{p}-{ACCOUNT}" for p in ("logs", "backups", "graph-backups", "search-snapshots")] + [
    f"arn:aws:s3:::aws-waf-logs-acme-prod-{ACCOUNT}"
]
SECRET_READS = {"secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:BatchGetSecretValue"}
WRITE_PREFIXES = ("Put", "Delete", "Create", "Update", "Restore", "Reboot", "Purge", "Send", "Start", "Rotate", "Add", "Modify")


def build(level):
    return human_policy(level, NAMING, kms_keys=KEYS, protected_buckets=PROTECTED)


def allowed(doc):
    return {a for s in doc["Statement"] if s["Effect"] == "Allow" for a in s["Action"]}


def by_sid(doc):
    return {s["Sid"]: s for s in doc["Statement"]}


def test_dev_reads_the_control_plane_and_writes_nothing():
    doc = build("read")
    assert list(by_sid(doc)) == ["ReadControlPlane"]
    # Starting a log or Athena query reads data the control plane already shows; nothing else may start or change.
    writes = [a for a in allowed(doc) if a.split(":", 1)[1].startswith(WRITE_PREFIXES)]
    assert sorted(writes) == ["athena:StartQueryExecution", "logs:StartQuery"]
    assert not allowed(doc) & (SECRET_READS | {"s3:GetObject", "sqs:ReceiveMessage", "ssm:GetParameter", "kms:Decrypt"})


def test_ops_cannot_read_or_put_a_secret():
    doc = build("operate")
    assert not allowed(doc) & SECRET_READS
    assert by_sid(doc)["RotateSecrets"]["Action"] == ["secretsmanager:RotateSecret"]
    # Without the secrets key no SecureString parameter and no secret decrypts.
    assert KEYS["secrets"] not in by_sid(doc)["UsePlatformKeys"]["Resource"]
    assert set(by_sid(doc)["UsePlatformKeys"]["Resource"]) == {KEYS["storage"], KEYS["messaging"]}


@pytest.mark.parametrize("level", ["operate", "break-glass"])
def test_no_human_set_writes_the_log_audit_or_backup_buckets(level):
    deny = by_sid(build(level))["DenyProtectedBucketWrites"]
    assert deny["Effect"] == "Deny"
    assert {"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention"} <= set(deny["Action"])
    assert set(deny["Action"]) == set(PROTECTED_BUCKET_WRITES)
    for bucket in PROTECTED:
        assert f"{bucket}/*" in deny["Resource"] and bucket in deny["Resource"]
    # The Allow on the platform's buckets is a prefix; the Deny names each protected bucket, so it always wins.
    assert by_sid(build(level))["OperateBucketObjects"]["Resource"] == [f"arn:aws:s3:::{NAMING.prefix}-*"]


def test_break_glass_reads_secrets_with_the_secrets_key():
    doc = by_sid(build("break-glass"))
    assert set(doc["ReadSecrets"]["Action"]) == {"secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"}
    assert doc["ReadSecrets"]["Resource"] == f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:acme/prod/*"
    assert KEYS["secrets"] in doc["UsePlatformKeys"]["Resource"]


@pytest.mark.parametrize(
    ("level", "protected", "needle"),
    [
        ("admin", PROTECTED, "read, operate or break-glass"),
        ("operate", [], "protected_buckets must list bucket ARNs, got none"),
        ("break-glass", ["acme-prod-logs"], r"protected_buckets must list bucket ARNs, got \['acme-prod-logs'\]"),
    ],
)
def test_bad_input_is_refused(level, protected, needle):
    with pytest.raises(PermissionPolicyError, match=needle):
        human_policy(level, NAMING, kms_keys=KEYS, protected_buckets=protected)


def test_the_role_alarms_every_break_glass_session():
    """The EventBridge rule of aws_access: every CloudTrail event (read-only ones too) of the break-glass role."""
    defaults = yaml.safe_load((ROOT / "roles/aws_access/defaults/main.yml").read_text())
    internal = yaml.safe_load((ROOT / "roles/aws_access/vars/main.yml").read_text())
    tasks = yaml.safe_load((ROOT / "roles/aws_access/tasks/main.yml").read_text())
    (rule,) = [t for t in tasks if "mosaic.platform.eventbridge_rule" in t]
    spec = rule["mosaic.platform.eventbridge_rule"]
    assert spec["rule_state"] == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    assert spec["targets"] == [{"id": "alerts", "arn": "{{ aws_access_alerts_topic_arn }}"}]
    assert "aws_messaging_outputs" in defaults["aws_access_alerts_topic_arn"]
    assert defaults["aws_access_break_glass_alarm"] is True
    pattern = internal["__aws_access_break_glass_pattern"]
    assert set(pattern["detail-type"]) == {"AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail"}
    assert "AWSReservedSSO_" in pattern["detail"]["userIdentity"]["sessionContext"]["sessionIssuer"]["userName"]
    # every inventory keeps a break-glass set (and so the alarm)
    for path in sorted((ROOT / "inventories").glob("*/group_vars/*/aws_access.yml")):
        sets = yaml.safe_load(path.read_text())["aws_access_permission_sets"]
        assert [s["access"] for s in sets].count("break-glass") == 1, path
        assert "aws_access_break_glass_alarm" not in json.dumps(yaml.safe_load(path.read_text())), path


def test_the_inventories_give_each_level_its_session_length():
    for path in sorted((ROOT / "inventories").glob("*/group_vars/*/aws_access.yml")):
        sets = {s["key"]: s for s in yaml.safe_load(path.read_text())["aws_access_permission_sets"]}
        assert sets["break-glass"]["session_duration"] == "PT1H", path
        assert sets["dev"]["access"] == "read" and sets["ops"]["access"] == "operate", path


def test_eks_access_entries_map_the_sso_roles_without_path():
    """EKS matches the caller against the role ARN without its /aws-reserved/... path (sso_roles, not the path form)."""
    entries = yaml.safe_load((ROOT / "roles/eks_cluster/defaults/main.yml").read_text())["eks_cluster_access_entries"]
    by_key = {e["principal_arn"].split("access.sso_roles.", 1)[1].split("'", 1)[0]: e for e in entries}
    assert set(by_key) == {"dev", "ops", "break-glass"}
    assert all("sso_roles_with_path" not in e["principal_arn"] for e in entries)
    assert by_key["dev"]["kubernetes_groups"] == ["platform:dev"] and by_key["dev"]["access_policies"] == []
    assert by_key["ops"]["kubernetes_groups"] == ["platform:ops"]
    admin = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    assert [p["policy_arn"] for p in by_key["break-glass"]["access_policies"]] == [admin]
