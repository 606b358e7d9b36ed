#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_security_groups
short_description: Manage a list of security groups of one VPC in one run
version_added: 0.2.0
description:
  - Creates or converges every security group of O(security_groups) in the VPC O(vpc_id), in one module run (its
    ingress rules and tags); only what differs is written.
  - The groups are read once (C(DescribeSecurityGroups) filtered on the VPC and the group names, paginated). A
    converged group costs no other call. amazon.aws.ec2_security_group in a loop costs one module run per group (Python
    and boto3 started again each time) and a describe of the group again after every compare.
  - A rule may name another group of the same list as its source (O(security_groups[].rules[].group_name)); the
    groups to create are created first, without rules, so a group can admit one created in the same run.
  - Ingress rules are converged as amazon.aws.ec2_security_group does with C(purge_rules=true) (the default); rules
    not listed are revoked, a rule listed with another description gets its description updated. Egress rules are
    left as they are, as amazon.aws.ec2_security_group leaves them when it is given no C(rules_egress), so a new group
    keeps the allow-all egress rule EC2 gives it.
  - EC2 cannot change the description of a group. When it differs, the module warns (as
    amazon.aws.ec2_security_group does) and reports C(description) among the group's differences without a write;
    to change it, delete the group (amazon.aws.ec2_security_group with C(state=absent)) and run again.
  - Groups are only created or updated; removing one is left to amazon.aws.ec2_security_group with C(state=absent).
  - In check mode nothing is written; a group to create has an empty id, and a rule whose source is such a group is
    planned with that empty id.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  vpc_id:
    description: The VPC the groups belong to.
    type: str
    required: true
  security_groups:
    description: The security groups.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The group name, unique in the VPC.
        type: str
        required: true
      description:
        description: The group description, set at creation only (EC2 cannot change it).
        type: str
        required: true
      rules:
        description:
          - The ingress rules. With O(security_groups[].purge_rules) the others are revoked; an empty list leaves the
            group no ingress rule.
        type: list
        elements: dict
        default: []
        suboptions:
          proto:
            description: The IP protocol.
            type: str
            choices: [tcp, udp]
            default: tcp
          ports:
            description: The ports, one rule each.
            type: list
            elements: int
            required: true
          cidr_ip:
            description:
              - The IPv4 CIDR admitted. A CIDR with host bits set is replaced by its network, with a warning, as
                amazon.aws.ec2_security_group does.
              - Exactly one of O(security_groups[].rules[].cidr_ip), O(security_groups[].rules[].group_id) and
                O(security_groups[].rules[].group_name).
            type: str
          group_id:
            description: The id of the security group admitted.
            type: str
          group_name:
            description: The name of another group of O(security_groups), admitted; resolved to its id in the run.
            type: str
          rule_desc:
            description: The rule description.
            type: str
      purge_rules:
        description: Revoke the ingress rules not in O(security_groups[].rules).
        type: bool
        default: true
      tags:
        description: The tags of the group.
        type: dict
        default: {}
      purge_tags:
        description: Remove the tags not in O(security_groups[].tags).
        type: bool
        default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Manage the security groups
  mosaic.platform.ec2_security_groups:
    vpc_id: vpc-0123456789abcdef0
    security_groups:
      - name: p-dev-nodes
        description: Cluster nodes
        tags: {Project: P, Name: p-dev-nodes}
      - name: p-dev-postgres
        description: "postgres: port 5432 from the cluster nodes only"
        rules:
          - ports: [5432]
            group_name: p-dev-nodes
            rule_desc: cluster nodes
        tags: {Project: P, Name: p-dev-postgres}
"""

RETURN = r"""
security_groups:
  description: Per group name, the group id (empty for one that check mode would create) and what changed.
  returned: always
  type: dict
  sample: {"p-dev-postgres": {"id": "sg-0123456789abcdef0", "changed": ["rules", "tags"]}}
