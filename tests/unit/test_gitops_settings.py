"""The gitops role's settings path in one process: the catalog lookup reads a directory once while its files are
unchanged."""

from __future__ import annotations

import os

from ansible_collections.mosaic.platform.plugins.lookup import gitops_catalog as catalog_lookup
from ansible_collections.mosaic.platform.plugins.lookup.gitops_catalog import LookupModule


def _write(directory, name, description):
    (directory / f"{name}.yml").write_text(f"name: {name}\ndescription: {description}\n", encoding="utf-8")


def test_the_catalog_is_read_again_when_a_file_changes(tmp_path):
    _write(tmp_path, "a", "first")
    lookup = LookupModule()
    assert lookup.run([str(tmp_path)]) == [{"name": "a", "description": "first"}]
    _write(tmp_path, "a", "second")
    os.utime(tmp_path / "a.yml", ns=(1, 1))  # a new stamp even within the file system's time resolution
    assert lookup.run([str(tmp_path)])[0]["description"] == "second"
    _write(tmp_path, "b", "added")
    assert [e["name"] for e in lookup.run([str(tmp_path)])] == ["a", "b"]


def test_a_caller_changing_the_entries_does_not_change_the_next_read(tmp_path):
    _write(tmp_path, "a", "first")
    lookup = LookupModule()
    lookup.run([str(tmp_path)])[0]["description"] = "changed by a caller"
    assert lookup.run([str(tmp_path)])[0]["description"] == "first"
    assert str(tmp_path) in catalog_lookup._READ
