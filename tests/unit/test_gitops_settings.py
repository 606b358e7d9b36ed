"""The gitops role's settings path in one process: the catalog lookup reads a directory once while its files are
unchanged, the action recognises the role's default catalog, and the play-wide rules of gitops_rules.py see every
host."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from ansible_collections.mosaic.platform.plugins.action.gitops_render import CATALOG_DEFAULT
from ansible_collections.mosaic.platform.plugins.lookup import gitops_catalog as catalog_lookup
from ansible_collections.mosaic.platform.plugins.lookup.gitops_catalog import LookupModule
from ansible_collections.mosaic.platform.plugins.module_utils.gitops_rules import first_broken


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


def test_the_action_recognises_the_roles_default_catalog():
    # The settings template this default once per role path and share it: it must be the role's default, word for word.
    defaults = Path(__file__).resolve().parents[2] / "roles" / "gitops" / "defaults" / "main" / "catalog.yml"
    assert yaml.safe_load(defaults.read_text(encoding="utf-8"))["gitops_catalog"] == CATALOG_DEFAULT


def _settings(env, tree):
    return {
        "platform_env": env,
        "gitops_env": env,
        "gitops_repo_url": "https://git.example.com/p.git",
        "gitops_revision": "main",
        "gitops_ingress_controller": "traefik",
        "gitops_github_app_id": "1",
        "gitops_github_app_installation_id": "2",
        "gitops_sync_retry_limit": 5,
        "gitops_alb_idle_timeout": 3600,
        "gitops_velero_schedules": [],
        "gitops_keda_consumers": [],
        "gitops_slo_availability": 0.995,
        "gitops_auth_group_roles": [],
        "gitops_output_dir": tree,
    }


def test_one_tree_for_every_host_of_the_play():
    same = {"a": _settings("dev", "/srv/tree"), "b": _settings("prod", "/srv/tree/")}
    assert first_broken(same, {"a": "dev", "b": "prod"}) == []
    two = {"a": _settings("dev", "/srv/tree"), "b": _settings("prod", "/srv/other")}
    message = "gitops_output_dir must be one tree for every host of the play (got ['/srv/other', '/srv/tree'])"
    assert first_broken(two, {"a": "dev", "b": "prod"}) == [f"a: {message}", f"b: {message}"]
