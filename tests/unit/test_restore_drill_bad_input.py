"""restore_drill: the argument spec and each validation rule fail with their own message, before any API call."""

from __future__ import annotations

import pytest
import yaml
from test_bad_input import ROOT, assert_rule_failed, assert_spec_failed, assert_validation_passed, run_role

TARGETS = yaml.safe_load((ROOT / "roles" / "restore_drill" / "defaults" / "main.yml").read_text())["restore_drill_targets"]
FIRST_API_TASK = "Read the source Postgres instance"


@pytest.fixture
def base(tmp_path) -> dict:
    # The role's defaults read the outputs file: the probe passes every value they would look up.
    return {
        "platform_prefix": "p-local",
        "platform_env": "local",
        "platform_aws_region": "eu-west-1",
        "platform_aws_account_id": "123456789012",
        "platform_tags": {"Project": "P", "Env": "local", "Owner": "o"},
        "restore_drill_report_dir": str(tmp_path / "drills"),
        "restore_drill_postgres_source": "p-local-postgres",
        "restore_drill_postgres_dump_bucket": "p-local-backups-123456789012",
        "restore_drill_postgres_dump_databases": ["postgres"],
        "restore_drill_neo4j_bucket": "p-local-graph-backups-123456789012",
        "restore_drill_opensearch_domain": "p-local-search",
        "restore_drill_opensearch_bucket": "p-local-search-snapshots-123456789012",
        "restore_drill_media_bucket": "p-local-media-123456789012",
        "restore_drill_media_region": "eu-west-1",
        "restore_drill_tiers": ["postgres_pitr"],
    }


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"restore_drill_tiers": ["postgres", "media"]}, "restore_drill_tiers"),
        ({"restore_drill_targets": "fast"}, "restore_drill_targets"),
        ({"restore_drill_keep_restored": "sometimes"}, "restore_drill_keep_restored"),
        ({"restore_drill_velero_namespaces": {"platform": 1}}, "restore_drill_velero_namespaces"),
    ],
)
def test_argument_spec_rejects_bad_input(tmp_path, base, extra, needle):
    assert_spec_failed(run_role(tmp_path, "restore_drill", {**base, **extra}), needle)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"restore_drill_tiers": []}, "restore_drill_tiers must name at least one tier (got [])"),
        ({"restore_drill_tiers": ["media", "media"]}, "restore_drill_tiers must be unique (got ['media'] more than once)"),
        (
            {"restore_drill_targets": {"postgres_pitr": TARGETS["postgres_pitr"]}, "restore_drill_tiers": ["postgres_pitr", "media"]},
            "restore_drill_targets must hold a target for every tier of restore_drill_tiers (missing ['media'])",
        ),
        (
            {"restore_drill_targets": {**TARGETS, "media": {**TARGETS["media"], "rto_minutes": 0}}},
            "restore_drill_targets rpo_minutes and rto_minutes must be positive integers (got {'media': [1440, 0]})",
        ),
        ({"platform_aws_account_id": "1234"}, "restore_drill_account_id must be 12 digits (got '1234')"),
        ({"restore_drill_tags": {"Project": "P"}}, "restore_drill_tags must carry Project, Env, Owner and Component (got {'Project': 'P'})"),
        (
            {"restore_drill_postgres_dump_databases": ["App-DB"]},
            "restore_drill_postgres_dump_databases must match ^[a-z_][a-z0-9_]{0,62}$ (got ['App-DB'])",
        ),
        (
            {"restore_drill_velero_namespaces": ["n" * 58]},
            f"restore_drill_velero_namespaces must be DNS labels of at most 57 characters, so <namespace>-drill is one (got ['{'n' * 58}'])",
        ),
    ],
)
def test_rule_fails_with_its_own_message(tmp_path, base, extra, needle):
    assert_rule_failed(run_role(tmp_path, "restore_drill", {**base, **extra}), needle, FIRST_API_TASK)


def test_good_input_passes_every_rule(tmp_path, base):
    assert_validation_passed(run_role(tmp_path, "restore_drill", base))
