#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ssm_parameters
short_description: Manage a list of SSM Parameter Store SecureString parameters, with their tags, in one run
version_added: 0.2.0
description:
  - Creates or converges every parameter of O(parameters) in one module run, each a C(SecureString) of the
    C(Standard) tier encrypted with O(parameters[].key_id), and its tags.
  - The parameters are read in batches (C(DescribeParameters), 50 names a call), then, only where
    O(parameters[].overwrite_value=changed), each one's decrypted value (C(GetParameter)); a converged parameter
    makes no write.
  - The tags of the existing parameters come from the tagging API (see the notes; the parameter's own read is
    C(ListTagsForResource)). The listing needs the parameters' ARNs, which C(DescribeParameters) returns on AWS; a
    parameter described without one is read on its own.
  - community.aws.ssm_parameter in a loop costs one module run per parameter, each starting Python and boto3 again.
  - O(parameters[].overwrite_value=never) writes the value on creation only and never reads it afterwards;
    V(changed) rewrites it (with the description and key) when the value, the type or a non-empty description
    differ, as community.aws.ssm_parameter does. The key of an existing parameter is not compared.
  - Tags are converged whatever O(parameters[].overwrite_value) says (community.aws.ssm_parameter skips them with
    V(never)).
  - Parameters are only created or updated; deleting one is left to community.aws.ssm_parameter with C(state=absent).
  - No value is ever returned; the result names what changed, never to what.
  - In check mode nothing is written; the result says what would change.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  parameters:
    description: The parameters.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Parameter name (a path such as C(/p/dev/app/key)).
        type: str
        required: true
      value:
        description: The value.
        type: str
        required: true
      overwrite_value:
        description: When an existing value is written again.
        type: str
        choices: [never, changed]
        default: changed
      description:
        description: Description; empty leaves an existing parameter's description as it is.
        type: str
        default: ""
      key_id:
        description: KMS key ARN, id or alias the value is encrypted with.
        type: str
        default: alias/aws/ssm
      tags:
        description: The tags of the parameter; tags not listed are removed.
        type: dict
        default: {}
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - mosaic.platform.tag_listing
notes:
  - moto 5.2.5 returns no C(ARN) from C(DescribeParameters), so against it every parameter reads its own tags; the
    listing is covered by unit tests that add the ARN AWS returns, and against real AWS.
"""

EXAMPLES = r"""
- name: Manage the SecureString parameters
  mosaic.platform.ssm_parameters:
    parameters:
      - name: /p/dev/litellm/salt-key
        description: LiteLLM salt key
        value: "{{ lookup('ansible.builtin.password', '/dev/null', length=32) }}"
        overwrite_value: never
        key_id: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
        tags: {Project: P, Env: dev}
  no_log: true
"""

RETURN = r"""
parameters:
  description: Per parameter name, what changed (or would); never a value.
  returned: always
  type: dict
  sample: {"/p/dev/litellm/salt-key": {"changed": ["created"]}}
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list, boto3_tag_list_to_ansible_dict
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import listed_tags, reconcile_tags, tags_match

TYPE = "SecureString"
TIER = "Standard"
# DescribeParameters takes at most 50 values in one filter, and returns at most 50 a page.
DESCRIBE_BATCH = 50


class ParameterRace(Exception):
    """DescribeParameters (eventually consistent) did not list a parameter that PutParameter found."""


