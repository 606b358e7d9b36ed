"""The joins between the parts of the platform, as functions over plain data that return what disagrees.

One Platform is one environment: the outputs the aws and cluster phases wrote (the committed fixtures), the rendered
tree, the inventory and the catalog. Each check returns a list of violations (empty when the parts agree), so the
tests can assert the real environments agree and that a mutated copy is caught.
"""

from __future__ import annotations

import copy
import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.gitops_catalog import deep_merge, load_catalog, values_files
from ansible_collections.mosaic.platform.plugins.module_utils.iam_evaluator import allowed
from ansible_collections.mosaic.platform.plugins.module_utils.iam_permissions import Naming, irsa_policy
from ansible_collections.mosaic.platform.plugins.module_utils.platform_outputs import read_outputs
from own_charts import own_chart_objects

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "outputs"
ROLE_ARN = "eks.amazonaws.com/role-arn"


@dataclass
class Platform:
    env: str
    outputs: dict
    files: dict  # relative path -> list of YAML documents
    irsa_entries: list  # the inventory's eks_irsa_roles
    bootstrap_accounts: list  # k8s_bootstrap_service_accounts (namespace, name)
    addon_accounts: list  # EKS add-on service accounts ("ns/sa")
    catalog: dict  # add-on name -> catalog entry (raw)
    vpc_cidr: str  # the inventory's aws_network_vpc_cidr
    app_domain: str  # the domain aws_auth builds the OIDC callback URLs under
    prefix: str
    account: str
    region: str
    slug: str = ""
    extra: dict = field(default_factory=dict)

    def objects(self):
        """The Kubernetes objects the environment deploys from the tree: its manifests/ and its own charts' objects."""
        return self.docs((f"gitops/{self.env}/manifests/", f"gitops/{self.env}/charts/"))

    def docs(self, prefix=""):
        for path, docs in self.files.items():
            if path.startswith(prefix):
                for doc in docs:
                    if isinstance(doc, dict):
                        yield path, doc

    def values(self, addon, layer="cluster"):
        """One layer of an add-on's values: base (gitops/base/values/, shared by every environment), env or cluster."""
        path = dict(zip(("base", "env", "cluster"), values_files(self.env, addon), strict=True))[layer]
        docs = self.files.get(path) or [{}]
        return docs[0] or {}

    def all_values(self, addon):
        return [self.values(addon, layer) for layer in ("base", "env", "cluster")]

    def merged_values(self, addon):
        """The values Helm sees: base, then env, then cluster."""
        merged = {}
        for layer in self.all_values(addon):
            merged = deep_merge(merged, layer)
        return merged

    def copy(self):
        return copy.deepcopy(self)


def _yaml_files(root: Path, env: str) -> dict:
    """The YAML of the tree, and under gitops/<env>/charts/<add-on>/ (not a directory of the tree) the objects
    ``helm template`` makes of each own chart with the environment's values. Chart templates are Go templates."""
    files = {}
    for path in sorted((root / "gitops" / "base").rglob("*.yaml")) + sorted((root / "gitops" / env).rglob("*.yaml")):
        if "templates" in path.relative_to(root / "gitops").parts:
            continue
        files[path.relative_to(root).as_posix()] = list(yaml.safe_load_all(path.read_text()))
    for name, objs in own_chart_objects(root, env).items():
        for obj in objs:
            meta = obj["metadata"]
            files[f"gitops/{env}/charts/{name}/{obj['kind'].lower()}-{meta.get('namespace', '')}-{meta['name']}.yaml"] = [obj]
    helmfile_env = root / "helmfile.d" / "environments" / f"{env}.yaml"
    files[helmfile_env.relative_to(root).as_posix()] = [yaml.safe_load(helmfile_env.read_text())]
    return files


def _group_vars(env: str) -> dict:
    merged = {}
    for path in sorted((ROOT / "inventories" / env / "group_vars" / env).glob("*.yml")):
        merged.update(yaml.safe_load(path.read_text()) or {})
    return merged


def _role_defaults(role: str) -> dict:
    merged = {}
    base = ROOT / "roles" / role / "defaults"
    for path in sorted([base / "main.yml"] if (base / "main.yml").is_file() else (base / "main").glob("*.yml")):
        merged.update(yaml.safe_load(path.read_text()) or {})
    return merged


def catalog() -> dict:
    return {entry["name"]: entry for entry in load_catalog(ROOT / "roles" / "gitops" / "files" / "catalog")}


