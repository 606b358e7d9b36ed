"""Cognito ensure-functions (the logic of the cognito_user_pool* modules) against moto in-process:
create, modify and delete, each in check mode and for real, each twice."""

from __future__ import annotations

import boto3
import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.auth_cognito import (
    ensure_user_pool,
    ensure_user_pool_client,
    ensure_user_pool_domain,
    ensure_user_pool_group,
)
from moto import mock_aws

REGION = "eu-west-1"
POLICY = {
    "minimum_length": 14,
    "require_uppercase": True,
    "require_lowercase": True,
    "require_numbers": True,
    "require_symbols": True,
    "temporary_password_validity_days": 7,
}


@pytest.fixture
def idp(monkeypatch):
    for var in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield boto3.client("cognito-idp", region_name=REGION)


def pool_params(**over):
    params = {
        "name": "p",
        "state": "present",
        "mfa_configuration": "OPTIONAL",
        "password_policy": POLICY,
        "advanced_security_mode": "OFF",
        "deletion_protection": True,
        "tags": {"Env": "test"},
    }
    params.update(over)
    return params


def pool_count(idp):
    return len(idp.list_user_pools(MaxResults=60)["UserPools"])


def test_user_pool_create_modify_delete_matrix(idp):
    # create: check mode changes nothing, then real, then again (no change)
    assert ensure_user_pool(idp, pool_params(), True, REGION)[0] is True
    assert pool_count(idp) == 0
    changed, pool = ensure_user_pool(idp, pool_params(), False, REGION)
    assert changed and pool["issuer_url"] == f"https://cognito-idp.{REGION}.amazonaws.com/{pool['id']}"
    assert ensure_user_pool(idp, pool_params(), False, REGION)[0] is False
    assert ensure_user_pool(idp, pool_params(), True, REGION)[0] is False
    described = idp.describe_user_pool(UserPoolId=pool["id"])["UserPool"]
    assert described["Policies"]["PasswordPolicy"]["MinimumLength"] == 14
    assert described["DeletionProtection"] == "ACTIVE"
    assert idp.get_user_pool_mfa_config(UserPoolId=pool["id"])["MfaConfiguration"] == "OPTIONAL"
    # modify: MFA on and advanced security enforced
    wanted = pool_params(mfa_configuration="ON", advanced_security_mode="ENFORCED")
    changed, result = ensure_user_pool(idp, wanted, True, REGION)
    assert changed and set(result["diff"]) == {"MfaConfiguration", "AdvancedSecurityMode"}
    assert idp.get_user_pool_mfa_config(UserPoolId=pool["id"])["MfaConfiguration"] == "OPTIONAL"
    assert ensure_user_pool(idp, wanted, False, REGION)[0] is True
    assert ensure_user_pool(idp, wanted, False, REGION)[0] is False
    assert idp.get_user_pool_mfa_config(UserPoolId=pool["id"])["MfaConfiguration"] == "ON"
    described = idp.describe_user_pool(UserPoolId=pool["id"])["UserPool"]
    assert described["UserPoolAddOns"]["AdvancedSecurityMode"] == "ENFORCED"
    assert described["UserPoolTags"] == {"Env": "test"}, "an update must keep the tags"
    # delete (deletion protection is lifted first)
    assert ensure_user_pool(idp, pool_params(state="absent"), True, REGION)[0] is True
    assert pool_count(idp) == 1
    assert ensure_user_pool(idp, pool_params(state="absent"), False, REGION)[0] is True
    assert ensure_user_pool(idp, pool_params(state="absent"), False, REGION)[0] is False
    assert pool_count(idp) == 0


def client_params(pool_id, **over):
    params = {
        "user_pool_id": pool_id,
        "name": "grafana",
        "state": "present",
        "callback_urls": ["https://grafana.example.com/login/generic_oauth"],
        "logout_urls": ["https://grafana.example.com/login"],
        "allowed_oauth_flows": ["code"],
        "allowed_oauth_scopes": ["openid", "email", "profile"],
        "generate_secret": True,
        "return_secret": False,
    }
    params.update(over)
    return params


