"""Jaeger stores its traces in the platform's OpenSearch domain, in every environment's tree.

The userconfig the chart hands Jaeger (--config) must name the domain endpoint and the IRSA role of the outputs,
sign with sigv4auth for service es in the platform's region, keep no in-memory backend, and use the index prefix
that the IAM policies, the fine-grained access control role and the ISM policy cover. The query lookback
(max_span_age) is the ISM retention, so the UI never searches indices ISM has deleted.
"""

from __future__ import annotations

import pytest
import yaml
from gitops_helpers import ENVS, FIXTURES, ROOT, merged_values

EKS_IRSA_DEFAULTS = yaml.safe_load((ROOT / "roles/eks_irsa/defaults/main.yml").read_text())
AWS_DATA_DEFAULTS = yaml.safe_load((ROOT / "roles/aws_data/defaults/main.yml").read_text())


def _inventory(env: str, name: str, default=None):
    """An inventory's value of a variable (group_vars/*/*.yml), else ``default``."""
    for path in sorted((ROOT / "inventories" / env / "group_vars").rglob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        if name in data:
            return data[name]
    return default


@pytest.fixture(scope="module", params=ENVS)
def rendered(request, fresh):
    env = request.param
    host = next((FIXTURES / env).iterdir())
    outputs = {**yaml.safe_load((host / "aws.yml").read_text())["outputs"], **yaml.safe_load((host / "cluster.yml").read_text())["outputs"]}
    values = merged_values(env, "jaeger", root=fresh)
    return env, values, yaml.safe_load(values["userconfig"]), outputs


def test_the_backend_is_the_domain_of_the_outputs_signed_with_sigv4(rendered):
    env, _, config, outputs = rendered
    backends = config["extensions"]["jaeger_storage"]["backends"]
    assert list(backends) == ["primary_store"]
    assert list(backends["primary_store"]) == ["opensearch"], "an in-memory (or other) backend is left"
    store = backends["primary_store"]["opensearch"]
    assert store["server_urls"] == [f"https://{outputs['data']['opensearch']['endpoint']}"]
    assert store["auth"] == {"authenticator": "sigv4auth"}
    assert "sigv4auth" in config["service"]["extensions"]
    assert config["extensions"]["sigv4auth"] == {"region": _inventory(env, "platform_aws_region"), "service": "es"}
    assert config["extensions"]["jaeger_query"]["storage"]["traces"] == "primary_store"
    assert config["exporters"]["jaeger_storage_exporter"]["trace_storage"] == "primary_store"


def test_the_service_account_is_the_irsa_role_of_the_outputs(rendered):
    _, values, _, outputs = rendered
    annotations = values["allInOne"]["serviceAccount"]["annotations"]
    assert annotations["eks.amazonaws.com/role-arn"] == outputs["irsa"]["roles"]["observability/jaeger"]


def test_no_memory_storage_and_no_basic_auth_cleaner(rendered):
    _, values, config, _ = rendered
    assert values["storage"]["type"] not in ("memory", "elasticsearch", "cassandra", "badger")
    assert not values.get("esIndexCleaner", {}).get("enabled")
    assert "memory" not in yaml.safe_dump(config["extensions"]["jaeger_storage"])


def test_the_index_prefix_and_the_lookback_match_the_access_and_the_retention(rendered):
    env, _, config, _ = rendered
    store = config["extensions"]["jaeger_storage"]["backends"]["primary_store"]["opensearch"]
    search = {**EKS_IRSA_DEFAULTS["eks_irsa_jaeger_search"], **_inventory(env, "eks_irsa_jaeger_search", {})}
    access = {**AWS_DATA_DEFAULTS["aws_data_search_jaeger"], **_inventory(env, "aws_data_search_jaeger", {})}
    # Jaeger's indices are <prefix>-jaeger-*, inside <prefix>-* of the FGAC role, the ISM policy and the IAM paths.
    assert store["indices"]["index_prefix"] == search["index_prefix"] == access["index_prefix"]
    assert store["max_span_age"] == f"{int(search['retention_days']) * 24}h"
    assert [e for e in _inventory(env, "eks_irsa_roles", []) if e["template"] == "jaeger"] == [
        {"namespace": "observability", "service_account": "jaeger", "template": "jaeger"}
    ]
