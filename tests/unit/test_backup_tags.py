"""docs/disaster-recovery.md names exactly the Backup tags the code sets (issue 12, item 1): the "Enrolled by" column of
the tier table against platform_backup_tiers (inventories/project.yml), the one place aws_data and aws_storage read, and
the tiers against aws_backup's plans. The converged tags themselves: tests/integration/aws_data/test_backup.py."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "disaster-recovery.md").read_text()
TIERS = yaml.safe_load((ROOT / "inventories" / "project.yml").read_text())["platform_backup_tiers"]
PLANS = [t["name"] for t in yaml.safe_load((ROOT / "roles" / "aws_backup" / "defaults" / "main.yml").read_text())["aws_backup_tiers"]]
NAMES = {"postgres": "Postgres", "opensearch": "OpenSearch"}


def _documented() -> dict:
    """{tier: (resource names, bucket purposes)} from the rows `| <tier> | ... | tag `Backup=<tier>`: <names> |`."""
    found = {}
    for tier, names in re.findall(r"^\| (\S+) \|.*\| tag `Backup=\1`: ([^|]+) \|$", DOC, re.M):
        buckets = re.search(r"S3 buckets (.+)$", names)
        purposes = set(re.findall(r"`([a-z0-9-]+)`", buckets.group(1))) if buckets else set()
        resources = {n.strip() for n in re.sub(r",? ?S3 buckets .+$", "", names).split(",") if n.strip()}
        found[tier] = (resources, purposes)
    return found


def _from_code() -> dict:
    wanted = {}
    for kind, tier in TIERS.items():
        if kind == "buckets":
            for purpose, bucket_tier in tier.items():
                wanted.setdefault(bucket_tier, (set(), set()))[1].add(purpose)
        else:
            wanted.setdefault(tier, (set(), set()))[0].add(NAMES[kind])
    return wanted


def test_the_doc_names_exactly_the_tagged_resources_per_tier():
    assert _documented() == _from_code()


def test_every_tier_the_code_tags_is_a_backup_plan():
    assert set(_from_code()) <= set(PLANS)
    assert set(_documented()) == set(PLANS)


def test_the_tagged_buckets_are_buckets_of_aws_storage():
    purposes = {b["purpose"] for b in yaml.safe_load((ROOT / "roles" / "aws_storage" / "defaults" / "main.yml").read_text())["aws_storage_buckets"]}
    assert set(TIERS["buckets"]) <= purposes


def test_the_roles_read_the_tiers_from_the_one_place():
    data = (ROOT / "roles" / "aws_data" / "defaults" / "main.yml").read_text()
    storage = (ROOT / "roles" / "aws_storage" / "defaults" / "main.yml").read_text()
    assert "platform_backup_tiers" in data and "platform_backup_tiers" in storage
    tasks = "".join(p.read_text() for p in [*(ROOT / "roles" / "aws_data" / "tasks").glob("*.yml"), *(ROOT / "roles" / "aws_storage" / "tasks").glob("*.yml")])
    assert "'Backup': '" not in tasks, "a Backup tag written in a task, not read from platform_backup_tiers"
