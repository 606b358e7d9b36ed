# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Queue, topic and redrive documents for the aws_messaging role, with their checks.

- Queue policy: only SNS, only for the topics the queue subscribes to (aws:SourceArn), may send;
  everything over plain HTTP is denied.
- Topic policy: the account's own principals, plus named AWS services (CloudWatch alarms on the
  alerts topic) bound to this account; plain HTTP publishes denied.
- Redrive policy (on the work queue) and redrive-allow policy (on its DLQ, byQueue).

moto stores these documents but never evaluates them, so the checks here are the proof.
"""

from __future__ import annotations

import json

from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError

MAX_RECEIVE_COUNT_RANGE = (1, 1000)  # what SQS accepts
BASELINE_RECEIVE_COUNT_RANGE = (3, 10)  # what the security baseline wants
TOPIC_OWNER_ACTIONS = (
    "SNS:GetTopicAttributes",
    "SNS:ListSubscriptionsByTopic",
    "SNS:Publish",
    "SNS:Subscribe",
)


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _check_account(account_id) -> str:
    account = str(account_id)
    if not account.isdigit() or len(account) != 12:
        raise PolicyError(f"account_id must be a 12-digit AWS account id, got {account_id!r}")
    return account


def _arn_account(arn: str) -> str:
    parts = str(arn).split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" else ""


def _tls_deny(service: str, resource: str) -> dict:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": f"{service}:*",
        "Resource": resource,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _has_tls_deny(statements: list, service: str, resource: str) -> bool:
    for s in statements:
        actions = {a.lower() for a in _as_list(s.get("Action"))}
        if (
            s.get("Effect") == "Deny"
            and s.get("Principal") in ("*", {"AWS": "*"})
            and (f"{service}:*" in actions or "*" in actions)
            and resource in _as_list(s.get("Resource"))
            and str(s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")).lower() == "false"
        ):
            return True
    return False


def queue_policy(queue_arn: str, topic_arns: list[str] | None = None) -> dict:
    """Allow sqs:SendMessage from sns.amazonaws.com for the named topics only; deny plain HTTP."""
    statements = [_tls_deny("sqs", queue_arn)]
    topics = sorted(set(topic_arns or []))
    if topics:
        statements.append(
            {
                "Sid": "AllowSubscribedTopics",
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topics}},
            }
        )
    policy = {"Version": "2012-10-17", "Statement": statements}
    check_queue_policy(policy, queue_arn)
    return policy


def check_queue_policy(policy: dict | str, queue_arn: str) -> dict:
    """Reject a queue policy that lets anything but the named topics send, or allows plain HTTP."""
    doc = json.loads(policy) if isinstance(policy, str) else policy
    statements = _as_list(doc.get("Statement"))
    if not _has_tls_deny(statements, "sqs", queue_arn):
        raise PolicyError(f"queue {queue_arn}: no TLS-only statement (Deny sqs:* when aws:SecureTransport is false)")
    account = _arn_account(queue_arn)
    for s in statements:
        sid = s.get("Sid", "<no Sid>")
        if s.get("Effect") != "Allow":
            continue
        if s.get("NotPrincipal") or s.get("NotAction"):
            raise PolicyError(f"statement {sid}: NotPrincipal/NotAction are not allowed")
        if s.get("Principal") != {"Service": "sns.amazonaws.com"}:
            raise PolicyError(f"statement {sid}: only sns.amazonaws.com may be allowed, got {s.get('Principal')!r}")
        if [a.lower() for a in _as_list(s.get("Action"))] != ["sqs:sendmessage"]:
            raise PolicyError(f"statement {sid}: only sqs:SendMessage may be allowed")
        if _as_list(s.get("Resource")) != [queue_arn]:
            raise PolicyError(f"statement {sid}: the resource must be the queue itself")
        sources = _as_list(s.get("Condition", {}).get("ArnEquals", {}).get("aws:SourceArn"))
        if not sources:
            raise PolicyError(f"statement {sid}: SNS may send only for named topics (ArnEquals aws:SourceArn)")
        for source in sources:
            if "*" in source or not source.startswith("arn:") or ":sns:" not in source or _arn_account(source) != account:
                raise PolicyError(f"statement {sid}: aws:SourceArn {source} must be a topic of account {account}, no wildcards")
    return doc


def topic_policy(topic_arn: str, account_id: str, publisher_services: list[str] | None = None, partition: str = "aws") -> dict:
    """The account's principals may publish and subscribe; named services may publish for this account only."""
    account = _check_account(account_id)
    statements = [
        {
            "Sid": "AccountOwnerAccess",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
            "Action": list(TOPIC_OWNER_ACTIONS),
            "Resource": topic_arn,
        },
        _tls_deny("SNS", topic_arn),
    ]
    services = sorted(set(publisher_services or []))
    if services:
        statements.append(
            {
                "Sid": "AllowServicePublishers",
                "Effect": "Allow",
                "Principal": {"Service": services},
                "Action": "SNS:Publish",
                "Resource": topic_arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            }
        )
    policy = {"Version": "2012-10-17", "Statement": statements}
    check_topic_policy(policy, topic_arn, account)
    return policy


