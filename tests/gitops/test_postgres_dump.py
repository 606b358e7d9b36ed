"""The Postgres logical dump job in every environment's rendered tree (issue 12, item 1): pg_dump of the RDS engine's
major version on its own IRSA role, credentials from the RDS-managed master secret through the namespace's SecretStore,
the dump key layout the restore drill reads, restricted Pod Security, and its network path to S3."""

from __future__ import annotations

import re

import pytest
import yaml
from gitops_helpers import ENVS, FIXTURES, ROOT

SETTINGS = yaml.safe_load((ROOT / "roles/gitops/defaults/main/settings.yml").read_text())


def _outputs(env):
    (host,) = [p for p in (FIXTURES / env).iterdir() if p.is_dir()]
    return yaml.safe_load((host / "aws.yml").read_text())["outputs"], yaml.safe_load((host / "cluster.yml").read_text())["outputs"]


def _manifest(env, kind, name):
    path = ROOT / "gitops" / env / "manifests" / "postgres-dump" / f"{kind}-{name}.yaml"
    return yaml.safe_load(path.read_text())


def _pod(env):
    return _manifest(env, "cronjob", "postgres-dump")["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def _env(container):
    return {e["name"]: e.get("value") for e in container.get("env", [])}


@pytest.mark.parametrize("env", ENVS)
def test_service_account_joins_the_irsa_role_in_the_outputs(env):
    aws, cluster = _outputs(env)
    irsa = aws["data"]["postgres_dump"]["irsa"]
    sa = _manifest(env, "serviceaccount", "postgres-dump")
    assert (sa["metadata"]["namespace"], sa["metadata"]["name"]) == (irsa["namespace"], irsa["service_account"])
    assert sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == cluster["irsa"]["roles"]["platform/postgres-dump"]
    assert _pod(env)["serviceAccountName"] == "postgres-dump"


@pytest.mark.parametrize("env", ENVS)
def test_credentials_come_from_the_master_secret_through_the_namespace_store(env):
    aws, _ = _outputs(env)
    es = _manifest(env, "externalsecret", "postgres-dump")
    assert es["spec"]["secretStoreRef"] == {"kind": "SecretStore", "name": "aws-secrets-manager"}
    # That store is the platform namespace's own (the neo4j manifests define it).
    store = yaml.safe_load((ROOT / "gitops" / env / "manifests" / "neo4j" / "secretstore-aws-secrets-manager.yaml").read_text())
    assert store["metadata"]["namespace"] == es["metadata"]["namespace"] == "platform"
    assert {d["secretKey"]: d["remoteRef"] for d in es["spec"]["data"]} == {
        "PGUSER": {"key": aws["data"]["postgres"]["master_secret_arn"], "property": "username"},
        "PGPASSWORD": {"key": aws["data"]["postgres"]["master_secret_arn"], "property": "password"},
    }
    (dump,) = _pod(env)["initContainers"]
    assert dump["envFrom"] == [{"secretRef": {"name": es["spec"]["target"]["name"]}}]


@pytest.mark.parametrize("env", ENVS)
def test_pg_dump_is_of_the_engine_major_version_pinned_by_tag(env):
    aws, _ = _outputs(env)
    major = str(aws["data"]["postgres"]["engine_version"]).split(".")[0]
    (dump,) = _pod(env)["initContainers"]
    assert dump["image"] == SETTINGS["gitops_postgres_dump_images"][major]
    assert re.fullmatch(rf"postgres:{major}\.\d+-alpine", dump["image"])
    assert "pg_dump -Fc" in dump["args"][0]
    assert f"--port={aws['data']['postgres']['port']}" in dump["args"][0]
    assert _env(dump)["PGHOST"] == aws["data"]["postgres"]["endpoint"]
    assert _env(dump)["PGSSLMODE"] == "require"


@pytest.mark.parametrize("env", ENVS)
def test_dump_key_layout_is_the_restore_drill_contract(env):
    aws, _ = _outputs(env)
    dump_out = aws["data"]["postgres_dump"]
    cron = _manifest(env, "cronjob", "postgres-dump")
    assert cron["spec"]["schedule"] == dump_out["schedule"]
    (dump,), (upload,) = _pod(env)["initContainers"], _pod(env)["containers"]
    assert "date -u +%Y-%m-%dT%H%M%SZ > /dump/name" in dump["args"][0]
    script = upload["args"][0]
    assert 'key="postgres/${PGDATABASE}/$(cat /dump/name).dump"' in script
    assert "s3://${BUCKET}/postgres/${PGDATABASE}/latest.json" in script
    for field in ("key", "started", "finished", "bytes"):
        assert f'"{field}": ' in script
    assert _env(upload)["BUCKET"] == dump_out["bucket"] and _env(upload)["PGDATABASE"] == dump_out["database"]
    assert _env(upload)["KMS_KEY_ARN"] == aws["kms"]["storage"]["arn"]
    assert script.count("--sse aws:kms") == 2


@pytest.mark.parametrize("env", ENVS)
def test_the_job_runs_under_restricted_pod_security(env):
    pod = _pod(env)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    for container in pod["initContainers"] + pod["containers"]:
        sc = container["securityContext"]
        assert sc == {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}}, container["name"]
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]  # noqa: S108 the pod's mount, not a file of the test
    assert {v["name"]: v for v in pod["volumes"]}["tmp"] == {"name": "tmp", "emptyDir": {}}


@pytest.mark.parametrize("env", ENVS)
def test_network_paths_of_the_job_are_data(env):
    values = yaml.safe_load((ROOT / "gitops" / "base" / "charts" / "network-policies" / "values.yaml").read_text())
    paths = {p["name"]: p for p in values["paths"]}
    s3 = paths["postgres-dump-to-s3"]
    assert s3["from"] == {"namespace": "platform", "apps": ["postgres-dump"]} and s3["ports"] == [443]
    # Postgres: the platform namespace's path, which covers the job's pods.
    assert paths["platform-to-postgres"]["from"] == {"namespace": "platform"} and paths["platform-to-postgres"]["ports"] == ["postgres"]
