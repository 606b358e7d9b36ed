#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: validate
short_description: Check a role's input rules in one task, each rule with its own name and message
version_added: 0.2.0
description:
  - Evaluates the rules in order on the controller (an action plugin) and fails with the message of the first rule
    that breaks, as a list of C(ansible.builtin.assert) tasks would, one task instead of one per rule.
  - A rule's condition, variables and message are templated only when the rule is checked, in the task's variables
    plus the rule's own O(rules[].vars) (and O(rules[].loop_var)); its message only when it breaks.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  rules:
    description: The rules, checked in order.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: What the rule checks, as the assert task it replaces was named (C(Check that ...)).
        type: str
        required: true
      that:
        description: A conditional expression, or a list of them that must all hold (as in C(ansible.builtin.assert)).
        type: raw
        required: true
      msg:
        description: The message when the rule breaks; it names the variable, the rule and the offending value.
        type: str
        required: true
      vars:
        description: Variables of this rule only, templated when the rule is checked.
        type: dict
      when:
        description: The rule is checked only when this condition holds (per item with O(rules[].loop)).
        type: raw
      loop:
        description: Check the rule once per item of this list.
        type: raw
      loop_var:
        description: The variable each item of O(rules[].loop) is bound to.
        type: str
        default: item
notes:
  - Runs on the controller. The failed result carries the broken rule's name as C(rule).
"""

EXAMPLES = r"""
- name: Check that the aws_kms settings keep their rules
  mosaic.platform.validate:
    rules:
      - name: Check that aws_kms_account_id is 12 digits
        that: aws_kms_account_id is match('^[0-9]{12}$')
        msg: "aws_kms_account_id must be 12 digits (got '{{ aws_kms_account_id }}')"
      - name: Check that aws_kms_keys names are unique
        that: __dupes | length == 0
        msg: "aws_kms_keys names must be unique (got {{ __dupes }} more than once)"
        vars:
          __dupes: "{{ aws_kms_keys | groupby('name') | selectattr('1.1', 'defined') | map('first') | list }}"
"""

RETURN = r"""
rule:
  description: The name of the broken rule.
  returned: failed
  type: str
msg:
  description: The broken rule's message, or how many rules hold.
  returned: always
  type: str
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec={"rules": {"type": "list", "elements": "dict", "required": True}}, supports_check_mode=True)
    module.fail_json(msg="mosaic.platform.validate runs as an action plugin on the controller")


if __name__ == "__main__":
    main()
