"""The committed trees are a fresh render of the example inventories from their fixture outputs; rendering twice
changes nothing; no inventory copies an output and no tree carries a placeholder."""

from __future__ import annotations

import re
import shutil

import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.platform_outputs import read_outputs
from gitops_helpers import ENVS, FIXTURES, ROOT, render, tree
from render_examples import documented_graph, graph_block


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


def test_check_diff_shows_each_change_and_writes_nothing(fresh, tmp_path):
    root = tmp_path / "tree"
    shutil.copytree(fresh, root)
    edited = root / "gitops" / "dev" / "apps" / "keda.yaml"
    edited.write_text(edited.read_text().replace("selfHeal: true", "selfHeal: false"))
    stale = root / "gitops" / "dev" / "apps" / "retired.yaml"
    stale.write_text("---\n{}\n")
    before = tree(root)
    result = render(root, envs=("dev",), options=("--check", "--diff"))
    out = result.stdout
    assert "--- before: gitops/dev/apps/keda.yaml" in out, out[-3000:]
    assert "-      selfHeal: false" in out and "+      selfHeal: true" in out, out[-3000:]
    assert "--- before: gitops/dev/apps/retired.yaml" in out, out[-3000:]
    assert re.search(r"dev-main +: ok=\d+ +changed=1 ", out), out[-2000:]
    assert tree(root) == before, "--check wrote to the tree"


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


def test_the_base_values_do_not_depend_on_the_environment(fresh, tmp_path):
    # Every environment of a tree shares gitops/base/: an environment rendered alone writes the very base files
    # the four rendered together do (local runs ingress-nginx without HA, prod traefik with HA).
    together = tree(fresh)
    for env in ("local", "prod"):
        render(tmp_path / env, envs=(env,))
        alone = tree(tmp_path / env)
        base = {p: text for p, text in alone.items() if p.startswith("gitops/base/")}
        assert base, env
        assert base == {p: together[p] for p in base}, env


def test_base_values_leave_only_when_no_environment_lists_them(fresh, tmp_path):
    root = tmp_path / "tree"
    shutil.copytree(fresh, root)
    stale = root / "gitops" / "base" / "values" / "retired.yaml"
    stale.write_text("---\n{}\n")
    render(root, envs=("dev",))
    assert not stale.exists()
    # ingress-nginx runs in local only: a render of dev alone keeps local's base file.
    assert (root / "gitops" / "base" / "values" / "ingress-nginx.yaml").is_file()
    assert tree(root) == tree(fresh)


def test_the_documented_dependency_graph_is_the_catalogs():
    assert documented_graph() == graph_block(), "the add-on graph in docs/gitops.md is stale: run make render"
