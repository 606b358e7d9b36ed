"""Every NetworkPolicy of every rendered environment, checked as documents and as paths.

An environment's policies are the bootstrap's (k8s_bootstrap builds them for the platform and team namespaces
from the aws outputs), the objects of its own charts (``helm template`` as ArgoCD renders them, the
network-policies chart among them) and every NetworkPolicy of its tree. The network paths the add-ons need are
data (roles/gitops/files/charts/network-policies/values.yaml ``paths``): each one must be open, end to end, and
what no path lists must stay closed (nothing reaches Postgres but platform and LiteLLM, nothing reaches LiteLLM
but platform and the gateway, no 0.0.0.0/0 egress that the data does not declare).
"""

from __future__ import annotations

import functools
import ipaddress
from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.k8s_policies import (
    MANAGED_BY,
    K8sPolicyError,
    check_network_policies,
    internet_egress,
    network_policies,
    path_allowed,
)
from ansible_collections.mosaic.platform.plugins.module_utils.platform_outputs import read_outputs
from own_charts import own_chart_objects

ROOT = Path(__file__).resolve().parents[2]
ENVS = ("local", "dev", "staging", "prod")
FIXTURES = ROOT / "tests" / "fixtures" / "outputs"
CHART = ROOT / "roles" / "gitops" / "files" / "charts" / "network-policies"
PATHS = yaml.safe_load((CHART / "values.yaml").read_text())["paths"]
# An address on the internet (TEST-NET-3), and a pod no path names.
INTERNET_IP = "203.0.113.10"
PROBE = {"app.kubernetes.io/name": "probe"}
# A team namespace as k8s_namespaces creates it (an environment without one gets this one).
TEAM = "team-probe"


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text()) or {}


def _group_vars(env: str) -> dict:
    merged = {}
    for path in sorted((ROOT / "inventories" / env / "group_vars" / env).glob("*.yml")):
        merged.update(_yaml(path))
    return merged


def _first_host(cidr: str) -> str:
    return str(next(ipaddress.ip_network(cidr).hosts()))


