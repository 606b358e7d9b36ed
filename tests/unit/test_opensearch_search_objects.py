"""OpenSearch data-plane objects (index template, hybrid search pipeline, snapshot management policy):
the exact HTTP requests, captured by a recording server on 127.0.0.1 that answers like the domain,
for create, no change, update and check mode. moto serves no OpenSearch data plane, so the live
path is covered only against real AWS."""

from __future__ import annotations

import json

import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.data_search import (
    OpenSearchApiError,
    body_matches,
    ensure_index_template,
    ensure_search_pipeline,
    ensure_snapshot_policy,
    index_template_body,
    search_pipeline_body,
    snapshot_policy_body,
)
from opensearch_fake_domain import SECRET, TOKEN, RecordingDomain, requests, serve

TEMPLATE = {
    "index_patterns": ["documents-*"],
    "priority": 100,
    "shards": 1,
    "replicas": 1,
    "text_field": "content",
    "vector_field": "embedding",
    "dimension": 768,
    "engine": "faiss",
    "space_type": "l2",
    "m": 16,
    "ef_construction": 128,
}
PIPELINE = {"description": "hybrid", "normalization": "min_max", "combination": "arithmetic_mean", "weights": [0.3, 0.7]}
POLICY = {
    "description": "nightly",
    "schedule": "0 1 * * *",
    "deletion_schedule": "0 3 * * *",
    "timezone": "UTC",
    "time_limit": "1h",
    "indices": "*",
    "max_age": "35d",
    "max_count": 40,
    "min_count": 1,
}


def _as_returned(value):
    """OpenSearch returns settings values as strings."""
    return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in value.items()}


class Domain(RecordingDomain):
    """Just enough of the three APIs: answers GET like OpenSearch."""

    def get(self, path, stored, state):
        kind, name = path.split("/")[0], path.split("/")[-1]
        if kind == "_index_template":
            template = dict(stored, template=dict(stored["template"], settings=_as_returned(stored["template"]["settings"])))
            return {"index_templates": [{"name": name, "index_template": template}]}
        if kind == "_search":
            return {name: stored}
        extras = {"name": name, "schema_version": 17, "enabled": True, "last_updated_time": 1}
        return {"_seq_no": state["seq_no"], "_primary_term": 1, "sm_policy": dict(stored, **extras)}


@pytest.fixture
def domain():
    yield from serve(Domain)


def test_every_request_is_signed_for_es_and_nothing_returned_carries_the_credentials(domain):
    call, state = domain
    result = ensure_index_template(call, "documents", index_template_body(TEMPLATE), False)
    for request in state["requests"]:
        auth = request["headers"]["Authorization"]
        assert auth.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        assert "/eu-west-1/es/aws4_request" in auth
        assert request["headers"]["X-Amz-Security-Token"] == TOKEN
    assert "content-type" in state["requests"][-1]["headers"]["Authorization"], "the PUT signs its content type"
    assert SECRET not in json.dumps(result) and TOKEN not in json.dumps(result)


def test_index_template_create_no_change_update_and_check_mode(domain):
    call, state = domain
    wanted = index_template_body(TEMPLATE)
    assert ensure_index_template(call, "documents", wanted, True)[0] is True
    assert requests(state) == [("GET", "/_index_template/documents?flat_settings=true")], "check mode wrote"
    changed, result = ensure_index_template(call, "documents", wanted, False)
    assert changed and result["diff"]["before"] == {}
    assert requests(state) == [("GET", "/_index_template/documents?flat_settings=true"), ("PUT", "/_index_template/documents")]
    sent = state["objects"]["_index_template/documents"]
    assert sent["template"]["settings"] == {"index.knn": True, "index.number_of_shards": 1, "index.number_of_replicas": 1}
    assert sent["template"]["mappings"]["properties"] == {
        "content": {"type": "text"},
        "embedding": {
            "type": "knn_vector",
            "dimension": 768,
            "method": {"name": "hnsw", "engine": "faiss", "space_type": "l2", "parameters": {"m": 16, "ef_construction": 128}},
        },
    }
    assert ensure_index_template(call, "documents", wanted, False)[0] is False
    assert requests(state) == [("GET", "/_index_template/documents?flat_settings=true")]
    lucene = index_template_body(dict(TEMPLATE, engine="lucene", space_type="cosinesimil"))
    assert ensure_index_template(call, "documents", lucene, True)[0] is True
    assert ensure_index_template(call, "documents", lucene, False)[0] is True
    assert requests(state)[-1] == ("PUT", "/_index_template/documents")
    assert state["objects"]["_index_template/documents"]["template"]["mappings"]["properties"]["embedding"]["method"]["engine"] == "lucene"


