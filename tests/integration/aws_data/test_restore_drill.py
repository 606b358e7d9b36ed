"""playbooks/restore_drill.yml end to end on the local stack, after the converge: every tier the emulator
supports restores and verifies, the others locate their restore point and record their restore as `manual`,
and the dated report (Markdown and JSON) carries RPO and RTO per tier against the role's targets."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime.datetime.now(datetime.UTC)
DUMP_BYTES = b"PGDMP\x01\x0e\x00" + b"drill" * 200
SNAPSHOT_UUID = "c0ffee00drill"


def run_drill(platform: dict, extra_vars: dict) -> subprocess.CompletedProcess:
    playbook = Path(sys.executable).with_name("ansible-playbook")
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), MOSAIC_WORKSPACE=str(ROOT), ANSIBLE_NOCOLOR="1")
    return subprocess.run(
        [str(playbook), "-i", str(ROOT / "inventories" / "local"), str(ROOT / "playbooks" / "restore_drill.yml"), "-e", json.dumps(extra_vars)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )


def read_report(platform: dict) -> tuple[dict, str]:
    base = platform["outputs_dir"] / "drills" / f"{NOW:%Y-%m-%d}-{platform['env']}"
    return json.loads(base.with_suffix(".json").read_text()), base.with_suffix(".md").read_text()


@pytest.fixture(scope="module")
def scratch(aws, platform) -> dict:
    """The drill's buckets, seeded with one restore point per tier.

    aws_storage's buckets carry the TLS-only policy: moto cannot evaluate aws:SecureTransport and answers 403
    to every object call under it (BRIEF.md section 4). So the restore points live in a scratch versioned
    bucket, laid out as the backup jobs write them.
    """
    bucket = f"{platform['prefix']}-drill-scratch-{platform['account']}"
    s3 = aws("s3")
    # A second verify against the same stack (while iterating) finds the bucket there.
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": platform["region"]})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    # Postgres dump contract: postgres/<db>/<UTC %Y-%m-%dT%H%M%SZ>.dump plus postgres/<db>/latest.json.
    started = NOW - datetime.timedelta(hours=1, minutes=5)
    finished = NOW - datetime.timedelta(hours=1)
    # The database aws_data publishes as data.postgres_dump.database (its default), which the drill reads.
    key = f"postgres/postgres/{started:%Y-%m-%dT%H%M%SZ}.dump"
    s3.put_object(Bucket=bucket, Key=key, Body=DUMP_BYTES)
    manifest = {"key": key, "started": f"{started:%Y-%m-%dT%H:%M:%SZ}", "finished": f"{finished:%Y-%m-%dT%H:%M:%SZ}", "bytes": len(DUMP_BYTES)}
    s3.put_object(Bucket=bucket, Key="postgres/postgres/latest.json", Body=json.dumps(manifest).encode())
    # Neo4j: the backup job's neo4j/<cluster>/<db>-<timestamp>.backup files.
    for name in ("neo4j-2026-11-28T02-00-01.backup", "neo4j-2026-11-29T02-00-01.backup", "system-2026-11-29T02-00-01.backup"):
        s3.put_object(Bucket=bucket, Key=f"neo4j/local-main/{name}", Body=name.encode() * 10)
    # OpenSearch repository: generation blobs index-<N> listing the snapshots, and each snapshot's snap-<uuid>.dat.
    domain = "drill-search"
    s3.put_object(Bucket=bucket, Key=f"{domain}/index-0", Body=json.dumps({"snapshots": [{"name": "old", "uuid": "old0", "state": 1}]}).encode())
    snapshots = [{"name": "old", "uuid": "old0", "state": 1}, {"name": "daily-latest", "uuid": SNAPSHOT_UUID, "state": 1}]
    s3.put_object(Bucket=bucket, Key=f"{domain}/index-1", Body=json.dumps({"snapshots": snapshots}).encode())
    s3.put_object(Bucket=bucket, Key=f"{domain}/snap-{SNAPSHOT_UUID}.dat", Body=b"snapshot metadata")
    # Velero: <prefix>/<cluster>/backups/<name>/velero-backup.json.
    velero_record = json.dumps({"status": {"phase": "Completed"}}).encode()
    s3.put_object(Bucket=bucket, Key="velero/local-main/backups/daily-20261129030000/velero-backup.json", Body=velero_record)
    return {
        "bucket": bucket,
        "manifest": manifest,
        "vars": {
            "restore_drill_postgres_dump_bucket": bucket,
            "restore_drill_neo4j_bucket": bucket,
            "restore_drill_opensearch_bucket": bucket,
            "restore_drill_opensearch_domain": domain,
            "restore_drill_media_bucket": bucket,
            "restore_drill_velero_bucket": bucket,
        },
    }


def test_restore_drill_runs_every_tier_and_writes_its_report(aws, platform, scratch):
    result = run_drill(platform, scratch["vars"])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    report, text = read_report(platform)
    tiers = {t["tier"]: t for t in report["tiers"]}
    assert list(tiers) == ["postgres_pitr", "postgres_dump", "neo4j", "opensearch", "media", "cluster"]
    # Restored and verified here: a pass with a measured RPO and RTO within the targets.
    for name in ("postgres_pitr", "media"):
        tier = tiers[name]
        assert tier["status"] == "pass", tier
        assert all(tier["checks"].values()) and tier["manual"] == []
        assert 0 <= tier["rpo_seconds"] <= tier["rpo_target_seconds"]
        assert 0 <= tier["rto_seconds"] <= tier["rto_target_seconds"]
    # No data plane here: the restore point is found and checked, the restore left as commands.
    for name in ("postgres_dump", "neo4j", "opensearch", "cluster"):
        tier = tiers[name]
        assert tier["status"] == "manual", tier
        assert tier["checks"] and all(tier["checks"].values()), tier
        assert tier["manual"] and tier["rto_seconds"] is None
    # The restore went into a new, named instance; the source is untouched.
    names = [d["DBInstanceIdentifier"] for d in aws("rds").describe_db_instances()["DBInstances"]]
    assert f"{platform['prefix']}-postgres" in names
    assert tiers["postgres_pitr"]["target"] == f"{platform['prefix']}-pg-drill-{report['run']}"
    # The dump's RPO is its manifest's finish time (an hour ago), the restore point the object it names.
    assert 3600 <= tiers["postgres_dump"]["rpo_seconds"] < 3600 + 900
    assert scratch["manifest"]["key"] in tiers["postgres_dump"]["restore_point"]
    assert any(c.startswith("pg_restore ") for c in tiers["postgres_dump"]["manual"])
    # The newest backup, snapshot and Velero backup are the ones picked.
    assert "neo4j-2026-11-29T02-00-01.backup" in tiers["neo4j"]["restore_point"]
    assert "snapshot daily-latest" in tiers["opensearch"]["restore_point"]
    assert any("_restore" in c for c in tiers["opensearch"]["manual"])
    assert "daily-20261129030000" in tiers["cluster"]["restore_point"]
    assert any(c.startswith("velero restore create ") and "platform:platform-drill" in c for c in tiers["cluster"]["manual"])
    assert "| postgres_pitr | Postgres (RDS) |" in text and "| PASS |" in text and "| MANUAL |" in text
    assert "FAIL" not in text
    # The scratch objects are removed: only the seeded media-free keys remain current.
    current = [o["Key"] for o in aws("s3").list_objects_v2(Bucket=scratch["bucket"]).get("Contents", [])]
    assert not any(k.startswith("restore-drill/") for k in current)


def test_restore_drill_fails_after_its_report_when_a_tier_misses_its_target(platform, scratch):
    # The seeded dump finished an hour ago: a 30-minute RPO target is missed.
    target = {"postgres_dump": {"service": "Postgres (RDS)", "restore_point": "dump", "rpo_minutes": 30, "rto_minutes": 60}}
    result = run_drill(platform, {**scratch["vars"], "restore_drill_tiers": ["postgres_dump"], "restore_drill_targets": target})
    assert result.returncode != 0
    assert "Restore drill failed for ['postgres_dump']" in " ".join((result.stdout + result.stderr).split())
    report, text = read_report(platform)
    assert [(t["tier"], t["status"]) for t in report["tiers"]] == [("postgres_dump", "fail")]
    assert report["tiers"][0]["rpo_seconds"] > report["tiers"][0]["rpo_target_seconds"] == 1800
    assert "| FAIL |" in text


def test_restore_drill_records_a_missing_restore_point_as_a_failure(platform, scratch):
    result = run_drill(platform, {**scratch["vars"], "restore_drill_tiers": ["neo4j"], "restore_drill_neo4j_prefix": "nothing-here/"})
    assert result.returncode != 0
    report, _ = read_report(platform)
    (tier,) = report["tiers"]
    assert tier["status"] == "fail" and tier["rpo_seconds"] is None
    assert "no neo4j-*.backup under s3://" in tier["note"]


def test_restore_drill_refuses_check_mode(platform):
    playbook = Path(sys.executable).with_name("ansible-playbook")
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), MOSAIC_WORKSPACE=str(ROOT), ANSIBLE_NOCOLOR="1")
    result = subprocess.run(
        [str(playbook), "--check", "-i", str(ROOT / "inventories" / "local"), str(ROOT / "playbooks" / "restore_drill.yml")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode != 0
    assert "restore_drill creates restored copies; run it without --check." in result.stdout
