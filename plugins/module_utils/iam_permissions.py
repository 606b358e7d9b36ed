# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Least-privilege permission policies for the platform's roles (IRSA templates, human permission sets).

Every document is built from the naming conventions shared by the AWS roles (bucket
`<prefix>-<purpose>-<account>`, queue `<prefix>-<name>`, secret `<slug>/<env>/<name>`, SSM
`/<slug>/<env>/<name>`) and checked by check_permission_policy before it is returned: no
`*` or `<service>:*` action, no NotAction, and KMS actions only on named key ARNs.
"""

from __future__ import annotations

import json
import re

from ansible_collections.mosaic.platform.plugins.module_utils.arn_patterns import arn_regex
from ansible_collections.mosaic.platform.plugins.module_utils.data_policies import jaeger_domain_paths
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError


class PermissionPolicyError(ValueError):
    """A permission policy breaks the least-privilege baseline."""


_KEY_ARN = arn_regex("kms_key")
_SERVICE_WIDE = re.compile(r"^[a-z0-9-]+:\*$")
# The only KMS actions without a key resource: listing. They reveal names, never use a key.
_KMS_UNSCOPED = {"kms:listaliases", "kms:listkeys"}


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def check_permission_policy(policy: dict | str) -> dict:
    """Reject `*:*`, service-wide wildcards, NotAction/NotResource and KMS use on unnamed keys."""
    doc = json.loads(policy) if isinstance(policy, str) else policy
    statements = _as_list(doc.get("Statement"))
    if not statements:
        raise PermissionPolicyError("a policy needs at least one statement")
    for statement in statements:
        sid = statement.get("Sid", "<no Sid>")
        if statement.get("Effect") != "Allow":
            continue
        if statement.get("NotAction") or statement.get("NotResource"):
            raise PermissionPolicyError(f"statement {sid}: NotAction/NotResource are not allowed")
        actions = _as_list(statement.get("Action"))
        if not actions:
            raise PermissionPolicyError(f"statement {sid}: no Action")
        for action in actions:
            if action in ("*", "*:*"):
                raise PermissionPolicyError(f"statement {sid}: grants '*:*'")
            if _SERVICE_WIDE.match(action.lower()):
                raise PermissionPolicyError(f"statement {sid}: grants the service-wide wildcard {action!r} (name the actions)")
        kms = [a for a in actions if a.lower().startswith("kms:") and a.lower() not in _KMS_UNSCOPED]
        if kms:
            resources = _as_list(statement.get("Resource"))
            bad = [r for r in resources if not _KEY_ARN.match(str(r))]
            if bad or not resources:
                raise PermissionPolicyError(f"statement {sid}: KMS actions {kms} only on named key ARNs, found {bad or 'no Resource'}")
    return doc


class Naming:
    """The resource names and ARNs every AWS role of the collection agrees on."""

    def __init__(self, prefix: str, slug: str, env: str, account_id: str, region: str, partition: str = "aws"):
        if not (str(account_id).isdigit() and len(str(account_id)) == 12):
            raise PermissionPolicyError(f"account_id must be 12 digits, got {account_id!r}")
        self.prefix, self.slug, self.env = prefix, slug, env
        self.account, self.region, self.partition = str(account_id), region, partition

    def bucket(self, purpose: str) -> str:
        return f"{self.prefix}-{purpose}-{self.account}"

    def bucket_arns(self, purpose: str) -> tuple[str, str]:
        name = self.bucket(purpose)
        return f"arn:{self.partition}:s3:::{name}", f"arn:{self.partition}:s3:::{name}/*"

    def queue_arn(self, name: str) -> str:
        return f"arn:{self.partition}:sqs:{self.region}:{self.account}:{self.prefix}-{name}"

    def secrets_arn(self) -> str:
        # Secrets Manager appends -XXXXXX to secret ARNs, hence the trailing wildcard.
        return f"arn:{self.partition}:secretsmanager:{self.region}:{self.account}:secret:{self.slug}/{self.env}/*"

    def secret_arn(self, name: str) -> str:
        """One secret (``a/b``: its six-character suffix) or a folder of secrets (``a/*``) under <slug>/<env>/."""
        tail = name if name.endswith("/*") else f"{name}-??????"
        return f"arn:{self.partition}:secretsmanager:{self.region}:{self.account}:secret:{self.slug}/{self.env}/{tail}"

    def search_domain_arn(self, domain: str | None = None) -> str:
        """The OpenSearch domain (aws_data: <prefix>-search, <prefix>-os for a prefix over 21 characters)."""
        name = domain or (f"{self.prefix}-search" if len(self.prefix) <= 21 else f"{self.prefix}-os")
        return f"arn:{self.partition}:es:{self.region}:{self.account}:domain/{name}"

    def parameters_arn(self) -> str:
        return f"arn:{self.partition}:ssm:{self.region}:{self.account}:parameter/{self.slug}/{self.env}/*"


def _statement(sid: str, actions: list[str], resources, condition: dict | None = None) -> dict:
    statement = {"Sid": sid, "Effect": "Allow", "Action": sorted(set(actions)), "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement


def _key(kms_keys: dict, purpose: str, template: str) -> str | None:
    arn = (kms_keys or {}).get(purpose) or None
    if arn is not None and not _KEY_ARN.match(str(arn)):
        raise PermissionPolicyError(f"{template}: the {purpose!r} KMS key must be a key ARN, got {arn!r}")
    return arn


def _need_key(kms_keys: dict, purpose: str, template: str, allow_missing: bool) -> list[str]:
    arn = _key(kms_keys, purpose, template)
    if arn is None and not allow_missing:
        raise PermissionPolicyError(f"{template}: needs the ARN of the {purpose!r} KMS key (aws_kms_outputs.{purpose}.arn)")
    return [arn] if arn else []


def _queues(params: dict, template: str) -> list[str]:
    queues = _as_list(params.get("queues"))
    if not queues or any(not re.match(r"^[A-Za-z0-9_-]{1,80}$", str(q)) for q in queues):
        raise PermissionPolicyError(f"{template}: vars.queues must list literal queue names (without the prefix)")
    return sorted(set(queues))


# -- templates ------------------------------------------------------------------------------


# A secret name under <slug>/<env>/, or a folder of them ("litellm/*"): literal segments, no other wildcard.
_SECRET_NAME = re.compile(r"^(?!\.\.?(/|$))[A-Za-z0-9_+=.@-]+(/(?!\.\.?(/|$))[A-Za-z0-9_+=.@-]+)*(/\*)?$")


def _secret_store(n: Naming, params: dict, kms_keys: dict, allow_missing: bool) -> list[dict]:
    """The role of one namespace's SecretStore: read its own secrets (vars.secrets), nothing else."""
    names = _as_list(params.get("secrets"))
    if not names or any(not _SECRET_NAME.match(str(name)) for name in names):
        raise PermissionPolicyError("secret-store: vars.secrets must list secret names under <slug>/<env>/, or folders of them (name/*)")
    # Secrets Manager appends -XXXXXX to a secret's ARN: a name matches only with those six characters.
    arns = sorted(n.secret_arn(str(name)) for name in names)
    statements = [_statement("ReadTheNamespaceSecrets", ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], arns)]
    # vars.rds_master_secret_of: an RDS instance identifier whose RDS-managed master secret (rds!db-<id>, a name RDS
    # chooses) the store reads, e.g. for the Postgres dump job. RDS tags that secret with its instance's ARN.
    instance = params.get("rds_master_secret_of")
    if instance is not None:
        if not re.match(r"^[a-z][a-z0-9-]{0,62}$", str(instance)):
            raise PermissionPolicyError(f"secret-store: vars.rds_master_secret_of must be an RDS instance identifier, got {instance!r}")
        statements.append(
            _statement(
                "ReadTheRdsMasterSecret",
                ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                f"arn:{n.partition}:secretsmanager:{n.region}:{n.account}:secret:rds!db-*",
                {"StringEquals": {"secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn": f"arn:{n.partition}:rds:{n.region}:{n.account}:db:{instance}"}},
            )
        )
    keys = _need_key(kms_keys, "secrets", "secret-store", allow_missing)
    if keys:
        statements.append(_statement("DecryptWithTheSecretsKey", ["kms:Decrypt"], keys))
    return statements


def _keda(n: Naming, params: dict, kms_keys: dict, allow_missing: bool) -> list[dict]:
    return [_statement("ReadQueueDepth", ["sqs:GetQueueAttributes"], [n.queue_arn(q) for q in _queues(params, "keda")])]


def _queue_consumer(n: Naming, params: dict, kms_keys: dict, allow_missing: bool) -> list[dict]:
    actions = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
    statements = [_statement("ConsumeNamedQueues", actions, [n.queue_arn(q) for q in _queues(params, "queue-consumer")])]
    keys = _need_key(kms_keys, "messaging", "queue-consumer", allow_missing)
    if keys:
        statements.append(_statement("DecryptMessages", ["kms:Decrypt"], keys))
    return statements


def _bucket_rw(sid: str, n: Naming, purpose: str) -> list[dict]:
    bucket, objects = n.bucket_arns(purpose)
    return [
        _statement(f"{sid}Bucket", ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"], bucket),
        _statement(f"{sid}Objects", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"], objects),
    ]


def _storage_key(template: str, kms_keys: dict, allow_missing: bool) -> list[dict]:
    # The buckets use SSE-KMS with the storage key: reading and writing objects needs it.
    keys = _need_key(kms_keys, "storage", template, allow_missing)
    return [_statement("UseTheStorageKey", ["kms:Decrypt", "kms:GenerateDataKey"], keys)] if keys else []


def _observability(template: str):
    def build(n: Naming, params: dict, kms_keys: dict, allow_missing: bool) -> list[dict]:
        purpose = params.get("bucket_purpose", "observability")
        return _bucket_rw("ObservabilityBucket", n, purpose) + _storage_key(template, kms_keys, allow_missing)

    return build


def _neo4j_backup(n: Naming, params: dict, kms_keys: dict, allow_missing: bool) -> list[dict]:
    # Only its own prefix of the graph-backup bucket (aws_data publishes the bucket and the schedule).
    bucket = n.bucket_arns(params.get("bucket_purpose", "graph-backups"))[0]
    prefix = str(params.get("prefix", "neo4j")).strip("/")
    if not re.match(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", prefix):
        raise PermissionPolicyError(f"neo4j-backup: vars.prefix must be a literal key prefix, got {prefix!r}")
    return [
        _statement("LocateBucket", ["s3:GetBucketLocation"], bucket),
        _statement("ListOwnPrefix", ["s3:ListBucket"], bucket, {"StringLike": {"s3:prefix": [prefix, f"{prefix}/*"]}}),
        _statement(
            "BackupObjects",
            ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
            f"{bucket}/{prefix}/*",
        ),
    ] + _storage_key("neo4j-backup", kms_keys, allow_missing)


def _postgres_dump(n: Naming, params: dict, kms_keys: dict, allow_missing: bool) -> list[dict]:
    # Writes dumps and latest.json under its own prefix of the backups bucket, nothing else: no read, no delete
    # (the lifecycle rule of aws_data expires them), so a compromised job cannot erase the dumps.
    bucket = n.bucket_arns(params.get("bucket_purpose", "backups"))[0]
    prefix = str(params.get("prefix", "postgres")).strip("/")
    if not re.match(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", prefix):
        raise PermissionPolicyError(f"postgres-dump: vars.prefix must be a literal key prefix, got {prefix!r}")
    return [
        _statement("WriteDumps", ["s3:PutObject", "s3:AbortMultipartUpload"], f"{bucket}/{prefix}/*"),
    ] + _storage_key("postgres-dump", kms_keys, allow_missing)


def _bedrock_invoke(n: Naming, params: dict, kms_keys: dict, allow_missing: bool) -> list[dict]:
    # LiteLLM calling Bedrock: invoke models, nothing else. A cross-region inference profile routes to the
    # model in other regions, so a model is allowed in any region only when called through the account's
    # profiles; directly, only in the platform's region.
    partition, region = n.partition, n.region
    profiles = f"arn:{partition}:bedrock:{region}:{n.account}:inference-profile/*"
    actions = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    return [
        _statement("InvokeModelsInRegion", actions, [f"arn:{partition}:bedrock:{region}::foundation-model/*", profiles]),
        _statement(
            "InvokeModelsThroughProfiles",
            actions,
            f"arn:{partition}:bedrock:*::foundation-model/*",
            {"StringLike": {"bedrock:InferenceProfileArn": profiles}},
        ),
    ]


def _alerts_publisher(n: Naming, params: dict, kms_keys: dict, allow_missing: bool) -> list[dict]:
    # Alertmanager's SNS receiver: publish to the alerts topic aws_messaging made, nothing else. The topic is
    # SSE-KMS with the messaging key, so publishing needs a data key from it.
    topic = f"arn:{n.partition}:sns:{n.region}:{n.account}:{n.prefix}-alerts"
    statements = [_statement("PublishToTheAlertsTopic", ["sns:Publish"], topic)]
    keys = _need_key(kms_keys, "messaging", "alerts-publisher", allow_missing)
    if keys:
        statements.append(_statement("EncryptWithTheMessagingKey", ["kms:GenerateDataKey", "kms:Decrypt"], keys))
    return statements


# Read-only CloudWatch metrics and the resource tags yet-another-cloudwatch-exporter discovers resources by.
# None of these actions takes a resource ARN (the service authorization reference lists `*` only).
CLOUDWATCH_EXPORTER_READ = ["cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics", "tag:GetResources"]


def _cloudwatch_exporter(n: Naming, params: dict, kms_keys: dict, allow_missing: bool) -> list[dict]:
    return [_statement("ReadMetricsAndTags", CLOUDWATCH_EXPORTER_READ, "*")]


EC2_SNAPSHOT_READ = ["ec2:DescribeVolumes", "ec2:DescribeSnapshots", "ec2:DescribeInstances", "ec2:DescribeAvailabilityZones", "ec2:DescribeTags"]


def _tag_on_create(n: Naming) -> dict:
    """ec2:CreateTags only on volumes and snapshots, and only inside the CreateVolume/CreateSnapshot call."""
    return _statement(
        "TagOnCreate",
        ["ec2:CreateTags"],
        [f"arn:{n.partition}:ec2:*:*:volume/*", f"arn:{n.partition}:ec2:*:*:snapshot/*"],
        {"StringEquals": {"ec2:CreateAction": ["CreateVolume", "CreateSnapshot"]}},
    )


def _velero(n: Naming, params: dict, kms_keys: dict, allow_missing: bool) -> list[dict]:
    statements = _bucket_rw("BackupsBucket", n, params.get("bucket_purpose", "backups"))
    statements.append(_statement("DescribeVolumes", EC2_SNAPSHOT_READ, "*"))
    statements.append(_statement("SnapshotVolumes", ["ec2:CreateSnapshot", "ec2:CreateVolume"], "*"))
    # The AWS plugin tags snapshots and restored volumes through TagSpecifications of the create call:
    # CreateTags only as part of those two calls, never on an existing resource.
    statements.append(_tag_on_create(n))
    statements.append(_statement("DeleteOwnSnapshots", ["ec2:DeleteSnapshot"], "*", {"StringLike": {"ec2:ResourceTag/velero.io/backup": "*"}}))
    keys = _need_key(kms_keys, "data", "velero", allow_missing) + _need_key(kms_keys, "storage", "velero", allow_missing)
    if keys:
        statements.append(_statement("UseDataAndStorageKeys", ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"], keys))
        statements.append(_statement("GrantsForEbs", ["kms:CreateGrant"], keys, {"Bool": {"kms:GrantIsForAWSResource": "true"}}))
    return statements


def _ebs_csi(n: Naming, params: dict, kms_keys: dict, allow_missing: bool) -> list[dict]:
    cluster_tag = {"StringLike": {"aws:ResourceTag/ebs.csi.aws.com/cluster": "true"}}
    statements = [
        _statement("DescribeVolumes", EC2_SNAPSHOT_READ + ["ec2:DescribeVolumesModifications"], "*"),
        _statement(
            "CreateTaggedVolumes",
            ["ec2:CreateVolume", "ec2:CreateSnapshot"],
            "*",
            {"StringLike": {"aws:RequestTag/ebs.csi.aws.com/cluster": "true"}},
        ),
        _tag_on_create(n),
        _statement(
            "ManageOwnVolumes",
            ["ec2:AttachVolume", "ec2:DetachVolume", "ec2:ModifyVolume", "ec2:DeleteVolume", "ec2:DeleteSnapshot"],
            "*",
            cluster_tag,
        ),
    ]
    keys = _need_key(kms_keys, "data", "ebs-csi", allow_missing)
    if keys:
        statements.append(
            _statement(
                "UseTheDataKey",
                ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:DescribeKey"],
                keys,
            )
        )
        statements.append(
            _statement("GrantsForEbs", ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], keys, {"Bool": {"kms:GrantIsForAWSResource": "true"}})
        )
    return statements


def _aws_load_balancer_controller(n: Naming, params: dict, kms_keys: dict, allow_missing: bool) -> list[dict]:
    """The upstream v2 policy pared down.

    Dropped: Shield Advanced (not used; run the controller with enableShield=false),
    WAF Classic (waf-regional; we use WAFv2), ec2:CreateSecurityGroup/ingress rules on groups
    the controller does not own (it must tag them elbv2.k8s.aws/cluster), and cognito/acm
    write access. Mutations are limited to resources the controller tagged itself.
    """
    own = {"Null": {"aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}
    tag_on_create = {"Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "false"}}
    elb = f"arn:{n.partition}:elasticloadbalancing:{n.region}:{n.account}"
    lbs = [f"{elb}:loadbalancer/app/*/*", f"{elb}:loadbalancer/net/*/*", f"{elb}:targetgroup/*/*"]
    return [
        _statement(
            "ServiceLinkedRole",
            ["iam:CreateServiceLinkedRole"],
            "*",
            {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}},
        ),
        _statement(
            "Describe",
            [
                "ec2:DescribeAccountAttributes",
                "ec2:DescribeAddresses",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeInternetGateways",
                "ec2:DescribeVpcs",
                "ec2:DescribeVpcPeeringConnections",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeInstances",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeTags",
                "ec2:GetSecurityGroupsForVpc",
                "elasticloadbalancing:DescribeLoadBalancers",
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeListenerCertificates",
                "elasticloadbalancing:DescribeListenerAttributes",
                "elasticloadbalancing:DescribeSSLPolicies",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetGroupAttributes",
                "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeTags",
                "elasticloadbalancing:DescribeTrustStores",
                "acm:ListCertificates",
                "acm:DescribeCertificate",
                "wafv2:GetWebACL",
                "wafv2:GetWebACLForResource",
                "cognito-idp:DescribeUserPoolClient",
            ],
            "*",
        ),
        _statement("AssociateWebAcl", ["wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"], "*"),
        _statement("CreateSecurityGroup", ["ec2:CreateSecurityGroup"], "*"),
        _statement(
            "TagSecurityGroupOnCreate",
            ["ec2:CreateTags"],
            f"arn:{n.partition}:ec2:*:*:security-group/*",
            {"StringEquals": {"ec2:CreateAction": "CreateSecurityGroup"}, **tag_on_create},
        ),
        _statement(
            "ManageOwnSecurityGroups",
            ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags"],
            "*",
            own,
        ),
        _statement(
            "CreateTaggedLoadBalancers",
            ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
            "*",
            tag_on_create,
        ),
        _statement(
            "ManageListenersAndRules",
            [
                "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:DeleteRule",
            ],
            "*",
        ),
        _statement(
            "TagOwnLoadBalancers",
            ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            lbs,
            own,
        ),
        _statement(
            "TagOnCreate",
            ["elasticloadbalancing:AddTags"],
            lbs,
            {"StringEquals": {"elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"]}, **tag_on_create},
        ),
        _statement(
            "ManageOwnLoadBalancers",
            [
                "elasticloadbalancing:ModifyLoadBalancerAttributes",
                "elasticloadbalancing:SetIpAddressType",
                "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets",
                "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:DeleteTargetGroup",
                "elasticloadbalancing:ModifyListenerAttributes",
            ],
            "*",
            own,
        ),
        _statement(
            "RegisterTargets",
            ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
            f"{elb}:targetgroup/*/*",
        ),
        _statement(
            "ModifyListeners",
            [
                "elasticloadbalancing:SetWebAcl",
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:RemoveListenerCertificates",
                "elasticloadbalancing:ModifyRule",
            ],
            "*",
        ),
    ]


