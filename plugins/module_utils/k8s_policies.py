# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Builders and checks for the NetworkPolicies and RBAC objects the k8s_bootstrap role applies.

Built in Python so the role (through the filter plugins) and the policy tests use the very same
documents: the local kube-apiserver stores NetworkPolicies but nothing enforces them (no CNI), so
they must be checked as documents.
"""

from __future__ import annotations

import ipaddress

DEFAULT_DENY = "default-deny"
ALLOW_DNS = "allow-dns"
ALLOW_APISERVER = "allow-apiserver"
ALLOW_AWS_ENDPOINTS = "allow-aws-endpoints"
MANAGED_BY = {"app.kubernetes.io/managed-by": "mosaic.platform"}
NS_LABEL = "kubernetes.io/metadata.name"
DNS_SELECTOR = {"k8s-app": "kube-dns"}
READ_VERBS = ("get", "list", "watch")
WRITE_VERBS = ("create", "update", "patch", "delete")


class K8sPolicyError(ValueError):
    """A NetworkPolicy set or an RBAC object breaks the security baseline."""


def _ns_peer(namespace: str, pod_labels: dict | None = None) -> dict:
    peer = {"namespaceSelector": {"matchLabels": {NS_LABEL: namespace}}}
    if pod_labels:
        peer["podSelector"] = {"matchLabels": dict(pod_labels)}
    return peer


def _cidr_peers(cidrs: list[str]) -> list[dict]:
    peers = []
    for cidr in sorted(set(cidrs)):
        ipaddress.ip_network(cidr, strict=False)  # raises ValueError on a bad CIDR
        peers.append({"ipBlock": {"cidr": cidr}})
    return peers


def _ports(ports: list, protocols=("TCP",)) -> list[dict]:
    out = []
    for port in ports:
        if isinstance(port, dict):
            out.append({"protocol": port.get("protocol", "TCP"), "port": int(port["port"])})
        else:
            out.extend({"protocol": proto, "port": int(port)} for proto in protocols)
    return out


def _policy(namespace: str, name: str, spec: dict) -> dict:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(MANAGED_BY)},
        "spec": spec,
    }


def _peers(rule: dict) -> list[dict]:
    peers = [_ns_peer(ns, rule.get("pod_labels")) for ns in rule.get("namespaces", [])]
    if rule.get("namespace_labels"):
        peers.append({"namespaceSelector": {"matchLabels": dict(rule["namespace_labels"])}})
    if rule.get("same_namespace"):
        peers.append({"podSelector": {}})
    return peers + _cidr_peers(rule.get("cidrs", []))


def network_policies(
    namespace: str,
    apiserver_cidrs: list[str],
    apiserver_port: int = 443,
    endpoint_cidrs: list[str] | None = None,
    allows: list[dict] | None = None,
) -> list[dict]:
    """The NetworkPolicies of one namespace: default deny, then the explicit allows.

    allows: dicts with name, namespace (the target, or '*' for every namespace), direction
    (ingress|egress), peers as namespaces / namespace_labels / pod_labels / cidrs / same_namespace, ports, and
    optional pod_selector (labels of the pods in the target namespace the rule applies to).
    """
    policies = [
        _policy(namespace, DEFAULT_DENY, {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
        _policy(
            namespace,
            ALLOW_DNS,
            {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [{"to": [_ns_peer("kube-system", DNS_SELECTOR)], "ports": _ports([53], ("UDP", "TCP"))}],
            },
        ),
        _policy(
            namespace,
            ALLOW_APISERVER,
            {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [{"to": _cidr_peers(apiserver_cidrs), "ports": _ports([apiserver_port])}],
            },
        ),
    ]
    if endpoint_cidrs:
        policies.append(
            _policy(
                namespace,
                ALLOW_AWS_ENDPOINTS,
                {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": _cidr_peers(endpoint_cidrs), "ports": _ports([443])}]},
            )
        )
    for allow in allows or []:
        if allow.get("namespace") not in (namespace, "*"):
            continue
        direction = allow.get("direction", "egress")
        key, peer_key, ptype = ("ingress", "from", "Ingress") if direction == "ingress" else ("egress", "to", "Egress")
        rule = {peer_key: _peers(allow)}
        if allow.get("ports"):
            rule["ports"] = _ports(allow["ports"])
        selector = {"matchLabels": dict(allow["pod_selector"])} if allow.get("pod_selector") else {}
        policies.append(_policy(namespace, f"allow-{allow['name']}", {"podSelector": selector, "policyTypes": [ptype], key: [rule]}))
    check_network_policies({namespace: policies}, [namespace])
    return policies


def _is_default_deny(policy: dict) -> bool:
    spec = policy.get("spec", {})
    return spec.get("podSelector") == {} and set(spec.get("policyTypes", [])) == {"Ingress", "Egress"} and not spec.get("ingress") and not spec.get("egress")


def _dns_protocols(policy: dict) -> set[str]:
    protos = set()
    for rule in policy.get("spec", {}).get("egress", []) or []:
        to_dns = any(
            peer.get("namespaceSelector", {}).get("matchLabels", {}).get(NS_LABEL) == "kube-system"
            and peer.get("podSelector", {}).get("matchLabels") == DNS_SELECTOR
            for peer in rule.get("to", [])
        )
        if to_dns:
            protos |= {p.get("protocol", "TCP") for p in rule.get("ports", []) if int(p.get("port", 0)) == 53}
    return protos


def _is_internet(peer: dict) -> bool:
    cidr = peer.get("ipBlock", {}).get("cidr", "")
    return bool(cidr) and ipaddress.ip_network(cidr, strict=False).prefixlen == 0


def internet_egress(policies_by_namespace: dict) -> set[tuple[str, str]]:
    """(namespace, policy name) of every policy with an egress rule to 0.0.0.0/0 (or to every peer)."""
    found = set()
    for namespace, policies in policies_by_namespace.items():
        for policy in policies:
            for rule in policy.get("spec", {}).get("egress") or []:
                if not rule.get("to") or any(_is_internet(peer) for peer in rule["to"]):
                    found.add((namespace, policy["metadata"]["name"]))
    return found


def check_network_policies(policies_by_namespace: dict, namespaces: list[str], internet_allowed=None) -> dict:
    """Reject a set that leaves a namespace open; return the set when it is sound.

    Every namespace needs a default deny for both directions and DNS over UDP and TCP to
    kube-dns; no allow may open a namespace to every peer (an empty peer list or an empty
    namespaceSelector), to the internet without naming ports, or to ingress from the internet.
    With internet_allowed ((namespace, policy name) pairs), egress to 0.0.0.0/0 is refused in any other policy.
    """
    if internet_allowed is not None:
        for namespace, name in sorted(internet_egress(policies_by_namespace) - set(internet_allowed)):
            raise K8sPolicyError(f"namespace {namespace}: policy {name} opens egress to 0.0.0.0/0, which no path declares")
    for namespace in namespaces:
        policies = policies_by_namespace.get(namespace) or []
        if not any(_is_default_deny(p) for p in policies):
            raise K8sPolicyError(f"namespace {namespace}: no default-deny NetworkPolicy for ingress and egress")
        protos = set().union(*(_dns_protocols(p) for p in policies)) if policies else set()
        if not {"UDP", "TCP"} <= protos:
            raise K8sPolicyError(f"namespace {namespace}: DNS egress to kube-dns must allow UDP and TCP 53 (has {sorted(protos)})")
        for policy in policies:
            name = policy["metadata"]["name"]
            if policy["metadata"].get("namespace") != namespace:
                raise K8sPolicyError(f"namespace {namespace}: policy {name} is in namespace {policy['metadata'].get('namespace')}")
            spec = policy["spec"]
            for key, peer_key in (("ingress", "from"), ("egress", "to")):
                for rule in spec.get(key) or []:
                    peers = rule.get(peer_key)
                    if not peers:
                        raise K8sPolicyError(f"namespace {namespace}: policy {name} allows {key} from/to every peer")
                    for peer in peers:
                        if peer.get("namespaceSelector") == {} and not peer.get("podSelector"):
                            raise K8sPolicyError(f"namespace {namespace}: policy {name} selects every namespace")
                        if _is_internet(peer) and key == "ingress":
                            raise K8sPolicyError(f"namespace {namespace}: policy {name} admits ingress from the internet")
                        if _is_internet(peer) and not rule.get("ports"):
                            raise K8sPolicyError(f"namespace {namespace}: policy {name} opens {peer['ipBlock']['cidr']} on every port")
    return policies_by_namespace


# ---------------------------------------------------------------- evaluation


def selects(selector: dict | None, labels: dict) -> bool:
    """Whether a label selector (matchLabels and matchExpressions) selects these labels; {} selects all."""
    selector = selector or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        ok = {
            "In": key in labels and labels[key] in values,
            "NotIn": key not in labels or labels[key] not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }[op]
        if not ok:
            return False
    return True


def _admits(peer: dict, policy_ns: str, end: dict, ns_labels) -> bool:
    """Whether one peer of a rule of a policy in policy_ns matches the other end of a connection.

    end: {"namespace", "labels"} (a pod) or {"ip"} (outside the cluster). An ipBlock matches only addresses
    outside the cluster: NetworkPolicy leaves pod addresses in an ipBlock to the implementation.
    """
    if "ipBlock" in peer:
        if "ip" not in end:
            return False
        ip = ipaddress.ip_address(end["ip"])
        block = peer["ipBlock"]
        return ip in ipaddress.ip_network(block["cidr"], strict=False) and not any(
            ip in ipaddress.ip_network(c, strict=False) for c in block.get("except") or []
        )
    if "ip" in end:
        return False
    if "namespaceSelector" in peer:
        if not selects(peer["namespaceSelector"], ns_labels(end["namespace"])):
            return False
    elif end["namespace"] != policy_ns:
        return False
    return selects(peer.get("podSelector"), end["labels"])


def _port_open(rule: dict, port: int, protocol: str) -> bool:
    ports = rule.get("ports")
    if not ports:
        return True
    for entry in ports:
        if entry.get("protocol", "TCP") != protocol:
            continue
        if "port" not in entry:
            return True
        first = int(entry["port"])
        if first <= port <= int(entry.get("endPort", first)):
            return True
    return False


def _direction_allows(policies: list, pod: dict, ptype: str, other: dict, port: int, protocol: str, ns_labels) -> bool:
    """Whether the policies of pod's namespace let it talk to `other` in one direction (Ingress or Egress)."""
    key, peer_key = ("ingress", "from") if ptype == "Ingress" else ("egress", "to")
    applying = [p for p in policies if ptype in p["spec"].get("policyTypes", []) and selects(p["spec"].get("podSelector"), pod["labels"])]
    if not applying:
        return True  # not isolated in this direction
    for policy in applying:
        for rule in policy["spec"].get(key) or []:
            peers = rule.get(peer_key)
            if (not peers or any(_admits(peer, pod["namespace"], other, ns_labels) for peer in peers)) and _port_open(rule, port, protocol):
                return True
    return False