def load(env: str, root: Path = ROOT, fixtures: Path = FIXTURES) -> Platform:
    hosts = sorted(p.name for p in (fixtures / env).iterdir() if (p / "aws.yml").is_file())
    assert len(hosts) == 1, f"{env}: one cluster per environment, found {hosts}"
    outputs = read_outputs(str(fixtures / env), hosts[0])
    inventory = _group_vars(env)
    network = _role_defaults("aws_network") | {k: v for k, v in inventory.items() if k.startswith("aws_network_")}
    bootstrap = inventory.get("k8s_bootstrap_service_accounts") or _role_defaults("k8s_bootstrap")["k8s_bootstrap_service_accounts"]
    addons = inventory.get("eks_addons_list") or _role_defaults("eks_addons")["eks_addons_list"]
    platform = yaml.safe_load((ROOT / "inventories" / env / "group_vars" / env / "platform.yml").read_text())
    project = yaml.safe_load((ROOT / "inventories" / "project.yml").read_text())
    return Platform(
        env=env,
        outputs=outputs,
        files=_yaml_files(root, env),
        irsa_entries=inventory.get("eks_irsa_roles", []),
        bootstrap_accounts=[f"{a['namespace']}/{a['name']}" for a in bootstrap],
        addon_accounts=[a["service_account"] for a in addons if a.get("service_account")],
        catalog=catalog(),
        vpc_cidr=network["aws_network_vpc_cidr"],
        app_domain=_resolve_domain(inventory.get("aws_auth_app_domain", _role_defaults("aws_auth")["aws_auth_app_domain"]), platform),
        prefix=f"{project['platform_slug']}-{env}",
        account=str(platform["platform_aws_account_id"]),
        region=platform["platform_aws_region"],
        slug=project["platform_slug"],
    )


def _resolve_domain(value, platform):
    """The one template the domain settings use, platform_domain, resolved from the inventory."""
    return str(value).replace("{{ platform_domain }}", platform["platform_domain"])


# ---------------------------------------------------------------- IRSA


