# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS ARN shapes the collection checks, in one place.

Roles check them through the ``mosaic.platform.aws_arn`` Jinja test; module_utils that build
policy documents match them here. Every pattern names its ``partition``, and regional and
account-scoped kinds name ``region`` and ``account``, so a caller can pin either.
"""

from __future__ import annotations

import re

_PARTITION = r"arn:(?P<partition>aws[a-z-]*)"
_REGIONAL = _PARTITION + r":{service}:(?P<region>[a-z0-9-]+):(?P<account>[0-9]{{12}}):"
_GLOBAL = _PARTITION + r":{service}::(?P<account>[0-9]{{12}}):"

ARN_PATTERNS = {
    "acm_certificate": "^" + _REGIONAL.format(service="acm") + r"certificate/[A-Za-z0-9-]+$",
    "iam_policy": "^" + _GLOBAL.format(service="iam") + r"policy/[\w+=,.@/-]+$",
    "iam_role": "^" + _GLOBAL.format(service="iam") + r"role/[\w+=,.@/-]+$",
    "iam_role_or_user": "^" + _GLOBAL.format(service="iam") + r"(role|user)/[\w+=,.@/-]+$",
    "kms_key": "^" + _REGIONAL.format(service="kms") + r"key/[A-Za-z0-9-]+$",
    "lambda_function": "^" + _REGIONAL.format(service="lambda") + r"function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$",
    "opensearch_domain": "^" + _REGIONAL.format(service="es") + r"domain/[a-z][a-z0-9-]{2,27}$",
    "s3_bucket": "^" + _PARTITION + r":s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
    "secretsmanager_secret": "^" + _REGIONAL.format(service="secretsmanager") + r"secret:[A-Za-z0-9/_+=.@-]+$",
    "sns_topic": "^" + _REGIONAL.format(service="sns") + r"[A-Za-z0-9_-]{1,256}$",
    "sqs_queue": "^" + _REGIONAL.format(service="sqs") + r"[A-Za-z0-9_-]{1,80}(\.fifo)?$",
}
ARN_KINDS = tuple(sorted(ARN_PATTERNS))
_COMPILED = {kind: re.compile(pattern) for kind, pattern in ARN_PATTERNS.items()}


def arn_regex(kind: str) -> re.Pattern:
    """The compiled pattern of one ARN kind; ValueError names the known kinds."""
    try:
        return _COMPILED[kind]
    except (KeyError, TypeError):
        raise ValueError(f"unknown ARN kind {kind!r}; known kinds: {', '.join(ARN_KINDS)}") from None


def is_arn(value, kind: str, region: str | None = None, account: str | None = None) -> bool:
    """Whether value is an ARN of that kind (in that region and account, when given).

    A region constraint on a kind without a region (IAM, S3) is a ValueError, as is an
    account constraint on S3 bucket ARNs, which carry none.
    """
    pattern = arn_regex(kind)
    for name, wanted in (("region", region), ("account", account)):
        if wanted is not None and name not in pattern.groupindex:
            raise ValueError(f"{kind} ARNs carry no {name}")
    if not isinstance(value, str):
        return False
    found = pattern.fullmatch(value)
    if found is None:
        return False
    if region is not None and found.group("region") != region:
        return False
    return account is None or found.group("account") == str(account)
