"""Verify step of molecule/aws_identity: the identities and secrets as moto stores them (the IRSA roles are the
cluster phase's: tests/integration/default/test_eks_irsa.py).

moto never evaluates trust conditions, so the documents are read back and checked both
against explicit expectations and against the same builders and checkers the roles use.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.audit_policy import audit_role_policy
from ansible_collections.mosaic.platform.plugins.module_utils.deploy_policy import render
from ansible_collections.mosaic.platform.plugins.module_utils.drill_policy import drill_role_policy
from ansible_collections.mosaic.platform.plugins.module_utils.iam_permissions import check_permission_policy
from ansible_collections.mosaic.platform.plugins.module_utils.permissions_boundary import boundary_arn, boundary_policy
from ansible_collections.mosaic.platform.plugins.module_utils.trust_policies import check_trust_policy

ROOT = Path(__file__).resolve().parents[3]
GROUP_VARS = ROOT / "inventories" / "local" / "group_vars" / "local"
GITHUB = "token.actions.githubusercontent.com"


@pytest.fixture(scope="module")
def identity_vars():
    return yaml.safe_load((GROUP_VARS / "aws_identity.yml").read_text())


@pytest.fixture(scope="module")
def secrets_vars():
    return yaml.safe_load((GROUP_VARS / "aws_secrets.yml").read_text())


@pytest.fixture(scope="module")
def slug():
    return yaml.safe_load((ROOT / "inventories" / "project.yml").read_text())["platform_slug"]


@pytest.fixture(scope="module")
def iam(aws):
    return aws("iam")


@pytest.fixture(scope="module")
def keys(aws, platform):
    """Key ARNs by purpose, found through the aliases aws_kms creates."""
    kms = aws("kms")
    aliases = kms.list_aliases()["Aliases"]
    found = {}
    for alias in aliases:
        name = alias["AliasName"]
        if name.startswith(f"alias/{platform['prefix']}-") and "TargetKeyId" in alias:
            found[name.rsplit("-", 1)[-1]] = kms.describe_key(KeyId=alias["TargetKeyId"])["KeyMetadata"]["Arn"]
    assert {"data", "secrets", "storage", "messaging"} <= set(found)
    return found


def tags_of(tag_list):
    return {t["Key"]: t["Value"] for t in tag_list}


def assert_platform_tags(tags, platform, component):
    assert tags["Project"] == platform["project"]
    assert tags["Env"] == platform["env"]
    assert tags["Owner"] == platform["owner"]
    assert tags["Component"] == component


def role(iam, name):
    return iam.get_role(RoleName=name)["Role"]


def test_github_provider_accepts_only_the_sts_audience(iam, platform):
    arn = f"arn:aws:iam::{platform['account']}:oidc-provider/{GITHUB}"
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert provider["ClientIDList"] == ["sts.amazonaws.com"]
    assert_platform_tags(tags_of(provider["Tags"]), platform, "identity")


def test_ci_role_trust_pins_aud_and_sub_in_one_block(iam, platform, identity_vars):
    for ci in identity_vars["aws_identity_ci_roles"]:
        doc = role(iam, f"{platform['prefix']}-ci-{ci['name']}")["AssumeRolePolicyDocument"]
        check_trust_policy(doc)
        [statement] = doc["Statement"]
        assert statement["Principal"] == {"Federated": f"arn:aws:iam::{platform['account']}:oidc-provider/{GITHUB}"}
        condition = statement["Condition"]
        assert condition["StringEquals"][f"{GITHUB}:aud"] == "sts.amazonaws.com"
        subs = (condition.get("StringEquals", {}) | condition.get("StringLike", {}))[f"{GITHUB}:sub"]
        repo = f"repo:{ci['github_org']}/{ci['github_repo']}:"
        assert subs and all(s.startswith(repo) for s in subs)
        assert f"{repo}ref:refs/heads/main" in subs


def test_ci_role_policy_is_the_generated_policy_plus_the_inventory_policy(iam, platform, slug, identity_vars):
    template = json.loads((ROOT / "roles" / "aws_identity" / "files" / "deploy_policy.json").read_text())
    values = {"Partition": "aws", "Prefix": platform["prefix"], "Slug": slug, "Env": platform["env"], "Account": platform["account"]}
    values.update(Region=platform["region"], Boundary=boundary_arn(platform["account"], f"{platform['prefix']}-permissions-boundary"))
    for ci in identity_vars["aws_identity_ci_roles"]:
        assert ci["deploy_policy"] is True
        doc = iam.get_role_policy(RoleName=f"{platform['prefix']}-ci-{ci['name']}", PolicyName="ci-deploy")["PolicyDocument"]
        generated, inventory = doc["Statement"][: len(template["Statement"])], doc["Statement"][len(template["Statement"]) :]
        assert generated == render(template, values)["Statement"]
        check_permission_policy({"Statement": inventory})
        assert inventory[0]["Resource"] == f"arn:aws:s3:::{platform['prefix']}-artifacts-{platform['account']}/*"


def test_the_boundary_policy_is_the_built_document(iam, platform):
    arn = boundary_arn(platform["account"], f"{platform['prefix']}-permissions-boundary")
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    doc = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    doc = json.loads(unquote(doc)) if isinstance(doc, str) else doc
    assert doc == boundary_policy(arn)


def test_every_role_of_the_platform_carries_the_boundary(iam, platform):
    arn = boundary_arn(platform["account"], f"{platform['prefix']}-permissions-boundary")
    roles = [r for page in iam.get_paginator("list_roles").paginate() for r in page["Roles"] if r["RoleName"].startswith(platform["prefix"] + "-")]
    assert roles, "the CI deploy roles of the scenario"
    for role in roles:
        boundary = iam.get_role(RoleName=role["RoleName"])["Role"].get("PermissionsBoundary", {})
        assert boundary.get("PermissionsBoundaryArn") == arn, role["RoleName"]


def test_no_human_iam_roles(iam, platform):
    """People come through IAM Identity Center (role aws_access): no <prefix>-platform-* role trusts a SAML provider."""
    names = [r["RoleName"] for page in iam.get_paginator("list_roles").paginate() for r in page["Roles"]]
    assert not [n for n in names if n.startswith(f"{platform['prefix']}-platform-")]


def test_secrets_exist_encrypted_with_the_secrets_key(aws, platform, slug, keys, secrets_vars):
    sm = aws("secretsmanager")
    for entry in secrets_vars["aws_secrets_secrets"]:
        secret = sm.describe_secret(SecretId=f"{slug}/{platform['env']}/{entry['name']}")
        assert secret["KmsKeyId"] == keys["secrets"]
        assert secret.get("Description", "") == entry.get("description", "")
        assert_platform_tags(tags_of(secret["Tags"]), platform, "secrets")


def test_generated_secret_kept_its_first_value(aws, platform, slug, secrets_vars):
    """The second converge (idempotence) must not write a new version of a generated value."""
    sm = aws("secretsmanager")
    for entry in secrets_vars["aws_secrets_secrets"]:
        if entry.get("source", "generate") != "generate":
            continue
        name = f"{slug}/{platform['env']}/{entry['name']}"
        versions = sm.list_secret_version_ids(SecretId=name)["Versions"]
        assert len(versions) == 1, versions
        assert len(sm.get_secret_value(SecretId=name)["SecretString"]) == entry.get("length", 32)


def test_parameters_are_securestrings_under_the_env_path(aws, platform, slug, keys, secrets_vars):
    ssm = aws("ssm")
    for entry in secrets_vars["aws_secrets_parameters"]:
        name = f"/{slug}/{platform['env']}/{entry['name']}"
        [meta] = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [name]}])["Parameters"]
        assert meta["Type"] == "SecureString"
        assert meta["KeyId"] == keys["secrets"]
        assert meta["Version"] == 1, "a second converge overwrote the parameter"
        tags = tags_of(ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=name)["TagList"])
        assert_platform_tags(tags, platform, "secrets")


def test_outputs_carry_arns_and_never_a_value(platform, slug, secrets_vars, aws):
    workspace = Path(os.environ.get("MOSAIC_WORKSPACE", ROOT))
    text = (workspace / ".outputs" / platform["env"] / "local-main" / "aws.yml").read_text()
    outputs = yaml.safe_load(text)["outputs"]
    identity, secrets = outputs["identity"], outputs["secrets"]
    assert identity["oidc_provider_arn"].endswith(f":oidc-provider/{GITHUB}")
    assert identity["permissions_boundary_arn"] == boundary_arn(platform["account"], f"{platform['prefix']}-permissions-boundary")
    assert "human_roles" not in identity, "people come through Identity Center (outputs section access)"
    assert "irsa_roles" not in identity, "IRSA roles belong to the cluster phase (eks_irsa)"
    assert secrets["secrets"]["litellm/master-key"]["name"] == f"{slug}/{platform['env']}/litellm/master-key"
    assert secrets["secrets"]["litellm/master-key"]["arn"].startswith("arn:aws:secretsmanager:")
    assert secrets["parameters"]["litellm/salt-key"] == f"/{slug}/{platform['env']}/litellm/salt-key"
    sm = aws("secretsmanager")
    for entry in secrets_vars["aws_secrets_secrets"]:
        value = sm.get_secret_value(SecretId=f"{slug}/{platform['env']}/{entry['name']}")["SecretString"]
        assert value not in text
    assert json.dumps(outputs)  # plain data, nothing but names, ARNs and paths


def test_the_audit_role_trusts_its_environment_and_carries_the_built_policy(iam, platform, identity_vars, keys):
    """<prefix>-audit: trusted by <env>-audits of the CI repository only, the audit policy inline, published."""
    ci = identity_vars["aws_identity_ci_roles"][0]
    audit = role(iam, f"{platform['prefix']}-audit")
    doc = audit["AssumeRolePolicyDocument"]
    check_trust_policy(doc)
    [statement] = doc["Statement"]
    assert statement["Condition"]["StringEquals"][f"{GITHUB}:sub"] == [f"repo:{ci['github_org']}/{ci['github_repo']}:environment:{platform['env']}-audits"]
    policy = iam.get_role_policy(RoleName=f"{platform['prefix']}-audit", PolicyName="audit")["PolicyDocument"]
    resources = {
        "report_bucket": f"{platform['prefix']}-logs-{platform['account']}",
        "report_prefix": "audits",
        "athena_workgroup": f"{platform['prefix']}-audit",
        "athena_database": f"{platform['prefix'].replace('-', '_')}_audit",
        "athena_results_prefix": "athena-results",
        "waf_log_bucket": f"aws-waf-logs-{platform['prefix']}-{platform['account']}",
        "metrics_namespace": "Mosaic/Audits",
    }
    assert policy == audit_role_policy(platform["account"], platform["region"], kms_key_arns=[keys["storage"], keys.get("audit", "")], **resources)
    workspace = Path(os.environ.get("MOSAIC_WORKSPACE", ROOT))
    outputs = yaml.safe_load((workspace / ".outputs" / platform["env"] / "local-main" / "aws.yml").read_text())["outputs"]
    assert outputs["identity"]["audit_role_arn"] == audit["Arn"]


def test_the_drill_role_trusts_its_environment_and_carries_the_built_policy(iam, platform, identity_vars, keys):
    """<prefix>-drill: trusted by <env>-drills of the CI repository only, under the boundary, the drill policy inline, published."""
    ci = identity_vars["aws_identity_ci_roles"][0]
    prefix, account = platform["prefix"], platform["account"]
    drill = role(iam, f"{prefix}-drill")
    doc = drill["AssumeRolePolicyDocument"]
    check_trust_policy(doc)
    [statement] = doc["Statement"]
    assert statement["Condition"]["StringEquals"][f"{GITHUB}:sub"] == [f"repo:{ci['github_org']}/{ci['github_repo']}:environment:{platform['env']}-drills"]
    assert drill["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary_arn(account, f"{prefix}-permissions-boundary")
    assert drill["MaxSessionDuration"] == 7200
    policy = iam.get_role_policy(RoleName=f"{prefix}-drill", PolicyName="drill")["PolicyDocument"]
    resources = {
        "postgres_source": f"{prefix}-postgres",
        "backup_bucket": f"{prefix}-backups-{account}",
        "graph_backup_bucket": f"{prefix}-graph-backups-{account}",
        "search_snapshot_bucket": f"{prefix}-search-snapshots-{account}",
        "search_domain": f"{prefix}-search",
        "media_bucket": f"{prefix}-media-{account}",
        "media_region": platform["region"],
    }
    expected = drill_role_policy(account, platform["region"], prefix, storage_kms_key_arns=[keys["storage"]], data_kms_key_arn=keys["data"], **resources)
    assert policy == expected
    check_permission_policy(policy)
    assert iam.list_attached_role_policies(RoleName=f"{prefix}-drill")["AttachedPolicies"] == []
    workspace = Path(os.environ.get("MOSAIC_WORKSPACE", ROOT))
    outputs = yaml.safe_load((workspace / ".outputs" / platform["env"] / "local-main" / "aws.yml").read_text())["outputs"]
    assert outputs["identity"]["drill_role_arn"] == drill["Arn"]
