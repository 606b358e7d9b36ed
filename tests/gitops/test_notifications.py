"""ArgoCD notifications over the committed trees of every environment (issue 11, item 4).

Enabled with the three triggers, every template a trigger sends exists, every ``$key`` the services read is a key of
argocd-notifications-secret, which an ExternalSecret writes from Secrets Manager (the chart does not create it), and a
sample preview's deploy comment carries its URL.
"""

from __future__ import annotations

import re

import pytest
import yaml
from gitops_helpers import ENVS, ROOT, merged_values
from own_charts import own_chart_objects

TRIGGERS = {"on-deployed", "on-sync-failed", "on-health-degraded"}
URL_EXPR = '{{index .app.metadata.annotations "preview.mosaic/url"}}'


def _notifications(env):
    return merged_values(env, "argo-cd")["notifications"]


def _secret(env):
    path = ROOT / "gitops" / env / "manifests" / "external-secrets" / "externalsecret-argocd-argocd-notifications-secret.yaml"
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize("env", ENVS)
def test_notifications_are_on_with_the_three_triggers_and_their_templates(env):
    notes = _notifications(env)
    assert notes["enabled"] is True
    triggers = {k.removeprefix("trigger."): yaml.safe_load(v) for k, v in notes["triggers"].items()}
    assert set(triggers) == TRIGGERS
    for name, conditions in triggers.items():
        for condition in conditions:
            for template in condition["send"]:
                assert f"template.{template}" in notes["templates"], f"{env} trigger {name} sends a missing template {template}"
    recipients = {r for s in notes["subscriptions"] for r in s["recipients"]}
    assert "googlechat:platform" in recipients
    assert {"on-sync-failed", "on-health-degraded"} <= {t for s in notes["subscriptions"] for t in s["triggers"]}


@pytest.mark.parametrize("env", ENVS)
def test_every_secret_the_services_read_comes_from_secrets_manager(env):
    notes = _notifications(env)
    assert notes["secret"]["create"] is False, "the chart must not own argocd-notifications-secret"
    refs = {m for v in notes["notifiers"].values() for m in re.findall(r"\$([A-Za-z0-9_-]+)", v)}
    assert refs == {"github-privateKey", "googlechat-platform"}
    secret = _secret(env)
    assert secret["kind"] == "ExternalSecret" and secret["metadata"]["namespace"] == "argocd"
    assert secret["spec"]["target"]["name"] == "argocd-notifications-secret"
    assert {d["secretKey"] for d in secret["spec"]["data"]} == refs
    keys = {d["remoteRef"]["key"] for d in secret["spec"]["data"]}
    assert all(re.fullmatch(rf"[a-z0-9-]+/{env}/(argocd/github-app|alertmanager/receivers)", k) for k in keys), keys
    github = yaml.safe_load(notes["notifiers"]["service.github"])
    assert str(github["appID"]).isdigit() and str(github["installationID"]).isdigit()


@pytest.mark.parametrize("env", [e for e in ENVS if e != "prod"])
def test_a_sample_preview_comments_its_url_on_the_pr_and_sets_the_commit_status(env):
    template = yaml.safe_load(_notifications(env)["templates"]["template.app-deployed"])["github"]
    assert template["status"]["state"] == "success"
    assert template["status"]["targetURL"] == URL_EXPR
    appset = next(o for o in own_chart_objects(ROOT, env)["previews"] if o["kind"] == "ApplicationSet" and o["metadata"]["name"] == "previews")
    app = yaml.safe_load(yaml.safe_dump(appset["spec"]["template"], width=1000).replace("{{ .number }}", "7"))
    annotations = app["metadata"]["annotations"]
    for trigger in TRIGGERS:
        assert f"notifications.argoproj.io/subscribe.{trigger}.github" in annotations
    domain = yaml.safe_load((ROOT / "gitops" / env / "values" / "previews" / "env.yaml").read_text())["domain"]
    comment = template["pullRequestComment"]["content"].replace(URL_EXPR, annotations["preview.mosaic/url"])
    assert f"https://pr-7.preview.{domain}" in comment
