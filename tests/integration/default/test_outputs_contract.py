"""The gitops catalog reads what the aws and cluster phases publish: gitops/local as site.yml rendered it from the
outputs files it wrote on moto. A key the catalog reads and no role publishes fails the converge; here every
secret, IRSA role, bucket and queue the tree names must exist on the emulator, and the contract joins hold.
"""

from __future__ import annotations

import json
import sys
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.platform_outputs import read_outputs

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "contract"))
sys.path.insert(0, str(ROOT / "tests"))
from joins import CHECKS, load  # noqa: E402  the contract's joins, over the converged environment
from own_charts import own_chart_objects  # noqa: E402

ROLE_ARN = "eks.amazonaws.com/role-arn"


@pytest.fixture(scope="module")
def outputs(platform) -> dict:
    return read_outputs(str(platform["outputs_dir"]), "local-main")


@pytest.fixture(scope="module")
def tree_root(platform) -> Path:
    # The local inventory renders into its outputs directory (platform_gitops_dir), from the files site.yml wrote.
    return platform["outputs_dir"] / "tree"


@pytest.fixture(scope="module")
def rendered(tree_root) -> Path:
    path = tree_root / "gitops" / "local"
    assert path.is_dir(), f"site.yml rendered no {path}"
    return path


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_the_contract_holds_on_the_outputs_site_yml_wrote(platform, tree_root, check):
    # The same joins as the contract tests over the committed examples, on what moto really returned.
    assert CHECKS[check](load("local", root=tree_root, fixtures=platform["outputs_dir"].parent)) == []


@pytest.fixture(scope="module")
def documents(rendered, tree_root) -> list[dict]:
    docs = []
    for path in sorted(rendered.rglob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    # The own charts' objects (litellm's ExternalSecret among them), as ArgoCD renders them.
    for objects in own_chart_objects(tree_root, "local").values():
        docs += objects
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
    by_arn = {arn: key for key, arn in outputs["irsa"]["roles"].items()}
    for arn in annotated:
        assert arn in by_arn, f"{arn} is not an IRSA role of the cluster outputs"
        role = iam.get_role(RoleName=arn.rsplit("/", 1)[1])["Role"]
        namespace, service_account = by_arn[arn].split("/")
        trust = json.dumps(role["AssumeRolePolicyDocument"])
        assert f"system:serviceaccount:{namespace}:{service_account}" in trust


def test_service_accounts_the_bootstrap_annotates_have_irsa_roles(outputs):
    defaults = yaml.safe_load((ROOT / "roles/k8s_bootstrap/defaults/main.yml").read_text())
    wanted = {f"{sa['namespace']}/{sa['name']}" for sa in defaults["k8s_bootstrap_service_accounts"]}
    assert not wanted - set(outputs["irsa"]["roles"]), "service accounts without an IRSA role in the cluster outputs"


def test_the_neo4j_backup_job_writes_where_its_role_may(aws, documents, outputs):
    iam = aws("iam")
    job = next(d for d in _of_kind(documents, "CronJob") if d["metadata"]["name"] == "neo4j-backup")
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    target = next(arg for c in pod["containers"] for arg in c.get("command", []) if arg.startswith("s3://"))
    object_arn = f"arn:aws:s3:::{target[len('s3://') :]}neo4j-2026-11-26.backup"
    role = outputs["irsa"]["roles"]["platform/neo4j-backup"].rsplit("/", 1)[1]
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


def test_the_data_services_admit_the_group_the_nodes_carry(aws, outputs):
    ec2 = aws("ec2")
    network = outputs["network"]
    nodes = network["node_security_group_id"]
    groups = ec2.describe_security_groups(GroupIds=list(network["security_group_ids"].values()))["SecurityGroups"]
    assert {g["GroupId"] for g in groups} == set(network["security_group_ids"].values())
    for group in groups:
        sources = {pair["GroupId"] for rule in group["IpPermissions"] for pair in rule.get("UserIdGroupPairs", [])}
        assert nodes in sources, f"{group['GroupName']} does not admit the node group {nodes}"
