# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ValidatingAdmissionPolicy that keeps developers' workloads away from platform secrets and IRSA roles.

RBAC lets the dev group create pods and pod templates in its team namespaces, and RBAC cannot look
inside a pod spec: a pod that mounts a Secret or runs as a service account uses them with the rights
of the kubelet, not of its author. The API server's admission (CEL, admissionregistration.k8s.io/v1)
can: it refuses the dev group's Pods and workload templates that reference a Secret of a platform
namespace (secret and projected volumes, env secretKeyRef, envFrom secretRef) or run as a service
account bound to an IRSA role (`<namespace>/<name>` of the cluster outputs' irsa.roles).

The data (platform namespaces, IRSA accounts) is written into the policy as CEL list literals by the
one builder, so the role and the policy tests use the same document.
"""

from __future__ import annotations

import json
import re

from .k8s_policies import MANAGED_BY, K8sPolicyError

POLICY_NAME = "mosaic-platform-dev-workloads"
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")

# Every kind that carries a pod spec a developer may write (DEV_EDIT_RULES), and the ones RBAC does not grant
# them today (DaemonSets, ReplicationControllers, ephemeral containers added by `kubectl debug`): a later
# grant must not open a way round.
WORKLOAD_RULES = [
    {"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods", "pods/ephemeralcontainers", "replicationcontrollers"]},
    {"apiGroups": ["apps"], "apiVersions": ["v1"], "resources": ["deployments", "statefulsets", "daemonsets", "replicasets"]},
    {"apiGroups": ["batch"], "apiVersions": ["v1"], "resources": ["jobs", "cronjobs"]},
]

# The pod spec of each kind (a Pod also for its ephemeralcontainers subresource). The object is typed per
# kind at run time: the ternary never reads a field the kind lacks.
_POD_SPEC = "object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec"


def _container_secret_refs(field: str) -> str:
    """CEL: a container of pod.<field> takes a Secret through env valueFrom.secretKeyRef or envFrom.secretRef."""
    return (
        f"(has(variables.pod.{field}) && variables.pod.{field}.exists(c, "
        "(has(c.env) && c.env.exists(e, has(e.valueFrom) && has(e.valueFrom.secretKeyRef))) || "
        "(has(c.envFrom) && c.envFrom.exists(e, has(e.secretRef)))))"
    )


_VOLUME_REFS = (
    "(has(variables.pod.volumes) && variables.pod.volumes.exists(v, has(v.secret) || "
    "(has(v.projected) && has(v.projected.sources) && v.projected.sources.exists(s, has(s.secret)))))"
)

# The account the pod runs as: serviceAccountName, its deprecated alias, else the namespace's default.
_SERVICE_ACCOUNT = (
    "has(variables.pod.serviceAccountName) && variables.pod.serviceAccountName != '' ? variables.pod.serviceAccountName : "
    "has(variables.pod.serviceAccount) && variables.pod.serviceAccount != '' ? variables.pod.serviceAccount : 'default'"
)

REFERENCE_MESSAGE = "the platform:dev group may not reference Secrets in a platform namespace (secret or projected volumes, env secretKeyRef, envFrom)"
ACCOUNT_MESSAGE = "the platform:dev group may not run workloads as a service account bound to an IRSA role"


def _cel_list(values: list[str]) -> str:
    return json.dumps(sorted(set(values)))


def admission_policy(dev_group: str, platform_namespaces: list[str], irsa_service_accounts: list[str], name: str = POLICY_NAME) -> list[dict]:
    """The ValidatingAdmissionPolicy and its binding (validationActions Deny) for the dev group.

    platform_namespaces: every Secret in them is a platform secret (External Secrets and the bootstrap
    write them). irsa_service_accounts: '<namespace>/<name>' of every service account an IRSA role trusts.
    """
    for ns in platform_namespaces:
        if not _DNS_LABEL.match(ns):
            raise K8sPolicyError(f"admission policy: platform namespace {ns!r} is not a DNS label")
    for account in irsa_service_accounts:
        ns, slash, sa = account.partition("/")
        if not (slash and _DNS_LABEL.match(ns) and _DNS_SUBDOMAIN.match(sa)):
            raise K8sPolicyError(f"admission policy: IRSA service account {account!r} is not '<namespace>/<name>'")
    if not platform_namespaces:
        raise K8sPolicyError("admission policy: no platform namespace to protect")
    account = "request.namespace + '/' + variables.serviceAccount"
    reference_message, account_message = (m.replace("platform:dev", dev_group) for m in (REFERENCE_MESSAGE, ACCOUNT_MESSAGE))
    policy = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": {"name": name, "labels": dict(MANAGED_BY)},
        "spec": {
            # An expression that cannot be evaluated refuses the request (fail closed).
            "failurePolicy": "Fail",
            "matchConstraints": {"resourceRules": [{**rule, "operations": ["CREATE", "UPDATE"]} for rule in WORKLOAD_RULES]},
            "matchConditions": [{"name": "dev-group", "expression": f"{json.dumps(dev_group)} in request.userInfo.groups"}],
            "variables": [
                {"name": "platformNamespaces", "expression": _cel_list(platform_namespaces)},
                {"name": "irsaServiceAccounts", "expression": _cel_list(irsa_service_accounts)},
                {"name": "pod", "expression": _POD_SPEC},
                {"name": "serviceAccount", "expression": _SERVICE_ACCOUNT},
                {
                    "name": "referencesSecret",
                    "expression": " || ".join([_VOLUME_REFS, *(_container_secret_refs(f) for f in ("containers", "initContainers", "ephemeralContainers"))]),
                },
            ],
            "validations": [
                {
                    "expression": "!(request.namespace in variables.platformNamespaces && variables.referencesSecret)",
                    "message": reference_message,
                    "messageExpression": f"{json.dumps(reference_message + ': ')} + request.namespace + ' holds platform secrets'",
                    "reason": "Forbidden",
                },
                {
                    "expression": f"!({account} in variables.irsaServiceAccounts)",
                    "message": account_message,
                    "messageExpression": f"{json.dumps(account_message + ': ')} + {account}",
                    "reason": "Forbidden",
                },
            ],
        },
    }
    binding = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicyBinding",
        "metadata": {"name": name, "labels": dict(MANAGED_BY)},
        # Every namespace: a team namespace may not run as another namespace's account either way, and
        # a RoleBinding added later to a platform namespace must not open it.
        "spec": {"policyName": name, "validationActions": ["Deny"]},
    }
    return [policy, binding]
