"""mosaic.platform.validate: a role's rules in one task, checked in order, failing on the first broken rule with its message."""

from __future__ import annotations

import yaml
from test_bad_input import run_playbook

# Rule 3's message names a variable that exists only when it breaks: the rules before it must not template it.
RULES = [
    {"name": "Check that n is positive", "that": "n > 0", "msg": "n must be positive (got {{ n }})"},
    {
        "name": "Check that names are unique",
        "that": "__dupes | length == 0",
        "msg": "names must be unique (got {{ __dupes }})",
        "vars": {"__dupes": "{{ names | groupby('name') | selectattr('1.1', 'defined') | map('first') | list }}"},
    },
    {
        "name": "Check that each size is small",
        "that": ["__item.size is integer", "__item.size < 10"],
        "msg": "sizes[{{ __item.name }}] must be below 10 (got {{ __item.size }})",
        "loop": "{{ names }}",
        "loop_var": "__item",
        "when": "__item.name != 'skipped'",
    },
    {"name": "Check that the last rule holds", "that": "last", "msg": "last must hold ({{ undefined_until_broken }})"},
]


def run_rules(tmp_path, extra, rules=None):
    play = [
        {
            "name": "Validate",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [{"name": "Check that the probe settings keep their rules", "mosaic.platform.validate": {"rules": rules or RULES}}],
        }
    ]
    playbook = tmp_path / "probe.yml"
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    result = run_playbook(playbook, extra)
    return result.returncode, " ".join((result.stdout + result.stderr).split())


GOOD = {"n": 1, "names": [{"name": "a", "size": 1}, {"name": "b", "size": 2}, {"name": "skipped", "size": 99}], "last": True}


def test_good_input_passes_every_rule(tmp_path):
    rc, out = run_rules(tmp_path, GOOD)
    assert rc == 0, out
    assert "ok: [localhost]" in out


def test_the_first_broken_rule_fails_with_its_message_and_name(tmp_path):
    rc, out = run_rules(tmp_path, {**GOOD, "n": 0, "last": False})
    assert rc == 2, out
    assert "n must be positive (got 0)" in out
    assert "rule: Check that n is positive" in out
    assert "last must hold" not in out


def test_a_rule_variable_is_templated_for_its_rule(tmp_path):
    rc, out = run_rules(tmp_path, {**GOOD, "names": [{"name": "a", "size": 1}, {"name": "a", "size": 2}]})
    assert rc == 2, out
    assert "names must be unique (got ['a'])" in out


def test_a_looped_rule_names_the_item_and_skips_items_its_when_excludes(tmp_path):
    rc, out = run_rules(tmp_path, {**GOOD, "names": [{"name": "a", "size": 1}, {"name": "big", "size": 12}]})
    assert rc == 2, out
    assert "sizes[big] must be below 10 (got 12)" in out
    rc, out = run_rules(tmp_path, {**GOOD, "names": [{"name": "a", "size": "x"}]})
    assert "sizes[a] must be below 10 (got x)" in out, "every condition of a list must hold"


def test_a_message_is_templated_only_when_its_rule_breaks(tmp_path):
    rc, out = run_rules(tmp_path, GOOD)
    assert rc == 0 and "undefined_until_broken" not in out, out
    rc, out = run_rules(tmp_path, {**GOOD, "last": False})
    assert rc == 2 and "undefined_until_broken" in out, out


def test_a_malformed_rule_is_refused(tmp_path):
    rc, out = run_rules(tmp_path, GOOD, rules=[{"name": "Check that x", "that": "true"}])
    assert rc == 2, out
    assert "rules[0] must have name, that and msg" in out
    rc, out = run_rules(tmp_path, GOOD, rules=[{"name": "Check that x", "that": "true", "msg": "m", "fail_msg": "typo"}])
    assert "rules[0] must have name, that and msg, and only" in out
    assert "fail_msg" in out
