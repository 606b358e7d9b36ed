"""The objects of the platform's own charts (gitops/base/charts/<add-on>/) as an environment deploys them.

The tree holds those charts and each environment's values files, not their objects: the tests that read
objects run ``helm template`` the way the add-on's Application does (its path, its value files, its
namespace), once per tree and environment in a test session.
"""

from __future__ import annotations

import functools
import subprocess
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HELM = ROOT / ".tools" / "bin" / "helm"
CHARTS = "gitops/base/charts/"


def own_chart_apps(root: Path, env: str) -> dict:
    """{add-on: (chart path, namespace, value files)} of the Applications of an environment that deploy an own chart."""
    apps = {}
    for path in sorted((root / "gitops" / env / "apps").glob("*.yaml")):
        app = yaml.safe_load(path.read_text())
        for source in app["spec"]["sources"]:
            if str(source.get("path", "")).startswith(CHARTS):
                files = [v.removeprefix("$values/") for v in source["helm"]["valueFiles"]]
                apps[app["metadata"]["name"]] = (source["path"], app["spec"]["destination"]["namespace"], files)
    return apps


def helm_template(root: Path, release: str, chart: str, namespace: str, value_files=()) -> list:
    assert HELM.exists(), f"missing {HELM} (make tools)"
    cmd = [str(HELM), "template", release, str(root / chart), "--namespace", namespace]
    for value_file in value_files:
        cmd += ["--values", str(root / value_file)]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603 - our own helm
    assert result.returncode == 0, f"helm template {chart}: {result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@functools.cache
def own_chart_objects(root: Path, env: str) -> dict:
    """{add-on: [objects]}: ``helm template`` of each own chart of the environment, with its value files."""
    return {name: helm_template(root, name, chart, ns, files) for name, (chart, ns, files) in own_chart_apps(root, env).items()}


PREVIEW_NAMESPACE_CHART = CHARTS + "previews/namespace"


def sample_preview(root: Path, env: str, number: int = 7) -> tuple:
    """One pull request's preview: (the namespace Application the ApplicationSet makes for PR ``number``, its
    objects by ``helm template`` of the baseline chart, the app's Application)."""
    appsets = {o["metadata"]["name"]: o for o in own_chart_objects(root, env)["previews"] if o["kind"] == "ApplicationSet"}

    def generated(name):
        text = yaml.safe_dump(appsets[name]["spec"]["template"], width=1000).replace("{{ .number }}", str(number))
        return yaml.safe_load(text)

    app = generated("preview-namespaces")
    source = app["spec"]["source"]
    assert source["path"] == PREVIEW_NAMESPACE_CHART
    with tempfile.TemporaryDirectory() as scratch:
        values = Path(scratch) / "values.yaml"
        values.write_text(yaml.safe_dump(source["helm"]["valuesObject"]))
        objs = helm_template(root, source["helm"]["releaseName"], PREVIEW_NAMESPACE_CHART, app["spec"]["destination"]["namespace"], [values])
    return app, objs, generated("previews")
