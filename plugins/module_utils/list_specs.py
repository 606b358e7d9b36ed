# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the list modules (iam_roles, s3_buckets, sns_topics, ...) share: the AWS errors they catch, the check of their
list before any call, and the ARN prefix of the caller's account for objects a check run has not created yet."""

from __future__ import annotations

try:
    import botocore
except ImportError:
    botocore = None  # AnsibleAWSModule reports the missing dependency

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# What a failed AWS call raises: the service's error and botocore's own (no credentials, endpoint unreachable).
AWS_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) if botocore else ()


def not_unique(label, values):
    """The message naming the values given more than once ("roles names must be unique (got ['a'] more than once)"), or None."""
    duplicates = sorted({v for v in values if values.count(v) > 1})
    return f"{label} must be unique (got {duplicates} more than once)" if duplicates else None


def fail_if_not_unique(module, label, values):
    """Fail the module, before any call, when a value (a name, an alias, a CIDR) is given more than once."""
    problem = not_unique(label, values)
    if problem:
        module.fail_json(msg=problem)


def arn_prefix(module, service, region=""):
    """arn:<partition>:<service>:<region>:<account>: from STS, so check mode can return the ARN of an object not created yet."""
    try:
        identity = module.client("sts", retry_decorator=AWSRetry.jittered_backoff()).get_caller_identity()
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to look up the account id")
    return f"arn:{identity['Arn'].split(':')[1]}:{service}:{region}:{identity['Account']}:"
