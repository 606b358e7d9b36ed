"""Every rendered manifest, and every object of the own charts (helm template with the environment's values),
passes a server-side dry run on the local kube-apiserver with the upstream CRDs.

Covers the tree molecule converged into its scratch root (local, from an outputs file) and the committed
trees of the example inventories. CRDs come from MOSAIC_CRDS_DIR (make crds; CI points it at ../shared/crds).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml
from own_charts import own_chart_objects, sample_preview

ROOT = Path(__file__).resolve().parents[3]
CRDS = Path(os.environ.get("MOSAIC_CRDS_DIR") or ROOT / ".cache" / "crds")
# CRDs of the EKS add-ons (not of a catalog chart), kept in the repository: snapshot-controller's VolumeSnapshotClass.
ADDON_CRDS = ROOT / "tests" / "crds"
KUBECTL = ROOT / ".tools" / "bin" / "kubectl"
HELMFILE = ROOT / ".tools" / "bin" / "helmfile"
SCRATCH = Path(os.environ.get("MOSAIC_GITOPS_SCRATCH", "/nonexistent")) / "tree"
KUBECONFIG = Path(os.environ.get("STACK_DIR", ROOT / ".stack")) / "kubeconfig"
TREES = {"converged-local": SCRATCH / "gitops" / "local", **{f"committed-{e}": ROOT / "gitops" / e for e in ("local", "dev", "staging", "prod")}}


def kubectl(*args, stdin=None):
    assert KUBECTL.exists(), f"missing {KUBECTL} (make tools)"
    return subprocess.run([str(KUBECTL), f"--kubeconfig={KUBECONFIG}", *args], input=stdin, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="session")
def crds_loaded():
    assert CRDS.is_dir(), f"missing {CRDS}: run make crds (or set MOSAIC_CRDS_DIR to a copy of the pinned CRDs)"
    for project in sorted(p for p in [*CRDS.iterdir(), *ADDON_CRDS.iterdir()] if p.is_dir()):
        result = kubectl("apply", "--server-side", "--force-conflicts", "-f", str(project))
        assert result.returncode == 0, result.stderr
    result = kubectl("wait", "--for=condition=Established", "crd", "--all", "--timeout=120s")
    assert result.returncode == 0, result.stderr


def manifests_of(tree: Path) -> list:
    """The Kubernetes objects of a tree: project.yaml, apps/ and manifests/ (values/ are Helm values)."""
    return sorted([tree / "project.yaml", *tree.glob("apps/*.yaml"), *tree.glob("manifests/*/*.yaml")])


def chart_objects_of(tree: Path) -> list:
    """The objects of the tree's own charts (gitops/base/charts/ of its root, the environment's values)."""
    return [obj for objs in own_chart_objects(tree.parents[1], tree.name).values() for obj in objs]


def namespaces_of(tree: Path) -> set:
    found = set()
    for doc in [yaml.safe_load(p.read_text()) for p in manifests_of(tree)] + chart_objects_of(tree):
        ns = (doc.get("metadata") or {}).get("namespace")
        if ns:
            found.add(ns)
        if doc.get("kind") == "AppProject":
            found |= {d["namespace"] for d in doc["spec"]["destinations"] if "*" not in d["namespace"]}
    return found


@pytest.fixture(scope="session")
def namespaces(crds_loaded):
    """The namespaces k8s_namespaces would create, labelled so the scenario's cleanup removes them."""
    wanted = set()
    for tree in TREES.values():
        if tree.is_dir():
            wanted |= namespaces_of(tree)
    for ns in sorted(wanted):
        if kubectl("get", "namespace", ns).returncode != 0:
            manifest = yaml.safe_dump({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"platform.mosaic/test": "gitops"}}})
            result = kubectl("apply", "-f", "-", stdin=manifest)
            assert result.returncode == 0, result.stderr
    return wanted


def test_molecule_converged_a_tree():
    assert SCRATCH.is_dir(), f"no converged tree in {SCRATCH}"
    assert (SCRATCH / "gitops" / "local" / "project.yaml").is_file()


@pytest.mark.parametrize("name", sorted(TREES))
def test_every_manifest_passes_a_server_side_dry_run(namespaces, name):
    tree = TREES[name]
    files = manifests_of(tree)
    assert files, f"nothing rendered in {tree}"
    charts = chart_objects_of(tree)
    args = ["apply", "--dry-run=server"]
    for path in files:
        args += ["-f", str(path)]
    result = kubectl(*args, "-f", "-", stdin=yaml.safe_dump_all(charts))
    assert result.returncode == 0, result.stderr
    accepted = [line for line in result.stdout.splitlines() if "(server dry run)" in line]
    assert len(accepted) == len(files) + len(charts), result.stdout


@pytest.mark.parametrize("env", ["dev", "local"])  # one Traefik (HTTPRoute) and one ingress-nginx (Ingress) environment
def test_a_sample_previews_namespace_passes_a_server_side_dry_run(namespaces, env):
    app, objs, _ = sample_preview(ROOT, env)
    namespace = app["spec"]["destination"]["namespace"]
    if kubectl("get", "namespace", namespace).returncode != 0:
        labelled = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace, "labels": {"platform.mosaic/test": "gitops"}}}
        assert kubectl("apply", "-f", "-", stdin=yaml.safe_dump(labelled)).returncode == 0
    result = kubectl("apply", "--dry-run=server", "-f", "-", stdin=yaml.safe_dump_all(objs))
    assert result.returncode == 0, result.stderr
    assert {o["kind"] for o in objs} >= {"Namespace", "NetworkPolicy"} and ({"HTTPRoute", "Ingress"} & {o["kind"] for o in objs})


def test_a_broken_manifest_is_rejected(namespaces):
    # The dry run really validates against the CRD schema: a ScaledObject without scaleTargetRef fails.
    bad = {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "bad", "namespace": "keda"}, "spec": {"triggers": []}}
    result = kubectl("apply", "--dry-run=server", "-f", "-", stdin=yaml.safe_dump(bad))
    assert result.returncode != 0


def test_the_converged_values_come_from_the_outputs_file():
    outputs = yaml.safe_load((SCRATCH.parent / "outputs" / "local-main" / "aws.yml").read_text())["outputs"]
    alb = yaml.safe_load((SCRATCH / "gitops" / "local" / "values" / "aws-load-balancer-controller" / "cluster.yaml").read_text())
    assert alb["vpcId"] == outputs["network"]["vpc_id"]
    bsl = yaml.safe_load((SCRATCH / "gitops" / "local" / "manifests" / "velero" / "backupstoragelocation-default.yaml").read_text())
    assert bsl["spec"]["objectStorage"]["bucket"] == outputs["storage"]["buckets"]["backups"]["name"]
    assert bsl["spec"]["config"]["kmsKeyId"] == outputs["kms"]["storage"]["arn"]


def test_helmfile_builds_the_converged_tree():
    assert HELMFILE.exists()
    env = {"PATH": f"{ROOT / '.tools' / 'bin'}:/usr/bin:/bin", "HOME": str(SCRATCH)}
    result = subprocess.run(
        [str(HELMFILE), "build", "--environment", "local", "--skip-deps"], cwd=SCRATCH, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
