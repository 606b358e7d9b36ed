# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bucket policies for the aws_storage role, and the check every bucket policy must pass.

Every bucket gets a TLS-only statement (Deny aws:SecureTransport=false). Log buckets also get
the statements AWS log delivery needs, each bound to this account so that another account's
trail, load balancer or web ACL cannot write into our bucket (the confused-deputy guard):

- ``s3_access_logs``: logging.s3.amazonaws.com, one statement per source bucket limited to its
  own ``<prefix>/<bucket>/`` keys, with aws:SourceArn = that bucket and aws:SourceAccount (S3
  server access logging; the target bucket must use SSE-S3).
- ``cloudtrail``: cloudtrail.amazonaws.com (GetBucketAcl + PutObject) with aws:SourceArn and
  aws:SourceAccount.
- ``waf``: delivery.logs.amazonaws.com (the vended-logs service WAF uses) with
  aws:SourceAccount and aws:SourceArn on this account's log sources.
- ``alb``: the regional Elastic Load Balancing account (regions opened before August 2022) or
  the logdelivery.elasticloadbalancing.amazonaws.com service principal (newer regions); ALB
  access logs need SSE-S3 on the bucket.

moto stores bucket policies but never evaluates them (and answers 403 to object calls under a
SecureTransport condition), so the check below is what proves a policy sound (BRIEF.md section 4).
"""

from __future__ import annotations

import json

from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError

DELIVERY_KINDS = ("s3_access_logs", "cloudtrail", "waf", "alb")

# Elastic Load Balancing account per region (regions available before August 2022). Other
# regions use the logdelivery.elasticloadbalancing.amazonaws.com service principal.
ELB_ACCOUNTS = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-southeast-3": "589379963580",
    "ap-south-1": "718504428378",
    "ap-northeast-3": "383597477331",
    "ap-northeast-2": "600734575887",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-northeast-1": "582318560864",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-south-1": "635631232127",
    "eu-west-3": "009996457667",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
}
ELB_LOG_DELIVERY = "logdelivery.elasticloadbalancing.amazonaws.com"
DELIVERY_ACTIONS = {"s3:putobject", "s3:getbucketacl"}


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def bucket_arn(name: str, partition: str = "aws") -> str:
    return f"arn:{partition}:s3:::{name}"


def _check_account(account_id) -> str:
    account = str(account_id)
    if not account.isdigit() or len(account) != 12:
        raise PolicyError(f"account_id must be a 12-digit AWS account id, got {account_id!r}")
    return account


def tls_only_statement(arn: str) -> dict:
    # {"AWS": "*"} is IAM's documented equivalent of "*"; the dict form also keeps moto's
    # PutBucketLogging permission check (which expects a dict Principal) from failing with a 500.
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _delivery_statements(kind, arn, account, region, partition, source_buckets, trail_arns, prefixes) -> list[dict]:
    if kind == "s3_access_logs":
        sources = sorted(set(source_buckets or []))
        if not sources:
            raise PolicyError("s3_access_logs delivery needs the source buckets (aws:SourceArn)")
        # One statement per source bucket: each may write only under its own <prefix>/<bucket>/.
        return [
            {
                "Sid": f"S3ServerAccessLogs{index}",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"{arn}/{prefixes['s3_access_logs']}/{source}/*",
                "Condition": {"ArnLike": {"aws:SourceArn": bucket_arn(source, partition)}, "StringEquals": {"aws:SourceAccount": account}},
            }
            for index, source in enumerate(sources)
        ]
    if kind == "cloudtrail":
        trails = sorted(set(trail_arns or [f"arn:{partition}:cloudtrail:*:{account}:trail/*"]))
        condition = {"ArnLike": {"aws:SourceArn": trails}, "StringEquals": {"aws:SourceAccount": account}}
        return [
            {
                "Sid": "CloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": arn,
                "Condition": condition,
            },
            {
                "Sid": "CloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"{arn}/{prefixes['cloudtrail']}/AWSLogs/{account}/*",
                "Condition": condition,
            },
        ]
    if kind == "waf":
        condition = {
            "ArnLike": {"aws:SourceArn": f"arn:{partition}:logs:{region}:{account}:*"},
            "StringEquals": {"aws:SourceAccount": account},
        }
        return [
            {
                "Sid": "WafLogDeliveryAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "delivery.logs.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": arn,
                "Condition": condition,
            },
            {
                "Sid": "WafLogDeliveryWrite",
                "Effect": "Allow",
                "Principal": {"Service": "delivery.logs.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"{arn}/AWSLogs/{account}/*",
                "Condition": condition,
            },
        ]
    if kind == "alb":
        resource = f"{arn}/{prefixes['alb']}/AWSLogs/{account}/*"
        elb_account = ELB_ACCOUNTS.get(region)
        if elb_account:
            # The regional ELB account writes the logs; AWS documents no condition for it.
            principal = {"AWS": f"arn:{partition}:iam::{elb_account}:root"}
            return [{"Sid": "AlbAccessLogsDelivery", "Effect": "Allow", "Principal": principal, "Action": "s3:PutObject", "Resource": resource}]
        return [
            {
                "Sid": "AlbAccessLogsDelivery",
                "Effect": "Allow",
                "Principal": {"Service": ELB_LOG_DELIVERY},
                "Action": "s3:PutObject",
                "Resource": resource,
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            }
        ]
    raise PolicyError(f"unknown delivery {kind!r}; expected one of {', '.join(DELIVERY_KINDS)}")


def bucket_policy(
    bucket_name: str,
    account_id: str,
    region: str,
    delivery: list[str] | None = None,
    source_buckets: list[str] | None = None,
    trail_arns: list[str] | None = None,
    s3_access_logs_prefix: str = "s3",
    cloudtrail_prefix: str = "cloudtrail",
    alb_prefix: str = "alb",
    partition: str = "aws",
) -> dict:
    """The TLS-only policy, plus the delivery statements a log bucket needs; checked before return."""
    account = _check_account(account_id)
    arn = bucket_arn(bucket_name, partition)
    prefixes = {"s3_access_logs": s3_access_logs_prefix.strip("/"), "cloudtrail": cloudtrail_prefix.strip("/"), "alb": alb_prefix.strip("/")}
    statements = [tls_only_statement(arn)]
    for kind in sorted(set(delivery or [])):
        statements += _delivery_statements(kind, arn, account, region, partition, source_buckets, trail_arns, prefixes)
    policy = {"Version": "2012-10-17", "Statement": statements}
    check_bucket_policy(policy, bucket_name, account, partition)
    return policy


def _principal_values(statement: dict) -> dict:
    principal = statement.get("Principal")
    if principal == "*":
        return {"*": ["*"]}
    if isinstance(principal, dict):
        return {k: _as_list(v) for k, v in principal.items()}
    return {"AWS": _as_list(principal)}


def _is_tls_deny(statement: dict, arn: str) -> bool:
    principal = _principal_values(statement)
    actions = {a.lower() for a in _as_list(statement.get("Action"))}
    resources = set(_as_list(statement.get("Resource")))
    secure = statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")
    return (
        statement.get("Effect") == "Deny"
        and "*" in [p for values in principal.values() for p in values]
        and ("s3:*" in actions or "*" in actions)
        and {arn, f"{arn}/*"} <= resources
        and str(secure).lower() == "false"
    )


def check_bucket_policy(policy: dict | str, bucket_name: str, account_id: str, partition: str = "aws") -> dict:
    """Reject a bucket policy that breaks the baseline; return it when it is sound.

    Sound means: a TLS-only Deny covering the bucket and its objects; Allow statements only for
    log delivery (s3:PutObject, s3:GetBucketAcl), only on this bucket, never to a public
    principal, service principals bound to this account, AWS principals only the ELB accounts.
    """
    doc = json.loads(policy) if isinstance(policy, str) else policy
    account = str(account_id)
    arn = bucket_arn(bucket_name, partition)
    statements = _as_list(doc.get("Statement"))
    if not any(_is_tls_deny(s, arn) for s in statements):
        raise PolicyError(f"bucket {bucket_name}: no TLS-only statement (Deny s3:* on the bucket and its objects when aws:SecureTransport is false)")
    elb_principals = {f"arn:{partition}:iam::{a}:root" for a in ELB_ACCOUNTS.values()}
    for statement in statements:
        sid = statement.get("Sid", "<no Sid>")
        if statement.get("Effect") != "Allow":
            continue
        if statement.get("NotPrincipal") or statement.get("NotAction") or statement.get("NotResource"):
            raise PolicyError(f"statement {sid}: NotPrincipal/NotAction/NotResource are not allowed")
        principals = _principal_values(statement)
        flat = [p for values in principals.values() for p in values]
        if "*" in flat:
            raise PolicyError(f"statement {sid}: a public principal ('*') is never allowed")
        actions = {a.lower() for a in _as_list(statement.get("Action"))}
        if not actions or not actions <= DELIVERY_ACTIONS:
            raise PolicyError(f"statement {sid}: only log delivery actions (s3:PutObject, s3:GetBucketAcl) may be allowed, got {sorted(actions)}")
        for resource in _as_list(statement.get("Resource")):
            if resource != arn and not resource.startswith(f"{arn}/"):
                raise PolicyError(f"statement {sid}: resource {resource} is outside bucket {bucket_name}")
        for aws_principal in principals.get("AWS", []):
            if aws_principal not in elb_principals:
                raise PolicyError(f"statement {sid}: AWS principal {aws_principal} is not an Elastic Load Balancing log account")
        if principals.get("Service"):
            condition = statement.get("Condition", {})
            source_account = condition.get("StringEquals", {}).get("aws:SourceAccount")
            source_arns = _as_list(condition.get("ArnLike", {}).get("aws:SourceArn")) + _as_list(condition.get("ArnEquals", {}).get("aws:SourceArn"))
            if source_account != account and not source_arns:
                raise PolicyError(f"statement {sid}: service principals need aws:SourceAccount {account} or aws:SourceArn")
            if any(f":{account}:" not in a and not a.startswith(f"arn:{partition}:s3:::") for a in source_arns):
                raise PolicyError(f"statement {sid}: aws:SourceArn must name resources of account {account}")
    return doc


def replication_trust_policy(account_id: str) -> dict:
    """S3 may assume the replication role for this account's buckets only."""
    account = _check_account(account_id)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3Replication",
                "Effect": "Allow",
                "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            }
        ],
    }


