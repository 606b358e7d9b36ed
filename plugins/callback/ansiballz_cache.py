# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: ansiballz_cache
type: aggregate
short_description: Keep the built module payloads (AnsiballZ) from one run to the next, checked against their sources
description:
  - Before it runs a module, ansible-core builds its payload, a zip of the module and every module_utils file it
    imports, and keeps it in the run's own temporary directory, so every run builds each module again (0.1 to 0.3 s
    per module; about 50 modules in a converge of this collection's C(site.yml)).
  - At the end of a run this callback saves the payloads in O(cache_dir), with the SHA-256 of each file inside and
    the directory ansible-core and each collection were loaded from. At the start of the next run it copies back
    only the payloads whose files and directories are unchanged; any other payload is built again, as without the
    callback. A file edited during the run keeps its payloads out of the cache.
  - A payload with a file from outside ansible-core and the collections (a module in a C(library) directory, a
    C(module_utils) directory of your own) is not cached. The two small files ansible-core writes into every payload
    itself are covered by its version, which names the cache's subdirectory.
  - The cache holds code that runs, so it is used only when O(cache_dir) and its subdirectory belong to the user and
    are not writable by group or others; otherwise the callback warns and the run builds every payload.
  - The payload cache is an ansible-core internal (its location in the run's temporary directory). If a release
    moves it, the callback finds nothing to save and the run is only slower.
options:
  cache_dir:
    description:
      - Where the payloads are kept, one subdirectory per ansible-core version (about 11 MB for this collection's
        C(site.yml)). Removing it, or the subdirectory of a version no longer used, is always safe.
    type: path
    default: ~/.cache/mosaic.platform/ansiballz
    env:
      - name: MOSAIC_ANSIBALLZ_CACHE_DIR
    ini:
      - section: callback_ansiballz_cache
        key: cache_dir
requirements:
  - enable it in ansible.cfg (C(callbacks_enabled = mosaic.platform.ansiballz_cache)) or with C(ANSIBLE_CALLBACKS_ENABLED)
author:
  - mosaic.platform contributors (@mosaic-platform)
"""

import base64
import hashlib
import importlib
import io
import json
import os
import pickle  # reads only the payloads this run's workers just wrote
import stat
import zipfile

import ansible
from ansible import constants as C
from ansible.plugins.callback import CallbackBase
from ansible.release import __version__ as ansible_version

RUN_CACHE = "ansiballz_cache"  # ansible-core's name for the payload cache inside C.DEFAULT_LOCAL_TMP
MANIFEST = ".json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return sha256(f.read())
    except OSError:
        return None


# The two files of a payload ansible-core writes itself instead of copying them (covered by the version directory).
WRITTEN_BY_ANSIBLE = {"ansible/__init__.py", "ansible/module_utils/__init__.py"}


def source_root(prefix: str) -> str | None:
    """The directory this run loads a payload prefix from: ansible (ansible-core) or ansible_collections/<ns>/<name>."""
    if prefix == "ansible":
        return os.path.realpath(os.path.dirname(ansible.__file__))
    try:
        package = importlib.import_module(prefix.replace("/", "."))
    except ImportError:
        return None
    paths = list(getattr(package, "__path__", []))
    return os.path.realpath(paths[0]) if paths else None


def payload_sources(zip_data: bytes) -> dict | None:
    """The source directories and files a payload holds, or None when a member is not the file on disk.

    Every member must be byte for byte the file under ansible-core's directory or under its collection's directory,
    except the empty namespace packages and the two files ansible-core writes itself. A module outside a collection
    (ansible/legacy/...) or a module_utils file from outside ansible-core (ansible/module_utils/<yours>.py) has no such
    file, so its payload is not cached."""
    roots: dict[str, str] = {}
    files: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(zip_data))) as payload:
        for member in payload.infolist():
            parts = member.filename.split("/")
            content = payload.read(member)
            if member.filename in WRITTEN_BY_ANSIBLE:
                continue
            if parts[0] == "ansible":
                prefix, rest = "ansible", parts[1:]
            elif parts[0] == "ansible_collections" and len(parts) > 3:
                prefix, rest = "/".join(parts[:3]), parts[3:]
            elif parts[0] == "ansible_collections" and not content:
                continue  # ansible_collections/__init__.py, ansible_collections/<ns>/__init__.py
            else:
                return None
            if prefix not in roots:
                root = source_root(prefix)
                if root is None:
                    return None
                roots[prefix] = root
            path = os.path.join(roots[prefix], *rest)
            on_disk = file_sha256(path)
            if on_disk is None and not content and parts[-1] == "__init__.py":
                continue  # a package __init__.py the collection does not ship
            if on_disk != sha256(content):
                return None
            files[path] = on_disk
    return {"roots": roots, "files": files}


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "mosaic.platform.ansiballz_cache"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.store = None
        self.reused: set[str] = set()

    def v2_playbook_on_start(self, playbook):
        store = os.path.join(self.get_option("cache_dir"), ansible_version)
        problem = self._private_dir(self.get_option("cache_dir")) or self._private_dir(store)
        if problem:
            self._display.warning(f"mosaic.platform.ansiballz_cache: not used, {problem}")
            return
        self.store = store
        run_cache = os.path.join(C.DEFAULT_LOCAL_TMP, RUN_CACHE)
        os.makedirs(run_cache, exist_ok=True)
        roots: dict[str, str | None] = {}
        hashes: dict[str, str | None] = {}
        for manifest_name in sorted(n for n in os.listdir(store) if n.endswith(MANIFEST)):
            entry = manifest_name[: -len(MANIFEST)]
            manifest = self._read_manifest(os.path.join(store, manifest_name))
            if manifest is None or os.path.exists(os.path.join(run_cache, entry)):
                continue
            if any(roots.setdefault(prefix, source_root(prefix)) != root for prefix, root in manifest["roots"].items()):
                continue
            if any(hashes.setdefault(p, file_sha256(p)) != digest for p, digest in manifest["files"].items()):
                continue
            # The bytes checked are the bytes copied: another run may replace the entry meanwhile.
            try:
                with open(os.path.join(store, entry), "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if sha256(data) != manifest["entry"]:
                continue
            self._write(os.path.join(run_cache, entry), data)
            self.reused.add(entry)
        self._display.vvv(f"mosaic.platform.ansiballz_cache: {len(self.reused)} module payloads reused from {store}")

    def v2_playbook_on_stats(self, stats):
        if self.store is None:
            return
        run_cache = os.path.join(C.DEFAULT_LOCAL_TMP, RUN_CACHE)
        if not os.path.isdir(run_cache):
            return
        saved = 0
        for entry in sorted(os.listdir(run_cache)):
            if entry in self.reused or entry.endswith((".lock", "-part", ".tmp")):
                continue
            saved += self._save(os.path.join(run_cache, entry), entry)
        self._display.vvv(f"mosaic.platform.ansiballz_cache: {saved} module payloads saved to {self.store}")

    def _save(self, path: str, entry: str) -> int:
        with open(path, "rb") as f:
            data = f.read()
        try:
            built = pickle.loads(data)  # noqa: S301 - written by this run's workers, in its private directory
            sources = payload_sources(built.zip_data)
        except Exception:  # an entry this callback does not understand is not cached
            return 0
        if sources is None:
            return 0
        manifest = {"entry": sha256(data), **sources}
        self._write(os.path.join(self.store, entry), data)
        self._write(os.path.join(self.store, entry + MANIFEST), json.dumps(manifest, sort_keys=True).encode())
        return 1

    @staticmethod
    def _write(path: str, data: bytes) -> None:
        temp = f"{path}.{os.getpid()}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temp, path)

    @staticmethod
    def _read_manifest(path: str) -> dict | None:
        try:
            with open(path, encoding="utf-8") as f:
                manifest = json.load(f)
        except (OSError, ValueError):
            return None
        if not isinstance(manifest, dict) or not {"entry", "roots", "files"} <= manifest.keys():
            return None
        return manifest

    @staticmethod
    def _private_dir(path: str) -> str | None:
        """Why path cannot hold code this user runs, or None (it is created 0700 when missing)."""
        try:
            os.makedirs(path, mode=0o700, exist_ok=True)
            info = os.lstat(path)
        except OSError as e:
            return f"{path} cannot be created: {e.strerror}"
        if not stat.S_ISDIR(info.st_mode):
            return f"{path} is not a directory"
        if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return f"{path} must belong to you and not be writable by group or others"
        return None
