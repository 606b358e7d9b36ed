#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: s3_bucket_replication
short_description: Manage the replication configuration of an S3 bucket
version_added: 0.1.0
description:
  - Replicates every object of a versioned SSE-KMS bucket to one destination bucket (one rule, C(replicate-all)),
    re-encrypting replicas with the destination's KMS key. Neither amazon.aws nor community.aws manages bucket
    replication.
  - Delete markers are not replicated by default, so a deletion in the source does not reach the copy.
  - Supports check mode and diff mode. In check mode a missing bucket reports C(changed) instead of failing.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  name:
    description: Source bucket.
    type: str
    required: true
  role_arn:
    description: Role S3 assumes to replicate. Required with O(state=present).
    type: str
  destination_bucket:
    description: Name of the destination bucket. Required with O(state=present).
    type: str
  replica_kms_key_arn:
    description: KMS key of the replicas, in the destination region. Required with O(state=present).
    type: str
  storage_class:
    description: Storage class of the replicas.
    type: str
    default: STANDARD
    choices: [STANDARD, STANDARD_IA, GLACIER_IR, DEEP_ARCHIVE]
  delete_marker_replication:
    description: Replicate delete markers.
    type: bool
    default: false
  state:
    description: Whether the replication configuration exists.
    type: str
    choices: [present, absent]
    default: present
notes:
  - moto 5.2.5 drops C(SourceSelectionCriteria) and reports C(DeleteMarkerReplication) as disabled, so against moto
    this module reports a change on every run; it is covered by request-shape unit tests and real AWS.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Replicate the backups to the DR region
  mosaic.platform.s3_bucket_replication:
    name: p-backups-123456789012
    role_arn: arn:aws:iam::123456789012:role/p-s3-replication
    destination_bucket: p-backups-123456789012-replica
    replica_kms_key_arn: arn:aws:kms:eu-central-1:123456789012:key/11111111-2222-3333-4444-555555555555
"""

RETURN = r"""
replication_configuration:
  description: The replication configuration after the run (in check mode, the one that would be set).
  returned: when state is present
  type: dict
"""

try:  # noqa: SIM105 the amazon.aws idiom: AnsibleAWSModule reports a missing botocore
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def desired_configuration(params):
    return {
        "Role": params["role_arn"],
        "Rules": [
            {
                "ID": "replicate-all",
                "Priority": 1,
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "DeleteMarkerReplication": {"Status": "Enabled" if params.get("delete_marker_replication") else "Disabled"},
                # Objects encrypted with SSE-KMS replicate only when this is enabled.
                "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
                "Destination": {
                    "Bucket": f"arn:aws:s3:::{params['destination_bucket']}",
                    "StorageClass": params.get("storage_class") or "STANDARD",
                    "EncryptionConfiguration": {"ReplicaKmsKeyID": params["replica_kms_key_arn"]},
                },
            }
        ],
    }


def contains(current, wanted):
    """True when every key and value of wanted is in current (AWS adds defaults of its own)."""
    if isinstance(wanted, dict):
        return isinstance(current, dict) and all(k in current and contains(current[k], v) for k, v in wanted.items())
    if isinstance(wanted, list):
        return isinstance(current, list) and len(current) == len(wanted) and all(contains(c, w) for c, w in zip(current, wanted, strict=True))
    return current == wanted


def ensure_replication(client, params, check_mode):
    """Return (changed, before, after); never writes in check mode."""
    bucket = params["name"]
    try:
        current = client.get_bucket_replication(Bucket=bucket, aws_retry=True)["ReplicationConfiguration"]
    except is_boto3_error_code("ReplicationConfigurationNotFoundError"):
        current = None
    except is_boto3_error_code("NoSuchBucket"):
        if check_mode:
            return True, None, desired_configuration(params) if params["state"] == "present" else None
        raise ValueError(f"bucket {bucket} does not exist") from None
    if params["state"] == "absent":
        if current and not check_mode:
            client.delete_bucket_replication(Bucket=bucket, aws_retry=True)
        return current is not None, current, None
    wanted = desired_configuration(params)
    if current is not None and contains(current, wanted):
        return False, current, current
    if not check_mode:
        client.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=wanted, aws_retry=True)
    return True, current, wanted


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "role_arn": {"type": "str"},
            "destination_bucket": {"type": "str"},
            "replica_kms_key_arn": {"type": "str", "no_log": False},  # an ARN, not a secret
            "storage_class": {"type": "str", "default": "STANDARD", "choices": ["STANDARD", "STANDARD_IA", "GLACIER_IR", "DEEP_ARCHIVE"]},
            "delete_marker_replication": {"type": "bool", "default": False},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        required_if=[("state", "present", ["role_arn", "destination_bucket", "replica_kms_key_arn"])],
        supports_check_mode=True,
    )
    client = module.client("s3", retry_decorator=AWSRetry.jittered_backoff())
    try:
        changed, before, after = ensure_replication(client, module.params, module.check_mode)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
        module.fail_json_aws(exc, msg=f"Could not manage the replication of bucket {module.params['name']}")
    result = {"changed": changed}
    if after is not None:
        result["replication_configuration"] = after
    if module._diff:
        result["diff"] = {"before": before or {}, "after": after or {}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