def replication_role_policy(
    pairs: list[list[str]] | dict,
    source_key_arn: str,
    replica_key_arn: str,
    region: str,
    replica_region: str,
    partition: str = "aws",
) -> dict:
    """Least privilege for S3 cross-region replication of SSE-KMS buckets.

    ``pairs`` maps each source bucket to its replica. The role reads object versions of the sources
    only, writes replicas into the replica buckets only, decrypts with the source key only through S3
    in the source region and encrypts with the replica key only through S3 in the replica region.
    """
    mapping = dict(pairs.items() if isinstance(pairs, dict) else pairs)
    if not mapping:
        raise PolicyError("replication_role_policy needs at least one source/replica bucket pair")
    sources = sorted(bucket_arn(s, partition) for s in mapping)
    replicas = sorted(bucket_arn(r, partition) for r in mapping.values())
    statements = [
        {"Sid": "SourceBuckets", "Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": sources},
        {
            "Sid": "SourceObjectVersions",
            "Effect": "Allow",
            "Action": ["s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"],
            "Resource": [f"{s}/*" for s in sources],
        },
        {
            "Sid": "ReplicaWrites",
            "Effect": "Allow",
            "Action": ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"],
            "Resource": [f"{r}/*" for r in replicas],
        },
        {
            "Sid": "DecryptSources",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": source_key_arn,
            "Condition": {
                "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
                "StringLike": {"kms:EncryptionContext:aws:s3:arn": [f"{s}/*" for s in sources]},
            },
        },
        {
            "Sid": "EncryptReplicas",
            "Effect": "Allow",
            "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
            "Resource": replica_key_arn,
            "Condition": {
                "StringEquals": {"kms:ViaService": f"s3.{replica_region}.amazonaws.com"},
                "StringLike": {"kms:EncryptionContext:aws:s3:arn": [f"{r}/*" for r in replicas]},
            },
        },
    ]
    policy = {"Version": "2012-10-17", "Statement": statements}
    check_replication_role_policy(policy)
    return policy


def check_replication_role_policy(policy: dict | str) -> dict:
    """Reject a replication role policy with wildcard actions or resources, or KMS use outside S3."""
    doc = json.loads(policy) if isinstance(policy, str) else policy
    for statement in _as_list(doc.get("Statement")):
        sid = statement.get("Sid", "<no Sid>")
        actions = [a.lower() for a in _as_list(statement.get("Action"))]
        if statement.get("NotAction") or statement.get("NotResource"):
            raise PolicyError(f"statement {sid}: NotAction/NotResource are not allowed")
        if any(a == "*" or a.endswith(":*") for a in actions):
            raise PolicyError(f"statement {sid}: wildcard action {actions}")
        resources = _as_list(statement.get("Resource"))
        if not resources or any(r == "*" or r.startswith("arn:aws:s3:::*") or r.endswith(":key/*") for r in resources):
            raise PolicyError(f"statement {sid}: resources must be named buckets and keys, got {resources}")
        if any(a.startswith("kms:") for a in actions) and "kms:ViaService" not in statement.get("Condition", {}).get("StringEquals", {}):
            raise PolicyError(f"statement {sid}: KMS use must be limited to S3 (kms:ViaService)")
    return doc