"""

import ipaddress

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    boto3_tag_list_to_ansible_dict,
    boto3_tag_specifications,
)
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import AWS_ERRORS, fail_if_not_unique
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_ec2_tags

# A rule's source in IpPermissions: (the list key, the key of one entry). A rule is keyed
# (protocol, from port, to port, source kind, source) and carries its description.
SOURCES = {
    "cidr_ip": ("IpRanges", "CidrIp"),
    "cidr_ipv6": ("Ipv6Ranges", "CidrIpv6"),
    "group_id": ("UserIdGroupPairs", "GroupId"),
    "prefix_list_id": ("PrefixListIds", "PrefixListId"),
}


@AWSRetry.jittered_backoff()
def _list_groups(client, vpc_id, names):
    paginator = client.get_paginator("describe_security_groups")
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": names}]
    return paginator.paginate(Filters=filters).build_full_result().get("SecurityGroups", [])


def current_rules(group):
    """The group's ingress rules: {(proto, from, to, kind, source): description}."""
    rules = {}
    for permission in group.get("IpPermissions", []):
        head = (permission["IpProtocol"], permission.get("FromPort"), permission.get("ToPort"))
        for kind, (list_key, key) in SOURCES.items():
            for source in permission.get(list_key, []):
                rules[(*head, kind, source[key])] = source.get("Description")
    return rules


def wanted_rules(spec, ids):
    """The spec's ingress rules, keyed as current_rules, group names resolved through ``ids``."""
    rules = {}
    for rule in spec["rules"]:
        if rule["group_name"] is not None:
            kind, source = "group_id", ids[rule["group_name"]]
        elif rule["group_id"] is not None:
            kind, source = "group_id", rule["group_id"]
        else:
            kind, source = "cidr_ip", rule["cidr_ip"]
        for port in rule["ports"]:
            rules[(rule["proto"], port, port, kind, source)] = rule["rule_desc"]
    return rules


def permissions(rules, with_descriptions=True):
    """IpPermissions for rules (a {key: description} dict), one permission per rule."""
    result = []
    for (proto, from_port, to_port, kind, source), description in sorted(rules.items(), key=lambda item: str(item[0])):
        list_key, key = SOURCES[kind]
        entry = {key: source, **({"Description": description} if with_descriptions and description else {})}
        permission = {"IpProtocol": proto, list_key: [entry]}
        permission.update({"FromPort": from_port} if from_port is not None else {})
        permission.update({"ToPort": to_port} if to_port is not None else {})
        result.append(permission)
    return result


def show_rules(rules):
    """Rules in a readable, sortable shape for the diff."""
    return sorted(
        ({"proto": p, "from_port": f, "to_port": t, kind: source, "rule_desc": description} for (p, f, t, kind, source), description in rules.items()),
        key=str,
    )


def create_group(client, vpc_id, spec):
    params = {"VpcId": vpc_id, "GroupName": spec["name"], "Description": spec["description"]}
    if spec["tags"]:
        params["TagSpecifications"] = boto3_tag_specifications(spec["tags"], ["security-group"])
    return client.create_security_group(aws_retry=True, **params)["GroupId"]


def converge_rules(client, group_id, spec, before, wanted, check):
    """Revoke, authorize and re-describe what differs; return whether anything did (or would)."""
    to_add = {key: desc for key, desc in wanted.items() if key not in before}
    to_describe = {key: desc for key, desc in wanted.items() if key in before and (before[key] or None) != (desc or None)}
    to_revoke = {key: desc for key, desc in before.items() if key not in wanted} if spec["purge_rules"] else {}
    if not check:
        if to_revoke:
            client.revoke_security_group_ingress(aws_retry=True, GroupId=group_id, IpPermissions=permissions(to_revoke, False))
        if to_describe:
            client.update_security_group_rule_descriptions_ingress(aws_retry=True, GroupId=group_id, IpPermissions=permissions(to_describe))
        if to_add:
            client.authorize_security_group_ingress(aws_retry=True, GroupId=group_id, IpPermissions=permissions(to_add))
    return bool(to_add or to_describe or to_revoke)


def validate(module, specs):
    names = [s["name"] for s in specs]
    fail_if_not_unique(module, "security_groups name", names)
    for spec in specs:
        where = f"in group {spec['name']}"
        for rule in spec["rules"]:
            sources = [key for key in ("cidr_ip", "group_id", "group_name") if rule[key] is not None]
            if len(sources) != 1:
                module.fail_json(msg=f"security_groups rules must name exactly one of cidr_ip, group_id and group_name (got {sources} {where})")
            if rule["group_name"] is not None and rule["group_name"] not in names:
                module.fail_json(msg=f"security_groups rules group_name must name a group of security_groups (got '{rule['group_name']}' {where})")
            if not rule["ports"]:
                module.fail_json(msg=f"security_groups rules ports must not be empty (got them empty {where})")
            if rule["cidr_ip"] is not None:
                rule["cidr_ip"] = network_of(module, rule["cidr_ip"], where)