class Env:
    """One environment: its outputs, its namespaces and every NetworkPolicy it deploys, by namespace."""

    def __init__(self, env: str):
        self.env = env
        host = next(p.name for p in (FIXTURES / env).iterdir() if (p / "aws.yml").is_file())
        self.outputs = read_outputs(str(FIXTURES / env), host)
        self.network = self.outputs["network"]
        inventory = _group_vars(env)
        ns_defaults = _yaml(ROOT / "roles" / "k8s_namespaces" / "defaults" / "main.yml")
        self.namespaces = [n["name"] for n in inventory.get("k8s_namespaces_list", ns_defaults["k8s_namespaces_list"])]
        self.teams = [n["name"] for n in inventory.get("k8s_namespaces_team_list", [])] or [TEAM]
        self.values = _yaml(ROOT / "gitops" / env / "values" / "network-policies" / "env.yaml")
        self.postgres_port = int(self.outputs["data"]["postgres"]["port"])
        defaults = _yaml(ROOT / "roles" / "k8s_bootstrap" / "defaults" / "main.yml")
        self.bootstrap_allows = inventory.get("k8s_bootstrap_netpol_allows", defaults["k8s_bootstrap_netpol_allows"])
        self.policies = self._collect(inventory)

    def _bootstrap(self, inventory: dict) -> list:
        """What k8s_bootstrap applies, built by the same module the role's filter calls, with this environment's data."""
        apiserver = inventory.get("k8s_bootstrap_netpol_apiserver_cidrs", [self.network["vpc_cidr"]])
        services = inventory.get("k8s_bootstrap_netpol_data_services", [])
        # The local inventory's data service reads the private subnets through the outputs lookup.
        services = [dict(s, cidrs=self.network["private_subnet_cidrs"]) if isinstance(s.get("cidrs"), str) else s for s in services]
        port = int(inventory.get("k8s_bootstrap_netpol_apiserver_port", 443))
        return [
            p
            for ns in self.namespaces + self.teams
            for p in network_policies(ns, apiserver, port, self.network["endpoint_cidrs"], self.bootstrap_allows + services)
        ]

    def _tree(self) -> list:
        found = []
        for path in sorted((ROOT / "gitops" / self.env).rglob("*.yaml")):
            found += [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict) and d.get("kind") == "NetworkPolicy"]
        return found

    def _collect(self, inventory: dict) -> dict:
        charts = [o for objs in own_chart_objects(ROOT, self.env).values() for o in objs if o["kind"] == "NetworkPolicy"]
        by_ns, seen = {}, set()
        for policy in self._bootstrap(inventory) + charts + self._tree():
            key = (policy["metadata"]["namespace"], policy["metadata"]["name"])
            assert key not in seen, f"{self.env}: NetworkPolicy {key} has two builders"
            seen.add(key)
            by_ns.setdefault(key[0], []).append(policy)
        return by_ns

    def ns_labels(self) -> dict:
        return {ns: dict(MANAGED_BY) for ns in self.namespaces + self.teams}

    def allowed(self, src: dict, dst: dict, port: int) -> bool:
        return path_allowed(self.policies, src, dst, port, namespace_labels=self.ns_labels())

    def cidrs(self, key: str) -> list[str]:
        return self.values["cidrs"][key]

    def enabled(self, peer: dict) -> bool:
        return "namespace" not in peer or peer["namespace"] in self.values["namespaces"]

    def ends(self, peer: dict) -> list[dict]:
        """Concrete ends of a path's peer: a pod per app (or with its labels), or the first address of each CIDR."""
        if "namespace" in peer:
            if peer.get("apps"):
                return [{"namespace": peer["namespace"], "labels": {"app.kubernetes.io/name": app}} for app in peer["apps"]]
            return [{"namespace": peer["namespace"], "labels": dict(peer.get("pods") or PROBE)}]
        if peer["cidrs"] == "internet":
            return [{"ip": INTERNET_IP}]
        return [{"ip": _first_host(c)} for c in self.cidrs(peer["cidrs"])]

    def ports(self, path: dict) -> list[int]:
        return [int(self.values["ports"][p]) if isinstance(p, str) else int(p) for p in path.get("ports") or [8080]]

    def internet_declared(self) -> set:
        """(namespace, policy) pairs the data opens to 0.0.0.0/0: the chart's internet paths and the bootstrap's."""
        declared = {(p["from"]["namespace"], f"path-{p['name']}-egress") for p in PATHS if p["to"].get("cidrs") == "internet"}
        for allow in self.bootstrap_allows:
            if "0.0.0.0/0" in (allow.get("cidrs") or []):
                declared |= {(ns, f"allow-{allow['name']}") for ns in self.namespaces + self.teams if allow["namespace"] in (ns, "*")}
        return declared

    def pods_everywhere(self) -> list[dict]:
        """A probe pod in every namespace, and the pod of every app the paths name."""
        pods = [{"namespace": ns, "labels": dict(PROBE)} for ns in sorted(self.policies)]
        for path in PATHS:
            for peer in (path["from"], path["to"]):
                if "namespace" in peer and self.enabled(peer):
                    pods += self.ends(peer)
        pods.append({"namespace": "observability", "labels": {"app.kubernetes.io/name": "prometheus"}})
        return pods


@functools.cache
def load(env: str) -> Env:
    return Env(env)


@pytest.fixture(params=ENVS)
def env(request) -> Env:
    return load(request.param)


# ---------------------------------------------------------------- every policy, as a document


def test_every_rendered_policy_passes_the_checker(env):
    # Every namespace any policy lands in, not only the platform and team ones: each needs its default deny.
    check_network_policies(env.policies, sorted(set(env.policies) | set(env.namespaces + env.teams)), internet_allowed=env.internet_declared())
    assert internet_egress(env.policies) <= env.internet_declared()


def test_the_chart_renders_a_policy_for_every_enabled_end_of_every_path(env):
    names = {(ns, p["metadata"]["name"]) for ns, ps in env.policies.items() for p in ps}
    for path in PATHS:
        for side, peer in (("egress", path["from"]), ("ingress", path["to"])):
            if "namespace" in peer and env.enabled(peer):
                assert (peer["namespace"], f"path-{path['name']}-{side}") in names, (env.env, path["name"], side)


# ---------------------------------------------------------------- what must be open


def test_every_modelled_path_is_open(env):
    for path in PATHS:
        if not (env.enabled(path["from"]) and env.enabled(path["to"])):
            continue
        for src in env.ends(path["from"]):
            for dst in env.ends(path["to"]):
                for port in env.ports(path):
                    assert env.allowed(src, dst, port), f"{env.env}: path {path['name']} {src} -> {dst}:{port} is closed ({path['why']})"


