"""OpenSearch fine-grained access control (security role, role mapping) and index retention (ISM policy):
the exact HTTP requests, captured by a recording server on 127.0.0.1 that answers like the domain, for
create, no change, update and check mode. moto serves no OpenSearch data plane, so the live path is covered
only against real AWS."""

from __future__ import annotations

import json

import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.data_security import (
    JAEGER_CLUSTER_PERMISSIONS,
    JAEGER_INDEX_ACTIONS,
    ensure_ism_policy,
    ensure_role_mapping,
    ensure_security_role,
    ism_retention_body,
    role_mapping_body,
    security_role_body,
)
from opensearch_fake_domain import SECRET, TOKEN, RecordingDomain, requests, serve

JAEGER = "arn:aws:iam::123456789012:role/legacyplatform-prod-irsa-jaeger"
ROLE = {
    "name": "jaeger",
    "description": "Jaeger spans",
    "cluster_permissions": JAEGER_CLUSTER_PERMISSIONS,
    "index_patterns": ["jaeger-*"],
    "allowed_actions": JAEGER_INDEX_ACTIONS,
}
RETENTION = {"description": "Jaeger retention", "index_patterns": ["jaeger-*"], "retention_days": 14, "priority": 100}


class Domain(RecordingDomain):
    """Just enough of the security and ISM APIs: answers GET with the keys OpenSearch adds."""

    write_answer = {"status": "OK"}

    def get(self, path, stored, state):
        name = path.split("/")[-1]
        if "/roles/" in path:
            for permission in stored["index_permissions"]:
                permission.update(dls="", fls=[], masked_fields=[])
            return {name: dict(stored, reserved=False, hidden=False, static=False, tenant_permissions=[])}
        if "/rolesmapping/" in path:
            # OpenSearch keeps the order it was given; the module must not care.
            return {name: dict(stored, backend_roles=stored["backend_roles"][::-1], reserved=False, hidden=False, and_backend_roles=[])}
        policy = stored["policy"]
        policy["states"][1]["actions"][0]["retry"] = {"count": 3, "backoff": "exponential", "delay": "1m"}
        policy["ism_template"][0]["last_updated_time"] = 1
        policy.update(policy_id=name, schema_version=21, last_updated_time=1, error_notification=None)
        return {"_id": name, "_version": state["seq_no"], "_seq_no": state["seq_no"], "_primary_term": 1, "policy": policy}


@pytest.fixture
def domain():
    yield from serve(Domain)


def test_every_request_is_signed_for_es_and_nothing_returned_carries_the_credentials(domain):
    call, state = domain
    results = [
        ensure_security_role(call, "jaeger", security_role_body(ROLE), False)[1],
        ensure_role_mapping(call, "jaeger", role_mapping_body([JAEGER]), False)[1],
        ensure_ism_policy(call, "jaeger-retention", ism_retention_body(RETENTION), False)[1],
    ]
    assert len(state["requests"]) == 6
    for request in state["requests"]:
        auth = request["headers"]["Authorization"]
        assert auth.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        assert "/eu-west-1/es/aws4_request" in auth
        assert request["headers"]["X-Amz-Security-Token"] == TOKEN
    assert SECRET not in json.dumps(results) and TOKEN not in json.dumps(results)


def test_security_role_create_no_change_update_and_check_mode(domain):
    call, state = domain
    wanted = security_role_body(ROLE)
    assert ensure_security_role(call, "jaeger", wanted, True)[0] is True
    assert requests(state) == [("GET", "/_plugins/_security/api/roles/jaeger")], "check mode wrote"
    changed, result = ensure_security_role(call, "jaeger", wanted, False)
    assert changed and result["diff"]["before"] == {}
    assert requests(state) == [("GET", "/_plugins/_security/api/roles/jaeger"), ("PUT", "/_plugins/_security/api/roles/jaeger")]
    sent = state["objects"]["_plugins/_security/api/roles/jaeger"]
    assert sent["index_permissions"] == [{"index_patterns": ["jaeger-*"], "allowed_actions": sorted(JAEGER_INDEX_ACTIONS)}]
    assert "indices:admin/template/put" in sent["cluster_permissions"] and "cluster_all" not in sent["cluster_permissions"]
    assert ensure_security_role(call, "jaeger", wanted, False)[0] is False, "the keys OpenSearch adds are no change"
    requests(state)
    wider = security_role_body(dict(ROLE, index_patterns=["jaeger-*", "traces-*"]))
    assert ensure_security_role(call, "jaeger", wider, True)[0] is True
    assert requests(state) == [("GET", "/_plugins/_security/api/roles/jaeger")]
    assert ensure_security_role(call, "jaeger", wider, False)[0] is True
    assert state["objects"]["_plugins/_security/api/roles/jaeger"]["index_permissions"][0]["index_patterns"] == ["jaeger-*", "traces-*"]


