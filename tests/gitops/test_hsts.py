"""HSTS on every public route of every environment's rendered tree (issue 10, item 8).

Traefik: a ResponseHeaderModifier filter on every HTTPRoute rule (the tree's, the own charts', a sample preview's);
ingress-nginx: the controller's hsts config, which covers every nginx Ingress.
"""

from __future__ import annotations

import re

import pytest
from gitops_helpers import ENVS, ROOT, merged_values
from own_charts import sample_preview
from test_previews_and_gateway import PREVIEW_ENVS, _objects

HSTS_RE = re.compile(r"max-age=(\d+); includeSubDomains")


def _hsts_ok(value):
    match = HSTS_RE.fullmatch(value or "")
    return bool(match) and int(match.group(1)) >= 31536000


@pytest.mark.parametrize("env", ENVS)
def test_every_public_route_sends_hsts(env):
    routes, ingresses = _objects(env, "HTTPRoute"), _objects(env, "Ingress")
    if env in PREVIEW_ENVS:
        preview = sample_preview(ROOT, env)[1]
        routes += [o for o in preview if o["kind"] == "HTTPRoute"]
        ingresses += [o for o in preview if o["kind"] == "Ingress"]
    # The ALB's Ingress (class platform-edge) sends everything to the gateway, which adds the header; a rule of
    # its own, or any other class, would bypass it.
    assert {i["spec"].get("ingressClassName") for i in ingresses} <= {"platform-edge", "nginx"}
    for edge in (i for i in ingresses if i["spec"]["ingressClassName"] == "platform-edge"):
        assert not edge["spec"].get("rules") and edge["spec"]["defaultBackend"]["service"]["name"]
    for route in routes:
        for rule in route["spec"]["rules"]:
            headers = [h for f in rule.get("filters", []) if f["type"] == "ResponseHeaderModifier" for h in f["responseHeaderModifier"].get("set", [])]
            values = [h["value"] for h in headers if h["name"] == "Strict-Transport-Security"]
            assert values and _hsts_ok(values[0]), f"{env} HTTPRoute {route['metadata']['name']}: no HSTS"
    ingresses = [i for i in ingresses if i["spec"].get("ingressClassName") == "nginx"]
    if ingresses:
        config = merged_values(env, "ingress-nginx")["controller"]["config"]
        assert config["hsts"] == "true" and config["hsts-include-subdomains"] == "true"
        assert int(config["hsts-max-age"]) >= 31536000
    assert routes or ingresses, f"{env}: no public route at all"


def test_a_route_without_hsts_is_caught():
    assert not _hsts_ok("max-age=300; includeSubDomains")
    assert not _hsts_ok("max-age=31536000")
    assert _hsts_ok("max-age=31536000; includeSubDomains")
