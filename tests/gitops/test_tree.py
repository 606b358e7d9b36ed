"""The committed tree is a fresh render, rendering twice changes nothing, both outputs paths agree."""

from __future__ import annotations

import re

import yaml
from gitops_helpers import ENVS, ROOT, render, tree


def test_committed_tree_equals_a_fresh_render(fresh):
    committed, rendered = tree(ROOT), tree(fresh)
    missing = sorted(set(rendered) - set(committed))
    extra = sorted(set(committed) - set(rendered))
    drift = sorted(p for p in set(rendered) & set(committed) if rendered[p] != committed[p])
    assert not (missing or extra or drift), f"re-render the example inventories (docs/gitops.md): missing {missing[:5]}, extra {extra[:5]}, drift {drift[:5]}"


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


def test_the_outputs_file_and_the_inventory_give_the_same_tree(fresh, tmp_path):
    # Write the local inventory's gitops_outputs as an outputs file, then render from the file alone.
    dump = tmp_path / "dump.yml"
    dump.write_text(
        "- name: Dump the inventory outputs\n  hosts: all\n  gather_facts: false\n  tasks:\n"
        "    - name: Write them as the aws phase would\n      ansible.builtin.copy:\n"
        "        content: \"{{ {'environment': platform_env, 'cluster': platform_cluster_name, 'outputs': gitops_outputs}"
        ' | to_nice_yaml(sort_keys=true) }}"\n'
        f"        dest: {tmp_path}/outputs/local-main.yml\n        mode: '0640'\n"
    )
    (tmp_path / "outputs").mkdir()
    import json
    import os
    import subprocess

    from gitops_helpers import ANSIBLE_PLAYBOOK

    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"))
    subprocess.run([str(ANSIBLE_PLAYBOOK), "-i", str(ROOT / "inventories" / "local"), str(dump)], cwd=ROOT, env=env, check=True, capture_output=True)
    out = tmp_path / "from-file"
    render(out, envs=("local",), extra={"gitops_outputs_prefer_file": True, "gitops_outputs_file": str(tmp_path / "outputs" / "local-main.yml")})
    # Extra vars beat the inventory: the file is the only source in this render.
    render_empty = tmp_path / "from-file-only"
    render(
        render_empty,
        envs=("local",),
        extra={"gitops_outputs_prefer_file": True, "gitops_outputs_file": str(tmp_path / "outputs" / "local-main.yml"), "gitops_outputs": {}},
    )
    from_file = {p: t for p, t in tree(render_empty).items() if p.startswith("gitops/local/")}
    from_inventory = {p: t for p, t in tree(fresh).items() if p.startswith("gitops/local/")}
    assert from_file == from_inventory
    assert json.dumps(tree(out)) == json.dumps(tree(render_empty))
