# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OpenSearch data-plane objects: k-NN index templates, the hybrid search pipeline and the snapshot
management policy, reconciled through the domain endpoint with SigV4 (service ``es``).

Each object is read first (GET), compared with what is wanted and written only when it differs.
moto serves no OpenSearch data plane: the unit tests run these functions against a recording HTTP
server on 127.0.0.1; the live path is covered only against real AWS.
"""

from __future__ import annotations

import json
from urllib.error import HTTPError
from urllib.parse import urlparse

from ansible_collections.mosaic.platform.plugins.module_utils.data_opensearch import sign

# Space types each k-NN engine accepts (OpenSearch 2.17; faiss has no cosinesimil before 2.19).
ENGINE_SPACE_TYPES = {
    "faiss": ("l2", "innerproduct"),
    "lucene": ("l2", "cosinesimil", "innerproduct"),
    "nmslib": ("l2", "l1", "linf", "cosinesimil", "innerproduct"),
}
MAX_DIMENSION = 16000
NORMALIZATION_TECHNIQUES = ("min_max", "l2")
COMBINATION_TECHNIQUES = ("arithmetic_mean", "geometric_mean", "harmonic_mean")


class OpenSearchApiError(Exception):
    """The domain answered with an HTTP error other than not-found."""


def signed_caller(credentials, region, endpoint, timeout, opener):
    """A call(method, path, body) -> answer or None (404) that signs each request for service ``es``.

    ``endpoint`` is a host name or a URL; a host name means HTTPS. Errors name the method, path and
    status, never the request headers (they carry the signature and the session token).
    """
    base = endpoint.rstrip("/") if "://" in endpoint else f"https://{endpoint.rstrip('/')}"
    host = urlparse(base).netloc

    def call(method, path, body=None):
        url = f"{base}/{path}"
        data = b"" if body is None else json.dumps(body, sort_keys=True).encode()
        headers = {"Host": host}
        if body is not None:
            headers["Content-Type"] = "application/json"
        signed = sign(credentials, region, method, url, data, headers)
        try:
            response = opener(url, method=method, data=data or None, headers=signed, timeout=timeout)
        except HTTPError as exc:
            if exc.code == 404:
                return None
            detail = exc.read()[:500].decode(errors="replace")
            raise OpenSearchApiError(f"{method} /{path} failed: HTTP {exc.code} {detail}") from None
        return json.loads(response.read() or b"{}")

    return call


def _scalar(value):
    return str(value).lower() if isinstance(value, bool) else str(value)


def body_matches(current, wanted):
    """True when ``current`` (as OpenSearch returns it) holds everything ``wanted`` says.

    OpenSearch adds keys of its own (versions, timestamps) and returns settings as strings, so
    dicts compare as a subset with scalars as strings; a mapping's ``properties`` must have exactly
    the wanted fields (a field left out of the inventory is a change).
    """
    if isinstance(wanted, dict):
        if not isinstance(current, dict) or any(k not in current or not body_matches(current[k], v) for k, v in wanted.items()):
            return False
        return "properties" not in wanted or set(current["properties"]) == set(wanted["properties"])
    if isinstance(wanted, list):
        return isinstance(current, list) and len(current) == len(wanted) and all(body_matches(c, w) for c, w in zip(current, wanted, strict=True))
    return current is not None and _scalar(current) == _scalar(wanted)


def check_index_template(template):
    """Raise ValueError on a template the k-NN plugin would refuse."""
    engine, space = template["engine"], template["space_type"]
    if engine not in ENGINE_SPACE_TYPES:
        raise ValueError(f"engine must be one of {sorted(ENGINE_SPACE_TYPES)} (got '{engine}')")
    if space not in ENGINE_SPACE_TYPES[engine]:
        raise ValueError(f"space_type must be one of {list(ENGINE_SPACE_TYPES[engine])} for engine {engine} (got '{space}')")
    if not 1 <= int(template["dimension"]) <= MAX_DIMENSION:
        raise ValueError(f"dimension must be 1..{MAX_DIMENSION} (got {template['dimension']})")
    if template["text_field"] == template["vector_field"]:
        raise ValueError(f"text_field and vector_field must differ (both '{template['text_field']}')")


def index_template_body(template):
    """Composable index template: ``index.knn`` on, one knn_vector field (HNSW, engine and space type
    from the inventory) and one text field, so the same index serves lexical, vector and hybrid queries."""
    check_index_template(template)
    method = {
        "name": "hnsw",
        "engine": template["engine"],
        "space_type": template["space_type"],
        "parameters": {"m": template["m"], "ef_construction": template["ef_construction"]},
    }
    # Flat setting names: the GET asks for flat_settings, so both sides compare key by key.
    settings = {"index.knn": True, "index.number_of_shards": template["shards"], "index.number_of_replicas": template["replicas"]}
    return {
        "index_patterns": list(template["index_patterns"]),
        "priority": template["priority"],
        "template": {
            "settings": settings,
            "mappings": {
                "properties": {
                    template["text_field"]: {"type": "text"},
                    template["vector_field"]: {"type": "knn_vector", "dimension": template["dimension"], "method": method},
                }
            },
        },
    }


def search_pipeline_body(pipeline):
    """Search pipeline whose normalization-processor puts lexical and vector scores on one scale
    and combines them with the given weights (hybrid query clauses, in order)."""
    if pipeline["normalization"] not in NORMALIZATION_TECHNIQUES:
        raise ValueError(f"normalization must be one of {list(NORMALIZATION_TECHNIQUES)} (got '{pipeline['normalization']}')")
    if pipeline["combination"] not in COMBINATION_TECHNIQUES:
        raise ValueError(f"combination must be one of {list(COMBINATION_TECHNIQUES)} (got '{pipeline['combination']}')")
    weights = [float(w) for w in pipeline["weights"]]
    if not weights or abs(sum(weights) - 1.0) > 1e-6 or min(weights) < 0:
        raise ValueError(f"weights must be non-negative and sum to 1.0 (got {pipeline['weights']})")
    processor = {
        "normalization": {"technique": pipeline["normalization"]},
        "combination": {"technique": pipeline["combination"], "parameters": {"weights": weights}},
    }
    return {"description": pipeline["description"], "phase_results_processors": [{"normalization-processor": processor}]}


def snapshot_policy_body(repository, policy):
    """Snapshot management policy: a snapshot on the cron schedule into the registered repository,
    deletion of those older than max_age or beyond max_count (never below min_count)."""
    if not 1 <= policy["min_count"] <= policy["max_count"]:
        raise ValueError(f"min_count must be 1..max_count (got min_count {policy['min_count']}, max_count {policy['max_count']})")
    cron = {"expression": policy["schedule"], "timezone": policy["timezone"]}
    return {
        "description": policy["description"],
        "creation": {"schedule": {"cron": cron}, "time_limit": policy["time_limit"]},
        "deletion": {
            "schedule": {"cron": {"expression": policy["deletion_schedule"], "timezone": policy["timezone"]}},
            "condition": {"max_age": policy["max_age"], "max_count": policy["max_count"], "min_count": policy["min_count"]},
        },
        "snapshot_config": {
            "repository": repository,
            "indices": policy["indices"],
            "date_format": "yyyy-MM-dd-HH-mm",
            "timezone": policy["timezone"],
            "include_global_state": False,
        },
    }


def converge(call, path, current, wanted, check_mode, write=None):
    """The last step of every ensure_*: no call when ``current`` matches ``wanted``; else ``write`` (a method and
    path, default PUT to ``path``) with the wanted body, unless in check mode. Returns (changed, result)."""
    changed = not body_matches(current, wanted)
    if changed and not check_mode:
        method, target = write or ("PUT", path)
        call(method, target, wanted)
    return changed, {"path": path, "body": wanted, "diff": {"before": current or {}, "after": wanted}}


def versioned_write(path, answer, create_method):
    """Create with ``create_method``; update with PUT and the sequence number read (optimistic concurrency)."""
    if answer is None:
        return create_method, path
    return "PUT", f"{path}?if_seq_no={answer['_seq_no']}&if_primary_term={answer['_primary_term']}"


def ensure_index_template(call, name, wanted, check_mode):
    path = f"_index_template/{name}"
    answer = call("GET", f"{path}?flat_settings=true")
    current = next((t["index_template"] for t in (answer or {}).get("index_templates", []) if t.get("name") == name), None)
    return converge(call, path, current, wanted, check_mode)


def ensure_search_pipeline(call, name, wanted, check_mode):
    path = f"_search/pipeline/{name}"
    return converge(call, path, (call("GET", path) or {}).get(name), wanted, check_mode)


def ensure_snapshot_policy(call, name, wanted, check_mode):
    """Create with POST; update with PUT and the sequence number read."""
    path = f"_plugins/_sm/policies/{name}"
    answer = call("GET", path)
    return converge(call, path, (answer or {}).get("sm_policy"), wanted, check_mode, versioned_write(path, answer, "POST"))


def run_ensure(module, name, build, ensure):
    """The whole run of a domain-API object module: build the wanted body from the module's parameters (a ValueError
    fails naming the object), sign the calls with the module's own connection settings (profile, keys, web identity),
    ensure the object, and exit with what changed."""
    from ansible.module_utils.urls import open_url  # pylint: disable=import-outside-toplevel

    params = module.params
    try:
        wanted = build(params)
    except ValueError as exc:
        module.fail_json(msg=f"{name}: {exc}")
    credentials = module.client("opensearch")._request_signer._credentials  # pylint: disable=protected-access
    call = signed_caller(credentials, module.region, params["endpoint"], params["timeout"], open_url)
    try:
        changed, result = ensure(call, name, wanted, module.check_mode)
    except Exception as exc:  # noqa: BLE001 the domain's answer (or the network error) is the useful message
        module.fail_json(msg=str(exc))
    module.exit_json(changed=changed, **result)


# The argument spec of the options of the mosaic.platform.opensearch_domain doc fragment.
DOMAIN_ARGUMENT_SPEC = {"endpoint": {"type": "str", "required": True}, "timeout": {"type": "int", "default": 30}}
