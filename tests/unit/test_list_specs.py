"""list_specs: the one uniqueness check every list module makes before any call."""

from __future__ import annotations

import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import fail_if_not_unique, not_unique


def test_names_each_value_given_more_than_once_once_and_sorted():
    assert not_unique("roles names", ["b", "a", "b", "a", "c"]) == "roles names must be unique (got ['a', 'b'] more than once)"


def test_unique_values_pass():
    assert not_unique("subnets cidr", ["10.0.0.0/24", "10.0.1.0/24"]) is None
    assert not_unique("keys alias", []) is None


class Module:
    def fail_json(self, msg):
        raise AssertionError(msg)


def test_the_module_fails_with_the_message():
    with pytest.raises(AssertionError, match=r"^topics names must be unique \(got \['alerts'\] more than once\)$"):
        fail_if_not_unique(Module(), "topics names", ["alerts", "alerts"])
    fail_if_not_unique(Module(), "topics names", ["alerts", "events"])
