"""Bad input to the gitops role fails before anything is written, naming the variable or the add-on and key."""

from __future__ import annotations

import pytest
from test_bad_input import run_role

BASE = {
    "platform_env": "dev",
    "platform_cluster_name": "p-dev-main",
    "platform_aws_region": "eu-west-1",
    "platform_aws_account_id": "111111111111",
    "platform_prefix": "p-dev",
    "platform_workspace": "/nonexistent-workspace",
    "platform_outputs_dir": "/nonexistent-workspace/.outputs/dev",
    "gitops_domain": "dev.example.com",
}


def run(tmp_path, extra):
    result = run_role(tmp_path, "gitops", {**BASE, "gitops_output_dir": str(tmp_path / "tree"), **extra})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "Write the changed files" not in out, "the role reached the write step"
    assert not (tmp_path / "tree").exists()
    return out


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"gitops_ingress_controller": "haproxy"}, "gitops_ingress_controller"),
        ({"gitops_keda_consumers": [{"name": "w", "namespace": "apps"}]}, "queue"),
        ({"gitops_keda_consumers": [{"name": "w", "namespace": "apps", "queue": "q", "max_replica": 3}]}, "max_replica"),
        ({"gitops_velero_schedules": "daily"}, "gitops_velero_schedules"),
        ({"gitops_extra_addons": [{"name": "x", "namespace": "x", "tier": "core"}]}, "tier"),
        ({"gitops_ha": "sometimes"}, "gitops_ha"),
    ],
)
def test_argument_spec_rejects_bad_input(tmp_path, extra, needle):
    out = run(tmp_path, extra)
    assert "Validating arguments against arg spec" in out
    assert needle in out


def test_assert_names_the_variable(tmp_path):
    out = run(tmp_path, {"gitops_velero_schedules": [{"name": "daily", "schedule": "0 2 * * *", "ttl": "30 days"}]})
    assert "gitops_velero_schedules names unique with ttl like 720h" in out


def test_a_cycle_names_the_add_on(tmp_path):
    out = run(tmp_path, {"gitops_addon_overrides": {"external-secrets": {"needs": ["reloader"]}}})
    assert "dependency cycle in needs" in out
    assert "external-secrets -> reloader -> external-secrets" in out or "reloader -> external-secrets -> reloader" in out


def test_an_unpinned_version_names_the_add_on_and_key(tmp_path):
    out = run(tmp_path, {"gitops_chart_versions": {"keda": "2.x"}})
    assert "add-on keda: version '2.x' is not pinned" in out


def test_a_missing_output_names_the_add_on_key_and_phase(tmp_path):
    # No outputs file at all: the first placeholder fails, naming the add-on, the key and the phase to run.
    out = run(tmp_path, {})
    assert "add-on " in out and "outputs key '" in out and "is missing" in out
    assert "run playbooks/aws.yml for this inventory first" in out or "run playbooks/cluster.yml for this inventory first" in out