def test_every_namespace_keeps_dns_the_apiserver_and_the_endpoints(env):
    dns = {"namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}}
    apiserver = _first_host(load(env.env).network["vpc_cidr"]) if env.env != "local" else "127.0.0.1"
    port = 6443 if env.env == "local" else 443
    for ns in env.namespaces + env.teams:
        pod = {"namespace": ns, "labels": dict(PROBE)}
        assert env.allowed(pod, dns, 53), ns
        assert env.allowed(pod, {"ip": apiserver}, port), ns
        assert env.allowed(pod, {"ip": _first_host(env.network["endpoint_cidrs"][0])}, 443), ns


# ---------------------------------------------------------------- what must stay closed


def test_only_platform_and_litellm_reach_postgres(env):
    postgres = {"ip": _first_host(env.network["private_subnet_cidrs"][-1])}
    for pod in env.pods_everywhere():
        want = pod["namespace"] == "platform" or (pod["namespace"] == "litellm" and pod["labels"] == {"app.kubernetes.io/name": "litellm"})
        # The local inventory's bootstrap opens litellm's whole namespace to Postgres (no ArgoCD runs there).
        want = want or (env.env == "local" and pod["namespace"] == "litellm")
        assert env.allowed(pod, postgres, env.postgres_port) == want, f"{env.env}: {pod} -> postgres"


def test_only_platform_the_gateway_and_prometheus_reach_litellm(env):
    litellm = {"namespace": "litellm", "labels": {"app.kubernetes.io/name": "litellm"}}
    for pod in env.pods_everywhere():
        want = pod["namespace"] in ("platform", "ingress") or pod == {"namespace": "observability", "labels": {"app.kubernetes.io/name": "prometheus"}}
        assert env.allowed(pod, litellm, 4000) == want, f"{env.env}: {pod} -> litellm:4000"


def test_team_namespaces_reach_neither_data_nor_models_nor_the_internet(env):
    for team in env.teams:
        pod = {"namespace": team, "labels": dict(PROBE)}
        assert not env.allowed(pod, {"ip": _first_host(env.network["private_subnet_cidrs"][0])}, env.postgres_port)
        assert not env.allowed(pod, {"namespace": "litellm", "labels": {"app.kubernetes.io/name": "litellm"}}, 4000)
        assert not env.allowed(pod, {"ip": INTERNET_IP}, 443)
        assert not env.allowed(pod, {"namespace": "observability", "labels": {"app.kubernetes.io/component": "opentelemetry-collector"}}, 4317)


def test_no_pod_reaches_the_internet_unless_a_path_names_it(env):
    named = [p["from"] for p in PATHS if p["to"].get("cidrs") == "internet"]
    for ns in env.policies:
        probe = {"namespace": ns, "labels": dict(PROBE)}
        # ArgoCD's repo server clones Git over HTTPS (the bootstrap's declared exception).
        assert env.allowed(probe, {"ip": INTERNET_IP}, 443) == (ns == "argocd"), f"{env.env}: {ns}"
        assert not env.allowed(probe, {"ip": INTERNET_IP}, 80), f"{env.env}: {ns}"
    assert named  # the data declares internet paths; each is scoped to pods
    assert all(peer.get("pods") or peer.get("apps") for peer in named)


def test_the_apiserver_reaches_only_the_webhook_namespaces_on_their_ports(env):
    control_plane = {"ip": _first_host(env.network["private_subnet_cidrs"][0])}
    webhooks = {}
    for path in PATHS:
        if path["from"].get("cidrs") == "privateSubnets" and "namespace" in path["to"] and env.enabled(path["to"]):
            webhooks.setdefault(path["to"]["namespace"], set()).update(env.ports(path))
    assert {"external-secrets", "keda"} <= set(webhooks)
    for ns in env.policies:
        for port in (443, 6443, 8443, 9443, 10250):
            want = port in webhooks.get(ns, set())
            assert env.allowed(control_plane, {"namespace": ns, "labels": dict(PROBE)}, port) == want, f"{env.env}: apiserver -> {ns}:{port}"


def test_only_the_senders_reach_the_otlp_collector(env):
    collector = {"namespace": "observability", "labels": {"app.kubernetes.io/component": "opentelemetry-collector"}}
    senders = {p["from"]["namespace"] for p in PATHS if p["to"] == {"namespace": "observability", "pods": collector["labels"]}}
    assert senders == {"ingress", "litellm", "platform"}
    for ns in env.policies:
        probe = {"namespace": ns, "labels": {"app.kubernetes.io/name": "litellm"} if ns == "litellm" else dict(PROBE)}
        want = ns in senders or ns == "observability"  # observability's own pods talk to each other
        assert env.allowed(probe, collector, 4317) == want, f"{env.env}: {ns} -> otlp"


def test_the_agents_reach_loki_and_nothing_else_in_observability(env):
    alloy = {"namespace": "agents", "labels": {"app.kubernetes.io/name": "alloy"}}
    gateway = {"namespace": "observability", "labels": {"app.kubernetes.io/name": "loki", "app.kubernetes.io/component": "gateway"}}
    assert env.allowed(alloy, gateway, 8080)
    assert not env.allowed(alloy, {"namespace": "observability", "labels": {"app.kubernetes.io/name": "grafana"}}, 3000)
    assert not env.allowed(alloy, {"ip": INTERNET_IP}, 443)


def test_only_the_chat_bridge_leaves_the_vpc_for_google_chat(env):
    alertmanager = {"namespace": "observability", "labels": {"app.kubernetes.io/name": "alertmanager"}}
    bridge = {"namespace": "observability", "labels": {"app.kubernetes.io/name": "calert"}}
    assert env.allowed(alertmanager, bridge, 6000)
    assert env.allowed(bridge, {"ip": INTERNET_IP}, 443)
    assert not env.allowed(bridge, {"ip": INTERNET_IP}, 80)
    # Alertmanager reaches chat only through the bridge, and e-mail only through SNS's endpoint.
    assert not env.allowed(alertmanager, {"ip": INTERNET_IP}, 443)
    assert not env.allowed(alertmanager, {"ip": INTERNET_IP}, 587)


# ---------------------------------------------------------------- the checker catches what it must


def _policy(ns, name, spec):
    return {"kind": "NetworkPolicy", "metadata": {"name": name, "namespace": ns}, "spec": spec}


def test_the_checker_refuses_undeclared_internet_egress_and_internet_ingress():
    prod = load("prod")
    internet = [{"ipBlock": {"cidr": "0.0.0.0/0"}}]
    extra = _policy("velero", "sneaky", {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": internet, "ports": [{"port": 443}]}]})
    broken = {**prod.policies, "velero": [*prod.policies["velero"], extra]}
    with pytest.raises(K8sPolicyError, match="policy sneaky opens egress to 0.0.0.0/0, which no path declares"):
        check_network_policies(broken, prod.namespaces, internet_allowed=prod.internet_declared())
    inbound = _policy("litellm", "open", {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": internet, "ports": [{"port": 4000}]}]})
    with pytest.raises(K8sPolicyError, match="policy open admits ingress from the internet"):
        check_network_policies({**prod.policies, "litellm": [*prod.policies["litellm"], inbound]}, prod.namespaces)


def test_a_broader_path_breaks_a_deny_assertion():
    """The deny checks are not vacuous: open litellm to every managed namespace and a probe in velero gets in."""
    prod = load("prod")
    managed = [{"namespaceSelector": {"matchLabels": MANAGED_BY}}]
    wide = _policy("litellm", "wide", {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": managed}]})
    velero_out = _policy("velero", "wide", {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": managed}]})
    probe, litellm = {"namespace": "velero", "labels": dict(PROBE)}, {"namespace": "litellm", "labels": {"app.kubernetes.io/name": "litellm"}}
    assert not prod.allowed(probe, litellm, 4000)
    broken = {**prod.policies, "litellm": [*prod.policies["litellm"], wide], "velero": [*prod.policies["velero"], velero_out]}
    assert path_allowed(broken, probe, litellm, 4000, namespace_labels=prod.ns_labels())


def test_path_evaluation_semantics():
    deny = _policy("a", "default-deny", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]})
    out = _policy(
        "a",
        "out",
        {
            "podSelector": {"matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "In", "values": ["x"]}]},
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}}], "ports": [{"port": 400, "endPort": 450}]}],
        },
    )
    pods = {"a": [deny, out]}
    x, y = {"namespace": "a", "labels": {"app.kubernetes.io/name": "x"}}, {"namespace": "a", "labels": {"app.kubernetes.io/name": "y"}}
    assert path_allowed(pods, x, {"ip": "8.8.8.8"}, 443)
    assert not path_allowed(pods, x, {"ip": "10.1.2.3"}, 443)  # except
    assert not path_allowed(pods, x, {"ip": "8.8.8.8"}, 451)  # outside the port range
    assert not path_allowed(pods, y, {"ip": "8.8.8.8"}, 443)  # not selected
    assert not path_allowed(pods, x, {"ip": "8.8.8.8"}, 443, protocol="UDP")
    assert path_allowed({}, {"namespace": "b", "labels": {}}, {"ip": "8.8.8.8"}, 1)  # no policy: not isolated
