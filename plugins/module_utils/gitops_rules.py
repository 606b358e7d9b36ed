# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gitops role's input rules beyond its argument spec: one function per rule, each returning the message of a
broken rule (naming the variable, the rule and the offending value) or None.

They run once over every host of the play (the gitops_render action, before anything is read or written): as one
task per rule and host they cost more than the whole render (docs/performance.md). Most rules read one host's
settings; output_dir_is_one_tree and env_names_one_host read the whole play. first_broken() stops at
the first rule a host breaks, so a message names one rule."""

from __future__ import annotations

import os
import re
from pathlib import PurePath

DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$")
GIT_URL = re.compile(r"^(https://|ssh://|git@)")
DURATION = re.compile(r"^[0-9]+(h|m|s)$")
DIGITS = re.compile(r"^[0-9]+$")
# Group names are spliced into ArgoCD's policy.csv and Grafana's JMESPath: Cognito's name characters, no quote.
COGNITO_GROUP = re.compile(r"^[A-Za-z0-9_+=,.@-]{1,128}$")
ARGOCD_ROLE = re.compile(r"^role:[a-z0-9-]+$")


def _integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _duplicates(items):
    names = [i["name"] for i in items]
    return sorted({n for n in names if names.count(n) > 1})


def env_is_dns_label(v, _play):
    if not DNS_LABEL.match(str(v["gitops_env"])):
        return f"gitops_env must be a DNS label of at most 32 characters (got '{v['gitops_env']}')"


# gitops/base/ holds the values layer every environment of the tree shares.
def env_is_not_base(v, _play):
    if v["gitops_env"] == "base":
        return f"gitops_env must not be 'base': gitops/base/ holds the values every environment shares (got '{v['gitops_env']}')"


def repo_url_is_git(v, _play):
    if not GIT_URL.match(str(v["gitops_repo_url"])):
        return f"gitops_repo_url must be an https://, ssh:// or git@ Git URL (got '{v['gitops_repo_url']}')"


def revision_is_set(v, _play):
    if not str(v["gitops_revision"]):
        return f"gitops_revision must be a branch, tag or commit (got '{v['gitops_revision']}')"


# The argument spec already refuses other values; this rule keeps the guarantee if the spec loosens.
def ingress_controller_is_known(v, _play):
    if v["gitops_ingress_controller"] not in ("traefik", "ingress-nginx"):
        return f"gitops_ingress_controller must be traefik or ingress-nginx (got '{v['gitops_ingress_controller']}')"


# ArgoCD notifications' GitHub service authenticates as this App: an empty id would fail only at run time.
def github_app_ids_are_numbers(v, _play):
    app, installation = str(v["gitops_github_app_id"]), str(v["gitops_github_app_installation_id"])
    if not (DIGITS.match(app) and DIGITS.match(installation)):
        return f"gitops_github_app_id and gitops_github_app_installation_id must be the GitHub App's numeric ids (got '{app}' and '{installation}')"


def retry_limit_in_range(v, _play):
    value = v["gitops_sync_retry_limit"]
    if not (_integer(value) and 1 <= value <= 20):
        return f"gitops_sync_retry_limit must be an integer from 1 to 20 (got '{value}')"


def alb_idle_timeout_in_range(v, _play):
    value = v["gitops_alb_idle_timeout"]
    if not (_integer(value) and 60 <= value <= 4000):
        return f"gitops_alb_idle_timeout must be an integer from 60 to 4000 seconds (got '{value}')"


def velero_ttls_are_durations(v, _play):
    bad = [s["ttl"] for s in v["gitops_velero_schedules"] if not DURATION.match(str(s["ttl"]))]
    if bad:
        return f"gitops_velero_schedules ttl must be a duration like 720h, 30m or 90s (got {bad})"


def velero_names_unique(v, _play):
    bad = _duplicates(v["gitops_velero_schedules"])
    if bad:
        return f"gitops_velero_schedules names must be unique (got {bad} more than once)"


def keda_names_unique(v, _play):
    bad = _duplicates(v["gitops_keda_consumers"])
    if bad:
        return f"gitops_keda_consumers names must be unique (got {bad} more than once)"


def keda_max_replicas_positive(v, _play):
    bad = {c["name"]: c["max_replicas"] for c in v["gitops_keda_consumers"] if "max_replicas" in c and "min_replicas" in c and c["max_replicas"] < 1}
    if bad:
        return f"gitops_keda_consumers max_replicas must be at least 1 (got {bad})"


def slo_is_fraction(v, _play):
    value = v["gitops_slo_availability"]
    try:
        ok = 0 < float(value) < 1
    except (TypeError, ValueError):
        ok = False
    if not ok:
        return f"gitops_slo_availability must be a fraction strictly between 0 and 1, such as 0.995 (got '{value}')"


def auth_groups_are_cognito_names(v, _play):
    bad = [r["group"] for r in v["gitops_auth_group_roles"] if not COGNITO_GROUP.match(str(r["group"]))]
    if bad:
        return f"gitops_auth_group_roles group must be a Cognito group name (letters, digits, _+=,.@-), no quote or space (got {bad})"


def auth_argocd_roles_are_role_names(v, _play):
    bad = [r["argocd"] for r in v["gitops_auth_group_roles"] if not ARGOCD_ROLE.match(str(r["argocd"]))]
    if bad:
        return f"gitops_auth_group_roles argocd must be an ArgoCD role such as role:readonly (got {bad})"


def output_dir_is_absolute(v, _play):
    if not os.path.isabs(str(v["gitops_output_dir"])):
        return f"gitops_output_dir must be an absolute path (got '{v['gitops_output_dir']}')"


# The files every environment shares (helmfile.d/, gitops/base/) are written once, under one root.
def output_dir_is_one_tree(_v, play):
    roots = sorted({str(PurePath(s["gitops_output_dir"])) for s in play["settings"].values()})
    if len(roots) > 1:
        return f"gitops_output_dir must be one tree for every host of the play (got {roots})"


# gitops/<env>/values/<addon>/cluster.yaml holds one cluster layer.
def env_names_one_host(v, play):
    hosts = [h for h, env in play["envs"].items() if env == v["platform_env"]]
    if len(hosts) != 1:
        return (
            "platform_env must name one host of the play, since gitops/<env>/values/<addon>/cluster.yaml holds one cluster layer "
            f"(got platform_env '{v['platform_env']}' on {hosts})"
        )


RULES = (
    env_is_dns_label,
    env_is_not_base,
    repo_url_is_git,
    revision_is_set,
    ingress_controller_is_known,
    github_app_ids_are_numbers,
    retry_limit_in_range,
    alb_idle_timeout_in_range,
    velero_ttls_are_durations,
    velero_names_unique,
    keda_names_unique,
    keda_max_replicas_positive,
    slo_is_fraction,
    auth_groups_are_cognito_names,
    auth_argocd_roles_are_role_names,
    output_dir_is_absolute,
    output_dir_is_one_tree,
    env_names_one_host,
)


def first_broken(settings_by_host, envs_by_host):
    """The messages of the first rule any host breaks, ``<host>: <message>`` per host that breaks it; [] when all hold.

    ``settings_by_host``: {host: its gitops_* settings with platform_env}; ``envs_by_host``: {host: platform_env} of
    every host of the play (also those that failed earlier). A rule reads one host's settings and, for the rules
    over the whole play, ``play``: {"envs": envs_by_host, "settings": settings_by_host}."""
    play = {"envs": envs_by_host, "settings": settings_by_host}
    for rule in RULES:
        messages = [f"{host}: {msg}" for host, settings in settings_by_host.items() if (msg := rule(settings, play))]
        if messages:
            return messages
    return []
