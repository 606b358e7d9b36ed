#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: s3_buckets
short_description: Create and converge a list of S3 buckets with their security baseline in one run
version_added: 0.2.0
description:
  - Creates every bucket of O(buckets) that does not exist and converges, per bucket, what amazon.aws.s3_bucket sets
    for the same options - versioning, the public access block, object ownership, default encryption (with the KMS key
    and the bucket key), the bucket policy (compared with amazon.aws' compare_policies), tags (purged or not), and
    S3 Object Lock with its default retention - in one module run.
  - Reads C(ListBuckets) once, then per existing bucket only the C(Get*) calls of the settings it compares; a bucket
    where nothing differs is not written to. amazon.aws.s3_bucket in a loop costs one module run per bucket, each
    starting Python and boto3 again and reading about a dozen settings.
  - The tags of the existing buckets with O(buckets[].tags) come from the tagging API (see the notes; the bucket's own
    read is C(GetBucketTagging)). On AWS it answers for the buckets of the module's region; a bucket elsewhere is read
    on its own.
  - Object Lock is turned on only when a bucket is created. Before anything is written, every existing bucket with
    O(buckets[].object_lock_enabled) is checked; if one has no Object Lock the module fails, writes nothing and
    returns their names in RV(unlocked). A bucket C(ListBuckets) did not list yet (C(CreateBucket) answers
    C(BucketAlreadyOwnedByYou)) is converged as an existing one, checked the same way before it is written.
  - The default retention is compared on its set values only (the local emulator answers C(Years) 0 beside C(Days)).
  - Buckets are only created or updated; removing one is left to amazon.aws.s3_bucket with C(state=absent).
  - Unlike amazon.aws.s3_bucket, nothing is read back after a write (no waiting for S3's eventual consistency).
  - In check mode nothing is written; a bucket that does not exist yet is reported as would-create, with every
    setting it would get, without any call for it.
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
      versioning:
        description: Whether versioning is enabled (V(false) suspends it where it is enabled).
        type: bool
        default: true
      public_access:
        description: The public access block; every flag defaults to V(true).
        type: dict
        default: {}
        suboptions:
          block_public_acls:
            description: Block new public ACLs.
            type: bool
            default: true
          ignore_public_acls:
            description: Ignore public ACLs.
            type: bool
            default: true
          block_public_policy:
            description: Block public bucket policies.
            type: bool
            default: true
          restrict_public_buckets:
            description: Restrict access to buckets with a public policy.
            type: bool
            default: true
      object_ownership:
        description: Object ownership of the bucket.
        type: str
        default: BucketOwnerEnforced
        choices: [BucketOwnerEnforced, BucketOwnerPreferred, ObjectWriter]
      encryption:
        description: Default encryption algorithm.
        type: str
        default: AES256
        choices: [AES256, aws:kms]
      encryption_key_id:
        description: KMS key of V(aws:kms) encryption; omitted, the AWS managed key.
        type: str
      bucket_key_enabled:
        description: Whether the S3 bucket key is used (V(aws:kms) only); omitted, left alone.
        type: bool
      policy:
        description: The bucket policy document; omitted, the policy is left alone.
        type: json
      tags:
        description: The tags of the bucket; omitted, the tags are left alone.
        type: dict
      purge_tags:
        description: Remove the tags not in O(buckets[].tags).
        type: bool
        default: true
      object_lock_enabled:
        description: Create the bucket with S3 Object Lock; an existing bucket without it fails the module.
        type: bool
        default: false
      object_lock_default_retention:
        description: Default retention of an V(object_lock_enabled) bucket; omitted, left alone.
        type: dict
        suboptions:
          mode:
            description: Retention mode.
            type: str
            required: true
            choices: [GOVERNANCE, COMPLIANCE]
          days:
            description: Retention in days.
            type: int
          years:
            description: Retention in years.
            type: int
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - mosaic.platform.tag_listing
"""

EXAMPLES = r"""
- name: Manage the buckets
  mosaic.platform.s3_buckets:
    buckets:
      - name: p-dev-logs-123456789012
        policy: "{{ logs_policy }}"
        tags: {Project: P, Env: dev, Name: p-dev-logs-123456789012}
        object_lock_enabled: true
        object_lock_default_retention: {mode: GOVERNANCE, days: 30}
      - name: p-dev-media-123456789012
        encryption: aws:kms
        encryption_key_id: arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555
        bucket_key_enabled: true
        policy: "{{ media_policy }}"
        tags: {Project: P, Env: dev, Name: p-dev-media-123456789012}
"""

RETURN = r"""
buckets:
  description: Per bucket name, what changed (or would, in check mode); C(created) first for a new bucket.
  returned: always
  type: dict
  sample: {"p-dev-media-123456789012": {"changed": ["created", "versioning", "public_access", "policy", "tags", "encryption", "ownership"]}}
unlocked:
  description: The existing buckets with O(buckets[].object_lock_enabled) that have no Object Lock (the module then fails).
  returned: failure
  type: list
  elements: str
  sample: ["p-dev-logs-123456789012"]
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.s3 import merge_tags
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list, boto3_tag_list_to_ansible_dict
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import listed_tags

PUBLIC_ACCESS_KEYS = {
    "block_public_acls": "BlockPublicAcls",
    "ignore_public_acls": "IgnorePublicAcls",
    "block_public_policy": "BlockPublicPolicy",
    "restrict_public_buckets": "RestrictPublicBuckets",
}
# What a bucket that does not exist yet has: every setting is written after CreateBucket, no read needed.
NEW_BUCKET = {"versioning": None, "public_access": {}, "policy": {}, "tags": {}, "encryption": {}, "ownership": None, "retention": {}}


def _missing_as(default, call, **params):
    """The answer of a Get* call, or ``default`` where the bucket has no such configuration (S3 answers 404)."""
    try:
        return call(aws_retry=True, **params)
    except is_boto3_error_code(
        [
            "NoSuchPublicAccessBlockConfiguration",
            "NoSuchBucketPolicy",
            "NoSuchTagSet",
            "ServerSideEncryptionConfigurationNotFoundError",
            "OwnershipControlsNotFoundError",
            "ObjectLockConfigurationNotFoundError",
        ]
    ):
        return default


def list_bucket_names(client):
    names, params = set(), {}
    while True:
        answer = client.list_buckets(aws_retry=True, **params)
        names.update(b["Name"] for b in answer.get("Buckets", []))
        if not answer.get("ContinuationToken"):
            return names
        params = {"ContinuationToken": answer["ContinuationToken"]}


def get_object_lock(client, name):
    """The bucket's ObjectLockConfiguration ({} without Object Lock)."""
    return _missing_as({}, client.get_object_lock_configuration, Bucket=name).get("ObjectLockConfiguration", {})


def set_values(retention):
    """A default retention without unset values (moto answers Years 0 beside Days)."""
    return {key: value for key, value in (retention or {}).items() if value}


def wanted_settings(spec):
    """The bucket's settings in the form S3 answers them; None where the spec leaves a setting alone."""
    encryption = {"SSEAlgorithm": spec["encryption"]}
    if spec["encryption_key_id"]:
        encryption["KMSMasterKeyID"] = spec["encryption_key_id"]
    retention = spec["object_lock_default_retention"]
    return {
        "versioning": "Enabled" if spec["versioning"] else "Suspended",
        "public_access": {PUBLIC_ACCESS_KEYS[k]: v for k, v in spec["public_access"].items()},
        "policy": spec["policy"],
        "tags": spec["tags"],
        "encryption": {"rule": encryption, "bucket_key": spec["bucket_key_enabled"]},
        "ownership": spec["object_ownership"],
        "retention": None if retention is None else set_values({"Mode": retention["mode"], "Days": retention["days"], "Years": retention["years"]}),
    }


def bucket_arn(client, name):
    return f"arn:{client.meta.partition}:s3:::{name}"


def read_settings(client, spec, lock, listed=None):
    """The bucket's current settings: one Get* call per setting the spec manages (Object Lock already read).

    ``listed`` is the bucket's tags from the tagging API, if it showed them: taken only when they already match.
    """
    name = spec["name"]
    rules = _missing_as({}, client.get_bucket_encryption, Bucket=name).get("ServerSideEncryptionConfiguration", {}).get("Rules") or [{}]
    ownership = _missing_as({}, client.get_bucket_ownership_controls, Bucket=name).get("OwnershipControls", {}).get("Rules") or [{}]
    current = {
        "versioning": client.get_bucket_versioning(aws_retry=True, Bucket=name).get("Status"),
        "public_access": _missing_as({}, client.get_public_access_block, Bucket=name).get("PublicAccessBlockConfiguration", {}),
        "encryption": {"rule": rules[0].get("ApplyServerSideEncryptionByDefault") or {}, "bucket_key": rules[0].get("BucketKeyEnabled")},
        "ownership": ownership[0].get("ObjectOwnership"),
        "retention": set_values(lock.get("Rule", {}).get("DefaultRetention")),
    }
    if spec["policy"] is not None:
        current["policy"] = json.loads(_missing_as({"Policy": "{}"}, client.get_bucket_policy, Bucket=name)["Policy"])
    if spec["tags"] is not None:
        # S3's own comparison (differs), not tag_reconcile.tags_match: PutBucketTagging replaces the whole set.
        if listed is not None and merge_tags(listed, spec["tags"], spec["purge_tags"]) == listed:
            current["tags"] = listed
        else:
            current["tags"] = boto3_tag_list_to_ansible_dict(_missing_as({"TagSet": []}, client.get_bucket_tagging, Bucket=name)["TagSet"])
    return current


def differs(key, current, wanted, spec):
    """Whether a setting must be written, with amazon.aws.s3_bucket's comparison of that setting."""
    now = current.get(key)
    if key == "versioning":
        # Suspending applies only to an enabled bucket: a never-versioned one stays as it is.
        return (now or "Suspended") != wanted if wanted == "Enabled" else now == "Enabled"
    if key == "policy":
        return compare_policies(now or {}, wanted)
    if key == "tags":
        return merge_tags(now or {}, wanted, spec["purge_tags"]) != (now or {})
    if key == "encryption":
        rule, want = now["rule"] if now else {}, wanted["rule"]
        if rule.get("SSEAlgorithm") != want["SSEAlgorithm"] or (want["SSEAlgorithm"] == "aws:kms" and rule.get("KMSMasterKeyID") != want.get("KMSMasterKeyID")):
            return True
        return wanted["bucket_key"] is not None and (now or {}).get("bucket_key") != wanted["bucket_key"]
    return now != wanted


def write(client, name, key, wanted, spec, current):
    """The one call that sets a setting."""
    if key == "versioning":
        client.put_bucket_versioning(aws_retry=True, Bucket=name, VersioningConfiguration={"Status": wanted})
    elif key == "public_access":
        client.put_public_access_block(aws_retry=True, Bucket=name, PublicAccessBlockConfiguration=wanted)
    elif key == "policy":
        client.put_bucket_policy(aws_retry=True, Bucket=name, Policy=json.dumps(wanted))
    elif key == "tags":
        tags = merge_tags(current.get("tags") or {}, wanted, spec["purge_tags"])
        if tags:
            client.put_bucket_tagging(aws_retry=True, Bucket=name, Tagging={"TagSet": ansible_dict_to_boto3_tag_list(tags)})
        else:
            client.delete_bucket_tagging(aws_retry=True, Bucket=name)
    elif key == "encryption":
        rule = {"ApplyServerSideEncryptionByDefault": wanted["rule"]}
        if wanted["bucket_key"] is not None:
            rule["BucketKeyEnabled"] = wanted["bucket_key"]
        client.put_bucket_encryption(aws_retry=True, Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
    elif key == "ownership":
        client.put_bucket_ownership_controls(aws_retry=True, Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": wanted}]})
    elif key == "retention":
        config = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": wanted}}
        client.put_object_lock_configuration(aws_retry=True, Bucket=name, ObjectLockConfiguration=config)


def create_bucket(client, spec, region):
    """Create the bucket; False when it turns out to exist already."""
    params = {"Bucket": spec["name"]}
    if region not in (None, "us-east-1"):
        params["CreateBucketConfiguration"] = {"LocationConstraint": region}
    if spec["object_lock_enabled"]:
        params["ObjectLockEnabledForBucket"] = True
    try:
        client.create_bucket(aws_retry=True, **params)
    except is_boto3_error_code("BucketAlreadyOwnedByYou"):
        # Created since ListBuckets answered (it lists eventually): converge it as an existing bucket.
        return False
    client.get_waiter("bucket_exists").wait(Bucket=spec["name"])
    return True


def converge_bucket(client, spec, current, check):
    """Write what differs, in amazon.aws.s3_bucket's order; return (changes, before, after)."""
    changes, before, after = [], {}, {}
    for key, wanted in wanted_settings(spec).items():
        if wanted is None or not differs(key, current, wanted, spec):
            continue
        changes.append(key)
        before[key], after[key] = current.get(key), wanted
        if not check:
            write(client, spec["name"], key, wanted, spec, current)
    return changes, before, after


def one_period(spec):
    """Whether a default retention has exactly one of days and years, at least 1."""
    retention = spec["object_lock_default_retention"]
    return len([v for v in (retention["days"], retention["years"]) if v is not None]) == 1 and (retention["days"] or retention["years"] or 0) >= 1


def validate(module, specs):
    names = [s["name"] for s in specs]
    fail_if_not_unique(module, "buckets names", names)
    rules = (
        (
            "encryption_key_id and bucket_key_enabled need encryption aws:kms",
            lambda s: s["encryption"] != "aws:kms" and (s["encryption_key_id"] or s["bucket_key_enabled"]),
        ),
        ("object_lock_default_retention needs object_lock_enabled", lambda s: s["object_lock_default_retention"] and not s["object_lock_enabled"]),
        ("object_lock_enabled needs versioning, Object Lock keeps it on", lambda s: s["object_lock_enabled"] and not s["versioning"]),
        ("object_lock_default_retention needs exactly one of days and years, 1 or more", lambda s: s["object_lock_default_retention"] and not one_period(s)),
    )
    for rule, broken in rules:
        bad = [s["name"] for s in specs if broken(s)]
        if bad:
            module.fail_json(msg=f"buckets {rule} (got it wrong on {bad})")


def main():
    public_access_spec = {key: {"type": "bool", "default": True} for key in PUBLIC_ACCESS_KEYS}
    retention_spec = {
        "mode": {"type": "str", "required": True, "choices": ["GOVERNANCE", "COMPLIANCE"]},
        "days": {"type": "int"},
        "years": {"type": "int"},
    }
    bucket_spec = {
        "name": {"type": "str", "required": True},
        "versioning": {"type": "bool", "default": True},
        "public_access": {"type": "dict", "default": {}, "options": public_access_spec},
        "object_ownership": {"type": "str", "default": "BucketOwnerEnforced", "choices": ["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"]},
        "encryption": {"type": "str", "default": "AES256", "choices": ["AES256", "aws:kms"]},
        "encryption_key_id": {"type": "str"},
        "bucket_key_enabled": {"type": "bool"},
        "policy": {"type": "json"},
        "tags": {"type": "dict"},
        "purge_tags": {"type": "bool", "default": True},
        "object_lock_enabled": {"type": "bool", "default": False},
        "object_lock_default_retention": {"type": "dict", "options": retention_spec},
    }
    module = AnsibleAWSModule(
        argument_spec={"buckets": {"type": "list", "elements": "dict", "required": True, "options": bucket_spec}},
        supports_check_mode=True,
    )
    specs = module.params["buckets"]
    for spec in specs:
        # The json type hands over a string; compare and write the document.
        spec["policy"] = None if spec["policy"] is None else json.loads(spec["policy"])
    validate(module, specs)

    # Like amazon.aws.s3_bucket: right after CreateBucket, S3 may still answer NoSuchBucket for a while.
    client = module.client("s3", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["NoSuchBucket", "OperationAborted"]))
    try:
        existing = list_bucket_names(client)
        # Object Lock is only ever turned on at creation: check every existing object_lock bucket before any write.
        locks = {s["name"]: get_object_lock(client, s["name"]) for s in specs if s["object_lock_enabled"] and s["name"] in existing}
        listed = listed_tags(module, [bucket_arn(client, s["name"]) for s in specs if s["tags"] is not None and s["name"] in existing])
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to read the S3 buckets")
    unlocked = sorted(name for name, lock in locks.items() if lock.get("ObjectLockEnabled") != "Enabled")
    if unlocked:
        module.fail_json(msg=f"Buckets {unlocked} exist without S3 Object Lock, which is only turned on at creation", unlocked=unlocked)

    result, diff_before, diff_after = {}, {}, {}
    for spec in specs:
        name = spec["name"]
        try:
            if name not in existing and (module.check_mode or create_bucket(client, spec, module.region)):
                changes, _before, after = converge_bucket(client, spec, dict(NEW_BUCKET), module.check_mode)
                changes.insert(0, "created")
                before = {}
            else:
                lock = locks.get(name)
                if lock is None and spec["object_lock_enabled"]:
                    lock = get_object_lock(client, name)  # a bucket ListBuckets did not list yet
                if spec["object_lock_enabled"] and lock.get("ObjectLockEnabled") != "Enabled":
                    module.fail_json(msg=f"Buckets {[name]} exist without S3 Object Lock, which is only turned on at creation", unlocked=[name])
                current = read_settings(client, spec, lock or {}, listed.get(bucket_arn(client, name)))
                changes, before, after = converge_bucket(client, spec, current, module.check_mode)
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the S3 bucket {name}")
        result[name] = {"changed": changes}
        if changes:
            diff_before[name], diff_after[name] = before, after
    output = {"changed": any(r["changed"] for r in result.values()), "buckets": result}
    if module._diff:
        output["diff"] = {"before": diff_before, "after": diff_after}
    module.exit_json(**output)


if __name__ == "__main__":
    main()