def _jaeger(n: Naming, params: dict, kms_keys: dict, allow_missing: bool) -> list[dict]:
    # Jaeger's span storage on the platform's OpenSearch domain (vars.domain when aws_data's domain_name is
    # overridden), on the paths its client calls and nothing else; the domain access policy admits this role
    # on the same paths (aws_data_search_jaeger).
    try:
        paths = jaeger_domain_paths(n.search_domain_arn(params.get("domain")), params.get("index_prefix", "jaeger"))
    except PolicyError as exc:
        raise PermissionPolicyError(f"jaeger: {exc}") from exc
    sids = {"root": "PingTheDomain", "bulk": "WriteInBulk", "templates": "PutTheIndexTemplates", "indices": "UseTheJaegerIndices"}
    return [_statement(sids[name], actions, resources) for name, (actions, resources) in paths.items()]


IRSA_TEMPLATES = {
    "secret-store": _secret_store,
    "keda": _keda,
    "velero": _velero,
    "aws-load-balancer-controller": _aws_load_balancer_controller,
    "loki": _observability("loki"),
    "thanos": _observability("thanos"),
    "ebs-csi": _ebs_csi,
    "queue-consumer": _queue_consumer,
    "neo4j-backup": _neo4j_backup,
    "postgres-dump": _postgres_dump,
    "bedrock-invoke": _bedrock_invoke,
    "alerts-publisher": _alerts_publisher,
    "cloudwatch-exporter": _cloudwatch_exporter,
    "jaeger": _jaeger,
}


