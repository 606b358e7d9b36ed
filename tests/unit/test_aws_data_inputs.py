"""aws_data reads what earlier roles of the play built: the buckets of aws_storage (one builder of the
S3 baseline). Each rule fails with its own message, naming the variable and the value it found.

The check-mode case runs aws_storage for real (in --check) against an in-process moto server on a
free loopback port, then aws_data's input step: the names aws_data reads on a clean account are the
names aws_storage would create.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
import yaml
from test_aws_data_bad_input import FIRST_API_TASK, PLATFORM
from test_bad_input import ANSIBLE_PLAYBOOK, run_role

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ["local", "dev", "staging", "prod"]
PURPOSE_VARS = ["aws_data_search_snapshot_bucket_purpose", "aws_data_graph_backup_bucket_purpose"]
BUCKETS = {
    "search-snapshots": {"name": "p-test-search-snapshots-123456789012", "arn": "arn:aws:s3:::p-test-search-snapshots-123456789012"},
    "graph-backups": {"name": "p-test-graph-backups-123456789012", "arn": "arn:aws:s3:::p-test-graph-backups-123456789012"},
}


def _load(path: Path) -> dict:
    return (yaml.safe_load(path.read_text()) or {}) if path.exists() else {}


def _effective(env: str, role: str) -> dict:
    """The role defaults with the inventory's group_vars file of that role on top (shallow, as Ansible merges)."""
    return {**_load(ROOT / "roles" / role / "defaults" / "main.yml"), **_load(ROOT / "inventories" / env / "group_vars" / env / f"{role}.yml")}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_inventory_declares_the_purposes_aws_data_reads(env):
    data = _effective(env, "aws_data")
    purposes = {b["purpose"] for b in _effective(env, "aws_storage")["aws_storage_buckets"]}
    for var in PURPOSE_VARS:
        assert data[var] in purposes, f"{env}: {var}={data[var]!r} is not among aws_storage_buckets purposes {sorted(purposes)}"


def test_aws_data_builds_no_bucket():
    tasks = "\n".join(p.read_text() for p in (ROOT / "roles" / "aws_data" / "tasks").glob("*.yml"))
    assert "amazon.aws.s3_bucket:" not in tasks and "s3_bucket" not in tasks.replace("s3_bucket_access_policy", "")
    assert not (ROOT / "roles" / "aws_data" / "tasks" / "buckets.yml").exists()


@pytest.mark.parametrize("missing", ["graph-backups", "search-snapshots"])
def test_a_purpose_aws_storage_did_not_publish_fails_naming_it(tmp_path, missing):
    buckets = {k: v for k, v in BUCKETS.items() if k != missing}
    var = {"search-snapshots": "aws_data_search_snapshot_bucket_purpose", "graph-backups": "aws_data_graph_backup_bucket_purpose"}[missing]
    result = run_role(tmp_path, "aws_data", {**PLATFORM, "aws_storage_outputs": {"buckets": buckets}})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out[-3000:]
    assert f"aws_data: {var} is '{missing}', but aws_storage_outputs.buckets has no bucket of that purpose" in out, out[-3000:]
    assert FIRST_API_TASK["aws_data"] not in out, "the role reached an API call"


def test_no_storage_outputs_at_all_fails_naming_the_variable(tmp_path):
    result = run_role(tmp_path, "aws_data", {**PLATFORM, "aws_data_search_snapshot_bucket_purpose": "snapshots"})
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "aws_data: aws_data_search_snapshot_bucket_purpose is 'snapshots', but aws_storage_outputs.buckets" in out, out[-3000:]
    assert FIRST_API_TASK["aws_data"] not in out


CHECK_PLAY = """
- name: A check run on a clean account, aws_storage then aws_data's inputs
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/amazon.aws.aws: &aws
      endpoint_url: "{endpoint}"
      region: eu-west-1
    group/community.aws.aws: *aws
  roles:
    - role: mosaic.platform.aws_storage
  tasks:
    - name: Read the inputs the way aws_data does
      ansible.builtin.include_role:
        name: mosaic.platform.aws_data
        tasks_from: inputs
        public: true

    - name: Report what aws_data resolved
      ansible.builtin.debug:
        msg: "RESOLVED {{{{ __aws_data_search_snapshot_bucket }}}} {{{{ __aws_data_graph_backup_bucket }}}}"

    - name: List the buckets after the check run
      amazon.aws.s3_bucket_info:
      check_mode: false
      register: __probe_buckets

    - name: Report the buckets
      ansible.builtin.debug:
        msg: "BUCKETS {{{{ __probe_buckets.buckets | map(attribute='name') | list | length }}}}"
"""


def run_check(playbook: Path, extra_vars: dict) -> subprocess.CompletedProcess:
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1", AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")  # noqa: S106 moto's dummy keys
    command = [str(ANSIBLE_PLAYBOOK), "--check", "-i", "localhost,", "-c", "local", str(playbook), "-e", json.dumps(extra_vars)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def moto_endpoint():
    from moto.server import ThreadedMotoServer

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def test_check_mode_on_a_clean_account_resolves_the_names_aws_storage_would_create(tmp_path, moto_endpoint):
    playbook = tmp_path / "check.yml"
    playbook.write_text(CHECK_PLAY.format(endpoint=moto_endpoint))
    result = run_check(playbook, PLATFORM)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    assert "RESOLVED p-test-search-snapshots-123456789012 p-test-graph-backups-123456789012" in out, out[-4000:]
    assert "BUCKETS 0" in out, "the check run created a bucket"