def describe_parameters(client, names):
    """The metadata (Type, Description, ...) of those of ``names`` that exist, by name."""
    found = {}
    paginator = client.get_paginator("describe_parameters")
    for start in range(0, len(names), DESCRIBE_BATCH):
        batch = names[start : start + DESCRIBE_BATCH]
        pages = paginator.paginate(ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": batch}], PaginationConfig={"PageSize": DESCRIBE_BATCH})
        for parameter in AWSRetry.jittered_backoff()(pages.build_full_result)()["Parameters"]:
            found[parameter["Name"]] = parameter
    return found


def put_parameter(client, spec, overwrite):
    params = {"Name": spec["name"], "Value": spec["value"], "Type": TYPE, "Tier": TIER, "KeyId": spec["key_id"], "Overwrite": overwrite}
    if spec["description"]:
        params["Description"] = spec["description"]
    # PutParameter takes tags on creation only (they conflict with Overwrite).
    if not overwrite and spec["tags"]:
        params["Tags"] = ansible_dict_to_boto3_tag_list(spec["tags"])
    client.put_parameter(aws_retry=True, **params)


def create_parameter(client, spec):
    try:
        put_parameter(client, spec, overwrite=False)
    except is_boto3_error_code("ParameterAlreadyExists"):
        raise ParameterRace(spec["name"]) from None


def converge_parameter(module, client, spec, current, listed=None):
    """Apply the differences of an existing parameter; return what changed (or would).

    ``listed`` is the parameter's tags from the tagging API, if it showed them: taken only when they already match.
    """
    name, check, changes = spec["name"], module.check_mode, []
    if spec["overwrite_value"] == "changed":
        stored = client.get_parameter(aws_retry=True, Name=name, WithDecryption=True)["Parameter"]
        if current.get("Type") != TYPE:
            changes.append("type")
        if stored.get("Value") != spec["value"]:
            changes.append("value")
        if spec["description"] and current.get("Description", "") != spec["description"]:
            changes.append("description")
        if changes and not check:
            put_parameter(client, spec, overwrite=True)
    if listed is not None and tags_match(listed, spec["tags"], True):
        have = listed
    else:
        have = boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, ResourceType="Parameter", ResourceId=name)["TagList"])
    tags_changed, _after = reconcile_tags(
        have,
        spec["tags"],
        True,
        check,
        tag=lambda new: client.add_tags_to_resource(aws_retry=True, ResourceType="Parameter", ResourceId=name, Tags=ansible_dict_to_boto3_tag_list(new)),
        untag=lambda keys: client.remove_tags_from_resource(aws_retry=True, ResourceType="Parameter", ResourceId=name, TagKeys=keys),
    )
    if tags_changed:
        changes.append("tags")
    return changes


def validate(module, specs):
    names = [s["name"] for s in specs]
    fail_if_not_unique(module, "parameters names", names)
    empty = [s["name"] for s in specs if not s["value"]]
    if empty:
        module.fail_json(msg=f"parameters value must not be empty (empty on {empty})")


def main():
    parameter_spec = {
        "name": {"type": "str", "required": True},
        "value": {"type": "str", "required": True, "no_log": True},
        "overwrite_value": {"type": "str", "choices": ["never", "changed"], "default": "changed"},
        "description": {"type": "str", "default": ""},
        "key_id": {"type": "str", "default": "alias/aws/ssm"},
        "tags": {"type": "dict", "default": {}},
    }
    module = AnsibleAWSModule(
        argument_spec={"parameters": {"type": "list", "elements": "dict", "required": True, "options": parameter_spec}},
        supports_check_mode=True,
    )
    specs = module.params["parameters"]
    validate(module, specs)

    client = module.client("ssm", retry_decorator=AWSRetry.jittered_backoff())
    try:
        existing = describe_parameters(client, [s["name"] for s in specs]) if specs else {}
        listed = listed_tags(module, [p["ARN"] for p in existing.values() if p.get("ARN")])
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to describe the parameters")
    result = {}
    for spec in specs:
        name = spec["name"]
        try:
            if name in existing:
                changes = converge_parameter(module, client, spec, existing[name], listed.get(existing[name].get("ARN")))
            else:
                changes = ["created"]
                if not module.check_mode:
                    create_parameter(client, spec)
        except ParameterRace:
            module.fail_json(msg=f"The parameter {name} exists but DescribeParameters did not list it yet (eventual consistency): run again")
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the parameter {name}")
        result[name] = {"changed": changes}
    module.exit_json(changed=any(r["changed"] for r in result.values()), parameters=result)


if __name__ == "__main__":
    main()
