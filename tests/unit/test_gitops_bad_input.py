"""Bad input to the gitops role fails before anything is written, each rule with its own message naming the value."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from test_bad_input import assert_rule_failed, assert_spec_failed, assert_validation_passed, run_playbook, run_role

BASE = {
    "platform_env": "dev",
    "platform_cluster_name": "p-dev-main",
    "platform_aws_region": "eu-west-1",
    "platform_aws_account_id": "111111111111",
    "platform_prefix": "p-dev",
    "platform_slug": "p",
    "platform_workspace": "/nonexistent-workspace",
    "platform_outputs_dir": "/nonexistent-workspace/.outputs/dev",
    # Otherwise read from the edge outputs (the mosaic.platform.outputs lookup).
    "gitops_domain": "dev.example.com",
    "gitops_github_app_id": "100001",
    "gitops_github_app_installation_id": "200002",
}
ROLE = Path(__file__).resolve().parents[2] / "roles" / "gitops"
FIRST_TASK_AFTER_RULES = "Render and write the tree of every environment"
SCHEDULE = {"name": "daily", "schedule": "0 2 * * *", "ttl": "720h"}
CONSUMER = {"name": "w", "namespace": "apps", "queue": "jobs"}


def run(tmp_path, extra):
    result = run_role(tmp_path, "gitops", {**BASE, "gitops_output_dir": str(tmp_path / "tree"), **extra})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert not (tmp_path / "tree").exists(), "the role wrote part of a tree"
    return result


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"gitops_ingress_controller": "haproxy"}, "gitops_ingress_controller"),
        ({"gitops_keda_consumers": [{"name": "w", "namespace": "apps"}]}, "queue"),
        ({"gitops_keda_consumers": [{**CONSUMER, "max_replica": 3}]}, "max_replica"),
        ({"gitops_velero_schedules": "daily"}, "gitops_velero_schedules"),
        ({"gitops_extra_addons": [{"name": "x", "namespace": "x", "tier": "core"}]}, "tier"),
        ({"gitops_ha": "sometimes"}, "gitops_ha"),
        ({"gitops_auth_group_roles": [{"group": "ops", "argocd": "role:admin", "grafana": "GrafanaAdmin"}]}, "GrafanaAdmin"),
        ({"gitops_auth_group_roles": [{"group": "ops", "argocd": "role:admin"}]}, "grafana"),
        ({"gitops_previews_enabled": "maybe"}, "gitops_previews_enabled"),
    ],
)
def test_argument_spec_rejects_bad_input(tmp_path, extra, needle):
    assert_spec_failed(run(tmp_path, extra), needle)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"gitops_env": "Dev_1"}, "gitops_env must be a DNS label of at most 32 characters (got 'Dev_1')"),
        ({"gitops_env": "base"}, "gitops_env must not be 'base': gitops/base/ holds the values every environment shares (got 'base')"),
        (
            {"gitops_repo_url": "ftp://git.example.com/platform.git"},
            "gitops_repo_url must be an https://, ssh:// or git@ Git URL (got 'ftp://git.example.com/platform.git')",
        ),
        ({"gitops_revision": ""}, "gitops_revision must be a branch, tag or commit (got '')"),
        ({"gitops_sync_retry_limit": 0}, "gitops_sync_retry_limit must be an integer from 1 to 20 (got '0')"),
        ({"gitops_sync_retry_limit": 21}, "gitops_sync_retry_limit must be an integer from 1 to 20 (got '21')"),
        ({"gitops_alb_idle_timeout": 30}, "gitops_alb_idle_timeout must be an integer from 60 to 4000 seconds (got '30')"),
        (
            {"gitops_velero_schedules": [{**SCHEDULE, "ttl": "30 days"}]},
            "gitops_velero_schedules ttl must be a duration like 720h, 30m or 90s (got ['30 days'])",
        ),
        (
            {"gitops_velero_schedules": [SCHEDULE, {**SCHEDULE, "name": "hourly"}, SCHEDULE]},
            "gitops_velero_schedules names must be unique (got ['daily'] more than once)",
        ),
        ({"gitops_keda_consumers": [CONSUMER, CONSUMER]}, "gitops_keda_consumers names must be unique (got ['w'] more than once)"),
        (
            {"gitops_keda_consumers": [{**CONSUMER, "min_replicas": 0, "max_replicas": 0}]},
            "gitops_keda_consumers max_replicas must be at least 1 (got {'w': 0})",
        ),
        ({"gitops_slo_availability": 1.5}, "gitops_slo_availability must be a fraction strictly between 0 and 1, such as 0.995 (got '1.5')"),
        (
            {"gitops_github_app_id": ""},
            "gitops_github_app_id and gitops_github_app_installation_id must be the GitHub App's numeric ids (got '' and '200002')",
        ),
        ({"gitops_output_dir": "relative/tree"}, "gitops_output_dir must be an absolute path (got 'relative/tree')"),
        (
            {"gitops_auth_group_roles": [{"group": "ops') || 'Admin", "argocd": "role:admin", "grafana": "Admin"}]},
            "gitops_auth_group_roles group must be a Cognito group name (letters, digits, _+=,.@-), no quote or space (got [\"ops') || 'Admin\"])",
        ),
        (
            {"gitops_auth_group_roles": [{"group": "ops", "argocd": "admin", "grafana": "Admin"}]},
            "gitops_auth_group_roles argocd must be an ArgoCD role such as role:readonly (got ['admin'])",
        ),
    ],
)
def test_rule_fails_with_its_own_message(tmp_path, extra, needle):
    assert_rule_failed(run(tmp_path, extra), needle, FIRST_TASK_AFTER_RULES)


TWO_HOSTS = """
- name: Add a second host of the same environment
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Add the host
      ansible.builtin.add_host:
        name: other
        ansible_connection: local

