#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: secretsmanager_secrets
short_description: Manage a list of Secrets Manager string secrets, with their rotation and tags, in one run
version_added: 0.2.0
description:
  - Creates or converges every secret of O(secrets) in one module run. Per secret, its string value, description
    and KMS key (only with O(secrets[].overwrite)), its rotation and its tags. A secret scheduled for deletion is
    restored.
  - A run of two or more secrets reads them all at once and writes nothing when they are converged. C(ListSecrets),
    filtered by their names (ten names per call, scheduled deletions included), reads their settings and tags.
    C(BatchGetSecretValue) reads the values of those with O(secrets[].overwrite) (twenty per call). A secret that the
    listing does not show, or shows with a difference, is read again on its own before anything is written
    (C(ListSecrets) may lag a recent change by minutes). A single secret is read with C(DescribeSecret), plus
    C(GetSecretValue) with O(secrets[].overwrite). community.aws.secretsmanager_secret in a loop costs one module
    run per secret, each starting Python and boto3 again, and reads every value even where it is never written.
  - With O(secrets[].overwrite=false) the value is written on creation only and never read, compared or rotated
    afterwards; a changed description or key is not applied either (as community.aws.secretsmanager_secret does).
  - Secrets are only created or updated; deleting one is left to community.aws.secretsmanager_secret with
    C(state=absent). Resource policies and replication are left alone.
  - No value is ever returned; the result names what changed, never to what.
  - In check mode nothing is written; the result says what would change. A secret that does not exist yet is
    reported as C(created) without its ARN (Secrets Manager gives the ARN a random suffix).
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  secrets:
    description: The secrets.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Secret name.
        type: str
        required: true
      secret:
        description: The string value.
        type: str
        required: true
      overwrite:
        description:
          - Compare the value, description and KMS key of an existing secret and write them when they differ.
          - With V(false) they are written on creation only, and the value is never read.
        type: bool
        default: true
      description:
        description: Description; empty leaves an existing secret's description as it is.
        type: str
        default: ""
      kms_key_id:
        description: KMS key ARN, id or alias; empty for the account's C(aws/secretsmanager) key (then not compared).
        type: str
        default: ""
      rotation_lambda:
        description: ARN of the rotation function; empty for no rotation (an enabled rotation is cancelled).
        type: str
        default: ""
      rotation_interval:
        description: Days between rotations (1 to 1000), with O(secrets[].rotation_lambda).
        type: int
        default: 30
      tags:
        description: The tags of the secret; tags not listed are removed.
        type: dict
        default: {}
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the secrets
  mosaic.platform.secretsmanager_secrets:
    secrets:
      - name: p/dev/litellm/master-key
        description: LiteLLM proxy master key
        secret: "{{ lookup('ansible.builtin.password', '/dev/null', length=48) }}"
        overwrite: false
        kms_key_id: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
        tags: {Project: P, Env: dev}
      - name: p/dev/grafana/admin
        secret: "{{ vault_grafana_admin_password }}"
  no_log: true
"""

RETURN = r"""
secrets:
  description: Per secret name, its ARN (empty in check mode before it exists) and what changed; never a value.
  returned: always
  type: dict
  sample: {"p/dev/litellm/master-key": {"arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:p/dev/litellm/master-key-AbCdEf",
                                        "changed": ["created"]}}
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list, boto3_tag_list_to_ansible_dict
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_tags

# From two secrets on, one listing and one batch of values read them all; a single secret keeps DescribeSecret (and
# GetSecretValue), as cheap and never stale.
BATCH_FROM = 2
NAMES_PER_FILTER = 10  # ListSecrets: at most ten values per filter
VALUES_PER_BATCH = 20  # BatchGetSecretValue: at most twenty secrets per SecretIdList


def _chunks(items, size):
    return [items[i : i + size] for i in range(0, len(items), size)]


