"""eks_irsa: bad input fails before any API call, each rule with its own message naming the variable and value."""

from __future__ import annotations

import pytest
from test_bad_input import assert_rule_failed, assert_spec_failed, assert_validation_passed, run_role

BASE = {
    "platform_prefix": "p-dev",
    "platform_slug": "p",
    "platform_env": "dev",
    "platform_aws_region": "eu-west-1",
    "platform_aws_account_id": "111111111111",
    "platform_tags": {"Project": "P", "Env": "dev", "Owner": "o"},
    "eks_irsa_oidc_issuer": "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
    "eks_irsa_kms_key_arns": {"secrets": "arn:aws:kms:eu-west-1:111111111111:key/1"},
    "eks_irsa_permissions_boundary_arn": "arn:aws:iam::111111111111:policy/p-dev-permissions-boundary",
}
GOOD = {"namespace": "keda", "service_account": "keda-operator", "template": "keda", "vars": {"queues": ["jobs"]}}


FIRST_API_TASK = "Manage the IRSA roles"
JAEGER = {"namespace": "observability", "service_account": "jaeger", "template": "jaeger"}
SEARCH = {"service_account": "observability/jaeger", "index_prefix": "jaeger", "retention_days": 14, "apply": True}


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"eks_irsa_roles": [dict(GOOD, template="admin")]}, "value of template must be one of"),
        ({"eks_irsa_roles": [{"namespace": "keda", "template": "keda"}]}, "service_account"),
        ({"eks_irsa_roles": "keda"}, "eks_irsa_roles"),
    ],
)
def test_the_argument_spec_rejects_bad_input(tmp_path, extra, needle):
    assert_spec_failed(run_role(tmp_path, "eks_irsa", {**BASE, **extra}), needle)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (
            {"eks_irsa_oidc_issuer": "http://oidc.example.com/id/X", "eks_irsa_roles": [GOOD]},
            "eks_irsa_oidc_issuer must be an https:// issuer URL (got 'http://oidc.example.com/id/X')",
        ),
        ({"platform_aws_account_id": "1234", "eks_irsa_roles": [GOOD]}, "eks_irsa_account_id must be 12 digits (got '1234')"),
        (
            {"eks_irsa_permissions_boundary_arn": "arn:aws:iam::111111111111:role/x", "eks_irsa_roles": [GOOD]},
            "eks_irsa_permissions_boundary_arn must be an IAM managed policy ARN (got 'arn:aws:iam::111111111111:role/x')",
        ),
        (
            {"eks_irsa_roles": [dict(GOOD, namespace="*")]},
            "eks_irsa_roles namespaces and service accounts must be literal Kubernetes names, no wildcards (got ['*'])",
        ),
        (
            {"eks_irsa_roles": [GOOD, dict(GOOD, namespace="platform")]},
            "eks_irsa_roles role names must be unique; set name on one of (got duplicates in ['p-dev-irsa-keda-operator', 'p-dev-irsa-keda-operator'])",
        ),
        (
            {"eks_irsa_roles": [dict(GOOD, service_account="x" * 60)]},
            "eks_irsa_roles role names (p-dev-irsa-<name or service_account>) must be at most 64 characters; set a shorter name "
            f"(got ['p-dev-irsa-{'x' * 60}'])",
        ),
        (
            {"eks_irsa_roles": [GOOD, JAEGER], "eks_irsa_jaeger_search": dict(SEARCH, index_prefix="Jaeger*")},
            "eks_irsa_jaeger_search.index_prefix must be a lower-case index prefix (got 'Jaeger*')",
        ),
        (
            {"eks_irsa_roles": [GOOD, JAEGER], "eks_irsa_jaeger_search": dict(SEARCH, retention_days=0)},
            "eks_irsa_jaeger_search.retention_days must be 1..3650 (got 0)",
        ),
        (
            {"eks_irsa_roles": [GOOD], "eks_irsa_jaeger_search": SEARCH},
            "eks_irsa_jaeger_search.service_account must be the <namespace>/<service account> of an entry of eks_irsa_roles (got 'observability/jaeger')",
        ),
    ],
)
def test_each_rule_fails_with_its_own_message(tmp_path, extra, needle):
    assert_rule_failed(run_role(tmp_path, "eks_irsa", {**BASE, **extra}), needle, FIRST_API_TASK)


def test_good_input_passes_every_rule(tmp_path):
    roles = [GOOD, dict(GOOD, namespace="platform", service_account="keda-operator", name="platform-keda"), JAEGER]
    assert_validation_passed(run_role(tmp_path, "eks_irsa", {**BASE, "eks_irsa_roles": roles}))
