"""playbooks/iam_review.yml on moto: a deliberately bad role (wildcard statement, foreign trust, no boundary, and
unused with a zero-day window) is flagged and fails the run, while a role with the boundary is not; the dated report
lands in the audit bucket and the run in CloudWatch (Mosaic/Audits AuditRuns)."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
import yaml
from test_aws_cost import run_playbook


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def probe(aws, platform):
    """A bad and a good role, the boundary policy, and a bucket standing in for the audit bucket (the scenario's
    converge has no storage role; the log bucket's TLS-only policy would make moto refuse object calls)."""
    iam, s3 = aws("iam"), aws("s3")
    tag = uuid.uuid4().hex[:8]
    boundary = iam.create_policy(PolicyName=f"review-boundary-{tag}", PolicyDocument=doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))[
        "Policy"
    ]["Arn"]
    bad, good = f"review-bad-{tag}", f"review-good-{tag}"
    iam.create_role(
        RoleName=bad,
        AssumeRolePolicyDocument=doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}),
    )
    iam.put_role_policy(RoleName=bad, PolicyName="all", PolicyDocument=doc({"Effect": "Allow", "Action": "*", "Resource": "*"}))
    iam.create_role(
        RoleName=good,
        AssumeRolePolicyDocument=doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}),
        PermissionsBoundary=boundary,
    )
    bucket = f"review-audit-{tag}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": platform["region"]})
    yield {"bad": bad, "good": good, "boundary": boundary, "bucket": bucket}
    iam.delete_role_policy(RoleName=bad, PolicyName="all")
    for name in (bad, good):
        iam.delete_role(RoleName=name)
    iam.delete_policy(PolicyArn=boundary)
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        s3.delete_object(Bucket=bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=bucket)


def test_iam_review_flags_the_bad_role(aws, probe, tmp_path, platform):
    result = run_playbook(
        "playbooks/iam_review.yml",
        "-e",
        json.dumps(
            {
                "aws_audit_report_bucket": probe["bucket"],
                "aws_audit_iam_review_boundary_arn": probe["boundary"],
                "aws_audit_iam_review_unused_days": 0,
                "aws_audit_iam_review_fail_on": ["wildcard_statement", "no_permissions_boundary"],
                "aws_audit_report_dir": str(tmp_path),
            }
        ),
    )
    out = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, out
    assert f"{probe['bad']}: wildcard_statement" in out and f"{probe['bad']}: no_permissions_boundary" in out
    assert f"{probe['good']}:" not in out

    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    report = yaml.safe_load((tmp_path / f"iam-review-{date}.yml").read_text())
    flagged = {r["role"]: sorted(f["kind"] for f in r["findings"]) for r in report["review"]["flagged"]}
    assert flagged[probe["bad"]] == ["cross_account_trust", "no_permissions_boundary", "unused_role", "wildcard_statement"]
    # A zero-day window calls every role unused, the good one too; nothing else flags it.
    assert flagged[probe["good"]] == ["unused_role"]

    s3 = aws("s3")
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=probe["bucket"]).get("Contents", [])}
    assert keys == {f"audits/iam-review/{date}/iam-review-{date}.md", f"audits/iam-review/{date}/iam-review-{date}.yml"}
    markdown = s3.get_object(Bucket=probe["bucket"], Key=f"audits/iam-review/{date}/iam-review-{date}.md")["Body"].read().decode()
    assert f"### {probe['bad']}" in markdown and "trusts arn:aws:iam::999999999999:root" in markdown and "**FAIL**" in markdown

    dimensions = [{"Name": "Audit", "Value": "iam-review"}, {"Name": "Env", "Value": platform["env"]}]
    metrics = aws("cloudwatch").list_metrics(Namespace="Mosaic/Audits", MetricName="AuditRuns", Dimensions=dimensions)["Metrics"]
    assert metrics, "the run left no AuditRuns data point"