def check_topic_policy(policy: dict | str, topic_arn: str, account_id: str) -> dict:
    """Reject a topic policy with a public principal, SNS:*, or service publishers not bound to the account."""
    doc = json.loads(policy) if isinstance(policy, str) else policy
    statements = _as_list(doc.get("Statement"))
    if not _has_tls_deny(statements, "sns", topic_arn):
        raise PolicyError(f"topic {topic_arn}: no TLS-only statement (Deny SNS:* when aws:SecureTransport is false)")
    for s in statements:
        sid = s.get("Sid", "<no Sid>")
        if s.get("Effect") != "Allow":
            continue
        principal = s.get("Principal")
        values = [principal] if isinstance(principal, str) else [v for vs in (principal or {}).values() for v in _as_list(vs)]
        if "*" in values or s.get("NotPrincipal"):
            raise PolicyError(f"statement {sid}: a public principal is never allowed")
        actions = [a.lower() for a in _as_list(s.get("Action"))]
        if "sns:*" in actions or "*" in actions:
            raise PolicyError(f"statement {sid}: grants SNS:* (name the actions)")
        for aws in _as_list((principal or {}).get("AWS")) if isinstance(principal, dict) else []:
            if _arn_account(aws) != str(account_id):
                raise PolicyError(f"statement {sid}: principal {aws} is outside account {account_id}")
        bound = s.get("Condition", {}).get("StringEquals", {}).get("aws:SourceAccount") == str(account_id)
        if isinstance(principal, dict) and principal.get("Service") and not bound:
            raise PolicyError(f"statement {sid}: service publishers need aws:SourceAccount {account_id}")
    return doc


def redrive_policy(dlq_arn: str, max_receive_count: int) -> dict:
    """The work queue's RedrivePolicy: after max_receive_count receives a message moves to the DLQ."""
    low, high = MAX_RECEIVE_COUNT_RANGE
    if isinstance(max_receive_count, bool) or not isinstance(max_receive_count, int) or not low <= max_receive_count <= high:
        raise PolicyError(f"max_receive_count must be an integer {low}..{high}, got {max_receive_count!r}")
    return {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count}


def redrive_allow_policy(source_queue_arns: list[str]) -> dict:
    """The DLQ's RedriveAllowPolicy: only the named work queues may use it as their dead-letter queue."""
    sources = sorted(set(source_queue_arns or []))
    if not sources or any("*" in a or ":sqs:" not in a for a in sources):
        raise PolicyError(f"redrive_allow_policy needs the source queue ARNs, no wildcards, got {source_queue_arns!r}")
    return {"redrivePermission": "byQueue", "sourceQueueArns": sources}
