"""IRSA permission policies as documents (the human permission sets: test_permission_sets.py): least privilege by construction.

moto stores policies but never evaluates them; these tests are the control.
"""

from __future__ import annotations

import copy

import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.iam_evaluator import allowed
from ansible_collections.mosaic.platform.plugins.module_utils.iam_permissions import (
    IRSA_TEMPLATES,
    Naming,
    PermissionPolicyError,
    check_permission_policy,
    irsa_policy,
)

ACCOUNT = "123456789012"
KEYS = {p: f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{i:08d}-0000-0000-0000-000000000000" for i, p in enumerate(["data", "secrets", "storage", "messaging"])}
NAMING = Naming("acme-dev", "acme", "dev", ACCOUNT, "eu-west-1")
PARAMS = {"keda": {"queues": ["jobs"]}, "queue-consumer": {"queues": ["jobs", "events"]}, "secret-store": {"secrets": ["litellm/*"]}}


def build(template, **kwargs):
    return irsa_policy(template, NAMING, params=PARAMS.get(template, {}), kms_keys=KEYS, **kwargs)


def statements(doc):
    return {s["Sid"]: s for s in doc["Statement"]}


def actions(doc):
    return {a for s in doc["Statement"] for a in s["Action"]}


def resources(doc):
    out = []
    for s in doc["Statement"]:
        out += s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
    return out


@pytest.mark.parametrize("template", sorted(IRSA_TEMPLATES))
def test_every_template_passes_the_baseline(template):
    doc = build(template)
    assert check_permission_policy(doc) == doc
    assert not any(a == "*" or a.endswith(":*") for a in actions(doc))
    for s in doc["Statement"]:
        if any(a.startswith("kms:") for a in s["Action"]):
            assert set(s["Resource"]) <= set(KEYS.values())


def test_secret_store_reads_only_its_own_secrets():
    doc = statements(irsa_policy("secret-store", NAMING, params={"secrets": ["litellm/*", "oidc/grafana"]}, kms_keys=KEYS))
    assert doc["ReadTheNamespaceSecrets"]["Action"] == ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
    assert doc["ReadTheNamespaceSecrets"]["Resource"] == [
        f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:acme/dev/litellm/*",
        f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:acme/dev/oidc/grafana-??????",
    ]
    assert doc["DecryptWithTheSecretsKey"] == {"Sid": "DecryptWithTheSecretsKey", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [KEYS["secrets"]]}
    assert not any(a.startswith("ssm:") for a in actions(irsa_policy("secret-store", NAMING, params={"secrets": ["a"]}, kms_keys=KEYS)))


def _secret(name):
    return f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:acme/dev/{name}-AbC123"


@pytest.mark.parametrize(
    ("secrets", "readable", "unreadable"),
    [
        (["litellm/*"], ["litellm/master-key", "litellm/provider-keys"], ["argocd/github-app", "oidc/argocd", "litellmx/key", "grafana/admin"]),
        (["oidc/grafana", "grafana/admin"], ["oidc/grafana", "grafana/admin"], ["oidc/argocd", "oidc/grafana-x", "argocd/github-app", "litellm/master-key"]),
        (["neo4j/auth"], ["neo4j/auth"], ["neo4j/auth/x", "neo4j/authx", "grafana/admin"]),
    ],
)
def test_a_secret_store_role_reads_its_prefix_and_nothing_else(secrets, readable, unreadable):
    # The offline evaluator decides GetSecretValue on real secret ARNs (name + the six-character suffix).
    doc = irsa_policy("secret-store", NAMING, params={"secrets": secrets}, kms_keys=KEYS)
    for name in readable:
        assert allowed(doc, "secretsmanager:GetSecretValue", _secret(name)), name
    for name in unreadable:
        assert not allowed(doc, "secretsmanager:GetSecretValue", _secret(name)), name
    other_env = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:acme/prod/{readable[0]}-AbC123"
    assert not allowed(doc, "secretsmanager:GetSecretValue", other_env)
    assert not allowed(doc, "ssm:GetParameter", f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/acme/dev/{readable[0]}")


def test_keda_reads_queue_depth_of_named_queues_only():
    doc = build("keda")
    assert doc["Statement"] == [
        {"Sid": "ReadQueueDepth", "Effect": "Allow", "Action": ["sqs:GetQueueAttributes"], "Resource": [f"arn:aws:sqs:eu-west-1:{ACCOUNT}:acme-dev-jobs"]}
    ]


def test_queue_consumer_consumes_and_decrypts_with_the_messaging_key():
    doc = statements(build("queue-consumer"))
    assert "sqs:ReceiveMessage" in doc["ConsumeNamedQueues"]["Action"]
    assert "sqs:SendMessage" not in doc["ConsumeNamedQueues"]["Action"]
    assert doc["ConsumeNamedQueues"]["Resource"] == [f"arn:aws:sqs:eu-west-1:{ACCOUNT}:acme-dev-events", f"arn:aws:sqs:eu-west-1:{ACCOUNT}:acme-dev-jobs"]
    assert doc["DecryptMessages"]["Resource"] == [KEYS["messaging"]]


@pytest.mark.parametrize(("template", "bucket"), [("velero", "backups"), ("loki", "observability"), ("thanos", "observability")])
def test_bucket_templates_use_their_bucket_only(template, bucket):
    name = f"acme-dev-{bucket}-{ACCOUNT}"
    s3 = [r for r in resources(build(template)) if r.startswith("arn:aws:s3:::")]
    assert set(s3) == {f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"}


def test_velero_and_ebs_csi_use_only_their_keys():
    assert set(statements(build("velero"))["UseDataAndStorageKeys"]["Resource"]) == {KEYS["data"], KEYS["storage"]}
    ebs = statements(build("ebs-csi"))
    assert ebs["UseTheDataKey"]["Resource"] == [KEYS["data"]]
    assert ebs["GrantsForEbs"]["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}


@pytest.mark.parametrize("template", ["velero", "ebs-csi"])
def test_snapshot_templates_tag_only_inside_their_create_calls(template):
    """Velero and the EBS CSI driver tag volumes and snapshots only through the create call (issue 10 item 11)."""
    doc = build(template)
    tagging = [s for s in doc["Statement"] if "ec2:CreateTags" in s["Action"]]
    assert tagging == [statements(doc)["TagOnCreate"]]
    assert tagging[0]["Resource"] == ["arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:*:*:snapshot/*"]
    assert tagging[0]["Condition"] == {"StringEquals": {"ec2:CreateAction": ["CreateVolume", "CreateSnapshot"]}}


def test_load_balancer_controller_mutates_only_what_it_tagged():
    doc = statements(build("aws-load-balancer-controller"))
    assert doc["ManageOwnLoadBalancers"]["Condition"] == {"Null": {"aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}
    assert doc["ServiceLinkedRole"]["Condition"] == {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}}
    assert not any(a.startswith(("shield:", "waf-regional:", "iam:Pass")) for a in actions(build("aws-load-balancer-controller")))


def test_a_missing_key_fails_unless_check_mode():
    with pytest.raises(PermissionPolicyError, match="aws_kms_outputs.secrets.arn"):
        irsa_policy("secret-store", NAMING, params=PARAMS["secret-store"], kms_keys={})
    doc = irsa_policy("secret-store", NAMING, params=PARAMS["secret-store"], kms_keys={}, allow_missing_keys=True)
    assert not any(a.startswith("kms:") for a in actions(doc))


@pytest.mark.parametrize(
    ("template", "params", "keys", "needle"),
    [
        ("nope", {}, KEYS, "unknown IRSA template"),
        ("keda", {}, KEYS, "vars.queues"),
        ("keda", {"queues": ["jobs-*"]}, KEYS, "vars.queues"),
        ("secret-store", PARAMS["secret-store"], {**KEYS, "secrets": "*"}, "must be a key ARN"),
        ("secret-store", PARAMS["secret-store"], {**KEYS, "secrets": "alias/acme-dev-secrets"}, "must be a key ARN"),
        ("secret-store", {}, KEYS, "vars.secrets"),
        ("secret-store", {"secrets": ["*"]}, KEYS, "vars.secrets"),
        ("secret-store", {"secrets": ["litellm*"]}, KEYS, "vars.secrets"),
        ("secret-store", {"secrets": ["../argocd/*"]}, KEYS, "vars.secrets"),
    ],
)
def test_builder_rejects_bad_input(template, params, keys, needle):
    with pytest.raises(PermissionPolicyError, match=needle):
        irsa_policy(template, NAMING, params=params, kms_keys=keys)


def _broken(doc, mutate):
    broken = copy.deepcopy(doc)
    mutate(broken["Statement"][0])
    return broken


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda s: s.update(Action="*:*"), "\\*:\\*"),
        (lambda s: s.update(Action=["*"]), "\\*:\\*"),
        (lambda s: s.update(Action=["s3:*"]), "service-wide"),
        (lambda s: s.update(Action=["SQS:*"]), "service-wide"),
        (lambda s: s.update(Action=["kms:Decrypt"], Resource="*"), "named key ARNs"),
        (lambda s: s.update(Action=["kms:Decrypt"], Resource=f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/*"), "named key ARNs"),
        (lambda s: s.update(Action=["kms:Decrypt"], Resource=f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/x"), "named key ARNs"),
        (lambda s: s.update(NotAction=["iam:*"]), "NotAction"),
        (lambda s: s.update(NotResource=["x"]), "NotResource"),
    ],
)
def test_check_rejects_broken_permission_policies(mutate, needle):
    with pytest.raises(PermissionPolicyError, match=needle):
        check_permission_policy(_broken(build("keda"), mutate))


def test_check_allows_listing_kms_aliases_on_star():
    check_permission_policy({"Statement": [{"Sid": "L", "Effect": "Allow", "Action": ["kms:ListAliases"], "Resource": "*"}]})


def test_output_is_deterministic():
    assert build("queue-consumer") == irsa_policy("queue-consumer", NAMING, params={"queues": ["events", "jobs", "jobs"]}, kms_keys=KEYS)


def test_neo4j_backup_is_confined_to_its_prefix_of_the_graph_backup_bucket():
    doc = statements(build("neo4j-backup"))
    bucket = f"arn:aws:s3:::acme-dev-graph-backups-{ACCOUNT}"
    assert doc["ListOwnPrefix"]["Resource"] == bucket
    assert doc["ListOwnPrefix"]["Condition"] == {"StringLike": {"s3:prefix": ["neo4j", "neo4j/*"]}}
    assert doc["BackupObjects"]["Resource"] == f"{bucket}/neo4j/*"
    assert "s3:PutBucketPolicy" not in actions({"Statement": list(doc.values())})
    assert doc["UseTheStorageKey"]["Resource"] == [KEYS["storage"]]


def test_neo4j_backup_refuses_a_wildcard_prefix():
    with pytest.raises(PermissionPolicyError, match="vars.prefix"):
        irsa_policy("neo4j-backup", NAMING, params={"prefix": "*"}, kms_keys=KEYS)


def test_postgres_dump_only_writes_its_prefix_of_the_backups_bucket():
    doc = build("postgres-dump")
    bucket = f"arn:aws:s3:::acme-dev-backups-{ACCOUNT}"
    key = f"{bucket}/postgres/postgres/2026-11-30T013000Z.dump"
    assert allowed(doc, "s3:PutObject", key)
    assert allowed(doc, "s3:PutObject", f"{bucket}/postgres/postgres/latest.json")
    assert allowed(doc, "kms:GenerateDataKey", KEYS["storage"])
    # No read, no delete, no other prefix or bucket, no other key: the dumps outlive a compromised job.
    for action, resource in [
        ("s3:GetObject", key),
        ("s3:DeleteObject", key),
        ("s3:PutObject", f"{bucket}/neo4j/x"),
        ("s3:PutObject", f"arn:aws:s3:::acme-dev-media-{ACCOUNT}/postgres/x"),
        ("s3:PutBucketLifecycleConfiguration", bucket),
        ("kms:GenerateDataKey", KEYS["data"]),
    ]:
        assert not allowed(doc, action, resource), (action, resource)


def test_postgres_dump_refuses_a_wildcard_prefix():
    with pytest.raises(PermissionPolicyError, match="vars.prefix"):
        irsa_policy("postgres-dump", NAMING, params={"prefix": "post*"}, kms_keys=KEYS)


def test_secret_store_reads_the_rds_master_secret_of_its_instance_only():
    doc = irsa_policy("secret-store", NAMING, params={"secrets": ["neo4j/auth"], "rds_master_secret_of": "acme-dev-postgres"}, kms_keys=KEYS)
    secret = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:rds!db-0a1b2c3d-aaaa-bbbb-cccc-0123456789ab-AbCdEf"
    own = {"secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn": f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:acme-dev-postgres"}
    other = {"secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn": f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:acme-dev-other"}
    assert allowed(doc, "secretsmanager:GetSecretValue", secret, own)
    assert not allowed(doc, "secretsmanager:GetSecretValue", secret, other)
    assert not allowed(doc, "secretsmanager:GetSecretValue", secret)
    assert not allowed(doc, "secretsmanager:PutSecretValue", secret, own)
    # Without the variable the store reads no RDS secret.
    assert not allowed(build("secret-store"), "secretsmanager:GetSecretValue", secret, own)


def test_secret_store_refuses_a_wildcard_rds_instance():
    with pytest.raises(PermissionPolicyError, match="rds_master_secret_of"):
        irsa_policy("secret-store", NAMING, params={"secrets": ["neo4j/auth"], "rds_master_secret_of": "*"}, kms_keys=KEYS)


def test_bedrock_invoke_only_invokes_models_in_region_or_through_own_profiles():
    doc = statements(build("bedrock-invoke"))
    profiles = f"arn:aws:bedrock:eu-west-1:{ACCOUNT}:inference-profile/*"
    for sid in ("InvokeModelsInRegion", "InvokeModelsThroughProfiles"):
        assert doc[sid]["Action"] == ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    assert doc["InvokeModelsInRegion"]["Resource"] == ["arn:aws:bedrock:eu-west-1::foundation-model/*", profiles]
    assert "Condition" not in doc["InvokeModelsInRegion"]
    # Models in other regions only through the account's inference profiles (cross-region inference).
    assert doc["InvokeModelsThroughProfiles"]["Resource"] == "arn:aws:bedrock:*::foundation-model/*"
    assert doc["InvokeModelsThroughProfiles"]["Condition"] == {"StringLike": {"bedrock:InferenceProfileArn": profiles}}


def test_alerts_publisher_publishes_only_to_the_alerts_topic():
    doc = build("alerts-publisher")
    alerts = f"arn:aws:sns:eu-west-1:{ACCOUNT}:acme-dev-alerts"
    assert allowed(doc, "sns:Publish", alerts)
    assert not allowed(doc, "sns:Publish", f"arn:aws:sns:eu-west-1:{ACCOUNT}:acme-dev-domain-events")
    assert not allowed(doc, "sns:Subscribe", alerts)
    assert allowed(doc, "kms:GenerateDataKey", KEYS["messaging"]) and not allowed(doc, "kms:GenerateDataKey", KEYS["secrets"])


def test_cloudwatch_exporter_only_reads_metrics_and_tags():
    doc = build("cloudwatch-exporter")
    assert actions(doc) == {"cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics", "tag:GetResources"}
    for write in ("cloudwatch:PutMetricData", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "tag:TagResources", "sqs:ReceiveMessage"):
        assert not allowed(doc, write, "*"), write


JAEGER_DOMAIN = f"arn:aws:es:eu-west-1:{ACCOUNT}:domain/acme-dev-search"


def test_jaeger_writes_and_reads_only_its_indices():
    doc = build("jaeger")
    for action in ("es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut"):
        assert allowed(doc, action, f"{JAEGER_DOMAIN}/jaeger-jaeger-span-2026-11-30"), action
    # The reader's multi-index searches: one path naming several daily indices.
    assert allowed(doc, "es:ESHttpPost", f"{JAEGER_DOMAIN}/jaeger-jaeger-span-2026-11-29,jaeger-jaeger-span-2026-11-30/_msearch")
    assert allowed(doc, "es:ESHttpPost", f"{JAEGER_DOMAIN}/_bulk")
    assert allowed(doc, "es:ESHttpPut", f"{JAEGER_DOMAIN}/_template/jaeger-jaeger-span")
    assert allowed(doc, "es:ESHttpGet", f"{JAEGER_DOMAIN}/") and allowed(doc, "es:ESHttpHead", f"{JAEGER_DOMAIN}/")
    for action, path in [
        ("es:ESHttpGet", "documents-2026/_search"),
        ("es:ESHttpPut", "documents-2026"),
        ("es:ESHttpPut", "_template/documents"),
        ("es:ESHttpPut", "_index_template/documents"),
        ("es:ESHttpPut", "_plugins/_security/api/rolesmapping/all_access"),
        ("es:ESHttpDelete", "jaeger-jaeger-span-2026-11-30"),
        ("es:ESHttpPost", "_snapshot/s3-snapshots/restore"),
    ]:
        assert not allowed(doc, action, f"{JAEGER_DOMAIN}/{path}"), path
    assert not allowed(doc, "es:ESHttpPost", f"arn:aws:es:eu-west-1:{ACCOUNT}:domain/other-search/_bulk")
    assert not allowed(doc, "es:ESHttpGet", f"{JAEGER_DOMAIN}/_cat/indices")


def test_jaeger_follows_the_domain_name_of_aws_data():
    # aws_data names the domain <prefix>-search, or <prefix>-os past 21 characters; vars.domain overrides.
    long = Naming("a" * 22, "acme", "dev", ACCOUNT, "eu-west-1")
    assert allowed(irsa_policy("jaeger", long), "es:ESHttpPost", f"arn:aws:es:eu-west-1:{ACCOUNT}:domain/{'a' * 22}-os/_bulk")
    other = irsa_policy("jaeger", NAMING, params={"domain": "traces"})
    assert allowed(other, "es:ESHttpPost", f"arn:aws:es:eu-west-1:{ACCOUNT}:domain/traces/_bulk")
    assert not allowed(other, "es:ESHttpPost", f"{JAEGER_DOMAIN}/_bulk")


def test_jaeger_needs_a_plain_prefix():
    with pytest.raises(PermissionPolicyError, match="index_prefix"):
        irsa_policy("jaeger", NAMING, params={"domain": "acme-dev-search", "index_prefix": "*"})
