# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OpenSearch fine-grained access control and index retention through the domain endpoint: a security role
(index permissions on named patterns), its mapping to IAM roles (backend roles) and an Index State Management
policy that deletes indices past an age.

Same contract as data_search: SigV4 for service ``es``, read first, compare, write only on a difference.
moto serves no OpenSearch data plane: the unit tests run these functions against a recording HTTP server on
127.0.0.1; the live path is covered only against real AWS.
"""

from __future__ import annotations

import re

from ansible_collections.mosaic.platform.plugins.module_utils.arn_patterns import is_arn
from ansible_collections.mosaic.platform.plugins.module_utils.data_search import converge, versioned_write

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
# What Jaeger's client needs besides its indices: the version ping (GET /), _bulk and _msearch (composite
# operations) and its index templates (PUT _template/<prefix>-jaeger-*, a cluster permission in OpenSearch).
JAEGER_CLUSTER_PERMISSIONS = ["cluster:monitor/main", "cluster_composite_ops", "indices:admin/template/get", "indices:admin/template/put"]
# On its own indices: read, write, create them (the first span of a day) and look them up (HEAD <index>).
JAEGER_INDEX_ACTIONS = ["crud", "create_index", "indices:admin/get", "indices:admin/mapping/put"]


def _check_name(kind, name):
    if not _NAME.match(str(name)):
        raise ValueError(f"{kind} must be a lower-case name (got '{name}')")


def _check_patterns(patterns):
    patterns = list(patterns or [])
    if not patterns or any(p in ("*", "") or p.startswith(("*", ".", "_")) for p in patterns):
        raise ValueError(f"index_patterns must name the indices, not all of them or system ones (got {patterns})")
    return patterns


def security_role_body(role):
    """A role limited to the given index patterns; cluster permissions only those named."""
    _check_name("name", role["name"])
    return {
        "description": role["description"],
        "cluster_permissions": sorted(role["cluster_permissions"]),
        "index_permissions": [{"index_patterns": _check_patterns(role["index_patterns"]), "allowed_actions": sorted(role["allowed_actions"])}],
    }


def role_mapping_body(backend_roles):
    """The mapping of a security role to IAM roles only: no users, no hosts."""
    roles = sorted(set(backend_roles or []))
    if not roles or not all(is_arn(r, "iam_role") for r in roles):
        raise ValueError(f"backend_roles must be IAM role ARNs (got {backend_roles})")
    return {"backend_roles": roles, "users": [], "hosts": []}


def ism_retention_body(policy):
    """Indices matching the patterns are deleted once older than retention_days (ISM attaches the policy to
    indices created after it exists, through ism_template)."""
    days = int(policy["retention_days"])
    if not 1 <= days <= 3650:
        raise ValueError(f"retention_days must be 1..3650 (got {policy['retention_days']})")
    return {
        "policy": {
            "description": policy["description"],
            "default_state": "hot",
            "states": [
                {"name": "hot", "actions": [], "transitions": [{"state_name": "delete", "conditions": {"min_index_age": f"{days}d"}}]},
                {"name": "delete", "actions": [{"delete": {}}], "transitions": []},
            ],
            "ism_template": [{"index_patterns": _check_patterns(policy["index_patterns"]), "priority": int(policy["priority"])}],
        }
    }


def ensure_security_role(call, name, wanted, check_mode):
    path = f"_plugins/_security/api/roles/{name}"
    return converge(call, path, (call("GET", path) or {}).get(name), wanted, check_mode)


def ensure_role_mapping(call, name, wanted, check_mode):
    path = f"_plugins/_security/api/rolesmapping/{name}"
    current = (call("GET", path) or {}).get(name)
    if current is not None:
        # A mapping lists its backend roles in any order; compare them as a set.
        current = dict(current, backend_roles=sorted(current.get("backend_roles", [])))
    return converge(call, path, current, wanted, check_mode)


def ensure_ism_policy(call, policy_id, wanted, check_mode):
    """Create with PUT; update with PUT and the sequence number read."""
    path = f"_plugins/_ism/policies/{policy_id}"
    answer = call("GET", path)
    current = None if answer is None else {"policy": answer.get("policy")}
    return converge(call, path, current, wanted, check_mode, versioned_write(path, answer, "PUT"))
