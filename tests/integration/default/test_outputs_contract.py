"""The gitops catalog reads what the aws phase publishes: gitops/local rendered from the real outputs file.

The committed tree is rendered from the inventory's stand-in outputs (stable ids); this renders it again from
the file site.yml just wrote on moto, so a key the catalog reads and no AWS role publishes fails here, and
every secret, IRSA role, bucket and queue the tree names must exist on the emulator.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
PLAYBOOK = Path(sys.executable).with_name("ansible-playbook")
ROLE_ARN = "eks.amazonaws.com/role-arn"


@pytest.fixture(scope="module")
def outputs_file(platform) -> Path:
    path = platform["outputs_dir"] / "local-main.yml"
    assert path.exists(), f"the aws phase wrote no {path}"
    return path


@pytest.fixture(scope="module")
def outputs(outputs_file) -> dict:
    return yaml.safe_load(outputs_file.read_text())["outputs"]


@pytest.fixture(scope="module")
def rendered(outputs_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("from-outputs-file")
    # Extra vars beat the inventory: the real file is the only source of outputs in this render.
    variables = {"gitops_output_dir": str(out), "gitops_outputs_prefer_file": True, "gitops_outputs_file": str(outputs_file), "gitops_outputs": {}}
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    args = [str(PLAYBOOK), "-i", str(ROOT / "inventories" / "local"), str(ROOT / "tests" / "gitops" / "render.yml"), "-e", json.dumps(variables)]
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return out / "gitops" / "local"


@pytest.fixture(scope="module")
def documents(rendered) -> list[dict]:
    docs = []
    for path in sorted(rendered.rglob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    assert docs, f"nothing rendered under {rendered}"
    return docs


def _walk(node):
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _of_kind(documents, kind):
    return [d for d in documents if d.get("kind") == kind]


def _secret_refs(documents):
    refs = []
    for es in _of_kind(documents, "ExternalSecret"):
        if es["spec"]["secretStoreRef"]["name"] != "aws-secrets-manager":
            continue
        refs += [(es["metadata"]["name"], d["remoteRef"]["key"], d["remoteRef"].get("property")) for d in es["spec"].get("data", [])]
        refs += [(es["metadata"]["name"], d["extract"]["key"], None) for d in es["spec"].get("dataFrom", []) if "extract" in d]
    return refs


def test_the_tree_from_the_real_outputs_has_the_committed_files(rendered):
    committed = sorted(p.relative_to(ROOT / "gitops" / "local").as_posix() for p in (ROOT / "gitops" / "local").rglob("*") if p.is_file())
    fresh = sorted(p.relative_to(rendered).as_posix() for p in rendered.rglob("*") if p.is_file())
    assert fresh == committed


def test_every_external_secret_reads_an_existing_secret_and_property(aws, documents):
    sm = aws("secretsmanager")
    refs = _secret_refs(documents)
    assert len(refs) >= 8, refs
    for owner, key, prop in refs:
        value = sm.get_secret_value(SecretId=key)["SecretString"]  # fails on a secret aws_secrets does not create
        if prop:
            # Only the key names reach an assertion message, never the value.
            assert prop in set(json.loads(value)), f"ExternalSecret {owner}: secret {key} has no property {prop}"


def test_every_irsa_annotation_names_an_existing_role_trusting_its_service_account(aws, documents, outputs):
    iam = aws("iam")
    annotated = [n[ROLE_ARN] for d in documents for n in _walk(d) if isinstance(n, dict) and ROLE_ARN in n]
    assert len(annotated) >= 3, annotated
    by_arn = {arn: key for key, arn in outputs["identity"]["irsa_roles"].items()}
    for arn in annotated:
        assert arn in by_arn, f"{arn} is not an IRSA role of the identity outputs"
        role = iam.get_role(RoleName=arn.rsplit("/", 1)[1])["Role"]
        namespace, service_account = by_arn[arn].split("/")
        trust = json.dumps(role["AssumeRolePolicyDocument"])
        assert f"system:serviceaccount:{namespace}:{service_account}" in trust


def test_service_accounts_the_bootstrap_annotates_have_irsa_roles(outputs):
    defaults = yaml.safe_load((ROOT / "roles/k8s_bootstrap/defaults/main.yml").read_text())
    wanted = {f"{sa['namespace']}/{sa['name']}" for sa in defaults["k8s_bootstrap_service_accounts"]}
    assert not wanted - set(outputs["identity"]["irsa_roles"]), "service accounts without an IRSA role in the identity outputs"


def test_the_neo4j_backup_job_writes_where_its_role_may(aws, documents, outputs):
    iam = aws("iam")
    job = next(d for d in _of_kind(documents, "CronJob") if d["metadata"]["name"] == "neo4j-backup")
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    target = next(arg for c in pod["containers"] for arg in c.get("command", []) if arg.startswith("s3://"))
    object_arn = f"arn:aws:s3:::{target[len('s3://') :]}neo4j-2026-11-26.backup"
    role = outputs["identity"]["irsa_roles"]["platform/neo4j-backup"].rsplit("/", 1)[1]
    statements = [
        statement
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]
        for statement in iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]["Statement"]
    ]
    writable = [
        statement
        for statement in statements
        if "s3:PutObject" in statement["Action"]
        and any(fnmatchcase(object_arn, r) for r in (statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]))
    ]
    assert writable, f"the backup job uploads to {target}, which {role} may not write"


def test_buckets_named_in_the_tree_exist(aws, documents, outputs):
    s3 = aws("s3")
    strings = {n for d in documents for n in _walk(d) if isinstance(n, str)}
    named = {b["name"] for b in outputs["storage"]["buckets"].values()} & strings
    assert {outputs["storage"]["buckets"]["backups"]["name"], outputs["storage"]["buckets"]["observability"]["name"]} <= named
    for bucket in named:
        s3.head_bucket(Bucket=bucket)


def test_keda_scales_on_the_real_queue(aws, documents, outputs):
    sqs = aws("sqs")
    queue_urls = [t["metadata"]["queueURL"] for so in _of_kind(documents, "ScaledObject") for t in so["spec"]["triggers"]]
    assert queue_urls == [outputs["messaging"]["queues"]["jobs"]["url"]]
    sqs.get_queue_attributes(QueueUrl=queue_urls[0], AttributeNames=["QueueArn"])


def test_edge_and_auth_outputs_reach_the_values(rendered, outputs):
    text = "\n".join(p.read_text() for p in rendered.rglob("*.yaml"))
    for value in (
        outputs["edge"]["web_acl_arn"],
        outputs["edge"]["certificate_arn"],
        outputs["auth"]["issuer_url"],
        outputs["auth"]["clients"]["argocd"]["client_id"],
        outputs["auth"]["clients"]["grafana"]["client_id"],
        outputs["network"]["vpc_cidr"],
        outputs["kms"]["storage"]["arn"],
    ):
        assert value in text
