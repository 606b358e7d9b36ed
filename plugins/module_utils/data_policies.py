# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Policy documents of the data, backup and auth roles, built here so tests check the very
documents the roles apply (moto stores IAM documents but never evaluates them)."""

from __future__ import annotations

import json
import re

from ansible_collections.mosaic.platform.plugins.module_utils.arn_patterns import is_arn
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError, _as_list, _principals

SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$")
ACCOUNT = re.compile(r"^[0-9]{12}$")
S3_ACCESS = {
    "read": ["s3:GetObject", "s3:GetObjectVersion"],
    "write": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"],
}
# What S3 asks KMS for on the caller's behalf with SSE-KMS: a data key to write, Decrypt to read.
S3_KMS = {
    "read": ["kms:Decrypt"],
    "write": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
}
OPENSEARCH_HTTP_ACTIONS = ["es:ESHttpDelete", "es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPatch", "es:ESHttpPost", "es:ESHttpPut"]


def _check_account(account_id):
    if not ACCOUNT.match(str(account_id)):
        raise PolicyError(f"account_id must be a 12-digit AWS account id, got {account_id!r}")


def service_role_trust(service: str, account_id: str) -> dict:
    """Trust policy for a role an AWS service assumes on behalf of this account only."""
    if not SERVICE_PRINCIPAL.match(service or ""):
        raise PolicyError(f"service must be a service principal like es.amazonaws.com, got {service!r}")
    _check_account(account_id)
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AssumedByService",
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": str(account_id)}},
            }
        ],
    }
    return check_policy(doc)


def s3_bucket_access_policy(bucket: str, access: str = "write", prefix: str = "", partition: str = "aws", kms_key_arn: str = "", region: str = "") -> dict:
    """Least-privilege access to one bucket (and one key prefix): list, then object actions. With
    kms_key_arn (the bucket's SSE-KMS key), the key actions S3 needs on the caller's behalf, on that key
    only and only through S3 in region (kms:ViaService), as the replication role has them."""
    if not re.match(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", bucket or ""):
        raise PolicyError(f"bucket must be an S3 bucket name, got {bucket!r}")
    if access not in S3_ACCESS:
        raise PolicyError(f"access must be one of {sorted(S3_ACCESS)}, got {access!r}")
    prefix = prefix.strip("/")
    objects = f"arn:{partition}:s3:::{bucket}/{prefix + '/' if prefix else ''}*"
    list_statement = {"Sid": "ListBucket", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": f"arn:{partition}:s3:::{bucket}"}
    if prefix:
        list_statement["Condition"] = {"StringLike": {"s3:prefix": [f"{prefix}/*", prefix]}}
    doc = {
        "Version": "2012-10-17",
        "Statement": [list_statement, {"Sid": "ObjectAccess", "Effect": "Allow", "Action": S3_ACCESS[access], "Resource": objects}],
    }
    if kms_key_arn:
        if not is_arn(kms_key_arn, "kms_key"):
            raise PolicyError(f"kms_key_arn must be a KMS key ARN, got {kms_key_arn!r}")
        if not re.match(r"^[a-z]{2}(-[a-z]+)+-[0-9]$", region or ""):
            raise PolicyError(f"region must be an AWS region (the bucket's, for kms:ViaService), got {region!r}")
        doc["Statement"].append(
            {
                "Sid": "UseTheBucketKey",
                "Effect": "Allow",
                "Action": S3_KMS[access],
                "Resource": kms_key_arn,
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            }
        )
    return check_policy(doc)


# The calls Jaeger's OpenSearch client makes (Jaeger v2.13.0, internal/storage/elasticsearch): GET and HEAD
# on the domain root (version ping, health check), POST _bulk (span writes), PUT _template/<prefix>-jaeger-*
# (create_mappings on OpenSearch 1-3) and GET/HEAD/POST/PUT on its own indices (searches, index creation).
JAEGER_HTTP_ACTIONS = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut"]
_INDEX_PREFIX = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")


def jaeger_domain_paths(domain_arn: str, index_prefix: str = "jaeger") -> dict:
    """The domain paths Jaeger calls, by the actions it calls them with. IAM cannot scope _bulk to an
    index: the fine-grained access control role (opensearch_security_role) limits the writes to the prefix."""
    if not is_arn(domain_arn, "opensearch_domain"):
        raise PolicyError(f"domain_arn must be an OpenSearch domain ARN, got {domain_arn!r}")
    if not _INDEX_PREFIX.match(str(index_prefix)):
        raise PolicyError(f"index_prefix must be a lower-case index name prefix, got {index_prefix!r}")
    return {
        "root": (["es:ESHttpGet", "es:ESHttpHead"], [f"{domain_arn}/"]),
        "bulk": (["es:ESHttpPost"], [f"{domain_arn}/_bulk"]),
        "templates": (["es:ESHttpGet", "es:ESHttpPut"], [f"{domain_arn}/_template/{index_prefix}-*"]),
        "indices": (JAEGER_HTTP_ACTIONS, [f"{domain_arn}/{index_prefix}-*"]),
    }


def opensearch_access_policy(domain_arn: str, principals: list[str], jaeger_roles: list[dict] | None = None) -> dict:
    """Domain resource policy: only the named roles reach the HTTP API; fine-grained access
    control then maps them to OpenSearch roles.

    jaeger_roles: [{role_arn, index_prefix}] Jaeger's roles, admitted on Jaeger's paths only (jaeger_domain_paths). They are named
    in a condition on the account principal, not as principals: the cluster phase creates them after this
    policy, and IAM must also allow the call (their own policy carries the same paths)."""
    if not is_arn(domain_arn, "opensearch_domain"):
        raise PolicyError(f"domain_arn must be an OpenSearch domain ARN, got {domain_arn!r}")
    principals = sorted(set(principals or []))
    if not principals:
        raise PolicyError("opensearch_access_policy needs at least one principal")
    statements = [
        {"Sid": "NamedRolesOnly", "Effect": "Allow", "Principal": {"AWS": principals}, "Action": OPENSEARCH_HTTP_ACTIONS, "Resource": f"{domain_arn}/*"}
    ]
    account, partition = domain_arn.split(":")[4], domain_arn.split(":")[1]
    for number, entry in enumerate(jaeger_roles or []):
        role_arn = entry.get("role_arn", "")
        if not is_arn(role_arn, "iam_role") or role_arn.split(":")[4] != account:
            raise PolicyError(f"jaeger_roles role_arn must be an IAM role ARN of account {account}, got {role_arn!r}")
        for name, (actions, resources) in jaeger_domain_paths(domain_arn, entry.get("index_prefix", "jaeger")).items():
            statements.append(
                {
                    "Sid": f"Jaeger{number}{name.title()}",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                    "Action": actions,
                    "Resource": resources,
                    "Condition": {"ArnEquals": {"aws:PrincipalArn": role_arn}},
                }
            )
    return check_policy({"Version": "2012-10-17", "Statement": statements})


def logs_delivery_policy(log_group_arns: list[str], account_id: str, service: str = "es.amazonaws.com") -> dict:
    """CloudWatch Logs resource policy letting a service write to the named log groups, for this account only."""
    _check_account(account_id)
    arns = sorted({arn if arn.endswith(":*") else f"{arn}:*" for arn in log_group_arns or []})
    if not arns or not all(a.startswith("arn:") and ":log-group:" in a for a in arns):
        raise PolicyError(f"log_group_arns must be CloudWatch Logs log group ARNs, got {log_group_arns!r}")
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ServiceWritesLogs",
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": arns,
                "Condition": {"StringEquals": {"aws:SourceAccount": str(account_id)}},
            }
        ],
    }
    return check_policy(doc)


def check_policy(policy: dict | str) -> dict:
    """Reject documents that break the baseline: wildcard actions or resources on Allow, a public
    principal, NotAction/NotPrincipal, or a service principal without an account condition."""
    doc = json.loads(policy) if isinstance(policy, str) else policy
    statements = _as_list(doc.get("Statement"))
    if not statements:
        raise PolicyError("policy has no statements")
    for statement in statements:
        sid = statement.get("Sid", "<no Sid>")
        if statement.get("Effect") != "Allow":
            continue
        if statement.get("NotAction") or statement.get("NotPrincipal") or statement.get("NotResource"):
            raise PolicyError(f"statement {sid}: NotAction/NotPrincipal/NotResource are not allowed")
        for action in _as_list(statement.get("Action")):
            if action == "*" or action.endswith(":*"):
                raise PolicyError(f"statement {sid}: wildcard action {action!r} (name the actions)")
        if "Resource" in statement and "*" in _as_list(statement.get("Resource")):
            raise PolicyError(f"statement {sid}: Resource '*' (scope it to the named resources)")
        if "Principal" in statement:
            if "*" in _principals(statement):
                raise PolicyError(f"statement {sid}: Principal '*' is never allowed")
            if "Service" in statement["Principal"]:
                conditions = statement.get("Condition", {})
                if "aws:SourceAccount" not in conditions.get("StringEquals", {}) and "aws:SourceArn" not in conditions.get("ArnLike", {}):
                    raise PolicyError(f"statement {sid}: service principals need an aws:SourceAccount or aws:SourceArn condition")
    return doc