def _annotations(node, path=()):
    """Every (path, value) of an eks.amazonaws.com/role-arn key anywhere in a document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == ROLE_ARN:
                yield path, value
            else:
                yield from _annotations(value, (*path, str(key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _annotations(value, (*path, str(i)))


def _borrowed_accounts(node, inside=False):
    """Names of every ``{create: false, name: ...}`` block under a ``serviceAccount`` key of a values document
    (``serviceAccount: {...}`` or per component, ``serviceAccount: {server: {...}}``)."""
    if isinstance(node, dict):
        if inside and node.get("create") is False and node.get("name"):
            yield node["name"]
        for key, value in node.items():
            yield from _borrowed_accounts(value, inside or key == "serviceAccount")
    elif isinstance(node, list):
        for value in node:
            yield from _borrowed_accounts(value, inside)


def check_irsa(p: Platform) -> list[str]:
    """Every IRSA role trusts a service account that something creates with that role, and every role annotation
    in the tree names the role of exactly that account."""
    bad = []
    roles = p.outputs["irsa"]["roles"]
    wanted = {f"{e['namespace']}/{e['service_account']}" for e in p.irsa_entries}
    if wanted != set(roles):
        bad.append(f"irsa: the inventory's eks_irsa_roles {sorted(wanted ^ set(roles))} differ from the outputs (re-run make fixtures)")
    manifest_accounts = {}
    for path, doc in p.objects():
        if doc.get("kind") == "ServiceAccount":
            meta = doc["metadata"]
            manifest_accounts[f"{meta['namespace']}/{meta['name']}"] = (meta.get("annotations") or {}).get(ROLE_ARN)
        else:
            for where, value in _annotations(doc):
                bad.append(f"irsa: {path} sets a role annotation outside a ServiceAccount ({'.'.join(where)}={value})")
    chart_accounts = {}
    for name, entry in p.catalog.items():
        found = [hit for values in p.all_values(name) for hit in _annotations(values)]
        # A chart told to use an account it does not create (create: false) must find it made by the bootstrap.
        for values in p.all_values(name):
            for account in _borrowed_accounts(values):
                key = f"{entry['namespace']}/{account}"
                if key not in p.bootstrap_accounts:
                    bad.append(f"irsa: {name} runs as {key} (serviceAccount create: false), which the bootstrap does not create")
        declared = entry.get("service_accounts") or []
        if found and not declared:
            bad.append(f"irsa: {name}'s values set a role annotation, but the catalog declares no chart service account")
        # A chart may run several accounts (kube-prometheus-stack: prometheus, alertmanager): every annotation is
        # the role of one of them, and each account gets the annotations that carry its role.
        declared_roles = {roles.get(f"{entry['namespace']}/{account}") for account in declared}
        for where, value in found:
            if declared and value not in declared_roles:
                bad.append(f"irsa: {name} sets {'.'.join(where)}={value}, the role of none of its accounts {declared}")
        for account in declared:
            key = f"{entry['namespace']}/{account}"
            chart_accounts[key] = [value for _, value in found if value == roles.get(key)]
    for key, arn in sorted(manifest_accounts.items()):
        if arn is not None and roles.get(key) != arn:
            bad.append(f"irsa: ServiceAccount {key} in the tree carries {arn}, the role of {key} is {roles.get(key)}")
    for key, arns in sorted(chart_accounts.items()):
        if key in roles and arns != [roles[key]]:
            bad.append(f"irsa: the chart account {key} is annotated {arns}, its role is {roles[key]}")
    for key, arn in sorted(roles.items()):
        name = key.split("/", 1)[1]
        if not arn.endswith(f":role/{p.prefix}-irsa-{name}") and not any(
            e.get("name") and arn.endswith(f":role/{p.prefix}-irsa-{e['name']}") for e in p.irsa_entries
        ):
            bad.append(f"irsa: the role of {key} is {arn}, not one eks_irsa names")
        creators = [
            source
            for source, keys in (
                ("bootstrap", p.bootstrap_accounts),
                ("eks add-on", p.addon_accounts),
                ("tree", [k for k, v in manifest_accounts.items() if v]),
                ("chart", list(chart_accounts)),
            )
            if key in keys
        ]
        if not creators:
            bad.append(f"irsa: the role of {key} trusts a service account that nothing creates")
        elif len(creators) > 1:
            bad.append(f"irsa: {key} has two builders: {creators}")
    return bad


# ---------------------------------------------------------------- hosts and certificate


def _covered(host: str, sans: list[str]) -> bool:
    for san in sans:
        if san == host:
            return True
        if san.startswith("*.") and host.count(".") == san.count(".") and host.split(".", 1)[1] == san[2:]:
            return True
    return False


def served_hosts(p: Platform) -> set[str]:
    hosts = set()
    for _, doc in p.docs(f"gitops/{p.env}/"):
        kind = doc.get("kind")
        spec = doc.get("spec") or {}
        if kind == "Ingress":
            hosts |= {r["host"] for r in spec.get("rules", []) if r.get("host")}
        elif kind == "HTTPRoute":
            hosts |= set(spec.get("hostnames") or [])
        elif kind == "ApplicationSet":
            # The pull-request generator's template: one sample PR number stands for every preview.
            text = re.sub(r"\{\{\s*\.number\s*\}\}", "1", yaml.safe_dump(spec, width=1000))
            hosts |= set(re.findall(r"host: ['\"]?([^'\"\s]+)", text))
    argocd = p.merged_values("argo-cd")
    if argocd.get("global", {}).get("domain"):
        hosts.add(argocd["global"]["domain"])
    url = (argocd.get("configs") or {}).get("cm", {}).get("url")
    if url:
        hosts.add(urlparse(url).hostname)
    root = (p.merged_values("kube-prometheus-stack").get("grafana") or {}).get("grafana.ini", {}).get("server", {}).get("root_url")
    if root:
        hosts.add(urlparse(root).hostname)
    return hosts


def check_hosts(p: Platform) -> list[str]:
    sans = p.outputs["edge"]["domains"]
    hosts = served_hosts(p)
    bad = [f"hosts: {h} is served but no certificate name covers it ({sans})" for h in sorted(hosts) if not _covered(h, sans)]
    if not hosts:
        bad.append("hosts: the tree serves no host at all")
    return bad


# ---------------------------------------------------------------- OIDC clients


def check_oidc(p: Platform) -> list[str]:
    auth = p.outputs["auth"]
    bad = []
    # The OIDC clients call back to https://<app>.<aws_auth_app_domain>/...: the hosts the tree serves them under.
    if p.app_domain != p.outputs["edge"]["domain"]:
        bad.append(f"oidc: aws_auth's callback URLs are under {p.app_domain}, the tree serves ArgoCD and Grafana under {p.outputs['edge']['domain']}")
    cognito = f"https://{p.prefix}-{p.account}.auth.{p.region}.amazoncognito.com"
    if auth["hosted_ui_url"] != cognito:
        bad.append(f"oidc: the hosted UI {auth['hosted_ui_url']} is not the domain aws_auth creates ({cognito})")
    oidc = yaml.safe_load((p.values("argo-cd").get("configs") or {}).get("cm", {}).get("oidc.config", "") or "{}")
    if oidc.get("issuer") != auth["issuer_url"]:
        bad.append(f"oidc: ArgoCD's issuer {oidc.get('issuer')} is not the user pool's {auth['issuer_url']}")
    if oidc.get("clientID") != auth["clients"]["argocd"]["client_id"]:
        bad.append("oidc: ArgoCD's clientID is not the argocd client aws_auth created")
    grafana = (p.values("kube-prometheus-stack").get("grafana") or {}).get("grafana.ini", {}).get("auth.generic_oauth", {})
    if grafana.get("client_id") != auth["clients"]["grafana"]["client_id"]:
        bad.append("oidc: Grafana's client_id is not the grafana client aws_auth created")
    for key in ("auth_url", "token_url", "api_url"):
        if not str(grafana.get(key, "")).startswith(auth["hosted_ui_url"] + "/oauth2/"):
            bad.append(f"oidc: Grafana's {key} {grafana.get(key)} is not on the Cognito domain {auth['hosted_ui_url']}")
    secret_refs = {ref["remoteRef"]["key"] for _, doc in p.objects() if doc.get("kind") == "ExternalSecret" for ref in (doc["spec"].get("data") or [])}
    if auth["clients"]["grafana"]["secret_arn"] not in secret_refs:
        bad.append("oidc: no ExternalSecret reads the grafana client secret aws_auth stored")
    return bad


# ---------------------------------------------------------------- network


def _cidrs(node, vpc=None):
    """Every CIDR a document names; 0.0.0.0/0 with the VPC in its `except` is the internet outside the VPC (a
    NetworkPolicy path to a public endpoint), and only its exceptions count."""
    if isinstance(node, dict):
        if node.get("cidr") == "0.0.0.0/0" and vpc in (node.get("except") or []):
            yield from node["except"]
            return
        for key, value in node.items():
            if key in ("cidr", "proxy-real-ip-cidr") and isinstance(value, str):
                yield value
            else:
                yield from _cidrs(value, vpc)
    elif isinstance(node, list):
        for value in node:
            yield from _cidrs(value, vpc)


def check_cidrs(p: Platform) -> list[str]:
    vpc = p.outputs["network"]["vpc_cidr"]
    bad = []
    if vpc != p.vpc_cidr:
        bad.append(f"cidr: the outputs' VPC {vpc} is not the inventory's aws_network_vpc_cidr {p.vpc_cidr}")
    network = ipaddress.ip_network(vpc)
    for path, doc in p.docs(f"gitops/{p.env}/"):
        for cidr in _cidrs(doc, vpc):
            if not ipaddress.ip_network(cidr).subnet_of(network):
                bad.append(f"cidr: {path} names {cidr}, outside the VPC {vpc}")
    for cidr in p.outputs["network"]["private_subnet_cidrs"] + p.outputs["network"]["endpoint_cidrs"]:
        if not ipaddress.ip_network(cidr).subnet_of(network):
            bad.append(f"cidr: the subnet {cidr} is outside the VPC {vpc}")
    return bad


# ---------------------------------------------------------------- chart versions


def check_versions(p: Platform) -> list[str]:
    bad = []
    for release in p.files[f"helmfile.d/environments/{p.env}.yaml"][0]["releases"]:
        if release["chart"].startswith("../"):
            continue
        entry = p.catalog[release["name"]]
        verified = (entry.get("upstream") or {}).get("version")
        if str(verified) != str(release["version"]):
            bad.append(f"versions: {release['name']} {release['version']} is not the version verified upstream ({verified})")
    for _, doc in p.docs(f"gitops/{p.env}/apps/"):
        for source in doc["spec"].get("sources", []):
            if source.get("chart"):
                verified = (p.catalog[doc["metadata"]["name"]].get("upstream") or {}).get("version")
                if str(source["targetRevision"]) != str(verified):
                    bad.append(f"versions: Application {doc['metadata']['name']} syncs {source['targetRevision']}, verified is {verified}")
    return bad


# ---------------------------------------------------------------- secret stores


def _secret_keys(es: dict) -> list[str]:
    spec = es["spec"]
    keys = [ref["remoteRef"]["key"] for ref in spec.get("data") or []]
    keys += [ref["extract"]["key"] for ref in spec.get("dataFrom") or [] if ref.get("extract")]
    return keys


def _secret_resource(p: Platform, key: str) -> str:
    """The ARN IAM sees for a key: an ARN as it is, a name with the six characters Secrets Manager appends."""
    return key if key.startswith("arn:") else f"arn:aws:secretsmanager:{p.region}:{p.account}:secret:{key}-AbC123"


def _secret_context(p: Platform, key: str) -> dict:
    """The condition keys IAM sees for a key: RDS tags its managed master secret with the ARN of its instance
    (aws_data's data.postgres), which a store role may be limited to (eks_irsa secret-store, rds_master_secret_of)."""
    postgres = (p.outputs.get("data") or {}).get("postgres") or {}
    if postgres.get("master_secret_arn") and key == postgres["master_secret_arn"]:
        return {"secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn": f"arn:aws:rds:{p.region}:{p.account}:db:{postgres['identifier']}"}
    return {}


def store_policies(p: Platform) -> dict:
    """The permission policy of each namespace's SecretStore ("ns/store"), rebuilt from the inventory's eks_irsa_roles
    entry of the service account it authenticates as (None when no role is found)."""
    naming = Naming(p.prefix, p.slug, p.env, p.account, p.region)
    keys = {purpose: key["arn"] for purpose, key in p.outputs["kms"].items()}
    entries = {f"{e['namespace']}/{e['service_account']}": e for e in p.irsa_entries}
    policies = {}
    for _, doc in p.objects():
        if doc.get("kind") == "SecretStore":
            ns = doc["metadata"]["namespace"]
            account = ((doc["spec"]["provider"].get("aws") or {}).get("auth", {}).get("jwt") or {}).get("serviceAccountRef", {}).get("name")
            entry = entries.get(f"{ns}/{account}")
            policies[f"{ns}/{doc['metadata']['name']}"] = entry and irsa_policy(entry["template"], naming, params=entry.get("vars"), kms_keys=keys)
    return policies


def check_secret_stores(p: Platform) -> list[str]:
    """No store serves the whole cluster; every ExternalSecret reads through a SecretStore of its own namespace whose IRSA
    role grants each key it reads; no store's role grants a key another namespace reads."""
    bad = []
    policies = store_policies(p)
    readers = {}
    for path, doc in p.objects():
        kind = doc.get("kind")
        if kind in ("ClusterSecretStore", "ClusterExternalSecret"):
            bad.append(f"secret stores: {path} is a {kind}, which serves every namespace")
        if kind != "ExternalSecret":
            continue
        ns, name = doc["metadata"]["namespace"], doc["metadata"]["name"]
        ref = doc["spec"].get("secretStoreRef") or {}
        store = f"{ns}/{ref.get('name')}"
        if ref.get("kind", "SecretStore") != "SecretStore":
            bad.append(f"secret stores: ExternalSecret {ns}/{name} reads through a {ref['kind']}, not its namespace's SecretStore")
            continue
        if store not in policies:
            bad.append(f"secret stores: ExternalSecret {ns}/{name} reads through {store}, which the tree does not define")
            continue
        if policies[store] is None:
            bad.append(f"secret stores: the SecretStore {store} authenticates as a service account without an eks_irsa role")
            continue
        for key in _secret_keys(doc):
            readers.setdefault(key, set()).add(ns)
            if not allowed(policies[store], "secretsmanager:GetSecretValue", _secret_resource(p, key), _secret_context(p, key)):
                bad.append(f"secret stores: the role of {store} may not read {key}, which ExternalSecret {ns}/{name} reads")
    for store, policy in sorted(policies.items()):
        ns = store.split("/", 1)[0]
        for key, namespaces in sorted(readers.items()):
            if policy and ns not in namespaces and allowed(policy, "secretsmanager:GetSecretValue", _secret_resource(p, key), _secret_context(p, key)):
                bad.append(f"secret stores: the role of {store} may read {key}, a secret of {sorted(namespaces)}")
    return bad


# ---------------------------------------------------------------- Cognito groups -> application roles

_GRAFANA_TERM = re.compile(r"""contains\("cognito:groups"\[\*\], '([^']+)'\) && '(Admin|Editor|Viewer)'""")


def check_auth_roles(p: Platform) -> list[str]:
    """ArgoCD and Grafana give roles only to the Cognito groups aws_auth created, and nothing to a user in none."""
    bad = []
    groups = set(p.outputs["auth"]["groups"])
    rbac = (p.merged_values("argo-cd").get("configs") or {}).get("rbac") or {}
    if rbac.get("policy.default") != "":
        bad.append(f"auth roles: ArgoCD's policy.default is {rbac.get('policy.default')!r}: a user in no group gets that role")
    if rbac.get("scopes") != "[cognito:groups]":
        bad.append(f"auth roles: ArgoCD reads groups from {rbac.get('scopes')!r}, not Cognito's cognito:groups claim only")
    lines = [line.split(",") for line in str(rbac.get("policy.csv", "")).splitlines() if line.strip()]
    if not lines:
        bad.append("auth roles: ArgoCD's policy.csv maps no group")
    for fields in lines:
        if fields[0].strip() == "g" and fields[1].strip() not in groups:
            bad.append(f"auth roles: ArgoCD maps the group {fields[1].strip()}, which the user pool does not have ({sorted(groups)})")
    oauth = ((p.merged_values("kube-prometheus-stack").get("grafana") or {}).get("grafana.ini") or {}).get("auth.generic_oauth") or {}
    if oauth.get("role_attribute_strict") is not True:
        bad.append("auth roles: Grafana's role_attribute_strict is not true: a user in no group logs in as the default role")
    path = str(oauth.get("role_attribute_path", ""))
    terms = _GRAFANA_TERM.findall(path)
    if not terms or " || ".join(f"""contains("cognito:groups"[*], '{g}') && '{r}'""" for g, r in terms) != path:
        bad.append(f"auth roles: Grafana's role_attribute_path is not only group-to-role terms, without a fallback ({path!r})")
    for group, _ in terms:
        if group not in groups:
            bad.append(f"auth roles: Grafana maps the group {group}, which the user pool does not have ({sorted(groups)})")
    return bad


# ---------------------------------------------------------------- own workloads

_POD_TEMPLATES = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}


