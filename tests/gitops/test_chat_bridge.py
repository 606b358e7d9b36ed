"""The chat path, joined over every environment's fresh render: Alertmanager -> the Google Chat bridge -> Google Chat.

Alertmanager v0.33 has no Google Chat receiver: its chat receivers post to calert (catalog google-chat-bridge, own
chart). The receiver URL must name the bridge's Service, port, /dispatch endpoint and a room the bridge's config
declares; that config is a Secret rendered by an ExternalSecret through the observability SecretStore from the
secret the outputs name (never a ConfigMap, never a URL in git); only the bridge leaves the VPC, on 443.
"""

from __future__ import annotations

import tomllib
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from gitops_helpers import ENVS, FIXTURES, merged_values
from own_charts import own_chart_objects

NAMESPACE = "observability"
CHART = "google-chat-bridge"


def _outputs(env: str) -> dict:
    host = next((FIXTURES / env).iterdir())
    return {**yaml.safe_load((host / "aws.yml").read_text())["outputs"], **yaml.safe_load((host / "cluster.yml").read_text())["outputs"]}


def _one(objs: list, kind: str, name: str | None = None) -> dict:
    found = [o for o in objs if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]
    assert len(found) == 1, f"{kind} {name}: {len(found)} found"
    return found[0]


@pytest.fixture(scope="module", params=ENVS)
def rendered(request, fresh):
    env = request.param
    return env, fresh, own_chart_objects(fresh, env)[CHART]


def _chat_urls(root, env: str) -> set:
    receivers = merged_values(env, "kube-prometheus-stack", root)["alertmanager"]["config"]["receivers"]
    urls = {hook["url"] for r in receivers for hook in r.get("webhook_configs", [])}
    assert urls, f"{env}: no chat receiver"
    return urls


def _bridge_config(objs: list) -> tuple[dict, str]:
    """The bridge's config.toml with the secret's placeholder filled in, and the placeholder's secret key."""
    es = _one(objs, "ExternalSecret")
    template = es["spec"]["target"]["template"]["data"]["config.toml"]
    [data] = es["spec"]["data"]
    return tomllib.loads(template.replace("{{ .url | quote }}", '"https://chat.example/hook"')), data["secretKey"]


def test_every_chat_receiver_posts_to_the_bridge_service_and_a_room_it_declares(rendered):
    env, root, objs = rendered
    service = _one(objs, "Service", "google-chat-bridge")
    config, _ = _bridge_config(objs)
    listen_port = int(config["app"]["address"].rsplit(":", 1)[1])
    deployment = _one(objs, "Deployment", "google-chat-bridge")
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for url in _chat_urls(root, env):
        parts = urlsplit(url)
        assert parts.scheme == "http" and parts.path == "/dispatch", url
        assert parts.hostname == f"{service['metadata']['name']}.{service['metadata']['namespace']}.svc", url
        [port] = [p for p in service["spec"]["ports"] if p["port"] == parts.port]
        assert ports[port["targetPort"]] == listen_port, f"{env}: the Service's port does not reach calert's listener"
        [room] = parse_qs(parts.query)["room_name"]
        assert config["providers"][room]["type"] == "google_chat", f"{env}: room {room} is not a provider of the bridge"
    assert service["spec"]["selector"].items() <= deployment["spec"]["template"]["metadata"]["labels"].items()


def test_the_bridge_config_is_a_secret_from_the_outputs_secret_never_a_configmap(rendered):
    env, _, objs = rendered
    assert not [o for o in objs if o["kind"] == "ConfigMap"], f"{env}: the bridge renders a ConfigMap"
    es = _one(objs, "ExternalSecret")
    assert es["metadata"]["namespace"] == NAMESPACE
    assert es["spec"]["secretStoreRef"] == {"kind": "SecretStore", "name": "aws-secrets-manager"}
    [data] = es["spec"]["data"]
    secret = _outputs(env)["secrets"]["secrets"]["alertmanager/receivers"]["name"]
    assert data["remoteRef"] == {"key": secret, "property": "google_chat_url"}, env
    config, key = _bridge_config(objs)
    assert "{{ ." + key + " | quote }}" in es["spec"]["target"]["template"]["data"]["config.toml"]
    assert {p["endpoint"] for p in config["providers"].values()} == {"https://chat.example/hook"}
    # At debug, calert logs every provider's options, the webhook URL among them.
    assert config["app"]["log"] == "info"
    volumes = _one(objs, "Deployment")["spec"]["template"]["spec"]["volumes"]
    assert {"name": "config", "secret": {"secretName": es["spec"]["target"]["name"]}} in volumes


def test_the_observability_store_exists_in_the_tree_and_its_role_reads_the_bridge_secret(rendered):
    env, root, _ = rendered
    stores = [
        d
        for path in (root / "gitops" / env / "manifests" / "kube-prometheus-stack").glob("*.yaml")
        for d in yaml.safe_load_all(path.read_text())
        if d and d["kind"] == "SecretStore"
    ]
    assert [s["metadata"]["name"] for s in stores] == ["aws-secrets-manager"], env
    account = stores[0]["spec"]["provider"]["aws"]["auth"]["jwt"]["serviceAccountRef"]["name"]
    assert f"{NAMESPACE}/{account}" in _outputs(env)["irsa"]["roles"], env


def test_the_bridge_is_restricted(rendered):
    env, _, objs = rendered
    pod = _one(objs, "Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    [container] = pod["containers"]
    assert container["image"].startswith("ghcr.io/mr-karan/calert:v"), container["image"]
    assert container["securityContext"] == {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}}
    assert container["readinessProbe"]["httpGet"]["path"] == container["livenessProbe"]["httpGet"]["path"] == "/ping"
    assert container["resources"]["limits"]["memory"], env
