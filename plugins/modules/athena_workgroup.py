#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: athena_workgroup
short_description: Manage an Athena workgroup with enforced, encrypted query results
version_added: 0.1.0
description:
  - Creates, updates or deletes an Athena workgroup - result location, result encryption, a per-query
    bytes-scanned cutoff, enforcement of the workgroup settings over client settings, CloudWatch metrics, tags.
  - "O(purge_tags) leaves alone the tags whose key starts with C(mosaic:ddl:): they belong to
    M(mosaic.platform.athena_queries), which keeps there the SHA-256 of each table's last DDL statement."
  - No amazon.aws or community.aws module manages Athena.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  name:
    description: Workgroup name.
    type: str
    required: true
  description:
    description: Workgroup description.
    type: str
    default: ""
  output_location:
    description: S3 URI (C(s3://bucket/prefix/)) for query results. Required when O(state=present).
    type: str
  encryption_option:
    description: Encryption of query results.
    type: str
    choices: [SSE_S3, SSE_KMS, CSE_KMS]
    default: SSE_KMS
  kms_key:
    description: KMS key ARN for C(SSE_KMS) and C(CSE_KMS).
    type: str
  enforce_workgroup_configuration:
    description: Workgroup settings override the client-side settings of every query.
    type: bool
    default: true
  publish_cloudwatch_metrics:
    description: Publish query metrics to CloudWatch.
    type: bool
    default: true
  bytes_scanned_cutoff_per_query:
    description: Cancel a query that scans more than this many bytes (10 MB minimum). Omit for no limit.
    type: int
  requester_pays:
    description: Allow queries over requester-pays buckets.
    type: bool
    default: false
  recursive_delete:
    description: With O(state=absent), also delete the named queries and query history of the workgroup.
    type: bool
    default: false
  state:
    description: Whether the workgroup should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Audit workgroup
  mosaic.platform.athena_workgroup:
    name: legacyplatform-prod-audit
    output_location: s3://legacyplatform-prod-logs-333333333333/athena-results/
    encryption_option: SSE_KMS
    kms_key: "{{ aws_kms_outputs.audit.arn }}"
    bytes_scanned_cutoff_per_query: 10737418240
    tags:
      Component: audit
"""

RETURN = r"""
workgroup:
  description: The workgroup (snake_case), with its C(arn).
  returned: when state is present
  type: dict
  contains:
    name: {description: Workgroup name., type: str}
    arn: {description: Workgroup ARN., type: str}
    configuration: {description: Workgroup configuration., type: dict}
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.mosaic.platform.plugins.module_utils.athena_common import DDL_MARKER_PREFIX, get_workgroup, workgroup_arn, workgroup_tags
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_tags


def wanted_settings(params):
    encryption = {"EncryptionOption": params["encryption_option"]}
    if params["encryption_option"] != "SSE_S3":
        encryption["KmsKey"] = params["kms_key"]
    return {
        "description": params["description"],
        "output_location": params["output_location"],
        "encryption": encryption,
        "enforce": params["enforce_workgroup_configuration"],
        "metrics": params["publish_cloudwatch_metrics"],
        "cutoff": params["bytes_scanned_cutoff_per_query"],
        "requester_pays": params["requester_pays"],
    }


def current_settings(workgroup):
    config = workgroup.get("Configuration", {})
    result = config.get("ResultConfiguration", {})
    encryption = dict(result.get("EncryptionConfiguration") or {})
    return {
        "description": workgroup.get("Description", ""),
        "output_location": result.get("OutputLocation"),
        "encryption": encryption,
        "enforce": config.get("EnforceWorkGroupConfiguration", False),
        "metrics": config.get("PublishCloudWatchMetricsEnabled", False),
        "cutoff": config.get("BytesScannedCutoffPerQuery"),
        "requester_pays": config.get("RequesterPaysEnabled", False),
    }


def create_request(name, wanted, tags):
    config = {
        "ResultConfiguration": {"OutputLocation": wanted["output_location"], "EncryptionConfiguration": wanted["encryption"]},
        "EnforceWorkGroupConfiguration": wanted["enforce"],
        "PublishCloudWatchMetricsEnabled": wanted["metrics"],
        "RequesterPaysEnabled": wanted["requester_pays"],
    }
    if wanted["cutoff"]:
        config["BytesScannedCutoffPerQuery"] = wanted["cutoff"]
    request = {"Name": name, "Configuration": config, "Description": wanted["description"]}
    if tags:
        request["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return request


def update_request(name, wanted):
    """The UpdateWorkGroup request; verified against real AWS only (moto answers 500)."""
    updates = {
        "EnforceWorkGroupConfiguration": wanted["enforce"],
        "PublishCloudWatchMetricsEnabled": wanted["metrics"],
        "RequesterPaysEnabled": wanted["requester_pays"],
        "ResultConfigurationUpdates": {"OutputLocation": wanted["output_location"], "EncryptionConfiguration": wanted["encryption"]},
    }
    if wanted["cutoff"]:
        updates["BytesScannedCutoffPerQuery"] = wanted["cutoff"]
    else:
        updates["RemoveBytesScannedCutoffPerQuery"] = True
    return {"WorkGroup": name, "Description": wanted["description"], "ConfigurationUpdates": updates, "State": "ENABLED"}


def ensure_tags(module, client, arn):
    if module.params["tags"] is None:
        return {}
    current = workgroup_tags(client, arn)
    changed, after = reconcile_tags(
        current,
        module.params["tags"],
        module.params["purge_tags"],
        module.check_mode,
        tag=lambda tags: client.tag_resource(aws_retry=True, ResourceARN=arn, Tags=ansible_dict_to_boto3_tag_list(tags)),
        untag=lambda keys: client.untag_resource(aws_retry=True, ResourceARN=arn, TagKeys=keys),
        # The DDL markers of athena_queries are not ours to purge: deleting them would rerun every table's DDL.
        keep=lambda key: key.startswith(DDL_MARKER_PREFIX),
    )
    return {"tags": (current, after)} if changed else {}


def main():
    argument_spec = {
        "name": {"type": "str", "required": True},
        "description": {"type": "str", "default": ""},
        "output_location": {"type": "str"},
        "encryption_option": {"type": "str", "choices": ["SSE_S3", "SSE_KMS", "CSE_KMS"], "default": "SSE_KMS"},
        "kms_key": {"type": "str", "no_log": False},
        "enforce_workgroup_configuration": {"type": "bool", "default": True},
        "publish_cloudwatch_metrics": {"type": "bool", "default": True},
        "bytes_scanned_cutoff_per_query": {"type": "int"},
        "requester_pays": {"type": "bool", "default": False},
        "recursive_delete": {"type": "bool", "default": False},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["output_location"])],
    )
    if module.params["state"] == "present" and module.params["encryption_option"] != "SSE_S3" and not module.params["kms_key"]:
        module.fail_json(msg=f"kms_key is required with encryption_option {module.params['encryption_option']}")
    client = module.client("athena", retry_decorator=AWSRetry.jittered_backoff())
    name = module.params["name"]

    try:
        current = get_workgroup(client, name)
        if module.params["state"] == "absent":
            if current and not module.check_mode:
                client.delete_work_group(aws_retry=True, WorkGroup=name, RecursiveDeleteOption=module.params["recursive_delete"])
            module.exit_json(changed=bool(current))

        wanted = wanted_settings(module.params)
        if current is None:
            if not module.check_mode:
                client.create_work_group(aws_retry=True, **create_request(name, wanted, module.params["tags"]))
            workgroup = get_workgroup(client, name) if not module.check_mode else {"Name": name}
            module.exit_json(
                changed=True, diff={"before": {}, "after": wanted}, workgroup=dict(camel_dict_to_snake_dict(workgroup), arn=workgroup_arn(module, name))
            )

        before = current_settings(current)
        changed = before != wanted
        if changed and not module.check_mode:
            client.update_work_group(aws_retry=True, **update_request(name, wanted))
        arn = workgroup_arn(module, name)
        tag_diff = ensure_tags(module, client, arn)
        diff = {"before": dict(before), "after": dict(wanted)}
        if tag_diff:
            diff["before"]["tags"], diff["after"]["tags"] = tag_diff["tags"]
        if changed and not module.check_mode:
            current = get_workgroup(client, name)
        module.exit_json(changed=changed or bool(tag_diff), diff=diff, workgroup=dict(camel_dict_to_snake_dict(current), arn=arn))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the Athena workgroup {name}")


if __name__ == "__main__":
    main()
