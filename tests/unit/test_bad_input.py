"""Bad role input fails in argument validation, before any API call, naming the variable.

The playbook points every AWS call at a closed loopback port: had the role reached an API
call, the failure would be a connection error, not the argument-spec message asserted here.
"""

from __future__ import annotations

import json
import os
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
    result = run_role(tmp_path, "aws_kms", {**KMS_BASE, **extra})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "Validating arguments against arg spec" in out
    assert needle in out
    assert "Manage the customer-managed keys" not in out, "the role reached an API call"


def test_aws_kms_rejects_a_bad_key_name_before_any_api_call(tmp_path):
    result = run_role(tmp_path, "aws_kms", {**KMS_BASE, "aws_kms_keys": [{"name": "Data Key"}]})
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "aws_kms_keys names must be unique" in out
    assert "Manage the customer-managed keys" not in out


def test_k8s_namespaces_requires_a_reason_below_restricted(tmp_path):
    result = run_role(
        tmp_path,
        "k8s_namespaces",
        {"k8s_namespaces_kubeconfig": "/nonexistent", "k8s_namespaces_list": [{"name": "x", "pod_security": "privileged"}], "platform_env": "local"},
    )
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "without a pod_security_reason ['x']" in out
    assert "Apply the platform namespaces" not in out