def irsa_policy(
    template: str,
    naming: Naming,
    params: dict | None = None,
    kms_keys: dict | None = None,
    allow_missing_keys: bool = False,
) -> dict:
    """The permission policy of one IRSA role, from a named template.

    kms_keys maps key purposes (data, secrets, storage, messaging) to key ARNs. A missing key
    is an error unless allow_missing_keys (a --check run on a clean account, where the keys
    do not exist yet): then the KMS statement is left out.
    """
    if template not in IRSA_TEMPLATES:
        raise PermissionPolicyError(f"unknown IRSA template {template!r}; choose from {sorted(IRSA_TEMPLATES)}")
    statements = IRSA_TEMPLATES[template](naming, params or {}, kms_keys or {}, allow_missing_keys)
    return check_permission_policy({"Version": "2012-10-17", "Statement": statements})


# -- people -----------------------------------------------------------------------------------

# Read the platform's control plane, never data: no s3:GetObject, no GetSecretValue, no
# sqs:ReceiveMessage. Partial wildcards (Describe*, List*) only, never <service>:*.
HUMAN_READ_ACTIONS = [
    "acm:DescribeCertificate",
    "acm:ListCertificates",
    "athena:GetQueryExecution",
    "athena:GetQueryResults",
    "athena:GetWorkGroup",
    "athena:ListWorkGroups",
    "athena:StartQueryExecution",
    "budgets:ViewBudget",
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:LookupEvents",
    "cloudwatch:Describe*",
    "cloudwatch:Get*",
    "cloudwatch:List*",
    "cognito-idp:DescribeUserPool",
    "cognito-idp:ListUserPools",
    "ec2:Describe*",
    "eks:Describe*",
    "eks:List*",
    "es:Describe*",
    "es:List*",
    "iam:GetRole",
    "iam:ListRoles",
    "iam:ListAttachedRolePolicies",
    "kms:ListAliases",
    "logs:Describe*",
    "logs:FilterLogEvents",
    "logs:GetLogEvents",
    "logs:GetQueryResults",
    "logs:StartQuery",
    "rds:Describe*",
    "rds:ListTagsForResource",
    "s3:GetBucketLocation",
    "s3:GetBucketTagging",
    "s3:ListAllMyBuckets",
    "secretsmanager:DescribeSecret",
    "secretsmanager:ListSecrets",
    "sns:GetTopicAttributes",
    "sns:ListTopics",
    "sqs:GetQueueAttributes",
    "sqs:ListQueues",
    "ssm:DescribeParameters",
    "tag:GetResources",
    "wafv2:GetWebACL",
    "wafv2:ListWebACLs",
]


