"""Verify step of molecule/aws_access: IAM Identity Center as moto stores it.

moto never evaluates policies and provisions no AWSReservedSSO_* role: the inline policies are read back and
compared with the builder the role uses (tests/policy/test_permission_sets.py proves what they allow), and the
roles are the local inventory's emulation of Identity Center's provisioning.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.iam_permissions import Naming, human_policy

ROOT = Path(__file__).resolve().parents[3]
INVENTORY = ROOT / "inventories" / "local"
RESERVED = "/aws-reserved/sso.amazonaws.com/"


@pytest.fixture(scope="module")
def access_vars():
    return yaml.safe_load((INVENTORY / "group_vars" / "local" / "aws_access.yml").read_text())


@pytest.fixture(scope="module")
def outputs(platform):
    return yaml.safe_load((platform["outputs_dir"] / "local-main" / "aws.yml").read_text())["outputs"]


@pytest.fixture(scope="module")
def sso(aws):
    return aws("sso-admin")


@pytest.fixture(scope="module")
def instance(sso):
    (found,) = sso.list_instances()["Instances"]
    return found


@pytest.fixture(scope="module")
def sets(sso, instance):
    arns = sso.list_permission_sets(InstanceArn=instance["InstanceArn"])["PermissionSets"]
    described = [sso.describe_permission_set(InstanceArn=instance["InstanceArn"], PermissionSetArn=a)["PermissionSet"] for a in arns]
    return {s["Name"]: s for s in described}


def name_of(platform, key):
    return f"lp-{platform['env']}-{key}"


def test_one_permission_set_per_level_with_its_session(platform, sets, access_vars):
    wanted = {name_of(platform, s["key"]): s["session_duration"] for s in access_vars["aws_access_permission_sets"]}
    assert {n: s["SessionDuration"] for n, s in sets.items()} == wanted


def test_inline_policies_are_the_builders(aws, platform, sso, instance, sets, access_vars, outputs):
    slug = yaml.safe_load((ROOT / "inventories" / "project.yml").read_text())["platform_slug"]
    naming = Naming(platform["prefix"], slug, platform["env"], platform["account"], platform["region"])
    keys = {p: v["arn"] for p, v in outputs["kms"].items()}
    protected = [outputs["storage"]["buckets"][p]["arn"] for p in ("logs", "waf-logs", "backups", "graph-backups", "search-snapshots")]
    for entry in access_vars["aws_access_permission_sets"]:
        ps = sets[name_of(platform, entry["key"])]
        doc = json.loads(sso.get_inline_policy_for_permission_set(InstanceArn=instance["InstanceArn"], PermissionSetArn=ps["PermissionSetArn"])["InlinePolicy"])
        assert doc == human_policy(entry["access"], naming, kms_keys=keys, protected_buckets=protected)
        actions = {a for s in doc["Statement"] if s["Effect"] == "Allow" for a in s["Action"]}
        assert ("secretsmanager:GetSecretValue" in actions) == (entry["access"] == "break-glass")


def test_each_set_is_assigned_to_its_group_on_the_account(aws, platform, sso, instance, sets, access_vars):
    ids = aws("identitystore")
    groups = {g["GroupId"]: g["DisplayName"] for g in ids.list_groups(IdentityStoreId=instance["IdentityStoreId"])["Groups"]}
    for entry in access_vars["aws_access_permission_sets"]:
        ps = sets[name_of(platform, entry["key"])]
        found = sso.list_account_assignments(InstanceArn=instance["InstanceArn"], AccountId=platform["account"], PermissionSetArn=ps["PermissionSetArn"])
        assert sorted(groups[a["PrincipalId"]] for a in found["AccountAssignments"] if a["PrincipalType"] == "GROUP") == sorted(entry["groups"])


def test_outputs_carry_the_reserved_role_arns_without_path_for_eks(aws, platform, outputs, sets):
    access = outputs["access"]
    iam = aws("iam")
    assert set(access["sso_roles"]) == {"dev", "ops", "break-glass"}
    for key, arn in access["sso_roles"].items():
        name = arn.rsplit("/", 1)[-1]
        assert arn == f"arn:aws:iam::{platform['account']}:role/{name}", "EKS access entries want the ARN without path"
        assert name.startswith(f"AWSReservedSSO_{name_of(platform, key)}_")
        role = iam.get_role(RoleName=name)["Role"]
        assert role["Path"] == f"{RESERVED}{platform['region']}/"
        assert access["sso_roles_with_path"][key] == role["Arn"]
        assert access["permission_sets"][key] == sets[name_of(platform, key)]["PermissionSetArn"]


def test_break_glass_use_reaches_the_alerts_topic(aws, platform, outputs):
    events = aws("events")
    rule = events.describe_rule(Name=f"{platform['prefix']}-break-glass-use")
    assert rule["Arn"] == outputs["access"]["break_glass_rule_arn"]
    assert rule["State"] == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    pattern = json.loads(rule["EventPattern"])
    issuer = pattern["detail"]["userIdentity"]["sessionContext"]["sessionIssuer"]["userName"]
    assert issuer == [{"prefix": f"AWSReservedSSO_{name_of(platform, 'break-glass')}_"}]
    (target,) = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
    assert target["Arn"] == outputs["messaging"]["alerts_topic_arn"]
    # The topic lets EventBridge publish for this account only.
    policy = json.loads(aws("sns").get_topic_attributes(TopicArn=target["Arn"])["Attributes"]["Policy"])
    publishers = next(s for s in policy["Statement"] if s["Sid"] == "AllowServicePublishers")
    assert "events.amazonaws.com" in publishers["Principal"]["Service"]
    assert publishers["Condition"] == {"StringEquals": {"aws:SourceAccount": platform["account"]}}
    tags = {t["Key"]: t["Value"] for t in events.list_tags_for_resource(ResourceARN=rule["Arn"])["Tags"]}
    assert tags["Component"] == "access" and tags["Env"] == platform["env"]


def test_no_iam_role_trusts_a_saml_provider_outside_the_reserved_path(aws, platform):
    """The old <prefix>-platform-dev/-ops roles trusting a SAML provider are gone: people come through Identity Center."""
    roles = [r for page in aws("iam").get_paginator("list_roles").paginate() for r in page["Roles"]]
    saml = [r["RoleName"] for r in roles if "saml-provider" in json.dumps(r["AssumeRolePolicyDocument"]) and not r["Path"].startswith(RESERVED)]
    assert saml == []
