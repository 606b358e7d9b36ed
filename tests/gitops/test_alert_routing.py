"""The rendered Alertmanager configuration routes each severity to its receivers, in every environment.

The values are layered as ArgoCD hands them to the chart (base, env, cluster; maps merge, lists are replaced) from
a fresh render of the example inventories, then the route tree is walked the way Alertmanager walks it (first
matching child route wins, no `continue` here). P1 (critical) reaches chat and the alerts topic, P2 (warning) chat
only, P3 (info) the alerts topic as a daily digest; the SNS receivers sign with SigV4 as the alertmanager IRSA role.
"""

from __future__ import annotations

import re

import pytest
import yaml
from gitops_helpers import ENVS, FIXTURES

# The Google Chat bridge (catalog google-chat-bridge); tests/gitops/test_chat_bridge.py joins it to the chart.
CHAT_URL = "http://google-chat-bridge.observability.svc:6000/dispatch?room_name=alerts"
EXPECTED = {  # severity -> (receiver, integrations)
    "critical": ("chat-and-email", {"chat", "sns"}),
    "warning": ("chat", {"chat"}),
    "info": ("digest", {"sns"}),
}


def merge(base: dict, layer: dict) -> dict:
    out = dict(base)
    for key, value in (layer or {}).items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def values(root, env: str) -> dict:
    doc = yaml.safe_load((root / "gitops/base/values/kube-prometheus-stack.yaml").read_text())
    for layer in ("env", "cluster"):
        path = root / f"gitops/{env}/values/kube-prometheus-stack/{layer}.yaml"
        if path.exists():
            doc = merge(doc, yaml.safe_load(path.read_text()))
    return doc


def _matches(matcher: str, labels: dict) -> bool:
    name, op, value = re.fullmatch(r'(\w+)(=~|!=|=)"(.*)"', matcher).groups()
    actual = labels.get(name, "")
    return {"=": actual == value, "!=": actual != value, "=~": re.fullmatch(value, actual) is not None}[op]


def route(tree: dict, labels: dict) -> dict:
    """The route Alertmanager picks for an alert with these labels (settings inherited from the parent)."""
    for child in tree.get("routes", []):
        assert "continue" not in child or child["continue"] is False, "a route with continue: true: walk it, do not guess"
        if all(_matches(m, labels) for m in child.get("matchers", [])):
            return route({**{k: v for k, v in tree.items() if k != "routes"}, **child}, labels)
    return tree


def integrations(receiver: dict) -> set[str]:
    kinds = set()
    for hook in receiver.get("webhook_configs", []):
        assert hook == {"url": CHAT_URL, "send_resolved": True}, hook
        kinds.add("chat")
    if receiver.get("sns_configs"):
        kinds.add("sns")
    assert set(receiver) - {"name", "webhook_configs", "sns_configs"} == set(), receiver
    return kinds


@pytest.fixture(scope="module", params=ENVS)
def rendered(request, fresh):
    env = request.param
    host = next((FIXTURES / env).iterdir())
    outputs = {**yaml.safe_load((host / "aws.yml").read_text())["outputs"], **yaml.safe_load((host / "cluster.yml").read_text())["outputs"]}
    return env, values(fresh, env), outputs


@pytest.mark.parametrize("severity", sorted(EXPECTED))
def test_each_severity_reaches_its_receivers(rendered, severity):
    _, doc, _ = rendered
    config = doc["alertmanager"]["config"]
    picked = route(config["route"], {"alertname": "SomeAlert", "namespace": "platform", "severity": severity})
    receivers = {r["name"]: r for r in config["receivers"]}
    name, kinds = EXPECTED[severity]
    assert picked["receiver"] == name
    assert integrations(receivers[name]) == kinds


def test_the_digest_waits_a_day(rendered):
    _, doc, _ = rendered
    digest = route(doc["alertmanager"]["config"]["route"], {"alertname": "SomeAlert", "severity": "info"})
    assert (digest["group_interval"], digest["repeat_interval"]) == ("24h", "24h")


def test_watchdog_and_unknown_severities_go_nowhere(rendered):
    _, doc, _ = rendered
    tree = doc["alertmanager"]["config"]["route"]
    assert route(tree, {"alertname": "Watchdog", "severity": "none"})["receiver"] == "null"
    assert route(tree, {"alertname": "X", "severity": "P9"})["receiver"] == "null"


def test_every_routed_receiver_is_declared(rendered):
    _, doc, _ = rendered
    config = doc["alertmanager"]["config"]
    declared = {r["name"] for r in config["receivers"]}
    assert {config["route"]["receiver"]} | {r["receiver"] for r in config["route"]["routes"]} <= declared


def test_sns_receivers_publish_to_the_alerts_topic_with_sigv4_on_irsa(rendered):
    env, doc, outputs = rendered
    am = doc["alertmanager"]
    for receiver in am["config"]["receivers"]:
        for sns in receiver.get("sns_configs", []):
            assert sns["topic_arn"] == outputs["messaging"]["alerts_topic_arn"]
            # Region only: no access_key/secret_key/profile, so the SDK's chain takes the IRSA web identity.
            assert sns["sigv4"] == {"region": outputs["messaging"]["alerts_topic_arn"].split(":")[3]}, env
    assert am["serviceAccount"]["name"] == "alertmanager"
    assert am["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"] == outputs["irsa"]["roles"]["observability/alertmanager"]
