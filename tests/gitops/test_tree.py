"""The committed trees are a fresh render of the example inventories from their fixture outputs; rendering twice
changes nothing; no inventory copies an output and no tree carries a placeholder."""

from __future__ import annotations

import re
import shutil

import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.platform_outputs import read_outputs
from gitops_helpers import ENVS, FIXTURES, ROOT, render, tree


def test_committed_tree_equals_a_fresh_render(fresh):
    committed, rendered = tree(ROOT), tree(fresh)
    missing = sorted(set(rendered) - set(committed))
    extra = sorted(set(committed) - set(rendered))
    drift = sorted(p for p in set(rendered) & set(committed) if rendered[p] != committed[p])
    assert not (missing or extra or drift), (
        f"re-render the example inventories (make fixtures, or scripts/render_examples.py): missing {missing[:5]}, extra {extra[:5]}, drift {drift[:5]}"
    )


def test_rendering_twice_changes_nothing(fresh, tmp_path):
    before = tree(fresh)
    result = render(fresh)
    assert re.search(r"changed=0 ", result.stdout.split("PLAY RECAP")[-1]), result.stdout[-2000:]
    assert tree(fresh) == before


def test_every_environment_is_rendered(fresh):
    envs = yaml.safe_load((fresh / "helmfile.d" / "bases" / "environments.yaml").read_text())["environments"]
    assert sorted(envs) == sorted(ENVS)
    for env in ENVS:
        assert (fresh / "gitops" / env / "project.yaml").is_file()
        assert any((fresh / "gitops" / env / "apps").iterdir())


def test_the_fixture_outputs_are_whole_and_match_the_schema():
    # Written by make fixtures from real aws and cluster phases; the reader validates each file.
    for env in ENVS:
        hosts = [p for p in (FIXTURES / env).iterdir() if p.is_dir()]
        assert hosts, f"no fixture outputs for {env}: run make fixtures"
        for host in hosts:
            outputs = read_outputs(str(FIXTURES / env), host.name)
            assert set(outputs) >= {"kms", "network", "identity", "secrets", "storage", "messaging", "edge", "auth", "eks", "irsa"}, env
            assert outputs["irsa"]["roles"], env


def test_no_inventory_holds_a_copy_of_the_outputs():
    for path in (ROOT / "inventories").rglob("*.yml"):
        text = path.read_text()
        assert "gitops_outputs" not in text, path
        assert not re.search(r"arn:aws:(kms|acm|wafv2|cognito-idp|secretsmanager):", text), f"{path} hand-copies an output ARN"


def test_no_placeholder_id_in_the_committed_trees():
    for path in (ROOT / "gitops").rglob("*.yaml"):
        text = path.read_text()
        for fake in ("Ab12Cd34E", "AbCdEf", "0d9f6a1e-", "known after apply"):
            assert fake not in text, f"{path} carries {fake!r}"


def test_a_missing_output_fails_the_render_naming_the_key_and_phase(tmp_path):
    fixtures = tmp_path / "outputs"
    shutil.copytree(FIXTURES / "dev", fixtures / "dev")
    cluster = fixtures / "dev" / "dev-main" / "cluster.yml"
    doc = yaml.safe_load(cluster.read_text())
    del doc["outputs"]["irsa"]["roles"]["observability/prometheus"]
    cluster.write_text(yaml.safe_dump(doc))
    result = render(tmp_path / "tree", envs=("dev",), fixtures=fixtures, check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "outputs key 'irsa.roles.observability/prometheus' is missing" in out and "role mosaic.platform.eks_irsa" in out, out[-3000:]
