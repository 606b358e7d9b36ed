# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Idempotent ensure-functions for Cognito user pools, app clients, domains and groups.

Each function takes a boto3 ``cognito-idp`` client, the module parameters and the check-mode
flag, and returns ``(changed, result)``; the list forms (groups, clients) read the pool's objects once and
converge each with the same function as the single form. The modules are thin wrappers, and the unit tests run
these functions against moto's in-process backend (create/modify/delete x check/real x twice).

Tags are read from ``describe_user_pool`` (moto answers 500 to ``ListTagsForResource``) and
written through ``UpdateUserPool`` (which, on AWS as on moto, resets what it is not given: so
every update sends the whole configuration).
"""

from __future__ import annotations

from ansible_collections.mosaic.platform.plugins.module_utils.list_specs import not_unique

# The argument spec of a group, shared by cognito_user_pool (its groups option) and cognito_user_pool_groups.
GROUP_SPEC = {
    "name": {"type": "str", "required": True},
    "description": {"type": "str", "default": ""},
    "precedence": {"type": "int", "default": 10},
    "role_arn": {"type": "str"},
}

PASSWORD_KEYS = {
    "minimum_length": "MinimumLength",
    "require_uppercase": "RequireUppercase",
    "require_lowercase": "RequireLowercase",
    "require_numbers": "RequireNumbers",
    "require_symbols": "RequireSymbols",
    "temporary_password_validity_days": "TemporaryPasswordValidityDays",
}


def _paginate(client, method, key, **kwargs):
    items = []
    token = None
    while True:
        args = dict(kwargs)
        if token:
            args["NextToken"] = token
        page = getattr(client, method)(**args)
        items.extend(page.get(key, []))
        token = page.get("NextToken")
        if not token:
            return items


def find_user_pool(client, name):
    matches = [p for p in _paginate(client, "list_user_pools", "UserPools", MaxResults=60) if p["Name"] == name]
    if len(matches) > 1:
        raise ValueError(f"more than one user pool is named {name!r}; rename or delete the extra ones")
    if not matches:
        return None
    return client.describe_user_pool(UserPoolId=matches[0]["Id"])["UserPool"]


def _pool_settings(params):
    policy = {PASSWORD_KEYS[k]: v for k, v in (params.get("password_policy") or {}).items() if v is not None}
    return {
        "Policies": {"PasswordPolicy": policy},
        "UserPoolAddOns": {"AdvancedSecurityMode": params["advanced_security_mode"]},
        "DeletionProtection": "ACTIVE" if params["deletion_protection"] else "INACTIVE",
        "AutoVerifiedAttributes": ["email"],
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
        "UserPoolTags": params.get("tags") or {},
    }


def _pool_diff(current, wanted, mfa_current, mfa_wanted):
    diff = []
    cur_policy = current.get("Policies", {}).get("PasswordPolicy", {})
    for key, value in wanted["Policies"]["PasswordPolicy"].items():
        if cur_policy.get(key) != value:
            diff.append(f"PasswordPolicy.{key}")
    if current.get("UserPoolAddOns", {}).get("AdvancedSecurityMode", "OFF") != wanted["UserPoolAddOns"]["AdvancedSecurityMode"]:
        diff.append("AdvancedSecurityMode")
    if current.get("DeletionProtection", "INACTIVE") != wanted["DeletionProtection"]:
        diff.append("DeletionProtection")
    if (current.get("UserPoolTags") or {}) != wanted["UserPoolTags"]:
        diff.append("UserPoolTags")
    if mfa_current != mfa_wanted:
        diff.append("MfaConfiguration")
    return diff


def _mfa(client, pool_id):
    config = client.get_user_pool_mfa_config(UserPoolId=pool_id)
    return config.get("MfaConfiguration", "OFF"), config.get("SoftwareTokenMfaConfiguration", {}).get("Enabled", False)


def _pool_result(pool, region):
    return {
        "id": pool["Id"],
        "arn": pool.get("Arn", ""),
        "name": pool["Name"],
        "issuer_url": f"https://cognito-idp.{region}.amazonaws.com/{pool['Id']}",
    }


def ensure_user_pool(client, params, check_mode, region):
    current = find_user_pool(client, params["name"])
    if params["state"] == "absent":
        if current is None:
            return False, {}
        if not check_mode:
            if current.get("DeletionProtection") == "ACTIVE":
                client.update_user_pool(UserPoolId=current["Id"], DeletionProtection="INACTIVE")
            client.delete_user_pool(UserPoolId=current["Id"])
        return True, {"id": current["Id"]}
    wanted = _pool_settings(params)
    mfa = params["mfa_configuration"]
    if current is None:
        if check_mode:
            return True, {"diff": ["created"]}
        created = client.create_user_pool(PoolName=params["name"], UsernameAttributes=["email"], MfaConfiguration="OFF", **wanted)["UserPool"]
        if mfa != "OFF":
            # TOTP must be on before MFA can be OPTIONAL or ON (no SMS configuration here).
            client.set_user_pool_mfa_config(UserPoolId=created["Id"], SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration=mfa)
        pool = client.describe_user_pool(UserPoolId=created["Id"])["UserPool"]
        return True, dict(_pool_result(pool, region), diff=["created"])
    mfa_current, totp = _mfa(client, current["Id"])
    diff = _pool_diff(current, wanted, mfa_current, mfa)
    if diff and not check_mode:
        if mfa != mfa_current or (mfa != "OFF" and not totp):
            client.set_user_pool_mfa_config(UserPoolId=current["Id"], SoftwareTokenMfaConfiguration={"Enabled": mfa != "OFF"}, MfaConfiguration=mfa)
        client.update_user_pool(UserPoolId=current["Id"], MfaConfiguration=mfa, **wanted)
        current = client.describe_user_pool(UserPoolId=current["Id"])["UserPool"]
    return bool(diff), dict(_pool_result(current, region), diff=diff)


def _find_client(client, pool_id, name):
    for app in _paginate(client, "list_user_pool_clients", "UserPoolClients", UserPoolId=pool_id, MaxResults=60):
        if app["ClientName"] == name:
            return client.describe_user_pool_client(UserPoolId=pool_id, ClientId=app["ClientId"])["UserPoolClient"]
    return None


def _client_settings(params):
    return {
        "CallbackURLs": sorted(params["callback_urls"]),
        "LogoutURLs": sorted(params.get("logout_urls") or []),
        "AllowedOAuthFlows": sorted(params["allowed_oauth_flows"]),
        "AllowedOAuthScopes": sorted(params["allowed_oauth_scopes"]),
        "AllowedOAuthFlowsUserPoolClient": True,
        "SupportedIdentityProviders": ["COGNITO"],
        "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"],
        "PreventUserExistenceErrors": "ENABLED",
        "EnableTokenRevocation": True,
    }


def _client_result(app, with_secret):
    result = {"client_id": app["ClientId"], "name": app["ClientName"], "user_pool_id": app["UserPoolId"]}
    if with_secret:
        result["client_secret"] = app.get("ClientSecret", "")
    return result


def ensure_user_pool_client(client, params, check_mode):
    pool_id = params["user_pool_id"]
    current = _find_client(client, pool_id, params["name"])
    if params["state"] == "absent":
        if current is None:
            return False, {}
        if not check_mode:
            client.delete_user_pool_client(UserPoolId=pool_id, ClientId=current["ClientId"])
        return True, {"client_id": current["ClientId"]}
    return present_user_pool_client(client, params, current, check_mode)


def present_user_pool_client(client, params, current, check_mode):
    """Create or converge one app client, ``current`` as described (None when missing); ``(changed, result)``."""
    pool_id = params["user_pool_id"]
    wanted = _client_settings(params)
    if current is None:
        if check_mode:
            return True, {"diff": ["created"]}
        app = client.create_user_pool_client(UserPoolId=pool_id, ClientName=params["name"], GenerateSecret=params["generate_secret"], **wanted)[
            "UserPoolClient"
        ]
        return True, dict(_client_result(app, params["return_secret"]), diff=["created"])
    diff = []
    for key, value in wanted.items():
        cur = current.get(key)
        if isinstance(value, list):
            cur = sorted(cur or [])
        if key in ("PreventUserExistenceErrors",) and cur is None:
            continue  # not echoed by every backend; sent on every update
        if cur != value:
            diff.append(key)
    if bool(current.get("ClientSecret")) != params["generate_secret"]:
        raise ValueError(f"client {params['name']!r}: generate_secret cannot change after creation; delete and recreate the client")
    if diff and not check_mode:
        current = client.update_user_pool_client(UserPoolId=pool_id, ClientId=current["ClientId"], ClientName=params["name"], **wanted)["UserPoolClient"]
    return bool(diff), dict(_client_result(current, params["return_secret"]), diff=diff)


def ensure_user_pool_clients(client, pool_id, specs, return_secret, check_mode):
    """Create or converge every app client of ``specs`` after one list of the pool's clients.

    A client that exists is described once (its settings and secret); ``(changed, [result per spec])``, each
    result carrying the name, and the client id only once the client exists.
    """
    names = [spec["name"] for spec in specs]
    problem = not_unique("clients names", names)
    if problem:
        raise ValueError(problem)
    if not specs:
        return False, []
    listed = {app["ClientName"]: app["ClientId"] for app in _paginate(client, "list_user_pool_clients", "UserPoolClients", UserPoolId=pool_id, MaxResults=60)}
    changed, results = False, []
    for spec in specs:
        params = dict(spec, user_pool_id=pool_id, return_secret=return_secret)
        current = None
        if spec["name"] in listed:
            current = client.describe_user_pool_client(UserPoolId=pool_id, ClientId=listed[spec["name"]])["UserPoolClient"]
        one_changed, result = present_user_pool_client(client, params, current, check_mode)
        changed = changed or one_changed
        results.append(dict(result, name=spec["name"]))
    return changed, results


def ensure_user_pool_domain(client, params, check_mode):
    described = client.describe_user_pool_domain(Domain=params["domain"]).get("DomainDescription") or {}
    exists = bool(described.get("UserPoolId"))
    if exists and described["UserPoolId"] != params["user_pool_id"]:
        raise ValueError(f"domain {params['domain']!r} belongs to another user pool ({described['UserPoolId']})")
    if params["state"] == "absent":
        if not exists:
            return False, {}
        if not check_mode:
            client.delete_user_pool_domain(UserPoolId=params["user_pool_id"], Domain=params["domain"])
        return True, {"domain": params["domain"]}
    if not exists:
        if not check_mode:
            client.create_user_pool_domain(UserPoolId=params["user_pool_id"], Domain=params["domain"])
        return True, {"domain": params["domain"], "user_pool_id": params["user_pool_id"]}
    return False, {"domain": params["domain"], "user_pool_id": params["user_pool_id"], "cloudfront_distribution": described.get("CloudFrontDistribution", "")}


def ensure_user_pool_group(client, params, check_mode):
    pool_id = params["user_pool_id"]
    try:
        current = client.get_group(UserPoolId=pool_id, GroupName=params["name"])["Group"]
    except client.exceptions.ResourceNotFoundException:
        current = None
    if params["state"] == "absent":
        if current is None:
            return False, {}
        if not check_mode:
            client.delete_group(UserPoolId=pool_id, GroupName=params["name"])
        return True, {"name": params["name"]}
    return present_user_pool_group(client, params, current, check_mode)


def present_user_pool_group(client, params, current, check_mode):
    """Create or converge one group, ``current`` as read (None when missing); ``(changed, result)``."""
    pool_id = params["user_pool_id"]
    wanted = {"Description": params.get("description") or "", "Precedence": params["precedence"]}
    if params.get("role_arn"):
        wanted["RoleArn"] = params["role_arn"]
    result = {"name": params["name"], "user_pool_id": pool_id, "role_arn": params.get("role_arn") or ""}
    if current is None:
        if not check_mode:
            client.create_group(UserPoolId=pool_id, GroupName=params["name"], **wanted)
        return True, result
    diff = [k for k, v in wanted.items() if current.get(k, "" if k != "Precedence" else None) != v]
    if diff and not check_mode:
        client.update_group(UserPoolId=pool_id, GroupName=params["name"], **wanted)
    return bool(diff), dict(result, diff=diff)


def ensure_user_pool_groups(client, pool_id, specs, check_mode):
    """Create or converge every group of ``specs`` after one list of the pool's groups; ``(changed, {name: result})``."""
    names = [spec["name"] for spec in specs]
    problem = not_unique("groups names", names)
    if problem:
        raise ValueError(problem)
    if not specs:
        return False, {}
    existing = {g["GroupName"]: g for g in _paginate(client, "list_groups", "Groups", UserPoolId=pool_id, Limit=60)}
    changed, results = False, {}
    for spec in specs:
        one_changed, results[spec["name"]] = present_user_pool_group(client, dict(spec, user_pool_id=pool_id), existing.get(spec["name"]), check_mode)
        changed = changed or one_changed
    return changed, results