def test_user_pool_client_matrix_and_secret_handling(idp):
    pool_id = ensure_user_pool(idp, pool_params(), False, REGION)[1]["id"]
    assert ensure_user_pool_client(idp, client_params(pool_id), True)[0] is True
    assert idp.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"] == []
    changed, created = ensure_user_pool_client(idp, client_params(pool_id), False)
    assert changed and "client_secret" not in created, "the secret is returned only on request"
    changed, again = ensure_user_pool_client(idp, client_params(pool_id, return_secret=True), False)
    assert not changed and again["client_secret"]
    app = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=created["client_id"])["UserPoolClient"]
    assert app["AllowedOAuthFlows"] == ["code"] and app["AllowedOAuthFlowsUserPoolClient"] is True
    assert sorted(app["AllowedOAuthScopes"]) == ["email", "openid", "profile"]
    moved = client_params(pool_id, callback_urls=["https://grafana2.example.com/login/generic_oauth"])
    assert ensure_user_pool_client(idp, moved, True) == (
        True,
        {"client_id": created["client_id"], "name": "grafana", "user_pool_id": pool_id, "diff": ["CallbackURLs"]},
    )
    assert ensure_user_pool_client(idp, moved, False)[0] is True
    assert ensure_user_pool_client(idp, moved, False)[0] is False
    with pytest.raises(ValueError, match="generate_secret cannot change"):
        ensure_user_pool_client(idp, client_params(pool_id, generate_secret=False, callback_urls=moved["callback_urls"]), False)
    gone = client_params(pool_id, state="absent")
    assert ensure_user_pool_client(idp, gone, True)[0] is True
    assert ensure_user_pool_client(idp, gone, False)[0] is True
    assert ensure_user_pool_client(idp, gone, False)[0] is False


def test_user_pool_domain_and_group_matrix(idp):
    pool_id = ensure_user_pool(idp, pool_params(), False, REGION)[1]["id"]
    domain = {"user_pool_id": pool_id, "domain": "legacyplatform-test", "state": "present"}
    assert ensure_user_pool_domain(idp, domain, True)[0] is True
    assert ensure_user_pool_domain(idp, domain, False)[0] is True
    assert ensure_user_pool_domain(idp, domain, False)[0] is False
    other = ensure_user_pool(idp, pool_params(name="other"), False, REGION)[1]["id"]
    with pytest.raises(ValueError, match="belongs to another user pool"):
        ensure_user_pool_domain(idp, dict(domain, user_pool_id=other), False)
    assert ensure_user_pool_domain(idp, dict(domain, state="absent"), True)[0] is True
    assert ensure_user_pool_domain(idp, dict(domain, state="absent"), False)[0] is True
    assert ensure_user_pool_domain(idp, dict(domain, state="absent"), False)[0] is False

    group = {"user_pool_id": pool_id, "name": "ops", "description": "operators", "precedence": 10, "role_arn": None, "state": "present"}
    assert ensure_user_pool_group(idp, group, True)[0] is True
    assert ensure_user_pool_group(idp, group, False)[0] is True
    assert ensure_user_pool_group(idp, group, False)[0] is False
    mapped = dict(group, role_arn="arn:aws:iam::123456789012:role/legacyplatform-test-ops", precedence=1)
    assert ensure_user_pool_group(idp, mapped, True)[0] is True
    assert ensure_user_pool_group(idp, mapped, False)[0] is True
    assert ensure_user_pool_group(idp, mapped, False)[0] is False
    assert idp.get_group(UserPoolId=pool_id, GroupName="ops")["Group"]["RoleArn"].endswith("role/legacyplatform-test-ops")
    assert ensure_user_pool_group(idp, dict(group, state="absent"), False)[0] is True
    assert ensure_user_pool_group(idp, dict(group, state="absent"), False)[0] is False
