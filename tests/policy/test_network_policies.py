"""The NetworkPolicies k8s_bootstrap applies, checked as documents (nothing enforces them on the
local kube-apiserver): every namespace has a default deny, DNS over UDP and TCP, no open allow."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.k8s_policies import K8sPolicyError, check_network_policies, network_policies

ROOT = Path(__file__).resolve().parents[2]
NAMESPACES = [ns["name"] for ns in yaml.safe_load((ROOT / "roles/k8s_namespaces/defaults/main.yml").read_text())["k8s_namespaces_list"]]
DEFAULTS = yaml.safe_load((ROOT / "roles/k8s_bootstrap/defaults/main.yml").read_text())
# The role's own allows, with the templated API server CIDRs replaced by data.
ALLOWS = [dict(a, cidrs=["10.0.0.0/16"]) if isinstance(a.get("cidrs"), str) else a for a in DEFAULTS["k8s_bootstrap_netpol_allows"]]


def build(namespace, allows=ALLOWS):
    return network_policies(namespace, ["10.0.0.0/16"], 443, ["10.0.128.0/24"], allows)


@pytest.fixture(scope="module")
def by_namespace():
    return {ns: build(ns) for ns in NAMESPACES}


def test_no_platform_namespace_is_left_without_a_default_deny(by_namespace):
    check_network_policies(by_namespace, NAMESPACES)
    for ns, policies in by_namespace.items():
        deny = next(p for p in policies if p["metadata"]["name"] == "default-deny")
        assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}, ns


def test_dns_allow_covers_udp_and_tcp_to_kube_dns(by_namespace):
    for policies in by_namespace.values():
        dns = next(p for p in policies if p["metadata"]["name"] == "allow-dns")["spec"]["egress"][0]
        assert {(p["protocol"], p["port"]) for p in dns["ports"]} == {("UDP", 53), ("TCP", 53)}
        assert dns["to"] == [
            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}
        ]


def test_apiserver_and_endpoints_are_allowed_by_cidr_and_port(by_namespace):
    names = {p["metadata"]["name"]: p for p in by_namespace["keda"]}
    assert names["allow-apiserver"]["spec"]["egress"][0] == {"to": [{"ipBlock": {"cidr": "10.0.0.0/16"}}], "ports": [{"protocol": "TCP", "port": 443}]}
    assert names["allow-aws-endpoints"]["spec"]["egress"][0]["to"] == [{"ipBlock": {"cidr": "10.0.128.0/24"}}]


def test_add_on_paths_land_where_they_belong(by_namespace):
    litellm = {p["metadata"]["name"] for p in by_namespace["litellm"]}
    assert "allow-prometheus-scrape" in litellm
    # The add-on paths (litellm's included) are the network-policies chart's data, not the bootstrap's.
    assert not any(name.startswith("allow-ingress-to-litellm") for name in litellm)
    assert "allow-argocd-git-https" in {p["metadata"]["name"] for p in by_namespace["argocd"]}
    assert "allow-argocd-git-https" not in litellm
    git = next(p for p in by_namespace["argocd"] if p["metadata"]["name"] == "allow-argocd-git-https")
    assert git["spec"]["egress"][0]["ports"] == [{"protocol": "TCP", "port": 443}]


def _without(policies, name):
    return [p for p in policies if p["metadata"]["name"] != name]


def _mutated(policies, name, mutate):
    docs = copy.deepcopy(policies)
    mutate(next(p for p in docs if p["metadata"]["name"] == name)["spec"])
    return docs


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (lambda ps: _without(ps, "default-deny"), "no default-deny"),
        (lambda ps: _mutated(ps, "default-deny", lambda s: s.update(policyTypes=["Ingress"])), "no default-deny"),
        (lambda ps: _mutated(ps, "default-deny", lambda s: s.update(podSelector={"matchLabels": {"a": "b"}})), "no default-deny"),
        (lambda ps: _without(ps, "allow-dns"), "DNS egress"),
        (lambda ps: _mutated(ps, "allow-dns", lambda s: s["egress"][0].update(ports=[{"protocol": "UDP", "port": 53}])), "UDP and TCP"),
        (lambda ps: _mutated(ps, "allow-apiserver", lambda s: s["egress"][0].pop("to")), "every peer"),
        (lambda ps: _mutated(ps, "allow-apiserver", lambda s: s["egress"][0].update(to=[{"namespaceSelector": {}}])), "every namespace"),
        (lambda ps: _mutated(ps, "allow-apiserver", lambda s: s["egress"][0].update(to=[{"ipBlock": {"cidr": "0.0.0.0/0"}}], ports=[])), "every port"),
    ],
)
def test_check_rejects_a_broken_set(by_namespace, broken, message):
    with pytest.raises(K8sPolicyError, match=message):
        check_network_policies({"keda": broken(by_namespace["keda"])}, ["keda"])


def test_check_rejects_a_namespace_with_no_policies(by_namespace):
    with pytest.raises(K8sPolicyError, match="velero: no default-deny"):
        check_network_policies({k: v for k, v in by_namespace.items() if k != "velero"}, NAMESPACES)


def test_builder_rejects_an_allow_open_to_the_internet_on_every_port():
    with pytest.raises(K8sPolicyError, match="every port"):
        build("argocd", [{"name": "open", "namespace": "argocd", "direction": "egress", "cidrs": ["0.0.0.0/0"]}])


def test_builder_rejects_a_bad_cidr():
    with pytest.raises(ValueError):
        network_policies("argocd", ["10.0.0.300/16"])
