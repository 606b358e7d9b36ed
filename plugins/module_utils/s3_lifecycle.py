# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the writers of a bucket's lifecycle configuration share (s3_buckets_config for aws_storage's tiering rule,
s3_lifecycle_rules for aws_data's backup prefixes): each replaces only the rules of its IDs and keeps the others, so
neither undoes the other."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code


class BucketMissing(Exception):
    """The bucket does not exist (a check run on an account where it would only be created)."""


def normalised(rule):
    """A rule without the differences that mean nothing: empty values, the whole-bucket filter's forms, transition order."""
    out = {k: v for k, v in rule.items() if v not in (None, {}, [], "") and k != "Prefix"}
    prefix = rule.get("Prefix") or (rule.get("Filter") or {}).get("Prefix") or ""
    other_filters = {k: v for k, v in (rule.get("Filter") or {}).items() if k != "Prefix"}
    out["Filter"] = {"Prefix": prefix, **other_filters}
    for key in ("Transitions", "NoncurrentVersionTransitions"):
        if key in out:
            out[key] = sorted(out[key], key=lambda t: (t.get("Days", t.get("NoncurrentDays", 0)), t.get("StorageClass", "")))
    return out


def get_lifecycle(client, name):
    """(rules, default minimum object size or None) of the bucket; no configuration is no rule."""
    try:
        answer = client.get_bucket_lifecycle_configuration(aws_retry=True, Bucket=name)
    except is_boto3_error_code("NoSuchLifecycleConfiguration"):
        return [], None
    except is_boto3_error_code("NoSuchBucket"):
        raise BucketMissing(name) from None
    return answer.get("Rules", []), answer.get("TransitionDefaultMinimumObjectSize")


def merge_rules(rules, wanted):
    """(merged rules, IDs of the wanted rules that differ): each wanted rule replaces the rule of its ID or is added,
    every other rule is kept as it is and where it is."""
    current = {r.get("ID"): r for r in rules}
    changed = [r["ID"] for r in wanted if r["ID"] not in current or normalised(current[r["ID"]]) != normalised(r)]
    by_id = {r["ID"]: r for r in wanted}
    merged = [by_id.get(r.get("ID"), r) for r in rules] + [r for r in wanted if r["ID"] not in current]
    return merged, changed


def put_lifecycle(client, name, rules, min_size):
    config = {"LifecycleConfiguration": {"Rules": rules}}
    if min_size:
        # Keep the bucket's default minimum object size for transitions: a PUT without it resets it.
        config["TransitionDefaultMinimumObjectSize"] = min_size
    client.put_bucket_lifecycle_configuration(aws_retry=True, Bucket=name, **config)