def path_allowed(policies_by_namespace: dict, src: dict, dst: dict, port: int, protocol: str = "TCP", namespace_labels=None) -> bool:
    """Whether a connection from src to dst on port is allowed by both ends' NetworkPolicies.

    src, dst: {"namespace", "labels"} for a pod, {"ip"} for an address outside the cluster (its end has no
    policy). namespace_labels: {namespace: labels}; a namespace not listed has only kubernetes.io/metadata.name.
    """
    labels = namespace_labels or {}

    def ns_labels(namespace):
        return {NS_LABEL: namespace, **labels.get(namespace, {})}

    sides = [(src, "Egress", dst), (dst, "Ingress", src)]
    return all(
        _direction_allows(policies_by_namespace.get(pod["namespace"], []), pod, ptype, other, port, protocol, ns_labels)
        for pod, ptype, other in sides
        if "namespace" in pod
    )


def _role(kind: str, name: str, rules: list[dict]) -> dict:
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": {"name": name, "labels": dict(MANAGED_BY)}, "rules": rules}


def _binding(kind: str, name: str, role_kind: str, role: str, group: str, namespace: str | None = None) -> dict:
    meta = {"name": name, "labels": dict(MANAGED_BY)}
    if namespace:
        meta["namespace"] = namespace
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": kind,
        "metadata": meta,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}],
    }


