#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: s3_lifecycle_rules
short_description: Merge a list of prefix expiration rules into the lifecycle configuration of their S3 buckets in one run
version_added: 0.2.0
description:
  - Converges every rule of O(rules), each found in its bucket by its ID, in one module run; every other rule of
    the bucket (another role's, such as aws_storage's tiering rule of mosaic.platform.s3_buckets_config) is kept
    as it is. Rules of one bucket are written in one C(PutBucketLifecycleConfiguration).
  - A rule is written the way community.aws.s3_lifecycle writes it with O(rules[].id), O(rules[].prefix),
    C(status=enabled), C(expiration_days) and C(abort_incomplete_multipart_upload_days), and compared normalised, so
    the rules that module wrote are no change.
  - A converged bucket costs one read (C(GetBucketLifecycleConfiguration)) and no write. community.aws.s3_lifecycle in
    a loop costs a module run per rule, each starting Python and boto3 again.
  - Rules are only added or updated; removing one is left to community.aws.s3_lifecycle with C(state=absent).
  - In check mode nothing is written; a bucket that does not exist yet is reported as would-change, without a call.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  rules:
    description: The rules.
    type: list
    elements: dict
    required: true
    suboptions:
      bucket:
        description: Name of the bucket the rule belongs to.
        type: str
        required: true
      id:
        description: Rule ID, unique in its bucket; the rule of the bucket with this ID is replaced, other rules are kept.
        type: str
        required: true
      prefix:
        description: Key prefix of the objects the rule applies to.
        type: str
        required: true
      expiration_days:
        description: Days after creation the current versions of those objects expire.
        type: int
        required: true
      abort_multipart_days:
        description: Days after initiation an incomplete multipart upload is aborted; 0 for never.
        type: int
        default: 7
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Expire each backup prefix after its retention
  mosaic.platform.s3_lifecycle_rules:
    rules:
      - {bucket: p-dev-graph-backups-123456789012, id: neo4j-retention, prefix: neo4j/, expiration_days: 35}
      - {bucket: p-dev-backups-123456789012, id: postgres-dump-retention, prefix: postgres/, expiration_days: 35}
"""

RETURN = r"""
buckets:
  description: Per bucket name, the IDs of the rules that changed (or would in check mode).
  returned: always
  type: dict
  sample: {"p-dev-backups-123456789012": {"changed": ["postgres-dump-retention"]}}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.s3_lifecycle import BucketMissing, get_lifecycle, merge_rules, put_lifecycle


def desired_rule(spec):
    """The S3 lifecycle rule of a rules item, in the form community.aws.s3_lifecycle writes."""
    rule = {"ID": spec["id"], "Filter": {"Prefix": spec["prefix"]}, "Status": "Enabled"}
    if spec["abort_multipart_days"]:
        rule["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": spec["abort_multipart_days"]}
    rule["Expiration"] = {"Days": spec["expiration_days"]}
    return rule


def validate(module, specs):
    fail_if_not_unique(module, "rules bucket/id pairs", [f"{s['bucket']}/{s['id']}" for s in specs])
    short = [s["id"] for s in specs if s["expiration_days"] < 1 or s["abort_multipart_days"] < 0]
    if short:
        module.fail_json(msg=f"rules expiration_days must be 1 or more and abort_multipart_days 0 or more (got it wrong on {short})")
    whole = [s["id"] for s in specs if not s["prefix"]]
    if whole:
        module.fail_json(msg=f"rules prefix must not be empty, a rule on the whole bucket would expire every object (got it on {whole})")


def main():
    rule_spec = {
        "bucket": {"type": "str", "required": True},
        "id": {"type": "str", "required": True},
        "prefix": {"type": "str", "required": True},
        "expiration_days": {"type": "int", "required": True},
        "abort_multipart_days": {"type": "int", "default": 7},
    }
    module = AnsibleAWSModule(
        argument_spec={"rules": {"type": "list", "elements": "dict", "required": True, "options": rule_spec}},
        supports_check_mode=True,
    )
    specs = module.params["rules"]
    validate(module, specs)

    by_bucket = {}
    for spec in specs:
        by_bucket.setdefault(spec["bucket"], []).append(desired_rule(spec))
    client = module.client("s3", retry_decorator=AWSRetry.jittered_backoff())
    result = {}
    for name, wanted in by_bucket.items():
        try:
            rules, min_size = get_lifecycle(client, name)
            merged, changed = merge_rules(rules, wanted)
            if changed and not module.check_mode:
                put_lifecycle(client, name, merged, min_size)
        except BucketMissing:
            if not module.check_mode:
                module.fail_json(msg=f"Bucket {name} does not exist")
            # Check mode on an account where the bucket would only be created: every rule would be added.
            changed = [r["ID"] for r in wanted]
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to configure the lifecycle of the S3 bucket {name}")
        result[name] = {"changed": changed}
    module.exit_json(changed=any(r["changed"] for r in result.values()), buckets=result)


if __name__ == "__main__":
    main()
