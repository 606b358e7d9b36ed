"""make crds (scripts/crds.py): pinned upstream CRDs, downloaded from a mirror of raw GitHub and verified by sha256.

The download path runs against a loopback HTTP server laid out like raw.githubusercontent.com; the real
download is only exercised where GitHub is reachable. The pins are checked against the copy make crds verified:
MOSAIC_CRDS_DIR (this project's CI: ../shared/crds), else .cache/crds, else ../shared/crds beside the clone.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import sys
import threading
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import crds  # noqa: E402

CANDIDATES = [Path(p) for p in (os.environ.get("MOSAIC_CRDS_DIR"), ROOT / ".cache" / "crds", ROOT.parent / "shared" / "crds") if p]
SHARED = next((p for p in CANDIDATES if p.is_dir()), CANDIDATES[0])
CATALOG = ROOT / "roles" / "gitops" / "files" / "catalog"


@pytest.fixture
def lock(tmp_path):
    """A two-file lock over a fake upstream tree, and that tree served on loopback."""
    upstream = tmp_path / "upstream"
    files = {"argo-cd": ("argoproj/argo-cd", "v9.9.9", "manifests/crds", "appproject-crd.yaml", b"kind: CustomResourceDefinition\n")}
    projects = {}
    for name, (repo, tag, path, file, body) in files.items():
        target = upstream / repo / tag / path / file
        target.parent.mkdir(parents=True)
        target.write_bytes(body)
        projects[name] = {"repository": repo, "tag": tag, "path": path, "files": {file: hashlib.sha256(body).hexdigest()}}
    lock_file = tmp_path / "crds.lock.yml"
    lock_file.write_text(yaml.safe_dump({"projects": projects}))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(upstream))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield lock_file, f"http://127.0.0.1:{server.server_port}", upstream
    server.shutdown()


def test_missing_files_are_downloaded_and_verified(tmp_path, lock):
    lock_file, url, _ = lock
    dest = tmp_path / "cache"
    assert crds.ensure(dest, url, lock=lock_file) == ["argo-cd/appproject-crd.yaml"]
    assert (dest / "argo-cd" / "appproject-crd.yaml").read_bytes() == b"kind: CustomResourceDefinition\n"
    # A second run verifies and downloads nothing.
    assert crds.ensure(dest, "http://127.0.0.1:9", lock=lock_file) == []


def test_a_tampered_download_is_refused_and_nothing_is_written(tmp_path, lock):
    lock_file, url, upstream = lock
    (upstream / "argoproj/argo-cd/v9.9.9/manifests/crds/appproject-crd.yaml").write_bytes(b"kind: Other\n")
    with pytest.raises(crds.CrdError, match=r"appproject-crd.yaml has sha256 [0-9a-f]{64}, the pin in scripts/crds.lock.yml is [0-9a-f]{64}: nothing written"):
        crds.ensure(tmp_path / "cache", url, lock=lock_file)
    assert not (tmp_path / "cache" / "argo-cd").exists() or not any((tmp_path / "cache" / "argo-cd").iterdir())


def test_a_modified_local_copy_is_an_error_that_says_what_to_do(tmp_path, lock):
    lock_file, url, _ = lock
    copy = tmp_path / "copy" / "argo-cd" / "appproject-crd.yaml"
    copy.parent.mkdir(parents=True)
    copy.write_text("edited\n")
    with pytest.raises(crds.CrdError, match="Remove the file and run make crds to download the pinned one, or fix the copy MOSAIC_CRDS_DIR points at"):
        crds.ensure(tmp_path / "copy", url, lock=lock_file)


def test_an_unreachable_source_names_the_offline_override(tmp_path, lock):
    lock_file, _, _ = lock
    with pytest.raises(crds.CrdError, match=r"cannot download http://127\.0\.0\.1:9/argoproj/argo-cd/v9\.9\.9/manifests/crds/appproject-crd\.yaml") as err:
        crds.ensure(tmp_path / "cache", "http://127.0.0.1:9", timeout=5, lock=lock_file)
    assert "set MOSAIC_CRDS_DIR to a directory that holds them" in str(err.value)


def test_offline_mode_never_downloads(tmp_path, lock):
    lock_file, url, _ = lock
    with pytest.raises(crds.CrdError, match="--offline forbids downloading it"):
        crds.ensure(tmp_path / "cache", url, offline=True, lock=lock_file)


def test_main_reports_errors_on_stderr_and_exits_non_zero(tmp_path, capsys):
    assert crds.main(["--dir", str(tmp_path / "empty"), "--offline"]) == 1
    assert "is missing and --offline forbids downloading it" in capsys.readouterr().err


def test_the_pins_match_the_upstream_copy_ci_uses():
    """Every pinned file and checksum matches the verified copy, and that copy holds nothing unpinned."""
    assert SHARED.is_dir(), f"none of {[str(p) for p in CANDIDATES]} exists: run make crds (or set MOSAIC_CRDS_DIR to a copy)"
    assert crds.ensure(SHARED, "http://127.0.0.1:9", offline=True) == []
    pinned = {f"{project}/{file}" for project, file, _, _ in crds.pinned()}
    shared = {f"{p.parent.name}/{p.name}" for p in SHARED.glob("*/*.yaml")}
    assert pinned == shared


def test_urls_are_raw_github_at_the_pinned_release_tag():
    projects = yaml.safe_load(crds.LOCK.read_text())["projects"]
    for project, file, url_path, _ in crds.pinned():
        p = projects[project]
        assert p["tag"].startswith("v"), project
        assert len(p["commit"]) == 40, project
        assert url_path == f"{p['repository']}/{p['tag']}/{p['path']}/{file}"
    assert crds.BASE_URL == "https://raw.githubusercontent.com"


def test_each_pin_names_a_release_of_the_catalog():
    """The CRDs serve a release the catalog pins, at the chart version the lock names."""
    pins = {(e.get("chart"), str(e.get("version"))) for e in map(yaml.safe_load, map(Path.read_text, CATALOG.glob("*.yml")))}
    for name, p in yaml.safe_load(crds.LOCK.read_text())["projects"].items():
        chart, version = p["catalog"].split()
        assert (chart, version) in pins, f"{name}: the catalog no longer pins {chart} {version}; update scripts/crds.lock.yml"
