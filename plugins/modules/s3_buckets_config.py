#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: s3_buckets_config
short_description: Manage one lifecycle rule and the server access logging of a list of S3 buckets in one run
version_added: 0.2.0
description:
  - Converges, for every bucket of O(buckets), one lifecycle rule (found by its ID) and where the bucket's server
    access logs go, in one module run.
  - The lifecycle rule is merged into the bucket's lifecycle configuration the way community.aws.s3_lifecycle does
    with O(buckets[].lifecycle_rule.id) set; every other rule of the bucket is kept as it is. The rule is compared
    normalised (an empty filter, an empty prefix or no filter at all are the same; transitions in any order), so the
    answers of AWS and of the local emulator cause no false change.
  - A converged bucket costs two reads (C(GetBucketLifecycleConfiguration), C(GetBucketLogging)) and no write.
    community.aws.s3_lifecycle and community.aws.s3_logging in a loop cost two module runs per bucket, each starting
    Python and boto3 again.
  - Unlike community.aws.s3_logging, no ACL of the target bucket is read or written; with C(BucketOwnerEnforced) ACLs
    are disabled (AWS refuses them), and the target bucket's policy must allow C(logging.s3.amazonaws.com) to write.
  - In check mode nothing is written; a bucket that does not exist yet is reported as would-change.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  buckets:
    description: The buckets.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Bucket name.
        type: str
        required: true
      lifecycle_rule:
        description: The lifecycle rule to converge (enabled, on the whole bucket); omitted, the lifecycle is left alone.
        type: dict
        suboptions:
          id:
            description: Rule ID; the rule of the bucket with this ID is replaced, other rules are kept.
            type: str
            required: true
          transitions:
            description: Transitions of the current versions.
            type: list
            elements: dict
            default: []
            suboptions:
              days:
                description: Days after creation.
                type: int
                required: true
              storage_class:
                description: Target storage class.
                type: str
                required: true
                choices: [STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE]
          expiration_days:
            description: Days after which current versions expire; 0 for never.
            type: int
            default: 0
          noncurrent_expiration_days:
            description: Days after which noncurrent versions expire; 0 for never.
            type: int
            default: 0
          abort_multipart_days:
            description: Days after which incomplete multipart uploads are aborted; 0 for never.
            type: int
            default: 0
      logging:
        description: Where the bucket's server access logs go; omitted, the logging is left alone.
        type: dict
        suboptions:
          target_bucket:
            description: The bucket receiving the logs (not the bucket itself).
            type: str
            required: true
          target_prefix:
            description: Key prefix of the logs.
            type: str
            default: ""
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Apply the lifecycle tiers and send the server access logs to the log bucket
  mosaic.platform.s3_buckets_config:
    buckets:
      - name: p-dev-access-logs-123456789012
        lifecycle_rule:
          id: tiering
          transitions: [{days: 30, storage_class: STANDARD_IA}, {days: 90, storage_class: GLACIER_IR}]
          expiration_days: 400
          noncurrent_expiration_days: 30
          abort_multipart_days: 7
      - name: p-dev-media-123456789012
        lifecycle_rule:
          id: tiering
          transitions: [{days: 30, storage_class: STANDARD_IA}, {days: 90, storage_class: GLACIER_IR}]
          noncurrent_expiration_days: 30
          abort_multipart_days: 7
        logging:
          target_bucket: p-dev-access-logs-123456789012
          target_prefix: s3/p-dev-media-123456789012/
"""

RETURN = r"""
buckets:
  description: Per bucket name, what changed (or would, in check mode).
  returned: always
  type: dict
  sample: {"p-dev-media-123456789012": {"changed": ["lifecycle", "logging"]}}
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.s3_lifecycle import BucketMissing, get_lifecycle, merge_rules, put_lifecycle

STORAGE_CLASSES = ["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"]


def desired_rule(spec):
    """The S3 lifecycle rule of a lifecycle_rule option, in the form community.aws.s3_lifecycle writes."""
    rule = {"ID": spec["id"], "Filter": {"Prefix": ""}, "Status": "Enabled"}
    if spec["transitions"]:
        rule["Transitions"] = [{"Days": t["days"], "StorageClass": t["storage_class"]} for t in spec["transitions"]]
    if spec["expiration_days"]:
        rule["Expiration"] = {"Days": spec["expiration_days"]}
    if spec["noncurrent_expiration_days"]:
        rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": spec["noncurrent_expiration_days"]}
    if spec["abort_multipart_days"]:
        rule["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": spec["abort_multipart_days"]}
    return rule


