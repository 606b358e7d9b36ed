#!/usr/bin/env python3
"""Fetch and verify the pinned upstream CRDs (make crds).

Every file of scripts/crds.lock.yml must end up in $MOSAIC_CRDS_DIR/<project>/<file> with the pinned sha256.
A missing file is downloaded from <base-url>/<repository>/<tag>/<path>/<file> (raw GitHub by default); a file
that is present is only verified, so an offline copy (this project's CI: ../shared/crds) needs no network.
A checksum mismatch or an unreachable source is an error that says what to do; nothing is ever half-written.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "scripts" / "crds.lock.yml"
DEFAULT_DIR = ROOT / ".cache" / "crds"
BASE_URL = "https://raw.githubusercontent.com"


class CrdError(Exception):
    """A CRD that cannot be provided; the message says how to provide it."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pinned(lock: Path = LOCK) -> list[tuple[str, str, str, str]]:
    """(project, file, url path under the base URL, sha256) for every pinned file."""
    projects = yaml.safe_load(lock.read_text())["projects"]
    return [(name, file, f"{p['repository']}/{p['tag']}/{p['path']}/{file}", digest) for name, p in projects.items() for file, digest in p["files"].items()]


def download(url: str, dest: Path, digest: str, timeout: float) -> None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  https (or a test's loopback) only
            body = response.read()
    except (urllib.error.URLError, OSError) as err:
        raise CrdError(
            f"crds: cannot download {url} ({getattr(err, 'reason', err)}). Without access to raw.githubusercontent.com, "
            f"copy the files listed in {LOCK.relative_to(ROOT)} into {dest.parent.parent}/<project>/ (their upstream "
            "repository, tag and path are in that file), or set MOSAIC_CRDS_DIR to a directory that holds them "
            "(this project's CI uses ../shared/crds), then run make crds again."
        ) from err
    got = hashlib.sha256(body).hexdigest()
    if got != digest:
        raise CrdError(f"crds: {url} has sha256 {got}, the pin in {LOCK.relative_to(ROOT)} is {digest}: nothing written")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=dest.parent, delete=False) as tmp:
        tmp.write(body)
    os.replace(tmp.name, dest)


def ensure(crds_dir: Path, base_url: str = BASE_URL, offline: bool = False, timeout: float = 30.0, lock: Path = LOCK) -> list[str]:
    """Verify (and fetch what is missing of) every pinned CRD under crds_dir; return the files downloaded."""
    fetched = []
    for project, file, url_path, digest in pinned(lock):
        dest = crds_dir / project / file
        if dest.is_file():
            got = sha256(dest)
            if got != digest:
                raise CrdError(
                    f"crds: {dest} has sha256 {got}, the pin in {LOCK.relative_to(ROOT)} is {digest}. "
                    "Remove the file and run make crds to download the pinned one, or fix the copy MOSAIC_CRDS_DIR points at."
                )
            continue
        if offline:
            raise CrdError(f"crds: {dest} is missing and --offline forbids downloading it: run make crds with network access, or set MOSAIC_CRDS_DIR")
        download(f"{base_url.rstrip('/')}/{url_path}", dest, digest, timeout)
        fetched.append(f"{project}/{file}")
    return fetched


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path(os.environ.get("MOSAIC_CRDS_DIR") or DEFAULT_DIR), help="CRDs directory (MOSAIC_CRDS_DIR)")
    parser.add_argument("--base-url", default=os.environ.get("MOSAIC_CRDS_BASE_URL", BASE_URL), help="mirror of raw.githubusercontent.com")
    parser.add_argument("--offline", action="store_true", help="verify only, never download")
    args = parser.parse_args(argv)
    try:
        fetched = ensure(args.dir, args.base_url, args.offline)
    except CrdError as err:
        print(err, file=sys.stderr)
        return 1
    total = len(pinned())
    print(f"crds: {total} pinned CRD files verified under {args.dir} ({len(fetched)} downloaded)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
