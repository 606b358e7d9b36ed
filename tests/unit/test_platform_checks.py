"""The shared Jinja tests: mosaic.platform.aws_arn (every kind) and mosaic.platform.tag_standard."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleError
from ansible_collections.mosaic.platform.plugins.module_utils.arn_patterns import ARN_KINDS, ARN_PATTERNS, arn_regex, is_arn
from ansible_collections.mosaic.platform.plugins.test.platform_checks import TestModule as PlatformChecks
from ansible_collections.mosaic.platform.plugins.test.platform_checks import aws_arn, tag_standard

ACCOUNT = "123456789012"

# Per kind: ARNs that must match, then values that must not.
CASES = {
    "acm_certificate": (
        [f"arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/0e4f9f6b-7a1f-4e2a-9a0e-2b0f1d1f3c11"],
        [f"arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/", f"arn:aws:acm::{ACCOUNT}:certificate/abc", "arn:aws:acm:eu-west-1:1234:certificate/abc"],
    ),
    "iam_policy": (
        [f"arn:aws:iam::{ACCOUNT}:policy/p-permissions-boundary"],
        [f"arn:aws:iam::{ACCOUNT}:role/p-ops", f"arn:aws:iam::{ACCOUNT}:policy/", f"arn:aws:iam::{ACCOUNT}:policy/a b"],
    ),
    "iam_role": (
        [f"arn:aws:iam::{ACCOUNT}:role/p-ops", f"arn:aws-us-gov:iam::{ACCOUNT}:role/service-role/p+x=y,z.a@b-c"],
        [f"arn:aws:iam::{ACCOUNT}:user/alice", f"arn:aws:iam::{ACCOUNT}:role/", f"arn:aws:iam:eu-west-1:{ACCOUNT}:role/x", f"arn:aws:iam::{ACCOUNT}:role/a b"],
    ),
    "iam_role_or_user": (
        [f"arn:aws:iam::{ACCOUNT}:role/p-ops", f"arn:aws:iam::{ACCOUNT}:user/alice"],
        [f"arn:aws:iam::{ACCOUNT}:group/admins", f"arn:aws:sts::{ACCOUNT}:assumed-role/p-ops/session"],
    ),
    "kms_key": (
        [f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555", f"arn:aws-cn:kms:cn-north-1:{ACCOUNT}:key/k"],
        [f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/p-data", "arn:aws:kms:", "alias/p-data", f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/"],
    ),
    "lambda_function": (
        [f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:rotate", f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:rotate:$LATEST"],
        [f"arn:aws:lambda:eu-west-1:{ACCOUNT}:layer:x", "arn:aws:lambda:eu-west-1:1:function:r", f"arn:aws:iam::{ACCOUNT}:role/x"],
    ),
    "opensearch_domain": (
        [f"arn:aws:es:eu-west-1:{ACCOUNT}:domain/p-search"],
        [f"arn:aws:es:eu-west-1:{ACCOUNT}:domain/P-Search", f"arn:aws:es:eu-west-1:{ACCOUNT}:domain/p-search/*", f"arn:aws:es:eu-west-1:{ACCOUNT}:domain/ab"],
    ),
    "s3_bucket": (
        ["arn:aws:s3:::aws-waf-logs-p-prod-123456789012", "arn:aws:s3:::p.logs"],
        ["arn:aws:s3:::p-logs/*", "arn:aws:s3:::*", f"arn:aws:s3:eu-west-1:{ACCOUNT}:p-logs", "arn:aws:s3:::UPPER"],
    ),
    "secretsmanager_secret": (
        [f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:p/prod/db-AbCdEf"],
        [f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:", f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/p/prod/db"],
    ),
    "sns_topic": (
        [f"arn:aws:sns:eu-west-1:{ACCOUNT}:p-alerts", f"arn:aws:sns:eu-west-1:{ACCOUNT}:{'t' * 256}"],
        [
            f"arn:aws:sns:eu-west-1:{ACCOUNT}:p-alerts:0e4f9f6b-7a1f-4e2a-9a0e-2b0f1d1f3c11",
            f"arn:aws:sns:eu-west-1:{ACCOUNT}:{'t' * 257}",
            f"arn:aws:sqs:eu-west-1:{ACCOUNT}:p-alerts",
        ],
    ),
    "sqs_queue": (
        [f"arn:aws:sqs:eu-west-1:{ACCOUNT}:p-jobs", f"arn:aws:sqs:eu-west-1:{ACCOUNT}:p-jobs.fifo"],
        [f"arn:aws:sqs:eu-west-1:{ACCOUNT}:p.jobs", f"arn:aws:sqs:eu-west-1:{ACCOUNT}:{'q' * 81}", f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/p-jobs"],
    ),
}
NOT_STRINGS = [None, 42, ["arn:aws:s3:::p-logs"], {"arn": "arn:aws:s3:::p-logs"}]


def test_every_kind_has_cases():
    assert set(CASES) == set(ARN_PATTERNS) == set(ARN_KINDS)


@pytest.mark.parametrize(("kind", "value"), [(k, v) for k, (good, _) in CASES.items() for v in good])
def test_aws_arn_accepts(kind, value):
    assert aws_arn(value, kind) is True


def _rejected():
    for kind, (good, bad) in CASES.items():
        # Anchored at both ends: a good ARN with a leading space or a trailing newline fails.
        for value in [*bad, *NOT_STRINGS, "", " " + good[0], good[0] + "\n"]:
            yield kind, value


@pytest.mark.parametrize(("kind", "value"), list(_rejected()))
def test_aws_arn_rejects(kind, value):
    assert aws_arn(value, kind) is False


def test_a_region_and_an_account_pin_the_arn():
    key = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k"
    assert aws_arn(key, "kms_key", region="eu-west-1", account=ACCOUNT)
    assert not aws_arn(key, "kms_key", region="eu-central-1")
    assert not aws_arn(key, "kms_key", account="210987654321")
    assert aws_arn(f"arn:aws:iam::{ACCOUNT}:role/x", "iam_role", account=ACCOUNT)


@pytest.mark.parametrize(
    ("kind", "kwargs", "needle"),
    [
        ("kms", {}, "unknown ARN kind 'kms'"),
        ("iam_role", {"region": "eu-west-1"}, "iam_role ARNs carry no region"),
        ("s3_bucket", {"account": ACCOUNT}, "s3_bucket ARNs carry no account"),
    ],
)
def test_a_bad_kind_or_constraint_is_an_error(kind, kwargs, needle):
    with pytest.raises(AnsibleError, match=needle):
        aws_arn("arn:aws:s3:::p-logs", kind, **kwargs)


def test_the_unknown_kind_error_lists_the_kinds():
    with pytest.raises(ValueError, match="known kinds: acm_certificate, iam_policy, iam_role"):
        arn_regex("nope")
    assert is_arn(f"arn:aws:sqs:eu-west-1:{ACCOUNT}:p-jobs", "sqs_queue")


@pytest.mark.parametrize(
    "tags",
    [
        {"Project": "P", "Env": "prod", "Owner": "o", "Component": "security"},
        {"Project": "P", "Env": "prod", "Owner": "o", "Component": "security", "Extra": "x"},
    ],
)
def test_tag_standard_accepts(tags):
    assert tag_standard(tags) is True


@pytest.mark.parametrize(
    "tags",
    [
        {"Project": "P", "Env": "prod", "Owner": "o"},
        {"project": "P", "env": "prod", "owner": "o", "component": "c"},
        {},
        ["Project", "Env", "Owner", "Component"],
        "Project,Env,Owner,Component",
        None,
    ],
)
def test_tag_standard_rejects(tags):
    assert tag_standard(tags) is False


def test_tag_standard_takes_other_keys():
    assert tag_standard({"Project": "P", "CostCenter": "1"}, ["Project", "CostCenter"])
    assert not tag_standard({"Project": "P"}, ["Project", "CostCenter"])


def test_the_plugin_exports_both_tests():
    assert PlatformChecks().tests() == {"aws_arn": aws_arn, "tag_standard": tag_standard}


PLAYBOOK = """
- name: Use the shared tests by FQCN
  hosts: localhost
  gather_facts: false
  vars:
    arn: arn:aws:iam::123456789012:role/p-ops
    tag_map: {Project: P}
  tasks:
    - name: Check the tests as the roles use them
      ansible.builtin.assert:
        that:
          - arn is mosaic.platform.aws_arn('iam_role')
          - arn is not mosaic.platform.aws_arn('kms_key')
          - arn is mosaic.platform.aws_arn('iam_role', account='123456789012')
          - ([arn, 'x'] | reject('mosaic.platform.aws_arn', 'iam_role') | list) == ['x']
          - tag_map is not mosaic.platform.tag_standard
          - tag_map is mosaic.platform.tag_standard(['Project'])
    - name: Fail on an unknown kind
      ansible.builtin.debug:
        msg: "{{ arn is mosaic.platform.aws_arn('kms') }}"
"""


def test_the_tests_work_in_a_playbook(tmp_path):
    """Through Ansible's templar, by FQCN, as the roles call them."""
    from test_bad_input import run_playbook

    playbook = tmp_path / "checks.yml"
    playbook.write_text(PLAYBOOK)
    result = run_playbook(playbook, {})
    out = result.stdout + result.stderr
    assert "All assertions passed" in out, out
    assert "unknown ARN kind 'kms'" in out, out
    assert result.returncode != 0
