"""eks_cluster against moto (the default scenario runs it as site.yml does): the cluster with its security settings, the IRSA OIDC provider and
the kubeconfig. Access entries and add-ons are absent from moto 5.2.5 (their requests are
covered by tests/unit/test_eks_modules.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.platform_outputs import read_outputs

ROOT = Path(__file__).resolve().parents[3]
CLUSTER = "legacyplatform-local-main"
ALL_LOGS = {"api", "audit", "authenticator", "controllerManager", "scheduler"}


@pytest.fixture(scope="module")
def cluster(aws):
    return aws("eks").describe_cluster(name=CLUSTER)["cluster"]


def test_cluster_runs_the_pinned_version(cluster):
    defaults = yaml.safe_load((ROOT / "roles/eks_cluster/defaults/main.yml").read_text())
    assert cluster["version"] == defaults["eks_cluster_version"]
    assert cluster["version"] in defaults["eks_cluster_supported_versions"]


def test_secrets_are_encrypted_with_the_eks_key(aws, cluster, platform):
    key_id = next(a["TargetKeyId"] for a in aws("kms").list_aliases()["Aliases"] if a["AliasName"] == f"alias/{platform['prefix']}-eks")
    (config,) = cluster["encryptionConfig"]
    assert config["resources"] == ["secrets"]
    assert config["provider"]["keyArn"].endswith(f":key/{key_id}")


def test_every_control_plane_log_type_is_on(cluster):
    enabled = {t for entry in cluster["logging"]["clusterLogging"] if entry["enabled"] for t in entry["types"]}
    assert enabled == ALL_LOGS


def test_public_endpoint_is_restricted(cluster, platform):
    vpc = cluster["resourcesVpcConfig"]
    assert vpc["endpointPrivateAccess"] is True
    assert vpc["publicAccessCidrs"] == ["203.0.113.0/24"]
    # The private subnets aws_network published, read through the outputs contract.
    outputs = read_outputs(str(platform["outputs_dir"]), "local-main")
    assert sorted(vpc["subnetIds"]) == sorted(outputs["network"]["private_subnet_ids"])


def test_cluster_carries_the_platform_tags(cluster, platform):
    assert cluster["tags"]["Component"] == "cluster"
    assert cluster["tags"]["Env"] == platform["env"]
    assert cluster["tags"]["Project"] == platform["project"]


def test_oidc_provider_trusts_the_cluster_issuer(aws, cluster):
    iam = aws("iam")
    host = cluster["identity"]["oidc"]["issuer"].removeprefix("https://")
    arns = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] if p["Arn"].endswith(host)]
    assert len(arns) == 1
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arns[0])["ClientIDList"] == ["sts.amazonaws.com"]


def test_kubeconfig_uses_exec_tokens_and_the_cluster_ca(cluster):
    path = Path(os.environ.get("STACK_DIR", ROOT / ".stack")) / "eks" / f"{CLUSTER}.kubeconfig"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    config = yaml.safe_load(path.read_text())
    assert config["clusters"][0]["cluster"]["server"] == cluster["endpoint"]
    assert config["clusters"][0]["cluster"]["certificate-authority-data"] == cluster["certificateAuthority"]["data"]
    user = config["users"][0]["user"]
    assert set(user) == {"exec"}, "no static token or certificate may be stored"
    assert user["exec"]["command"] == "aws" and user["exec"]["args"][:2] == ["eks", "get-token"]