def converge_lifecycle(client, name, spec, check):
    """Replace (or add) the rule with the spec's ID, keep every other rule; return (changed, before, after)."""
    rules, min_size = get_lifecycle(client, name)
    wanted = desired_rule(spec)
    current = next((r for r in rules if r.get("ID") == wanted["ID"]), None)
    merged, changed = merge_rules(rules, [wanted])
    if not changed:
        return False, current, current
    if not check:
        put_lifecycle(client, name, merged, min_size)
    return True, current, wanted


def converge_logging(client, name, spec, check):
    """Send the bucket's server access logs to the target; return (changed, before, after)."""
    try:
        current = client.get_bucket_logging(aws_retry=True, Bucket=name).get("LoggingEnabled") or {}
    except is_boto3_error_code("NoSuchBucket"):
        raise BucketMissing(name) from None
    wanted = {"TargetBucket": spec["target_bucket"], "TargetPrefix": spec["target_prefix"]}
    if {k: current.get(k) for k in wanted} == wanted:
        return False, current, current
    if not check:
        client.put_bucket_logging(aws_retry=True, Bucket=name, BucketLoggingStatus={"LoggingEnabled": wanted})
    return True, current, wanted


def converge_bucket(client, spec, check):
    """Return (changes, before, after) of one bucket."""
    changes, before, after = [], {}, {}
    for key, option, converge in (("lifecycle", "lifecycle_rule", converge_lifecycle), ("logging", "logging", converge_logging)):
        if spec[option] is None:
            continue
        changed, before[key], after[key] = converge(client, spec["name"], spec[option], check)
        if changed:
            changes.append(key)
    return changes, before, after


def rule_days(spec):
    """Every day count of a lifecycle_rule option."""
    return [t["days"] for t in spec["transitions"]] + [spec[k] for k in ("expiration_days", "noncurrent_expiration_days", "abort_multipart_days")]


def validate(module, specs):
    names = [s["name"] for s in specs]
    fail_if_not_unique(module, "buckets names", names)
    into_itself = [s["name"] for s in specs if s["logging"] and s["logging"]["target_bucket"] == s["name"]]
    if into_itself:
        module.fail_json(msg=f"buckets logging target_bucket must be another bucket, a bucket logging into itself logs each delivery (got {into_itself})")
    negative = [s["name"] for s in specs if s["lifecycle_rule"] and min(rule_days(s["lifecycle_rule"])) < 0]
    if negative:
        module.fail_json(msg=f"buckets lifecycle_rule days must be 0 or more (got a negative one on {negative})")


def main():
    transition_spec = {"days": {"type": "int", "required": True}, "storage_class": {"type": "str", "required": True, "choices": STORAGE_CLASSES}}
    rule_spec = {
        "id": {"type": "str", "required": True},
        "transitions": {"type": "list", "elements": "dict", "default": [], "options": transition_spec},
        "expiration_days": {"type": "int", "default": 0},
        "noncurrent_expiration_days": {"type": "int", "default": 0},
        "abort_multipart_days": {"type": "int", "default": 0},
    }
    logging_spec = {"target_bucket": {"type": "str", "required": True}, "target_prefix": {"type": "str", "default": ""}}
    bucket_spec = {
        "name": {"type": "str", "required": True},
        "lifecycle_rule": {"type": "dict", "options": rule_spec},
        "logging": {"type": "dict", "options": logging_spec},
    }
    module = AnsibleAWSModule(
        argument_spec={"buckets": {"type": "list", "elements": "dict", "required": True, "options": bucket_spec}},
        supports_check_mode=True,
    )
    specs = module.params["buckets"]
    validate(module, specs)

    client = module.client("s3", retry_decorator=AWSRetry.jittered_backoff())
    result, diff_before, diff_after = {}, {}, {}
    for spec in specs:
        name = spec["name"]
        try:
            changes, before, after = converge_bucket(client, spec, module.check_mode)
        except BucketMissing:
            if not module.check_mode:
                module.fail_json(msg=f"Bucket {name} does not exist")
            # Check mode on an account where the bucket would only be created: all of it would change.
            after = {}
            if spec["lifecycle_rule"] is not None:
                after["lifecycle"] = desired_rule(spec["lifecycle_rule"])
            if spec["logging"] is not None:
                after["logging"] = {"TargetBucket": spec["logging"]["target_bucket"], "TargetPrefix": spec["logging"]["target_prefix"]}
            changes, before = list(after), {}
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to configure the S3 bucket {name}")
        result[name] = {"changed": changes}
        if changes:
            diff_before[name], diff_after[name] = before, after
    output = {"changed": any(r["changed"] for r in result.values()), "buckets": result}
    if module._diff:
        output["diff"] = {"before": diff_before, "after": diff_after}
    module.exit_json(**output)


if __name__ == "__main__":
    main()
