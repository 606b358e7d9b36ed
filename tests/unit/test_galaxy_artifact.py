"""The Galaxy artifact: `ansible-galaxy collection build` leaves dev-only files out, the tarball installs offline
into a clean collections path (its dependencies come with the `ansible` package of the venv), and a role runs by
FQCN from there, with no link to this checkout on the path."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text())
DEV_ONLY = (
    ".cache/",
    ".ruff_cache/",
    ".pytest_cache/",
    "bench/",
    ".venv/",
    ".tools/",
    ".stack/",
    ".outputs/",
    ".collections/",
    "tests/",
    "molecule/",
    "inventories/",
    "gitops/",
    "helmfile.d/",
    "scripts/",
    ".github/",
    ".ci/",
    "docs/developer/",
    "Makefile",
)


def clean_env(home: Path, collections: Path) -> dict:
    """No ansible.cfg of the checkout, no ~/.ansible: only the clean path and the venv's bundled collections."""
    return {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(home),
        "ANSIBLE_CONFIG": str(home / "none.cfg"),
        "ANSIBLE_COLLECTIONS_PATH": str(collections),
        "ANSIBLE_LOCAL_TEMP": str(home / "tmp"),
        "ANSIBLE_NOCOLOR": "1",
    }


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    work = tmp_path_factory.mktemp("galaxy")
    # Dev-only litter a checkout has after make dev / make test: it must stay out of the artifact.
    planted = [ROOT / ".cache" / "galaxy-probe.txt", ROOT / ".pytest_cache" / "galaxy-probe.txt", ROOT / "bench" / "results" / "galaxy-probe.txt"]
    created = [p for p in planted if not p.exists()]
    for p in created:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("probe\n")
    try:
        result = subprocess.run(
            [str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(work), str(ROOT)], capture_output=True, text=True, timeout=300, cwd=work
        )
    finally:
        for p in created:
            p.unlink()
    assert result.returncode == 0, result.stderr
    tarball = work / f"mosaic-platform-{GALAXY['version']}.tar.gz"
    assert tarball.is_file(), result.stdout
    return tarball


def test_the_artifact_holds_the_collection_and_no_dev_only_file(artifact):
    with tarfile.open(artifact) as tar:
        names = tar.getnames()
    leaked = sorted(n for n in names if n.startswith(DEV_ONLY) or "__pycache__" in n or n.endswith(".pyc") or "galaxy-probe" in n)
    assert leaked == []
    for needed in (
        "MANIFEST.json",
        "FILES.json",
        "README.md",
        "meta/runtime.yml",
        "site.yml",
        "playbooks/aws.yml",
        "schemas/outputs.schema.json",
        "roles/k8s_bootstrap/tasks/main.yml",
        "roles/k8s_bootstrap/meta/argument_specs.yml",
        "plugins/lookup/outputs.py",
    ):
        assert needed in names, needed
    assert artifact.stat().st_size < 2_000_000


def test_it_installs_offline_and_runs_a_role_by_fqcn(artifact, tmp_path):
    collections = tmp_path / "collections"
    env = clean_env(tmp_path, collections)
    install = subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "install", "--offline", "-p", str(collections), str(artifact)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    installed = collections / "ansible_collections" / "mosaic" / "platform"
    assert (installed / "MANIFEST.json").is_file() and not (installed / "tests").exists()

    # The bootstrap role, validating input before any cluster call: a crds-only install without its CRDs
    # fails with the rule's message, which proves the installed role's tasks ran.
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        yaml.safe_dump(
            [
                {
                    "name": "Run a role of the installed collection",
                    "hosts": "localhost",
                    "gather_facts": False,
                    "roles": [{"role": "mosaic.platform.k8s_bootstrap"}],
                }
            ]
        )
    )
    extra = {
        "platform_kubeconfig": "/nonexistent/kubeconfig",
        "platform_env": "dev",
        "platform_prefix": "p-dev",
        "platform_aws_region": "eu-west-1",
        "platform_workspace": str(tmp_path),
        "k8s_bootstrap_namespaces": ["argocd", "platform"],
        "k8s_bootstrap_netpol_apiserver_cidrs": ["10.0.0.0/16"],
        "k8s_bootstrap_netpol_allows": [],
        "k8s_bootstrap_service_accounts": [],
        "k8s_bootstrap_secrets": [],
        "k8s_bootstrap_netpol_endpoint_cidrs": [],
        "k8s_bootstrap_irsa_roles": {},
        "k8s_bootstrap_rbac_team_namespaces": [],
        "k8s_bootstrap_argocd_install": "crds-only",
        "k8s_bootstrap_argocd_crds_dir": str(tmp_path / "no-crds"),
    }
    (tmp_path / "extra.yml").write_text(yaml.safe_dump(extra))
    run = subprocess.run(
        [
            str(BIN / "ansible-playbook"),
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"@{tmp_path / 'extra.yml'}",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            str(playbook),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 2, out
    assert "mosaic.platform.k8s_bootstrap : Check that the k8s_bootstrap settings keep their rules" in out
    assert "Check that k8s_bootstrap_argocd_crds_dir holds the ArgoCD CRDs for crds-only" in out
    assert (
        f"k8s_bootstrap_argocd_crds_dir must hold the argo-cd CRD files (*.yaml) when k8s_bootstrap_argocd_install is crds-only (got '{tmp_path / 'no-crds'}')"
        in out
    )
    # Resolved from the clean path, not from this checkout.
    listing = subprocess.run([str(BIN / "ansible-galaxy"), "collection", "list", "mosaic.platform"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert str(collections / "ansible_collections") in listing.stdout and str(ROOT) not in listing.stdout
    assert os.environ.get("ANSIBLE_COLLECTIONS_PATH") != str(collections)
