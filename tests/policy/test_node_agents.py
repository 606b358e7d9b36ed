"""Pod Security: the node agents (node-exporter, Alloy) alone run privileged, in their own agents namespace, so
observability is restricted. The local kube-apiserver enforces the labels (tests/integration/default)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "roles" / "gitops" / "files" / "catalog"
ENVS = ("local", "dev", "staging", "prod")


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text()) or {}


def test_only_the_agents_and_velero_run_below_restricted():
    namespaces = {n["name"]: n for n in _yaml(ROOT / "roles/k8s_namespaces/defaults/main.yml")["k8s_namespaces_list"]}
    below = {name: n["pod_security"] for name, n in namespaces.items() if n.get("pod_security", "restricted") != "restricted"}
    assert below == {"agents": "privileged", "velero": "privileged"}
    assert namespaces["observability"].get("pod_security", "restricted") == "restricted"
    assert "node-exporter" in namespaces["agents"]["pod_security_reason"]


def test_the_node_agents_are_placed_in_the_agents_namespace():
    assert _yaml(CATALOG / "alloy.yml")["namespace"] == "agents"
    kps = _yaml(CATALOG / "kube-prometheus-stack.yml")
    assert kps["values"]["prometheus-node-exporter"]["namespaceOverride"] == "agents"
    for env in ENVS:
        assert _yaml(ROOT / "gitops" / env / "apps" / "alloy.yaml")["spec"]["destination"]["namespace"] == "agents"
        destinations = {d["namespace"] for d in _yaml(ROOT / "gitops" / env / "project.yaml")["spec"]["destinations"]}
        assert "agents" in destinations, env
