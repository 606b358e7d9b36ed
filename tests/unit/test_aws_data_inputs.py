"""aws_data reads what earlier roles of the play built: the buckets of aws_storage (one builder of the
S3 baseline). Each rule fails with its own message, naming the variable and the value it found.

The check-mode case runs aws_storage for real (in --check) against an in-process moto server on a
free loopback port, then aws_data's input step: the names aws_data reads on a clean account are the
names aws_storage would create.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest
import yaml
from test_aws_data_bad_input import FIRST_API_TASK, PLATFORM
from test_bad_input import ANSIBLE_PLAYBOOK, run_role

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ["local", "dev", "staging", "prod"]
PURPOSE_VARS = ["aws_data_search_snapshot_bucket_purpose", "aws_data_graph_backup_bucket_purpose", "aws_data_postgres_dump_bucket_purpose"]
# The ops role Identity Center provisions (emulated on moto by aws_access), as IAM reports it: with its path.
OPS_NAME = f"AWSReservedSSO_p-test-ops_{hashlib.sha1(b'p-test-ops').hexdigest()[:16]}"  # noqa: S324 the emulator's name, not security
OPS = f"arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/{OPS_NAME}"
IDENTITY = {"aws_access_outputs": {"sso_roles_with_path": {"ops": OPS}}}
BUCKETS = {
    "search-snapshots": {"name": "p-test-search-snapshots-123456789012", "arn": "arn:aws:s3:::p-test-search-snapshots-123456789012"},
    "graph-backups": {"name": "p-test-graph-backups-123456789012", "arn": "arn:aws:s3:::p-test-graph-backups-123456789012"},
    "backups": {"name": "p-test-backups-123456789012", "arn": "arn:aws:s3:::p-test-backups-123456789012"},
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
    # It adds the lifecycle rules of its backup prefixes (s3_lifecycle_rules), nothing more.
    tasks = "\n".join(p.read_text() for p in (ROOT / "roles" / "aws_data" / "tasks").glob("*.yml"))
    assert "amazon.aws.s3_bucket:" not in tasks and "s3_bucket" not in tasks.replace("s3_bucket_access_policy", "").replace("s3_buckets_config", "")
    assert not (ROOT / "roles" / "aws_data" / "tasks" / "buckets.yml").exists()


@pytest.mark.parametrize("missing", ["graph-backups", "search-snapshots", "backups"])
def test_a_purpose_aws_storage_did_not_publish_fails_naming_it(tmp_path, missing):
    buckets = {k: v for k, v in BUCKETS.items() if k != missing}
    var = {
        "search-snapshots": "aws_data_search_snapshot_bucket_purpose",
        "graph-backups": "aws_data_graph_backup_bucket_purpose",
        "backups": "aws_data_postgres_dump_bucket_purpose",
    }[missing]
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
    group/mosaic.platform.aws: *aws
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


def run_role_play(playbook: Path, extra_vars: dict, check: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1", AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")  # noqa: S106 moto's dummy keys
    command = [str(ANSIBLE_PLAYBOOK), *(["--check"] if check else []), "-i", "localhost,", "-c", "local", str(playbook), "-e", json.dumps(extra_vars)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def run_check(playbook: Path, extra_vars: dict) -> subprocess.CompletedProcess:
    return run_role_play(playbook, extra_vars, check=True)


@pytest.fixture
def moto_endpoint():
    from moto.server import ThreadedMotoServer

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # moto's backends are per process, not per server: start every test from a clean account.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=30).close()  # noqa: S310 loopback
    yield endpoint
    server.stop()


def test_check_mode_on_a_clean_account_resolves_the_names_aws_storage_would_create(tmp_path, moto_endpoint):
    playbook = tmp_path / "check.yml"
    playbook.write_text(CHECK_PLAY.format(endpoint=moto_endpoint))
    result = run_check(playbook, {**PLATFORM, **IDENTITY})
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    assert "RESOLVED p-test-search-snapshots-123456789012 p-test-graph-backups-123456789012" in out, out[-4000:]
    assert "BUCKETS 0" in out, "the check run created a bucket"


# -- the OpenSearch master user -------------------------------------------------------------

IDENTITY_PLAY = """
- name: aws_access resolves the ops role of Identity Center, then aws_data reads its inputs
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/amazon.aws.aws: &aws
      endpoint_url: "{endpoint}"
      region: eu-west-1
    group/community.aws.aws: *aws
    group/mosaic.platform.aws: *aws
  roles:
    - role: mosaic.platform.aws_access
      vars:
        aws_access_permission_sets:
          - {{key: ops, access: operate, groups: [operators]}}
        aws_access_local_stack: true
        aws_access_create_groups: true
        aws_access_emulate_provisioning: true
        aws_access_break_glass_alarm: false
        aws_access_protected_bucket_purposes: [search-snapshots, graph-backups]
        aws_access_kms_key_arns:
          data: arn:aws:kms:eu-west-1:123456789012:key/d
          secrets: arn:aws:kms:eu-west-1:123456789012:key/s
          storage: arn:aws:kms:eu-west-1:123456789012:key/st
          messaging: arn:aws:kms:eu-west-1:123456789012:key/m
  tasks:
    - name: Read the inputs the way aws_data does
      ansible.builtin.include_role:
        name: mosaic.platform.aws_data
        tasks_from: inputs
        public: true

    - name: Look up the ops role provisioned for the ops permission set
      amazon.aws.iam_role_info:
        name: {ops_name}
      check_mode: false
      register: __probe_ops

    - name: Report both
      ansible.builtin.debug:
        msg: "MASTER <{{{{ __aws_data_master_role_arn }}}}> OPS <{{{{ __probe_ops.iam_roles | map(attribute='arn') | join(',') }}}}>"
