"""tag_reconcile: the one tag reconciliation the modules share (purge semantics, check mode, spared keys)."""

from __future__ import annotations

import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_tags


def _run(current, wanted, purge=True, check_mode=False, keep=None):
    calls = []
    changed, after = reconcile_tags(
        current, wanted, purge, check_mode, tag=lambda tags: calls.append(("tag", tags)), untag=lambda keys: calls.append(("untag", sorted(keys))), keep=keep
    )
    return changed, after, calls


def test_untags_then_tags_what_differs():
    changed, after, calls = _run({"Env": "dev", "Old": "x"}, {"Env": "prod", "Owner": "team"})
    assert changed and after == {"Env": "prod", "Owner": "team"}
    assert calls == [("untag", ["Old"]), ("tag", {"Env": "prod", "Owner": "team"})]


def test_without_purge_extra_tags_stay():
    changed, after, calls = _run({"Env": "dev", "Old": "x"}, {"Env": "dev"}, purge=False)
    assert (changed, after, calls) == (False, {"Env": "dev", "Old": "x"}, [])


@pytest.mark.parametrize("check_mode", [True, False])
def test_check_mode_reports_without_calling(check_mode):
    changed, after, calls = _run({}, {"Env": "dev"}, check_mode=check_mode)
    assert changed and after == {"Env": "dev"}
    assert calls == ([] if check_mode else [("tag", {"Env": "dev"})])


def test_spared_keys_are_never_purged():
    changed, after, calls = _run({"mosaic:ddl:db.t": "1", "Env": "dev"}, {"Env": "dev"}, keep=lambda k: k.startswith("mosaic:ddl:"))
    assert (changed, after, calls) == (False, {"mosaic:ddl:db.t": "1", "Env": "dev"}, [])


def test_no_current_tags_is_an_empty_set():
    assert _run(None, {})[:2] == (False, {})