@AWSRetry.jittered_backoff()
def _list_by_names(client, names):
    pages = client.get_paginator("list_secrets").paginate(Filters=[{"Key": "name", "Values": names}], IncludePlannedDeletion=True)
    return pages.build_full_result()["SecretList"]


def list_secrets(client, names):
    """The secrets of `names` that ListSecrets shows, by name. Its name filter matches prefixes, ignoring case: only
    the exact names are kept."""
    wanted = set(names)
    return {s["Name"]: s for chunk in _chunks(sorted(wanted), NAMES_PER_FILTER) for s in _list_by_names(client, chunk) if s["Name"] in wanted}


def batch_values(client, names):
    """The string values of `names`, by name. A secret BatchGetSecretValue could not read (its Errors) is left out:
    it is read again on its own, where a lasting error fails the run with its cause."""
    values = {}
    for chunk in _chunks(sorted(names), VALUES_PER_BATCH):
        for secret in client.batch_get_secret_value(aws_retry=True, SecretIdList=chunk).get("SecretValues", []):
            values[secret["Name"]] = secret.get("SecretString")
    return values


def settings_changes(spec, current):
    """With overwrite: the description and key that differ (an empty one in the spec is not compared)."""
    changes = []
    if spec["description"] and current.get("Description", "") != spec["description"]:
        changes.append("description")
    if spec["kms_key_id"] and current.get("KmsKeyId", "") != spec["kms_key_id"]:
        changes.append("kms_key")
    return changes


def listed_converged(spec, entry, values):
    """Whether the listing's entry (and the batch's value) already match the spec: then nothing is read or written."""
    if entry.get("DeletedDate") or rotation_differs(spec, entry):
        return False
    if spec["overwrite"] and (settings_changes(spec, entry) or values.get(spec["name"]) != spec["secret"]):
        return False
    tags_differ, _after = reconcile_tags(boto3_tag_list_to_ansible_dict(entry.get("Tags", [])), spec["tags"], True, True, None, None)
    return not tags_differ


def describe_secret(client, name):
    try:
        return client.describe_secret(aws_retry=True, SecretId=name)
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def create_secret(client, spec):
    params = {"Name": spec["name"], "SecretString": spec["secret"]}
    if spec["description"]:
        params["Description"] = spec["description"]
    if spec["kms_key_id"]:
        params["KmsKeyId"] = spec["kms_key_id"]
    if spec["tags"]:
        params["Tags"] = ansible_dict_to_boto3_tag_list(spec["tags"])
    return client.create_secret(aws_retry=True, **params)["ARN"]


def converge_value(module, client, spec, current):
    """overwrite=true: write the description, key and value where they differ; return what changed (or would)."""
    changes = settings_changes(spec, current)
    stored = client.get_secret_value(aws_retry=True, SecretId=spec["name"]).get("SecretString")
    if stored != spec["secret"]:
        changes.append("value")
    if changes and not module.check_mode:
        params = {"SecretId": spec["name"]}
        if spec["description"]:
            params["Description"] = spec["description"]
        if spec["kms_key_id"]:
            params["KmsKeyId"] = spec["kms_key_id"]
        # A new key re-encrypts the value as a new version; a new description alone writes no version.
        if "value" in changes or "kms_key" in changes:
            params["SecretString"] = spec["secret"]
        client.update_secret(aws_retry=True, **params)
    return changes


def rotation_differs(spec, current):
    if not spec["rotation_lambda"]:
        return bool(current.get("RotationEnabled"))
    return (
        not current.get("RotationEnabled")
        or current.get("RotationLambdaARN") != spec["rotation_lambda"]
        or (current.get("RotationRules") or {}).get("AutomaticallyAfterDays") != spec["rotation_interval"]
    )


def converge_rotation(client, spec):
    if spec["rotation_lambda"]:
        client.rotate_secret(
            aws_retry=True,
            SecretId=spec["name"],
            RotationLambdaARN=spec["rotation_lambda"],
            RotationRules={"AutomaticallyAfterDays": spec["rotation_interval"]},
        )
    else:
        client.cancel_rotate_secret(aws_retry=True, SecretId=spec["name"])