"""


def _master_and_ops(out: str) -> tuple[str, str]:
    # The callback folds long messages at spaces (the ARNs have none): unfold before matching.
    (found,) = re.findall(r"MASTER <([^>]*)> OPS <([^>]*)>", re.sub(r"\n\s+", " ", out))
    return found


def test_the_default_master_user_is_the_ops_role_of_identity_center(tmp_path, moto_endpoint):
    playbook = tmp_path / "identity.yml"
    playbook.write_text(IDENTITY_PLAY.format(endpoint=moto_endpoint, ops_name=OPS_NAME))
    result = run_role_play(playbook, {**PLATFORM, "aws_storage_outputs": {"buckets": BUCKETS}})
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    master, ops = _master_and_ops(out)
    assert ops == OPS, "aws_access did not resolve the AWSReservedSSO_ role of the ops set"
    assert master == ops


def test_check_mode_on_a_clean_account_tolerates_the_ops_role_still_to_be_created(tmp_path, moto_endpoint):
    playbook = tmp_path / "identity.yml"
    playbook.write_text(IDENTITY_PLAY.format(endpoint=moto_endpoint, ops_name=OPS_NAME))
    result = run_check(playbook, {**PLATFORM, "aws_storage_outputs": {"buckets": BUCKETS}})
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    assert _master_and_ops(out) == ("", ""), "check mode created the role or resolved another master"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({}, "aws_data: aws_data_opensearch.master_role_arn is '' and aws_access_outputs.sso_roles_with_path.ops is '' (absent when empty)"),
        ({"aws_access_outputs": {"sso_roles_with_path": {"dev": OPS.replace("ops", "dev")}}}, "aws_access_outputs.sso_roles_with_path.ops is ''"),
        (
            {"aws_data_opensearch": {"master_role_arn": "p-test-ops"}, "aws_access_outputs": {"sso_roles_with_path": {"ops": OPS}}},
            "aws_data: aws_data_opensearch.master_role_arn is 'p-test-ops'",
        ),
    ],
)
def test_a_missing_or_bad_master_role_fails_naming_it(tmp_path, extra, needle):
    opensearch = yaml.safe_load((ROOT / "roles/aws_data/defaults/main.yml").read_text())["aws_data_opensearch"]
    extra = dict(extra)
    fixed = {k: v for k, v in opensearch.items() if "{{" not in str(v)}
    extra["aws_data_opensearch"] = {**fixed, "domain_name": "p-test-search", **extra.get("aws_data_opensearch", {})}
    extra["aws_data_opensearch"]["register_snapshot_repository"] = False
    result = run_role(tmp_path, "aws_data", {**PLATFORM, "aws_storage_outputs": {"buckets": BUCKETS}, **extra})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out[-3000:]
    assert needle in out, out[-3000:]
    assert FIRST_API_TASK["aws_data"] not in out, "the role reached an API call"
