"""eks_irsa: bad input fails before any API call, each rule with its own message naming the variable and value."""

from __future__ import annotations

import pytest
from test_bad_input import run_role

BASE = {
    "platform_prefix": "p-dev",
    "platform_slug": "p",
    "platform_env": "dev",
    "platform_aws_region": "eu-west-1",
    "platform_aws_account_id": "111111111111",
    "platform_tags": {"Project": "P", "Env": "dev", "Owner": "o"},
    "eks_irsa_oidc_issuer": "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
    "eks_irsa_kms_key_arns": {"secrets": "arn:aws:kms:eu-west-1:111111111111:key/1"},
}
GOOD = {"namespace": "keda", "service_account": "keda-operator", "template": "keda", "vars": {"queues": ["jobs"]}}


def fails_before_api(tmp_path, extra, needle):
    result = run_role(tmp_path, "eks_irsa", {**BASE, **extra})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert needle in out, out
    assert "Manage the IRSA roles" not in out, "the role reached an API call"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"eks_irsa_roles": [dict(GOOD, template="admin")]}, "value of template must be one of"),
        ({"eks_irsa_roles": [{"namespace": "keda", "template": "keda"}]}, "service_account"),
        ({"eks_irsa_roles": "keda"}, "eks_irsa_roles"),
    ],
)
def test_the_argument_spec_rejects_bad_input(tmp_path, extra, needle):
    fails_before_api(tmp_path, extra, needle)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (
            {"eks_irsa_oidc_issuer": "http://oidc.example.com/id/X", "eks_irsa_roles": [GOOD]},
            "eks_irsa_oidc_issuer must be an https:// issuer URL (got 'http://oidc.example.com/id/X')",
        ),
        ({"platform_aws_account_id": "1234", "eks_irsa_roles": [GOOD]}, "eks_irsa_account_id must be 12 digits (got '1234')"),
        (
            {"eks_irsa_roles": [dict(GOOD, namespace="*")]},
            "eks_irsa_roles namespaces and service accounts must be literal Kubernetes names, no wildcards (got ['*'])",
        ),
        ({"eks_irsa_roles": [GOOD, dict(GOOD, namespace="platform")]}, "eks_irsa_roles role names must be unique"),
        ({"eks_irsa_roles": [dict(GOOD, service_account="x" * 60)]}, "must be at most 64 characters"),
    ],
)
def test_each_rule_fails_with_its_own_message(tmp_path, extra, needle):
    fails_before_api(tmp_path, extra, needle)
