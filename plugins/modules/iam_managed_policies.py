#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: iam_managed_policies
short_description: Manage a list of customer-managed IAM policies, each with its document and tags, in one run
version_added: 0.2.0
description:
  - Creates or converges every policy of O(policies) in one module run. Per policy, the default version's document
    and the tags.
  - A policy is read by its ARN (C(GetPolicy), which also returns its tags, then C(GetPolicyVersion) of the default
    version), so a converged policy costs two reads plus one C(GetCallerIdentity) per run. amazon.aws.iam_managed_policy
    finds a policy by name in C(ListPolicies) over every policy of the account, AWS-managed ones included (about a
    dozen pages per run).
  - A changed document becomes a new default version. IAM keeps five versions, so the oldest non-default version is
    deleted first when five exist.
  - A policy's description and path cannot change once it exists; a different description is reported as a warning.
  - Policies are only created or updated; removing one is left to amazon.aws.iam_managed_policy with C(state=absent).
  - In check mode nothing is written; the result says what would change.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  policies:
    description: The policies.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Policy name, unique in the account whatever the path.
        type: str
        required: true
      path:
        description: Policy path, set at creation; it starts and ends with C(/).
        type: str
        default: /
      description:
        description: Policy description, set at creation.
        type: str
        default: ""
      policy:
        description: The policy document.
        type: dict
        required: true
      tags:
        description: The tags of the policy; tags not listed are removed.
        type: dict
        default: {}
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the permissions boundary policy
  mosaic.platform.iam_managed_policies:
    policies:
      - name: p-dev-permissions-boundary
        description: Permissions boundary of every role
        policy: "{{ boundary_document }}"
        tags: {Project: P, Env: dev}
"""

RETURN = r"""
policies:
  description: Per policy name, its ARN (computed in check mode before it exists) and what changed.
  returned: always
  type: dict
  sample: {"p-dev-permissions-boundary": {"arn": "arn:aws:iam::123456789012:policy/p-dev-permissions-boundary", "changed": ["document"]}}
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list, boto3_tag_list_to_ansible_dict
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, arn_prefix, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_tags

# IAM's limit of versions per managed policy.
MAX_VERSIONS = 5


def get_policy(client, arn):
    try:
        return client.get_policy(aws_retry=True, PolicyArn=arn)["Policy"]
    except is_boto3_error_code("NoSuchEntity"):
        return None


def create_policy(module, client, spec):
    params = {
        "PolicyName": spec["name"],
        "Path": spec["path"],
        "PolicyDocument": module.jsonify(spec["policy"]),
        "Description": spec["description"],
    }
    if spec["tags"]:
        params["Tags"] = ansible_dict_to_boto3_tag_list(spec["tags"])
    try:
        return client.create_policy(aws_retry=True, **params)["Policy"]
    except is_boto3_error_code("EntityAlreadyExists"):
        module.fail_json(
            msg=f"policies: a policy named {spec['name']} exists at another path than {spec['path']}; a policy's path cannot change, delete it first"
        )


def replace_document(module, client, arn, document):
    """Make the document the default version, deleting the oldest non-default version when IAM's limit is reached."""
    versions = client.list_policy_versions(aws_retry=True, PolicyArn=arn)["Versions"]
    if len(versions) >= MAX_VERSIONS:
        oldest = min((v for v in versions if not v["IsDefaultVersion"]), key=lambda v: v["CreateDate"])
        client.delete_policy_version(aws_retry=True, PolicyArn=arn, VersionId=oldest["VersionId"])
    client.create_policy_version(aws_retry=True, PolicyArn=arn, PolicyDocument=module.jsonify(document), SetAsDefault=True)


def converge_policy(module, client, spec, current):
    """Apply the differences of an existing policy; return what changed (or would)."""
    arn, check, changes = current["Arn"], module.check_mode, []
    version = client.get_policy_version(aws_retry=True, PolicyArn=arn, VersionId=current["DefaultVersionId"])["PolicyVersion"]
    if compare_policies(version["Document"], spec["policy"]):
        changes.append("document")
        if not check:
            replace_document(module, client, arn, spec["policy"])
    if reconcile_tags(
        boto3_tag_list_to_ansible_dict(current.get("Tags", [])),
        spec["tags"],
        True,
        check,
        tag=lambda tags: client.tag_policy(aws_retry=True, PolicyArn=arn, Tags=ansible_dict_to_boto3_tag_list(tags)),
        untag=lambda keys: client.untag_policy(aws_retry=True, PolicyArn=arn, TagKeys=keys),
    )[0]:
        changes.append("tags")
    if current.get("Description", "") != spec["description"]:
        module.warn(f"policies: the description of {spec['name']} differs and cannot change once the policy exists; delete the policy to change it")
    return changes


def main():
    policy_spec = {
        "name": {"type": "str", "required": True},
        "path": {"type": "str", "default": "/"},
        "description": {"type": "str", "default": ""},
        "policy": {"type": "dict", "required": True},
        "tags": {"type": "dict", "default": {}},
    }
    module = AnsibleAWSModule(
        argument_spec={"policies": {"type": "list", "elements": "dict", "required": True, "options": policy_spec}},
        supports_check_mode=True,
    )
    specs = module.params["policies"]
    fail_if_not_unique(module, "policies names", [s["name"] for s in specs])
    bad = [s["name"] for s in specs if not (s["path"].startswith("/") and s["path"].endswith("/"))]
    if bad:
        module.fail_json(msg=f"policies path must start and end with / (got it wrong on {bad})")

    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    prefix = arn_prefix(module, "iam")
    result = {}
    for spec in specs:
        arn = f"{prefix}policy{spec['path']}{spec['name']}"
        try:
            current = get_policy(client, arn)
            if current is None:
                changes = ["created"]
                if not module.check_mode:
                    arn = create_policy(module, client, spec)["Arn"]
            else:
                changes = converge_policy(module, client, spec, current)
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the IAM policy {spec['name']}")
        result[spec["name"]] = {"arn": arn, "changed": changes}
    module.exit_json(changed=any(r["changed"] for r in result.values()), policies=result)


if __name__ == "__main__":
    main()