HUMAN_LEVELS = ("read", "operate", "break-glass")
# Object writes the human sets never get on the log, audit and backup buckets (an explicit Deny, so no
# later Allow, managed policy or bucket policy grant can reopen them).
PROTECTED_BUCKET_WRITES = [
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutLifecycleConfiguration",
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:PutObjectLegalHold",
    "s3:PutObjectRetention",
    "s3:RestoreObject",
]


def human_policy(
    level: str,
    naming: Naming,
    kms_keys: dict | None = None,
    allow_missing_keys: bool = False,
    protected_buckets: list[str] | None = None,
) -> dict:
    """The permission policy of one Identity Center permission set.

    `read` (dev): the control plane, read-only. `operate` (ops): read plus the day-2 actions of the
    runbooks on the platform's own resources only (by name prefix): redrive and purge queues, restore
    and snapshot databases, rotate platform secrets (never read or put them), read and write platform
    buckets except the protected ones (log, audit and backup buckets: protected_buckets, bucket ARNs),
    where an explicit Deny refuses object writes. `break-glass`: operate plus reading and putting the
    platform secrets with the secrets key; its use is alarmed (role aws_access). IAM, KMS
    administration and networking stay with the CI roles.
    """
    if level not in HUMAN_LEVELS:
        raise PermissionPolicyError(f"human policy level must be read, operate or break-glass, got {level!r}")
    statements = [_statement("ReadControlPlane", HUMAN_READ_ACTIONS, "*")]
    if level == "read":
        return check_permission_policy({"Version": "2012-10-17", "Statement": statements})
    protected = sorted(set(protected_buckets or []))
    bad = [b for b in protected if not re.match(r"^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", str(b))]
    if bad or not protected:
        raise PermissionPolicyError(f"human policy {level}: protected_buckets must list bucket ARNs, got {bad or 'none'}")
    acct = f"{naming.region}:{naming.account}"
    p = naming.partition
    statements += [
        _statement(
            "OperateQueues",
            ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:PurgeQueue", "sqs:SendMessage", "sqs:StartMessageMoveTask", "sqs:ListMessageMoveTasks"],
            f"arn:{p}:sqs:{acct}:{naming.prefix}-*",
        ),
        _statement(
            "OperateDatabases",
            [
                "rds:CreateDBSnapshot",
                "rds:RebootDBInstance",
                "rds:RestoreDBInstanceToPointInTime",
                "rds:RestoreDBInstanceFromDBSnapshot",
                "rds:AddTagsToResource",
            ],
            f"arn:{p}:rds:{acct}:*:{naming.prefix}-*",
        ),
        # Rotation runs the rotator; the person never sees the value.
        _statement("RotateSecrets", ["secretsmanager:RotateSecret"], naming.secrets_arn()),
        _statement("OperateParameters", ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:PutParameter"], naming.parameters_arn()),
        _statement("OperateBucketObjects", ["s3:GetObject", "s3:PutObject", "s3:ListBucket"], [f"arn:{p}:s3:::{naming.prefix}-*"]),
        {
            "Sid": "DenyProtectedBucketWrites",
            "Effect": "Deny",
            "Action": list(PROTECTED_BUCKET_WRITES),
            "Resource": [f"{arn}/*" for arn in protected] + protected,
        },
        _statement("OperateCluster", ["eks:UpdateNodegroupConfig", "eks:AccessKubernetesApi"], f"arn:{p}:eks:{acct}:*/{naming.prefix}-*"),
    ]
    # The secrets key stays out of ops: without it no SecureString parameter or secret decrypts.
    purposes = ("storage", "messaging") if level == "operate" else ("secrets", "storage", "messaging")
    if level == "break-glass":
        statements.append(_statement("ReadSecrets", ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"], naming.secrets_arn()))
    keys = [arn for purpose in purposes for arn in _need_key(kms_keys, purpose, f"platform-{level}", allow_missing_keys)]
    if keys:
        statements.append(_statement("UsePlatformKeys", ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], sorted(set(keys))))
    return check_permission_policy({"Version": "2012-10-17", "Statement": statements})
