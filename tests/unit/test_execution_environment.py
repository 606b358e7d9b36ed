"""execution-environment.yml: valid for ansible-builder v3, its pins equal requirements.txt and requirements.yml,
and `ansible-builder create` writes a build context that installs the collection (no image is built here)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from ansible_builder.ee_schema import validate_schema

ROOT = Path(__file__).resolve().parents[2]
EE = yaml.safe_load((ROOT / "execution-environment.yml").read_text())
PINS = dict(re.findall(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)", (ROOT / "requirements.txt").read_text(), re.M))
# What the collection imports at run time (plugins/, roles' modules): the EE must carry each.
RUNTIME = {"boto3", "botocore", "kubernetes", "jsonschema", "PyYAML"}


def test_the_definition_validates_against_the_v3_schema():
    assert EE["version"] == 3
    validate_schema(EE)


def test_python_pins_equal_requirements_txt():
    deps = EE["dependencies"]
    pinned = dict(line.split("==") for line in deps["python"])
    assert set(pinned) == RUNTIME
    assert pinned == {name: PINS[name] for name in pinned}
    assert deps["ansible_core"]["package_pip"] == f"ansible-core=={PINS['ansible-core']}"
    assert re.fullmatch(r"ansible-runner==\d+\.\d+\.\d+", deps["ansible_runner"]["package_pip"])


def test_the_plugins_import_nothing_the_ee_lacks():
    imported = set()
    for path in (ROOT / "plugins").rglob("*.py"):
        imported |= set(re.findall(r"^\s*(?:import|from) (boto3|botocore|kubernetes|jsonschema|yaml)\b", path.read_text(), re.M))
    assert {"yaml" if n == "PyYAML" else n for n in RUNTIME} >= imported


def test_collections_come_from_requirements_yml_and_agree_with_galaxy_yml():
    assert EE["dependencies"]["galaxy"] == "requirements.yml"
    wanted = {c["name"]: c["version"] for c in yaml.safe_load((ROOT / "requirements.yml").read_text())["collections"]}
    assert wanted == yaml.safe_load((ROOT / "galaxy.yml").read_text())["dependencies"]
    assert (ROOT / EE["dependencies"]["system"]).is_file()


def test_ansible_builder_writes_a_context_that_installs_the_collection(tmp_path):
    for name in ("execution-environment.yml", "requirements.yml", "bindep.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "context-files").mkdir()
    builder = Path(sys.executable).parent / "ansible-builder"
    result = subprocess.run([str(builder), "create", "-f", "execution-environment.yml", "-c", "ctx"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    containerfile = next(p for p in (tmp_path / "ctx").iterdir() if p.name in ("Containerfile", "Dockerfile")).read_text()
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile
    assert "ansible-galaxy collection install --offline /build/collection/mosaic-platform-*.tar.gz" in containerfile
    assert (tmp_path / "ctx" / "_build" / "requirements.txt").read_text().split() == EE["dependencies"]["python"]
