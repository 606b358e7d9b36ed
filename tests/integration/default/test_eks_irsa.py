"""Verify step of the default scenario: the cluster phase's IRSA roles, as moto stores them.

The issuer is the one eks_cluster created on moto (its OIDC provider is the only one, built by eks_cluster);
moto never evaluates trust conditions, so the documents are read back and checked against the builders the
role uses.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.iam_permissions import Naming, irsa_policy
from ansible_collections.mosaic.platform.plugins.module_utils.platform_outputs import read_outputs
from ansible_collections.mosaic.platform.plugins.module_utils.trust_policies import check_trust_policy

ROOT = Path(__file__).resolve().parents[3]
ENTRIES = yaml.safe_load((ROOT / "inventories/local/group_vars/local/eks_irsa.yml").read_text())["eks_irsa_roles"]


@pytest.fixture(scope="module")
def outputs(platform):
    workspace = Path(os.environ.get("MOSAIC_WORKSPACE", ROOT))
    return read_outputs(str(workspace / ".outputs" / platform["env"]), "local-main")


@pytest.fixture(scope="module")
def iam(aws):
    return aws("iam")


def test_the_cluster_oidc_provider_has_one_builder(iam, outputs, platform):
    issuer = outputs["eks"]["oidc_issuer"]
    arn = f"arn:aws:iam::{platform['account']}:oidc-provider/{issuer.removeprefix('https://')}"
    assert outputs["eks"]["oidc_provider_arn"] == arn
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert provider["ClientIDList"] == ["sts.amazonaws.com"]
    # Only the GitHub provider (aws_identity) and the cluster's (eks_cluster): no second cluster provider.
    arns = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    assert sorted(arns) == sorted([arn, f"arn:aws:iam::{platform['account']}:oidc-provider/token.actions.githubusercontent.com"])


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e['namespace']}/{e['service_account']}")
def test_each_irsa_role_trusts_exactly_its_service_account(iam, outputs, platform, entry):
    host = outputs["eks"]["oidc_issuer"].removeprefix("https://")
    name = f"{platform['prefix']}-irsa-{entry.get('name', entry['service_account'])}"
    found = iam.get_role(RoleName=name)["Role"]
    assert outputs["irsa"]["roles"][f"{entry['namespace']}/{entry['service_account']}"] == found["Arn"]
    assert found["PermissionsBoundary"]["PermissionsBoundaryArn"] == outputs["identity"]["permissions_boundary_arn"]
    doc = found["AssumeRolePolicyDocument"]
    check_trust_policy(doc)
    [statement] = doc["Statement"]
    assert statement["Principal"] == {"Federated": f"arn:aws:iam::{platform['account']}:oidc-provider/{host}"}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"] == {
        "StringEquals": {
            f"{host}:sub": f"system:serviceaccount:{entry['namespace']}:{entry['service_account']}",
            f"{host}:aud": "sts.amazonaws.com",
        }
    }
    tags = {t["Key"]: t["Value"] for t in found["Tags"]}
    assert tags["Component"] == "identity" and tags["Env"] == platform["env"]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e['namespace']}/{e['service_account']}")
def test_each_irsa_role_carries_its_template_policy(iam, outputs, platform, entry):
    slug = yaml.safe_load((ROOT / "inventories" / "project.yml").read_text())["platform_slug"]
    naming = Naming(platform["prefix"], slug, platform["env"], platform["account"], platform["region"])
    keys = {purpose: key["arn"] for purpose, key in outputs["kms"].items()}
    name = f"{platform['prefix']}-irsa-{entry.get('name', entry['service_account'])}"
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == [f"irsa-{entry['template']}"]
    assert iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"] == []
    doc = iam.get_role_policy(RoleName=name, PolicyName=f"irsa-{entry['template']}")["PolicyDocument"]
    assert doc == irsa_policy(entry["template"], naming, params=entry.get("vars", {}), kms_keys=keys)
