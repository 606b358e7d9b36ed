# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check a role's input rules in one task (docs: plugins/modules/validate.py).

One assert task per rule cost about 0.04 s each, 246 tasks and 10 s of every converge (docs/performance.md); the
rules keep their names and messages, and the first broken rule fails the task as its assert did."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

RULE_KEYS = {"name", "that", "msg", "vars", "when", "loop", "loop_var"}


class ActionModule(ActionBase):
    """Evaluate each rule in order; fail with the first broken rule's message."""

    _requires_connection = False

    @classmethod
    def finalize_task_arg(cls, name, value, templar, context):
        # Each rule's condition, message and variables are templated when the rule is checked, in its own variables,
        # and a message only when its rule breaks: templating them all first would fail on the names a broken rule
        # reports before its condition ran.
        if name == "rules":
            return value
        return super().finalize_task_arg(name, value, templar, context)

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        rules = self._task.args.get("rules")
        if isinstance(rules, str):
            rules = self._templar.template(rules)
        if not isinstance(rules, list) or not rules:
            raise AnsibleActionFail("rules must be a non-empty list of {name, that, msg}")
        for index, rule in enumerate(rules):
            broken = self._check(rule, index, task_vars or {})
            if broken is not None:
                result.update(failed=True, rule=rule["name"], msg=broken)
                return result
        result.update(changed=False, msg=f"All {len(rules)} rules hold")
        return result

    def _check(self, rule, index, task_vars):
        """The message of the first item for which the rule breaks, else None."""
        if not isinstance(rule, dict) or not {"name", "that", "msg"} <= rule.keys() or rule.keys() - RULE_KEYS:
            raise AnsibleActionFail(f"rules[{index}] must have name, that and msg, and only {sorted(RULE_KEYS)} (got {rule!r})")
        conditions = rule["that"] if isinstance(rule["that"], list) else [rule["that"]]
        variables = {**task_vars, **(rule.get("vars") or {})}
        templar = self._templar.copy_with_new_env(available_variables=variables)
        if "loop" in rule:
            items = templar.template(rule["loop"])
            loop_var = rule.get("loop_var", "item")
        else:
            items, loop_var = [None], None
        for item in items:
            if loop_var is not None:
                templar = self._templar.copy_with_new_env(available_variables={**variables, loop_var: item})
            when = rule.get("when", [])
            if not all(templar.evaluate_conditional(c) for c in (when if isinstance(when, list) else [when])):
                continue
            if not all(templar.evaluate_conditional(condition) for condition in conditions):
                return templar.template(rule["msg"])
        return None
