"""Data flows one way: inventory -> aws -> cluster -> render (gitops) -> bootstrap, as docs/architecture.md draws it."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from dataflow import phases, picture  # noqa: E402

ORDER = ["aws", "cluster", "gitops", "bootstrap"]


def test_site_runs_the_phases_in_order():
    assert [tag for tag, _, _ in phases()] == ORDER


def test_the_architecture_doc_shows_the_generated_picture():
    assert picture() in (ROOT / "docs" / "architecture.md").read_text(), "regenerate it: scripts/dataflow.py"


def test_every_role_runs_once_per_converge():
    runs = Counter(role for _, _, roles in phases() for role in roles if role != "platform_outputs")
    assert {role: n for role, n in runs.items() if n > 1} == {}


def test_no_phase_runs_a_role_of_another_phase():
    owner = {}
    for tag, _, roles in phases():
        for role in roles:
            if role != "platform_outputs":
                assert owner.setdefault(role, tag) == tag, f"{role} runs in {owner[role]} and {tag}"
    # The aws phase is only aws_* roles; no aws_* role runs later.
    assert all(r.startswith("aws_") for r, t in owner.items() if t == "aws")
    assert not [r for r, t in owner.items() if t != "aws" and r.startswith("aws_")]


def test_each_phase_writes_its_own_outputs_file_once():
    for tag, playbook, _ in phases():
        text = (ROOT / playbook).read_text()
        writes = text.count("mosaic.platform.platform_outputs")
        assert writes == (1 if tag in ("aws", "cluster") else 0), playbook
        if tag == "cluster":
            assert "platform_outputs_phase: cluster" in text


def test_no_phase_reads_an_earlier_phase_through_facts():
    # Later phases read the outputs files through the mosaic.platform.outputs lookup, never aws_<role>_outputs facts.
    for role in ("eks_cluster", "eks_irsa", "k8s_bootstrap", "gitops"):
        for path in (ROOT / "roles" / role).rglob("*.yml"):
            text = path.read_text()
            for section in ("kms", "network", "identity", "secrets", "storage", "messaging", "edge", "audit", "access", "data", "auth", "backup"):
                assert f"aws_{section}_outputs" not in text, f"{path} reads aws_{section}_outputs"
    for playbook in ("playbooks/cluster.yml", "playbooks/gitops.yml", "playbooks/bootstrap.yml"):
        plays = yaml.safe_load((ROOT / playbook).read_text())
        assert "include_vars" not in (ROOT / playbook).read_text()
        assert all("pre_tasks" not in play for play in plays)