def network_of(module, cidr, where):
    """The CIDR's network; with host bits set, amazon.aws.ec2_security_group's warning and the network."""
    try:
        network = str(ipaddress.IPv4Network(cidr, strict=False))
    except ValueError:
        module.fail_json(msg=f"security_groups rules cidr_ip must be an IPv4 CIDR (got '{cidr}' {where})")
    if network != cidr:
        module.warn(
            f"One of your CIDR addresses ({cidr}) has host bits set. To get rid of this warning, check the network mask "
            f"and make sure that only network bits are set: {network}."
        )
    return network


def main():
    rule_spec = {
        "proto": {"type": "str", "choices": ["tcp", "udp"], "default": "tcp"},
        "ports": {"type": "list", "elements": "int", "required": True},
        "cidr_ip": {"type": "str"},
        "group_id": {"type": "str"},
        "group_name": {"type": "str"},
        "rule_desc": {"type": "str"},
    }
    group_spec = {
        "name": {"type": "str", "required": True},
        "description": {"type": "str", "required": True},
        "rules": {"type": "list", "elements": "dict", "default": [], "options": rule_spec},
        "purge_rules": {"type": "bool", "default": True},
        "tags": {"type": "dict", "default": {}},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(
        argument_spec={
            "vpc_id": {"type": "str", "required": True},
            "security_groups": {"type": "list", "elements": "dict", "required": True, "options": group_spec},
        },
        supports_check_mode=True,
    )
    vpc_id, specs, check = module.params["vpc_id"], module.params["security_groups"], module.check_mode
    validate(module, specs)

    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["InvalidGroup.NotFound"]))
    names = [s["name"] for s in specs]
    try:
        existing = {g["GroupName"]: g for g in _list_groups(client, vpc_id, names)} if names else {}
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to list the security groups of {vpc_id}")

    # Every group to create first, so a rule can name one created in this run as its source.
    ids, result = {}, {}
    for spec in specs:
        name, group = spec["name"], existing.get(spec["name"])
        if group is not None:
            ids[name] = group["GroupId"]
            continue
        try:
            ids[name] = "" if check else create_group(client, vpc_id, spec)
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to create the security group {name} in {vpc_id}")
        result[name] = {"id": ids[name], "changed": ["created"]}

    diff = {"before": {}, "after": {}}
    for spec in specs:
        name, group = spec["name"], existing.get(spec["name"])
        before_rules = current_rules(group) if group else {}
        wanted = wanted_rules(spec, ids)
        changes = result.get(name, {"changed": []})["changed"]
        try:
            if converge_rules(client, ids[name], spec, before_rules, wanted, check or not ids[name]):
                changes.append("rules")
            if group is not None:
                if group["Description"] != spec["description"]:
                    module.warn(
                        f"The description of the security group {name} ({ids[name]}) is '{group['Description']}', not "
                        f"'{spec['description']}': EC2 cannot change a group's description. Delete the group and run again to change it."
                    )
                    changes.append("description")
                before_tags = boto3_tag_list_to_ansible_dict(group.get("Tags", []))
                if reconcile_ec2_tags(client, ids[name], before_tags, spec["tags"], spec["purge_tags"], check):
                    changes.append("tags")
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to converge the security group {name} ({ids[name]}) in {vpc_id}")
        result[name] = {"id": ids[name], "changed": changes}
        if changes:
            before_tags = boto3_tag_list_to_ansible_dict(group.get("Tags", [])) if group else {}
            diff["before"][name] = {"description": group["Description"], "rules": show_rules(before_rules), "tags": before_tags} if group else {}
            after_rules = wanted if spec["purge_rules"] else {**before_rules, **wanted}
            after_tags = spec["tags"] if spec["purge_tags"] else {**before_tags, **spec["tags"]}
            diff["after"][name] = {"description": spec["description"], "rules": show_rules(after_rules), "tags": after_tags}
    # A description that differs is reported, not changed: it makes no write, so the task is not changed by it alone.
    changed = any(set(r["changed"]) - {"description"} for r in result.values())
    module.exit_json(changed=changed, security_groups=result, **({"diff": diff} if module._diff else {}))


if __name__ == "__main__":
    main()
