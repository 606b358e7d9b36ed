"""Bad role input fails in argument validation, before any API call, naming the variable.

The playbook points every AWS call at a closed loopback port: had the role reached an API
call, the failure would be a connection error, not the argument-spec message asserted here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANSIBLE_PLAYBOOK = Path(sys.executable).with_name("ansible-playbook")

PLAY = """
- name: Bad input probe
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/amazon.aws.aws:
      endpoint_url: http://127.0.0.1:9
      region: eu-west-1
  roles:
    - role: mosaic.platform.{role}
"""


def run_role(tmp_path: Path, role: str, extra_vars: dict) -> subprocess.CompletedProcess:
    playbook = tmp_path / "probe.yml"
    playbook.write_text(PLAY.format(role=role))
    return run_playbook(playbook, extra_vars)


def run_playbook(playbook: Path, extra_vars: dict) -> subprocess.CompletedProcess:
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1", AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")  # noqa: S106
    return subprocess.run(
        [str(ANSIBLE_PLAYBOOK), "-i", "localhost,", "-c", "local", str(playbook), "-e", json.dumps(extra_vars)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_rule_failed(result: subprocess.CompletedProcess, needle: str, first_api_task: str) -> str:
    """The play failed on the rule whose message holds needle, before first_api_task ran.

    The rules of validate.yml are checked in order (mosaic.platform.validate) and the first broken one fails
    the task, so a needle taken from one rule's message cannot be satisfied by another rule failing. Returns the output with its
    whitespace folded (the YAML callback wraps long messages).
    """
    out = result.stdout + result.stderr
    flat = " ".join(out.split())
    assert result.returncode != 0, out
    assert needle in flat, out
    assert first_api_task not in out, "the role reached an API call"
    return flat


def assert_spec_failed(result: subprocess.CompletedProcess, needle: str) -> str:
    """The argument spec rejected the input, naming needle, before any rule of validate.yml ran."""
    out = result.stdout + result.stderr
    flat = " ".join(out.split())
    assert result.returncode != 0, out
    assert "Validating arguments against arg spec" in out
    assert needle in flat, out
    assert ": Check that " not in out, "the argument spec let the input through to the rules"
    return flat


def assert_validation_passed(result: subprocess.CompletedProcess) -> None:
    """Good input passes every rule: the play gets past validate.yml (to an API call that fails on the closed port)."""
    out = result.stdout + result.stderr
    tasks = re.findall(r"^TASK \[[^:]+ : (.*?)\] \**$", out, flags=re.MULTILINE)
    assert any(t.startswith("Check that ") for t in tasks), out
    assert not tasks[-1].startswith(("Check that ", "Validating arguments")), out


KMS_BASE = {
    "aws_kms_alias_prefix": "p-local",
    "aws_kms_region": "eu-west-1",
    "aws_kms_account_id": "123456789012",
    "aws_kms_tags": {"Project": "P", "Env": "local", "Owner": "o", "Component": "security"},
    "platform_prefix": "p-local",
}


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_kms_keys": "data"}, "aws_kms_keys"),
        ({"aws_kms_keys": [{"name": "data", "rotaton": True}]}, "rotaton"),
        ({"aws_kms_keys": [{"description": "no name"}]}, "name"),
        ({"aws_kms_keys": [{"name": "data"}], "aws_kms_pending_window": "soon"}, "aws_kms_pending_window"),
        ({"aws_kms_keys": [{"name": "data", "state": "gone"}]}, "state"),
    ],
)
def test_aws_kms_rejects_bad_input_before_any_api_call(tmp_path, extra, needle):
    assert_spec_failed(run_role(tmp_path, "aws_kms", {**KMS_BASE, **extra}), needle)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"aws_kms_keys": [{"name": "Data Key"}]}, "aws_kms_keys names must match ^[a-z0-9][a-z0-9-]{0,62}$ (got ['Data Key'])"),
        ({"aws_kms_keys": [{"name": "data"}, {"name": "logs"}, {"name": "data"}]}, "aws_kms_keys names must be unique (got ['data'] more than once)"),
        ({"aws_kms_keys": [{"name": "data"}], "aws_kms_account_id": "12345"}, "aws_kms_account_id must be 12 digits (got '12345')"),
        ({"aws_kms_keys": [{"name": "data"}], "aws_kms_pending_window": 5}, "aws_kms_pending_window must be an integer from 7 to 30 days (got '5')"),
        (
            {"aws_kms_keys": [{"name": "storage"}], "aws_kms_replica_region": "eu-west-1"},
            "aws_kms_replica_region must be an AWS region other than aws_kms_region 'eu-west-1' (got 'eu-west-1')",
        ),
        (
            {"aws_kms_keys": [{"name": "data"}], "aws_kms_replica_region": "eu-central-1"},
            "aws_kms_replica_keys must name keys of aws_kms_keys (got ['storage'], not among ['data'])",
        ),
        (
            {"aws_kms_keys": [{"name": "data"}], "aws_kms_tags": {"Project": "P"}},
            "aws_kms_tags must carry Project, Env, Owner and Component (got {'Project': 'P'})",
        ),
    ],
)
def test_aws_kms_rule_fails_with_its_own_message_before_any_api_call(tmp_path, extra, needle):
    assert_rule_failed(run_role(tmp_path, "aws_kms", {**KMS_BASE, **extra}), needle, "Manage the customer-managed keys")


def test_aws_kms_good_input_passes_every_rule(tmp_path):
    result = run_role(tmp_path, "aws_kms", {**KMS_BASE, "aws_kms_keys": [{"name": "data"}, {"name": "logs"}]})
    assert_validation_passed(result)


K8S_BASE = {"k8s_namespaces_kubeconfig": "/nonexistent", "platform_env": "local"}


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (
            {"k8s_namespaces_list": [{"name": "Apps_1"}]},
            "k8s_namespaces_list names must be DNS labels (^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$) (got ['Apps_1'])",
        ),
        (
            {"k8s_namespaces_list": [{"name": "apps"}], "k8s_namespaces_team_list": [{"name": "Team_A"}]},
            "k8s_namespaces_team_list names must be DNS labels (^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$) (got ['Team_A'])",
        ),
        (
            {"k8s_namespaces_list": [{"name": "apps"}, {"name": "litellm"}], "k8s_namespaces_team_list": [{"name": "team-a"}, {"name": "litellm"}]},
            "k8s_namespaces_team_list must not name a platform namespace of k8s_namespaces_list (got ['litellm'])",
        ),
        (
            {"k8s_namespaces_list": [{"name": "x", "pod_security": "privileged"}]},
            "k8s_namespaces_list and k8s_namespaces_team_list entries with pod_security below 'restricted' need a pod_security_reason (missing in ['x'])",
        ),
    ],
)
def test_k8s_namespaces_rule_fails_with_its_own_message(tmp_path, extra, needle):
    assert_rule_failed(run_role(tmp_path, "k8s_namespaces", {**K8S_BASE, **extra}), needle, "Apply the platform and team namespaces")


def test_k8s_namespaces_good_input_passes_every_rule(tmp_path):
    namespaces = [{"name": "apps"}, {"name": "x", "pod_security": "baseline", "pod_security_reason": "legacy chart"}]
    teams = [{"name": "team-a"}]
    assert_validation_passed(run_role(tmp_path, "k8s_namespaces", {**K8S_BASE, "k8s_namespaces_list": namespaces, "k8s_namespaces_team_list": teams}))