# What a developer edits in a team namespace. Secrets are left out on purpose: External
# Secrets writes them from Secrets Manager, and a developer who may write a secret may also
# mount any other secret of the namespace through a pod.
DEV_EDIT_RULES = [
    {"apiGroups": [""], "resources": ["configmaps", "services", "persistentvolumeclaims", "pods"], "verbs": [*READ_VERBS, *WRITE_VERBS]},
    {"apiGroups": [""], "resources": ["pods/log", "pods/portforward"], "verbs": ["get", "create"]},
    {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets", "replicasets"], "verbs": [*READ_VERBS, *WRITE_VERBS]},
    {"apiGroups": ["apps"], "resources": ["deployments/scale", "statefulsets/scale"], "verbs": ["get", "update", "patch"]},
    {"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": [*READ_VERBS, *WRITE_VERBS]},
    {"apiGroups": ["networking.k8s.io"], "resources": ["ingresses"], "verbs": [*READ_VERBS, *WRITE_VERBS]},
    {"apiGroups": ["autoscaling"], "resources": ["horizontalpodautoscalers"], "verbs": [*READ_VERBS, *WRITE_VERBS]},
    {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": [*READ_VERBS, *WRITE_VERBS]},
]

# Read everywhere except Secrets. The core group is enumerated (Secrets live there); the other
# groups hold no secret material, so their resources are read as a whole. Our own role rather
# than the built-in aggregated `view`: its rules come from the aggregation controller, and this
# document is what the policy tests check.
DEV_READ_RULES = [
    {
        "apiGroups": [""],
        "resources": [
            "configmaps",
            "endpoints",
            "events",
            "limitranges",
            "namespaces",
            "nodes",
            "persistentvolumeclaims",
            "persistentvolumes",
            "pods",
            "pods/log",
            "pods/status",
            "replicationcontrollers",
            "resourcequotas",
            "serviceaccounts",
            "services",
        ],
        "verbs": list(READ_VERBS),
    },
    {
        "apiGroups": [
            "apps",
            "autoscaling",
            "batch",
            "discovery.k8s.io",
            "events.k8s.io",
            "networking.k8s.io",
            "policy",
            "storage.k8s.io",
            "apiextensions.k8s.io",
            "argoproj.io",
            "external-secrets.io",
            "keda.sh",
            "velero.io",
            "monitoring.coreos.com",
            "elbv2.k8s.aws",
        ],
        "resources": ["*"],
        "verbs": list(READ_VERBS),
    },
]


def rbac_objects(dev_group: str, ops_group: str, team_namespaces: list[str], prefix: str = "mosaic-platform") -> list[dict]:
    """ClusterRoles and bindings for the dev and ops groups.

    - dev reads everywhere but Secrets (our read role, bound cluster-wide) and edits workloads,
      never Secrets, in the team namespaces through RoleBindings to our edit role.
    - ops binds `cluster-admin`: the same power the EKS access entry gives it
      (AmazonEKSClusterAdminPolicy), so the group means the same on every cluster, local included.
    """
    objects = [
        _role("ClusterRole", f"{prefix}:dev-read", DEV_READ_RULES),
        _role("ClusterRole", f"{prefix}:dev-edit", DEV_EDIT_RULES),
        _binding("ClusterRoleBinding", f"{prefix}:dev-read", "ClusterRole", f"{prefix}:dev-read", dev_group),
        _binding("ClusterRoleBinding", f"{prefix}:ops-cluster-admin", "ClusterRole", "cluster-admin", ops_group),
    ]
    objects += [_binding("RoleBinding", f"{prefix}:dev-edit", "ClusterRole", f"{prefix}:dev-edit", dev_group, ns) for ns in sorted(set(team_namespaces))]
    check_rbac(objects, dev_group)
    return objects


def check_rbac(objects: list[dict], dev_group: str) -> list[dict]:
    """Reject RBAC that gives the dev group wildcards or any access to Secrets.

    A wildcard verb or API group is never allowed; a wildcard resource only for reading a named
    non-core group (Secrets are in the core group).
    """
    roles = {o["metadata"]["name"]: o for o in objects if o["kind"] in ("ClusterRole", "Role")}
    for obj in objects:
        if obj["kind"] not in ("ClusterRoleBinding", "RoleBinding"):
            continue
        if not any(s.get("name") == dev_group for s in obj.get("subjects", [])):
            continue
        ref = obj["roleRef"]["name"]
        if ref in ("cluster-admin", "admin", "edit"):
            raise K8sPolicyError(f"binding {obj['metadata']['name']}: {dev_group} must not be bound to {ref} (it reads or writes Secrets)")
        for rule in roles.get(ref, {}).get("rules", []):
            groups, verbs = rule.get("apiGroups", []), rule.get("verbs", [])
            if "*" in verbs or "*" in groups:
                raise K8sPolicyError(f"role {ref}: wildcard verb or API group in a rule bound to {dev_group}")
            if "*" in rule.get("resources", []) and ("" in groups or not set(verbs) <= set(READ_VERBS)):
                raise K8sPolicyError(f"role {ref}: wildcard resources bound to {dev_group} outside read-only named groups")
            if "" in rule.get("apiGroups", []) and any(r == "secrets" or r.startswith("secrets/") for r in rule.get("resources", [])):
                raise K8sPolicyError(f"role {ref}: {dev_group} must not be granted access to secrets")
    return objects