def own_pod_specs(p: Platform):
    """(owner, pod spec) of every workload the platform's own manifests and charts deploy."""
    for _, doc in p.objects():
        kind = doc.get("kind")
        if kind == "Pod":
            yield f"Pod {doc['metadata'].get('namespace')}/{doc['metadata']['name']}", doc["spec"]
        elif kind in _POD_TEMPLATES:
            node = doc
            for key in _POD_TEMPLATES[kind]:
                node = node[key]
            yield f"{kind} {doc['metadata'].get('namespace')}/{doc['metadata']['name']}", node["spec"]


def check_workloads(p: Platform) -> list[str]:
    """Every container of the own workloads has CPU and memory requests and limits and a read-only root filesystem,
    and a pod whose service account has an IRSA role does not mount the API token."""
    bad = []
    roles = p.outputs["irsa"]["roles"]
    specs = list(own_pod_specs(p))
    if not specs:
        bad.append("workloads: the tree deploys no own workload (the check would prove nothing)")
    for owner, spec in specs:
        ns = owner.split(" ", 1)[1].split("/", 1)[0]
        if f"{ns}/{spec.get('serviceAccountName', 'default')}" in roles and spec.get("automountServiceAccountToken") is not False:
            bad.append(f"workloads: {owner} runs with an IRSA role and mounts the service-account token")
        for container in (spec.get("initContainers") or []) + spec["containers"]:
            where = f"{owner} container {container['name']}"
            resources = container.get("resources") or {}
            for part in ("requests", "limits"):
                missing = [r for r in ("cpu", "memory") if r not in (resources.get(part) or {})]
                if missing:
                    bad.append(f"workloads: {where} has no {part} for {missing}")
            if (container.get("securityContext") or {}).get("readOnlyRootFilesystem") is not True:
                bad.append(f"workloads: {where} has a writable root filesystem")
    return bad


CHECKS = {
    "irsa": check_irsa,
    "hosts": check_hosts,
    "oidc": check_oidc,
    "cidrs": check_cidrs,
    "versions": check_versions,
    "secret_stores": check_secret_stores,
    "auth_roles": check_auth_roles,
    "workloads": check_workloads,
}
