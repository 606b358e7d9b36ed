"""The mosaic.platform.ansiballz_cache callback: module payloads kept from one run to the next, reused only while
every collection file in them and the directory each collection loads from are unchanged. A throwaway collection
(testns.testcoll) with one module and one module_utils file drives real ansible-playbook runs."""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path

import pytest
import yaml
from local_playbook import ROOT, run_local_playbook

ENTRY = "ansible_collections.testns.testcoll.plugins.modules.echo-ZIP_DEFLATED-none"

ECHO = """from ansible.module_utils.basic import AnsibleModule
from ansible_collections.testns.testcoll.plugins.module_utils.word import WORD


def main():
    AnsibleModule(argument_spec={}).exit_json(changed=False, word=WORD)


if __name__ == "__main__":
    main()
"""


def collection(base: Path, word: str) -> Path:
    plugins = base / "ansible_collections" / "testns" / "testcoll" / "plugins"
    (plugins / "modules").mkdir(parents=True)
    (plugins / "module_utils").mkdir()
    (plugins / "modules" / "echo.py").write_text(ECHO)
    (plugins / "module_utils" / "word.py").write_text(f"WORD = {word!r}\n")
    return plugins / "module_utils" / "word.py"


@pytest.fixture
def project(tmp_path):
    word = collection(tmp_path / "a", "one")
    tasks = [
        {"name": "Run the module", "testns.testcoll.echo": {}, "register": "echoed"},
        {"name": "Show the word", "ansible.builtin.debug": {"msg": "word={{ echoed.word }}"}},
    ]
    (tmp_path / "site.yml").write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], sort_keys=False))
    return tmp_path, word


def run(project: Path, *collection_dirs: Path, extra_tasks: list | None = None) -> dict:
    if extra_tasks:
        plays = yaml.safe_load((project / "site.yml").read_text())
        plays[0]["tasks"].extend(extra_tasks)
        (project / "site.yml").write_text(yaml.safe_dump(plays, sort_keys=False))
    env = {
        "ANSIBLE_COLLECTIONS_PATH": os.pathsep.join([*(str(d) for d in collection_dirs), str(ROOT / ".collections")]),
        "ANSIBLE_CALLBACKS_ENABLED": "mosaic.platform.ansiballz_cache",
        "MOSAIC_ANSIBALLZ_CACHE_DIR": str(project / "cache"),
    }
    result = run_local_playbook(project, env, "-vvv")
    out = result.stdout + result.stderr
    counts = {kind: re.findall(rf"mosaic\.platform\.ansiballz_cache: (\d+) module payloads {kind} ", out) for kind in ("reused", "saved")}
    return {
        "word": re.findall(r'"msg": "word=(\w+)"', out),
        "reused": [int(n) for n in counts["reused"]],
        "saved": [int(n) for n in counts["saved"]],
        "out": out,
    }


def store(project: Path) -> Path:
    (version,) = (project / "cache").iterdir()
    return version


def test_a_second_run_reuses_the_payload_the_first_saved(project):
    tmp, _ = project
    first = run(tmp, tmp / "a")
    assert (first["word"], first["reused"], first["saved"]) == (["one"], [0], [1])
    kept = store(tmp)
    assert sorted(p.name for p in kept.iterdir()) == [ENTRY, ENTRY + ".json"]
    assert stat.S_IMODE(kept.stat().st_mode) == 0o700 and stat.S_IMODE((tmp / "cache").stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in kept.iterdir())
    second = run(tmp, tmp / "a")
    assert (second["word"], second["reused"], second["saved"]) == (["one"], [1], [0])


def test_an_edited_module_utils_file_is_built_again(project):
    tmp, word = project
    run(tmp, tmp / "a")
    word.write_text("WORD = 'two'\n")
    edited = run(tmp, tmp / "a")
    assert (edited["word"], edited["reused"], edited["saved"]) == (["two"], [0], [1])
    again = run(tmp, tmp / "a")
    assert (again["word"], again["reused"]) == (["two"], [1])


def test_a_collection_loaded_from_another_directory_is_built_again(project):
    tmp, _ = project
    run(tmp, tmp / "a")
    collection(tmp / "b", "three")
    shadowed = run(tmp, tmp / "b", tmp / "a")
    assert (shadowed["word"], shadowed["reused"]) == (["three"], [0])


def test_a_file_edited_during_the_run_keeps_its_payload_out_of_the_cache(project):
    tmp, word = project
    edit = {"name": "Edit the module_utils file", "ansible.builtin.copy": {"content": "WORD = 'four'\n", "dest": str(word), "mode": "0644"}}
    during = run(tmp, tmp / "a", extra_tasks=[edit])
    assert during["word"] == ["one"]
    # The copy task's own payloads (ansible-core's stat and copy modules) are saved; the module's is not.
    kept = sorted(p.name for p in store(tmp).iterdir() if not p.name.endswith(".json"))
    assert during["saved"] == [len(kept)] and kept and ENTRY not in kept


def test_a_tampered_payload_is_not_reused(project):
    tmp, _ = project
    run(tmp, tmp / "a")
    with (store(tmp) / ENTRY).open("ab") as entry:
        entry.write(b"x")
    tampered = run(tmp, tmp / "a")
    assert (tampered["word"], tampered["reused"], tampered["saved"]) == (["one"], [0], [1])


def test_a_cache_others_can_write_is_not_used(project):
    tmp, _ = project
    (tmp / "cache").mkdir()
    (tmp / "cache").chmod(0o777)
    shared = run(tmp, tmp / "a")
    assert shared["word"] == ["one"] and shared["reused"] == [] and shared["saved"] == []
    assert f"mosaic.platform.ansiballz_cache: not used, {tmp / 'cache'} must belong to you and not be writable by group or others" in shared["out"]
    assert list((tmp / "cache").iterdir()) == []


def test_a_payload_with_a_file_outside_any_collection_is_not_cached(project):
    tmp, _ = project
    library = tmp / "library"
    library.mkdir()
    shutil.copy(tmp / "a" / "ansible_collections" / "testns" / "testcoll" / "plugins" / "modules" / "echo.py", library / "local_echo.py")
    plays = yaml.safe_load((tmp / "site.yml").read_text())
    plays[0]["tasks"][0] = {"name": "Run the module", "local_echo": {}, "register": "echoed"}
    (tmp / "site.yml").write_text(yaml.safe_dump(plays, sort_keys=False))
    local = run(tmp, tmp / "a")
    assert (local["word"], local["saved"]) == (["one"], [0])