def test_role_mapping_create_no_change_update_and_check_mode(domain):
    call, state = domain
    other = "arn:aws:iam::123456789012:role/legacyplatform-prod-irsa-other"
    wanted = role_mapping_body([JAEGER, other])
    assert wanted == {"backend_roles": sorted([JAEGER, other]), "users": [], "hosts": []}
    assert ensure_role_mapping(call, "jaeger", wanted, True)[0] is True
    assert requests(state) == [("GET", "/_plugins/_security/api/rolesmapping/jaeger")]
    assert ensure_role_mapping(call, "jaeger", wanted, False)[0] is True
    assert requests(state)[-1] == ("PUT", "/_plugins/_security/api/rolesmapping/jaeger")
    assert ensure_role_mapping(call, "jaeger", wanted, False)[0] is False, "the order OpenSearch returns is no change"
    only = role_mapping_body([JAEGER])
    assert ensure_role_mapping(call, "jaeger", only, False)[0] is True
    assert state["objects"]["_plugins/_security/api/rolesmapping/jaeger"]["backend_roles"] == [JAEGER]


def test_ism_policy_created_then_updated_with_its_sequence_number(domain):
    call, state = domain
    wanted = ism_retention_body(RETENTION)
    policy = wanted["policy"]
    assert policy["states"][0]["transitions"] == [{"state_name": "delete", "conditions": {"min_index_age": "14d"}}]
    assert policy["states"][1]["actions"] == [{"delete": {}}]
    assert policy["ism_template"] == [{"index_patterns": ["jaeger-*"], "priority": 100}]
    assert ensure_ism_policy(call, "jaeger-retention", wanted, True)[0] is True
    assert requests(state) == [("GET", "/_plugins/_ism/policies/jaeger-retention")]
    assert ensure_ism_policy(call, "jaeger-retention", wanted, False)[0] is True
    assert requests(state) == [("GET", "/_plugins/_ism/policies/jaeger-retention"), ("PUT", "/_plugins/_ism/policies/jaeger-retention")]
    assert ensure_ism_policy(call, "jaeger-retention", wanted, False)[0] is False, "retry and timestamps OpenSearch adds are no change"
    requests(state)
    week = ism_retention_body(dict(RETENTION, retention_days=7))
    assert ensure_ism_policy(call, "jaeger-retention", week, True)[0] is True
    assert requests(state) == [("GET", "/_plugins/_ism/policies/jaeger-retention")]
    assert ensure_ism_policy(call, "jaeger-retention", week, False)[0] is True
    assert requests(state) == [
        ("GET", "/_plugins/_ism/policies/jaeger-retention"),
        ("PUT", "/_plugins/_ism/policies/jaeger-retention?if_seq_no=1&if_primary_term=1"),
    ]
    stored = state["objects"]["_plugins/_ism/policies/jaeger-retention"]["policy"]
    assert stored["states"][0]["transitions"][0]["conditions"] == {"min_index_age": "7d"}


def test_an_http_error_names_the_call_and_not_the_signature(domain):
    call, state = domain
    state["fail"] = 403
    with pytest.raises(Exception) as exc:
        ensure_role_mapping(call, "jaeger", role_mapping_body([JAEGER]), False)
    message = str(exc.value)
    assert message.startswith("GET /_plugins/_security/api/rolesmapping/jaeger failed: HTTP 403")
    assert TOKEN not in message and "Signature" not in message


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: security_role_body(dict(ROLE, index_patterns=["*"])), "index_patterns must name the indices, not all of them or system ones (got ['*'])"),
        (lambda: security_role_body(dict(ROLE, index_patterns=[".opendistro_security"])), "not all of them or system ones"),
        (lambda: security_role_body(dict(ROLE, name="Jaeger Role")), "name must be a lower-case name (got 'Jaeger Role')"),
        (lambda: role_mapping_body(["jaeger"]), "backend_roles must be IAM role ARNs (got ['jaeger'])"),
        (lambda: role_mapping_body([]), "backend_roles must be IAM role ARNs (got [])"),
        (lambda: ism_retention_body(dict(RETENTION, retention_days=0)), "retention_days must be 1..3650 (got 0)"),
        (lambda: ism_retention_body(dict(RETENTION, index_patterns=["*"])), "index_patterns must name the indices"),
    ],
)
def test_bodies_reject_what_would_widen_access_or_lose_data(build, message):
    with pytest.raises(ValueError) as exc:
        build()
    assert message in str(exc.value)
