"""helmfile build per environment (no chart download), and helmfile.d agrees with the Applications."""

from __future__ import annotations

import subprocess

import pytest
import yaml
from gitops_helpers import ENVS, ROOT, helmfile


def build(root, env):
    result = subprocess.run(
        [helmfile(), "build", "--environment", env, "--skip-deps"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": f"{ROOT / '.tools' / 'bin'}:/usr/bin:/bin", "HOME": str(root)},
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    releases = []
    for doc in yaml.safe_load_all(result.stdout):
        releases += (doc or {}).get("releases") or []
    return releases


@pytest.mark.parametrize("env", ENVS)
def test_helmfile_build_succeeds_without_charts(env):
    releases = build(ROOT, env)
    assert releases, f"no release in {env}"
    assert {r["labels"]["tier"] for r in releases} <= {"bootstrap", "addon"}
    assert all(r["labels"]["name"] == r["name"] for r in releases)


@pytest.mark.parametrize("env", ENVS)
def test_helmfile_and_the_applications_agree(env):
    releases = {r["name"]: r for r in build(ROOT, env)}
    apps = {}
    for path in sorted((ROOT / "gitops" / env / "apps").glob("*.yaml")):
        app = yaml.safe_load(path.read_text())
        apps[app["metadata"]["name"]] = app
    chart_releases = {n: r for n, r in releases.items() if not r["chart"].startswith("../")}
    bootstrap = {n for n, r in chart_releases.items() if r["labels"]["tier"] == "bootstrap"}
    assert bootstrap == {"argo-cd"}, "ArgoCD is the only bootstrap release and has no Application"
    chart_apps = {n: a for n, a in apps.items() if "chart" in a["spec"]["sources"][0]}
    assert set(chart_apps) == set(chart_releases) - bootstrap
    repos = {}
    for doc in yaml.safe_load((ROOT / "helmfile.d" / "environments" / f"{env}.yaml").read_text())["repositories"]:
        repos[doc["name"]] = doc["url"]
    for name, app in chart_apps.items():
        rel, src = chart_releases[name], app["spec"]["sources"][0]
        repo, chart = rel["chart"].split("/", 1)
        assert (repos[repo], chart, str(rel["version"])) == (src["repoURL"], src["chart"], src["targetRevision"]), name
        assert rel["namespace"] == app["spec"]["destination"]["namespace"], name
        assert [f"$values/{v.removeprefix('../')}" for v in rel["values"]] == src["helm"]["valueFiles"], name
    # Manifest sources are the <add-on>-manifests releases (the break-glass path); an own chart is the release of
    # the add-on, with the same env and cluster values files.
    for name, app in apps.items():
        for src in (s for s in app["spec"]["sources"] if "path" in s):
            if src["path"].startswith("gitops/base/charts/"):
                assert releases[name]["chart"] == f"../{src['path']}"
                assert [f"$values/{v.removeprefix('../')}" for v in releases[name]["values"]] == src["helm"]["valueFiles"], name
            else:
                assert releases[f"{name}-manifests"]["chart"] == f"../{src['path']}"
    for rel in releases.values():
        for value_file in rel.get("values") or []:
            assert (ROOT / "helmfile.d" / value_file).resolve().is_file(), value_file