- name: Bad input probe
  hosts: [localhost, other]
  gather_facts: false
  roles:
    - role: mosaic.platform.gitops
"""


def test_two_hosts_of_one_environment_fail_with_their_own_message(tmp_path):
    playbook = tmp_path / "probe.yml"
    playbook.write_text(TWO_HOSTS)
    result = run_playbook(playbook, {**BASE, "gitops_output_dir": str(tmp_path / "tree")})
    needle = (
        "platform_env must name one host of the play, since gitops/<env>/values/<addon>/cluster.yaml holds one cluster layer "
        "(got platform_env 'dev' on ['localhost', 'other'])"
    )
    assert_rule_failed(result, needle, FIRST_TASK_AFTER_RULES)
    assert not (tmp_path / "tree").exists()


TWO_TREES = """
- name: Add two environments, each with its own tree
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Add the hosts
      ansible.builtin.add_host:
        name: "{{{{ item }}}}"
        ansible_connection: local
        platform_env: "{{{{ item }}}}"
        gitops_output_dir: "{tmp}/tree-{{{{ item }}}}"
      loop: [dev, staging]

- name: Bad input probe
  hosts: [dev, staging]
  gather_facts: false
  roles:
    - role: mosaic.platform.gitops
"""


def test_two_trees_in_one_play_fail_with_their_own_message(tmp_path):
    # The files every environment shares are written once: the hosts of a play render into one tree.
    playbook = tmp_path / "probe.yml"
    playbook.write_text(TWO_TREES.format(tmp=tmp_path))
    result = run_playbook(playbook, {k: v for k, v in BASE.items() if k != "platform_env"})
    needle = f"gitops_output_dir must be one tree for every host of the play (got ['{tmp_path}/tree-dev', '{tmp_path}/tree-staging'])"
    assert_rule_failed(result, needle, FIRST_TASK_AFTER_RULES)
    assert not any(tmp_path.glob("tree-*")), "the role wrote part of a tree"


def test_good_input_passes_every_rule(tmp_path):
    # Valid settings get past the rules; with no outputs file the render then stops at the outputs reader.
    extra = {"gitops_keda_consumers": [{**CONSUMER, "min_replicas": 1, "max_replicas": 5}], "gitops_velero_schedules": [SCHEDULE]}
    assert_validation_passed(run(tmp_path, extra))


def test_a_cycle_names_the_add_on(tmp_path):
    out = run(tmp_path, {"gitops_addon_overrides": {"external-secrets": {"needs": ["reloader"]}}}).stdout
    assert "dependency cycle in needs" in out
    assert "external-secrets -> reloader -> external-secrets" in out or "reloader -> external-secrets -> reloader" in out


def test_an_unpinned_version_names_the_add_on_and_key(tmp_path):
    result = run(tmp_path, {"gitops_chart_versions": {"keda": "2.x"}})
    assert "add-on keda: version '2.x' is not pinned" in result.stdout + result.stderr


def test_a_catalog_of_the_inventory_replaces_the_roles(tmp_path):
    # The settings share the role's default catalog between hosts; any other gitops_catalog is the host's own.
    entry = yaml.safe_load((ROLE / "files" / "catalog" / "reloader.yml").read_text(encoding="utf-8"))
    result = run(tmp_path, {"gitops_catalog": [{**entry, "needs": [], "version": "2.x"}]})
    assert "add-on reloader: version '2.x' is not pinned" in result.stdout + result.stderr


def test_a_missing_output_names_the_add_on_key_and_phase(tmp_path):
    # No outputs file at all: the first placeholder fails, naming the add-on, the key and the phase to run.
    result = run(tmp_path, {})
    out = result.stdout + result.stderr
    assert "add-on " in out and "outputs key '" in out and "is missing" in out
    assert "run playbooks/aws.yml for this inventory first" in out or "run playbooks/cluster.yml for this inventory first" in out