def converge_secret(module, client, spec, current):
    """Apply the differences of an existing secret; return what changed (or would)."""
    name, check, changes = spec["name"], module.check_mode, []
    deleted = bool(current.get("DeletedDate"))
    if deleted:
        changes.append("restored")
        if not check:
            client.restore_secret(aws_retry=True, SecretId=name)
    # A secret still scheduled for deletion (check mode) has no readable value: its restore is the plan.
    if spec["overwrite"] and not (deleted and check):
        changes += converge_value(module, client, spec, current)
    if rotation_differs(spec, current):
        changes.append("rotation")
        if not check:
            converge_rotation(client, spec)
    tags_changed, _after = reconcile_tags(
        boto3_tag_list_to_ansible_dict(current.get("Tags", [])),
        spec["tags"],
        True,
        check,
        tag=lambda tags: client.tag_resource(aws_retry=True, SecretId=name, Tags=ansible_dict_to_boto3_tag_list(tags)),
        untag=lambda keys: client.untag_resource(aws_retry=True, SecretId=name, TagKeys=keys),
    )
    if tags_changed:
        changes.append("tags")
    return changes


def validate(module, specs):
    names = [s["name"] for s in specs]
    fail_if_not_unique(module, "secrets names", names)
    empty = [s["name"] for s in specs if not s["secret"]]
    if empty:
        module.fail_json(msg=f"secrets secret must not be empty (empty on {empty})")
    bad = [s["name"] for s in specs if s["rotation_lambda"] and not 1 <= s["rotation_interval"] <= 1000]
    if bad:
        module.fail_json(msg=f"secrets rotation_interval must be 1 to 1000 days (got it wrong on {bad})")


def main():
    secret_spec = {
        "name": {"type": "str", "required": True},
        "secret": {"type": "str", "required": True, "no_log": True},
        "overwrite": {"type": "bool", "default": True},
        "description": {"type": "str", "default": ""},
        "kms_key_id": {"type": "str", "default": ""},
        "rotation_lambda": {"type": "str", "default": ""},
        "rotation_interval": {"type": "int", "default": 30},
        "tags": {"type": "dict", "default": {}},
    }
    module = AnsibleAWSModule(
        # The list holds names and settings; only its secret option is a value.
        argument_spec={"secrets": {"type": "list", "elements": "dict", "required": True, "no_log": False, "options": secret_spec}},
        supports_check_mode=True,
    )
    specs = module.params["secrets"]
    validate(module, specs)

    client = module.client("secretsmanager", retry_decorator=AWSRetry.jittered_backoff())
    listed, values = {}, {}
    if len(specs) >= BATCH_FROM:
        try:
            listed = list_secrets(client, [s["name"] for s in specs])
            readable = [s["name"] for s in specs if s["overwrite"] and s["name"] in listed and not listed[s["name"]].get("DeletedDate")]
            values = batch_values(client, readable) if readable else {}
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg="Failed to read the secrets")
    result = {}
    for spec in specs:
        name = spec["name"]
        entry = listed.get(name)
        if entry is not None and listed_converged(spec, entry, values):
            result[name] = {"arn": entry["ARN"], "changed": []}
            continue
        try:
            current = describe_secret(client, name)
            if current is None:
                changes, arn = ["created"], ""
                if spec["rotation_lambda"]:
                    changes.append("rotation")
                if not module.check_mode:
                    arn = create_secret(client, spec)
                    if spec["rotation_lambda"]:
                        converge_rotation(client, spec)
            else:
                changes, arn = converge_secret(module, client, spec, current), current["ARN"]
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the secret {name}")
        result[name] = {"arn": arn, "changed": changes}
    module.exit_json(changed=any(r["changed"] for r in result.values()), secrets=result)


if __name__ == "__main__":
    main()
