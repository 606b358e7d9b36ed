"""playbooks/restore_drill.yml end to end on the local stack, after the converge: Postgres PITR into a
new instance and an S3 object-version restore verify, and the dated report is written."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_restore_drill_runs_and_writes_its_report(aws, platform):
    playbook = Path(sys.executable).with_name("ansible-playbook")
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), MOSAIC_WORKSPACE=str(ROOT), ANSIBLE_NOCOLOR="1")
    # The drill's default bucket (graph-backups) is aws_storage's, with the TLS-only bucket policy:
    # moto cannot evaluate aws:SecureTransport and answers 403 to every object call under it
    # (BRIEF.md section 4). The object-version restore runs in a scratch versioned bucket instead.
    scratch = f"{platform['prefix']}-drill-scratch-{platform['account']}"
    s3 = aws("s3")
    s3.create_bucket(Bucket=scratch, CreateBucketConfiguration={"LocationConstraint": platform["region"]})
    s3.put_bucket_versioning(Bucket=scratch, VersioningConfiguration={"Status": "Enabled"})
    result = subprocess.run(
        [
            str(playbook),
            "-i",
            str(ROOT / "inventories" / "local"),
            str(ROOT / "playbooks" / "restore_drill.yml"),
            "-e",
            f"drill_s3_bucket={scratch}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    report = platform["outputs_dir"] / "drills" / f"{date}-{platform['env']}.md"
    assert report.exists()
    text = report.read_text()
    assert "| critical | Postgres (RDS point-in-time restore) |" in text and "| PASS |" in text
    assert "FAIL" not in text
    assert "velero restore create" in text and "_snapshot/s3-snapshots" in text
    # The restore went into a new, named instance; the source is untouched.
    names = [d["DBInstanceIdentifier"] for d in aws("rds").describe_db_instances()["DBInstances"]]
    assert f"{platform['prefix']}-postgres" in names
    assert f"`{platform['prefix']}-pg-drill-" in text
