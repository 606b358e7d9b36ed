"""aws_auth against the local stack: pool MFA and password policy, clients, domain, groups, secrets."""

from __future__ import annotations

import json

import pytest

CLIENTS = ("grafana", "argocd", "product")


@pytest.fixture(scope="module")
def pool(aws, outputs):
    return aws("cognito-idp").describe_user_pool(UserPoolId=outputs["auth"]["user_pool_id"])["UserPool"]


def test_issuer_url(outputs, platform):
    auth = outputs["auth"]
    assert auth["issuer_url"] == f"https://cognito-idp.{platform['region']}.amazonaws.com/{auth['user_pool_id']}"


def test_pool_password_policy_mfa_and_protection(aws, pool, platform):
    policy = pool["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 14
    assert all(policy[k] for k in ("RequireUppercase", "RequireLowercase", "RequireNumbers", "RequireSymbols"))
    mfa = aws("cognito-idp").get_user_pool_mfa_config(UserPoolId=pool["Id"])
    assert mfa["MfaConfiguration"] == ("ON" if platform["env"] == "prod" else "OPTIONAL")
    assert mfa["SoftwareTokenMfaConfiguration"]["Enabled"] is True
    assert pool["DeletionProtection"] == "ACTIVE"
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["UserPoolTags"]["Component"] == "auth" and pool["UserPoolTags"]["Env"] == platform["env"]


@pytest.mark.parametrize("name", CLIENTS)
def test_client_uses_code_grant_with_oidc_scopes_and_https_callbacks(aws, outputs, name):
    client_id = outputs["auth"]["clients"][name]["client_id"]
    app = aws("cognito-idp").describe_user_pool_client(UserPoolId=outputs["auth"]["user_pool_id"], ClientId=client_id)["UserPoolClient"]
    assert app["ClientName"] == name
    assert app["AllowedOAuthFlows"] == ["code"] and app["AllowedOAuthFlowsUserPoolClient"] is True
    assert sorted(app["AllowedOAuthScopes"]) == ["email", "openid", "profile"]
    assert app["CallbackURLs"] and all(u.startswith("https://") for u in app["CallbackURLs"] + app.get("LogoutURLs", []))
    assert app["ClientSecret"], "confidential client: a generated secret"


@pytest.mark.parametrize("name", CLIENTS)
def test_client_secret_is_in_secrets_manager_not_in_outputs(aws, outputs, platform, name):
    entry = outputs["auth"]["clients"][name]
    assert set(entry) == {"client_id", "secret_arn", "secret_name"}
    assert entry["secret_name"] == f"legacyplatform/{platform['env']}/oidc/{name}"
    described = aws("secretsmanager").describe_secret(SecretId=entry["secret_arn"])
    assert described["KmsKeyId"] == outputs["kms"]["secrets"]["arn"]
    value = json.loads(aws("secretsmanager").get_secret_value(SecretId=entry["secret_arn"])["SecretString"])
    assert value["client_id"] == entry["client_id"] and value["client_secret"]
    assert {t["Key"]: t["Value"] for t in described["Tags"]}["Component"] == "auth"


def test_hosted_domain(aws, outputs, platform):
    domain = f"{platform['prefix']}-{platform['account']}"
    described = aws("cognito-idp").describe_user_pool_domain(Domain=domain)["DomainDescription"]
    assert described["UserPoolId"] == outputs["auth"]["user_pool_id"]
    assert outputs["auth"]["hosted_ui_url"] == f"https://{domain}.auth.{platform['region']}.amazoncognito.com"


def test_groups_for_platform_roles(aws, outputs):
    groups = {g["GroupName"]: g for g in aws("cognito-idp").list_groups(UserPoolId=outputs["auth"]["user_pool_id"])["Groups"]}
    assert {"dev", "ops"} <= set(groups)
    assert groups["ops"]["Precedence"] < groups["dev"]["Precedence"]
