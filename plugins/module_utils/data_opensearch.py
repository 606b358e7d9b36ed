# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OpenSearch helpers: the signed snapshot-repository request and the log publishing settings.

The snapshot repository lives inside the domain (``PUT _snapshot/<repo>`` on its HTTPS endpoint,
SigV4-signed for service ``es``), not in the AWS control-plane API, and moto does not serve it:
the request is built here so the unit tests can check it with a captured signer.
"""

from __future__ import annotations

import json

from ansible_collections.mosaic.platform.plugins.module_utils.data_policies import logs_delivery_policy

LOG_TYPES = ("AUDIT_LOGS", "ES_APPLICATION_LOGS", "SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS")
# The argument spec of the log publishing, shared by opensearch_log_publishing and opensearch_domain_access.
LOG_PUBLISHING_SPEC = {
    "log_groups": {"type": "dict", "required": True},
    "account_id": {"type": "str", "required": True},
    "policy_name": {"type": "str", "required": True},
}


def snapshot_repository_body(bucket, region, role_arn, base_path=""):
    settings = {"bucket": bucket, "region": region, "role_arn": role_arn, "server_side_encryption": True}
    if base_path:
        settings["base_path"] = base_path.strip("/")
    return {"type": "s3", "settings": settings}


def snapshot_repository_request(endpoint, repository, body):
    """Method, URL, body bytes and headers of the registration call (before signing)."""
    host = endpoint.replace("https://", "").rstrip("/")
    url = f"https://{host}/_snapshot/{repository}"
    data = json.dumps(body, sort_keys=True).encode()
    return "PUT", url, data, {"Content-Type": "application/json", "Host": host}


def sign(credentials, region, method, url, data, headers):
    """SigV4-sign a request for service ``es`` and return the headers to send."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    request = AWSRequest(method=method, url=url, data=data, headers=dict(headers))
    SigV4Auth(credentials, "es", region).add_auth(request)
    return dict(request.headers.items())


def repository_matches(current, wanted):
    """Compare the GET _snapshot/<repo> answer with the wanted body (OpenSearch returns strings)."""
    if not current or current.get("type") != wanted["type"]:
        return False
    settings = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in wanted["settings"].items()}
    return {k: str(v) for k, v in current.get("settings", {}).items() if k in settings} == settings


def wanted_log_options(log_groups):
    """LogPublishingOptions for {LOG_TYPE: log group ARN}."""
    unknown = sorted(set(log_groups) - set(LOG_TYPES))
    if unknown:
        raise ValueError(f"unknown log types {unknown}; choose from {list(LOG_TYPES)}")
    return {kind: {"CloudWatchLogsLogGroupArn": arn, "Enabled": True} for kind, arn in sorted(log_groups.items())}


def ensure_log_publishing(opensearch, logs, domain_name, log_groups, account_id, policy_name, check_mode):
    """Make the domain publish the named logs and let es.amazonaws.com write to the groups."""
    changed, diff = False, []
    policy = logs_delivery_policy(list(log_groups.values()), account_id)
    current_policies = {p["policyName"]: p["policyDocument"] for p in logs.describe_resource_policies().get("resourcePolicies", [])}
    current_policy = current_policies.get(policy_name)
    if current_policy is None or json.loads(current_policy) != policy:
        diff.append("resource_policy")
        if not check_mode:
            logs.put_resource_policy(policyName=policy_name, policyDocument=json.dumps(policy))
    wanted = wanted_log_options(log_groups)
    status = opensearch.describe_domain(DomainName=domain_name)["DomainStatus"]
    current = {k: v for k, v in (status.get("LogPublishingOptions") or {}).items() if v.get("Enabled")}
    if {k: {"CloudWatchLogsLogGroupArn": v.get("CloudWatchLogsLogGroupArn"), "Enabled": True} for k, v in current.items()} != wanted:
        diff.append("log_publishing_options")
        if not check_mode:
            options = dict(wanted)
            for kind in current:
                options.setdefault(kind, {"Enabled": False})
            opensearch.update_domain_config(DomainName=domain_name, LogPublishingOptions=options)
    changed = bool(diff)
    return changed, {"diff": diff, "log_publishing_options": wanted, "resource_policy_name": policy_name}


def _policy_differs(current, wanted):
    """Order-free comparison of two access policies (amazon.aws compare_policies)."""
    from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

    if not current:
        return bool(wanted)
    return compare_policies(current, wanted)


def ensure_domain_access(opensearch, domain_name, access_policy, master_user_arn, marker_tag, check_mode):
    """Reconcile the access policy and the fine-grained access control master user of an existing domain.

    AWS returns the access policy, so it is compared. It never returns MasterUserOptions, so the master
    user ARN last applied is kept in the marker tag and the master user is set again when it differs.
    """
    status = opensearch.describe_domain(DomainName=domain_name)["DomainStatus"]
    diff = []
    if access_policy is not None:
        current = json.loads(status.get("AccessPolicies") or "{}")
        if _policy_differs(current, access_policy):
            diff.append("access_policies")
            if not check_mode:
                opensearch.update_domain_config(DomainName=domain_name, AccessPolicies=json.dumps(access_policy, sort_keys=True))
    if master_user_arn:
        security = status.get("AdvancedSecurityOptions") or {}
        if not security.get("Enabled"):
            raise ValueError(f"domain {domain_name} has no fine-grained access control: a master user needs it (enable it on the domain first)")
        tags = {t["Key"]: t["Value"] for t in opensearch.list_tags(ARN=status["ARN"]).get("TagList", [])}
        if tags.get(marker_tag) != master_user_arn:
            diff.append("master_user")
            if not check_mode:
                opensearch.update_domain_config(
                    DomainName=domain_name,
                    AdvancedSecurityOptions={
                        "Enabled": True,
                        "InternalUserDatabaseEnabled": bool(security.get("InternalUserDatabaseEnabled")),
                        "MasterUserOptions": {"MasterUserARN": master_user_arn},
                    },
                )
                opensearch.add_tags(ARN=status["ARN"], TagList=[{"Key": marker_tag, "Value": master_user_arn}])
    return bool(diff), {"diff": diff, "domain_arn": status["ARN"]}