def test_a_field_dropped_from_the_mapping_is_a_change():
    wanted = index_template_body(TEMPLATE)
    current = json.loads(json.dumps(wanted))
    current["template"]["mappings"]["properties"]["title"] = {"type": "text"}
    assert not body_matches(current, wanted)


def test_search_pipeline_create_no_change_update_and_check_mode(domain):
    call, state = domain
    wanted = search_pipeline_body(PIPELINE)
    assert wanted["phase_results_processors"] == [
        {
            "normalization-processor": {
                "normalization": {"technique": "min_max"},
                "combination": {"technique": "arithmetic_mean", "parameters": {"weights": [0.3, 0.7]}},
            }
        }
    ]
    assert ensure_search_pipeline(call, "hybrid", wanted, True)[0] is True
    assert requests(state) == [("GET", "/_search/pipeline/hybrid")]
    assert ensure_search_pipeline(call, "hybrid", wanted, False)[0] is True
    assert requests(state) == [("GET", "/_search/pipeline/hybrid"), ("PUT", "/_search/pipeline/hybrid")]
    assert state["objects"]["_search/pipeline/hybrid"] == wanted
    assert ensure_search_pipeline(call, "hybrid", wanted, False)[0] is False
    l2 = search_pipeline_body(dict(PIPELINE, normalization="l2", weights=[0.5, 0.5]))
    assert ensure_search_pipeline(call, "hybrid", l2, False)[0] is True
    assert state["objects"]["_search/pipeline/hybrid"] == l2


def test_snapshot_policy_is_created_with_post_then_updated_with_put_and_its_sequence_number(domain):
    call, state = domain
    wanted = snapshot_policy_body("s3-snapshots", POLICY)
    assert wanted["creation"]["schedule"] == {"cron": {"expression": "0 1 * * *", "timezone": "UTC"}}
    assert wanted["deletion"]["condition"] == {"max_age": "35d", "max_count": 40, "min_count": 1}
    assert wanted["snapshot_config"]["repository"] == "s3-snapshots"
    assert ensure_snapshot_policy(call, "nightly", wanted, True)[0] is True
    assert requests(state) == [("GET", "/_plugins/_sm/policies/nightly")]
    assert ensure_snapshot_policy(call, "nightly", wanted, False)[0] is True
    assert requests(state) == [("GET", "/_plugins/_sm/policies/nightly"), ("POST", "/_plugins/_sm/policies/nightly")]
    assert ensure_snapshot_policy(call, "nightly", wanted, False)[0] is False, "the extra keys OpenSearch adds are no change"
    requests(state)
    shorter = snapshot_policy_body("s3-snapshots", dict(POLICY, max_age="14d"))
    assert ensure_snapshot_policy(call, "nightly", shorter, False)[0] is True
    assert requests(state) == [("GET", "/_plugins/_sm/policies/nightly"), ("PUT", "/_plugins/_sm/policies/nightly?if_seq_no=1&if_primary_term=1")]
    assert state["objects"]["_plugins/_sm/policies/nightly"]["deletion"]["condition"]["max_age"] == "14d"


def test_an_http_error_names_the_call_and_not_the_signature(domain):
    call, state = domain
    state["fail"] = 403
    with pytest.raises(OpenSearchApiError) as exc:
        ensure_search_pipeline(call, "hybrid", search_pipeline_body(PIPELINE), False)
    message = str(exc.value)
    assert message.startswith("GET /_search/pipeline/hybrid failed: HTTP 403")
    assert TOKEN not in message and "Signature" not in message


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"engine": "annoy"}, "engine must be one of ['faiss', 'lucene', 'nmslib'] (got 'annoy')"),
        ({"space_type": "cosinesimil"}, "space_type must be one of ['l2', 'innerproduct'] for engine faiss (got 'cosinesimil')"),
        ({"dimension": 0}, "dimension must be 1..16000 (got 0)"),
        ({"dimension": 16001}, "dimension must be 1..16000 (got 16001)"),
        ({"vector_field": "content"}, "text_field and vector_field must differ (both 'content')"),
    ],
)
def test_index_template_rejects_what_the_knn_plugin_refuses(change, message):
    with pytest.raises(ValueError) as exc:
        index_template_body(dict(TEMPLATE, **change))
    assert str(exc.value) == message


def test_pipeline_weights_must_sum_to_one_and_retention_keep_one():
    with pytest.raises(ValueError, match=r"weights must be non-negative and sum to 1.0 \(got \[0.5, 0.6\]\)"):
        search_pipeline_body(dict(PIPELINE, weights=[0.5, 0.6]))
    with pytest.raises(ValueError, match=r"min_count must be 1..max_count \(got min_count 5, max_count 3\)"):
        snapshot_policy_body("s3-snapshots", dict(POLICY, min_count=5, max_count=3))
