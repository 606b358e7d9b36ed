"""eks_cluster rejects bad input before any API call, naming the variable (the probe points every
AWS call at a closed port: reaching an API call would fail differently)."""

from __future__ import annotations

import pytest
from test_bad_input import run_role

BASE = {
    "platform_cluster_name": "legacyplatform-dev-main",
    "platform_aws_region": "eu-west-1",
    "platform_aws_account_id": "111111111111",
    "platform_prefix": "legacyplatform-dev",
    "platform_kubeconfig": "/nonexistent/kubeconfig",
    "platform_tags": {"Project": "P", "Env": "dev", "Owner": "o"},
    "eks_cluster_kms_key_arn": "arn:aws:kms:eu-west-1:111111111111:key/abcd-1234",
    "eks_cluster_subnets": ["subnet-a", "subnet-b"],
    "eks_cluster_node_security_groups": ["sg-0123456789abcdef0"],
    "eks_cluster_manage_access_entries": False,
    # Where the role's other defaults read the aws outputs (none there: only optional keys are read).
    "platform_outputs_dir": "/nonexistent/outputs",
}
API_TASK = "Create or converge the EKS cluster"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (
            {"eks_cluster_endpoint_public_access": True, "eks_cluster_public_access_cidrs": ["0.0.0.0/0"]},
            "eks_cluster_public_access_cidrs must never hold 0.0.0.0/0 or ::/0 (got ['0.0.0.0/0'])",
        ),
        (
            {"eks_cluster_endpoint_public_access": True, "eks_cluster_public_access_cidrs": ["::/0"]},
            "eks_cluster_public_access_cidrs must never hold 0.0.0.0/0 or ::/0 (got ['::/0'])",
        ),
        (
            {"eks_cluster_endpoint_public_access": True, "eks_cluster_public_access_cidrs": []},
            "eks_cluster_public_access_cidrs must name at least one CIDR when eks_cluster_endpoint_public_access is true",
        ),
        ({"eks_cluster_public_access_cidrs": ["10.0.0.0"]}, "eks_cluster_public_access_cidrs must be IPv4 or IPv6 CIDRs (got ['10.0.0.0'])"),
        ({"eks_cluster_endpoint_private_access": False}, "eks_cluster_endpoint_private_access or eks_cluster_endpoint_public_access must be true"),
        ({"eks_cluster_version": "1.27"}, "eks_cluster_version must be one of ['1.33', '1.34', '1.35'] (got '1.27')"),
        ({"eks_cluster_name": "-bad"}, "eks_cluster_name must start with a letter or digit"),
        ({"eks_cluster_kms_key_arn": ""}, "eks_cluster_kms_key_arn must be a KMS key ARN, the aws_kms eks key (got '')"),
        ({"eks_cluster_role_arn": "arn:aws:iam::111111111111:user/x"}, "eks_cluster_role_arn must be an IAM role ARN (got 'arn:aws:iam::111111111111:user/x')"),
        ({"eks_cluster_subnets": ["subnet-a"]}, "eks_cluster_subnets must name two subnets or more (got ['subnet-a'])"),
        (
            {"eks_cluster_nodegroups": [{"name": "a", "instance_types": ["m6i.large"], "min_size": 3, "max_size": 2, "desired_size": 2}]},
            "eks_cluster_nodegroups need min_size <= desired_size <= max_size (not so in ['a'])",
        ),
        (
            {"eks_cluster_nodegroups": [{"name": "a", "instance_types": ["m6i.large", "m6a.large"], "min_size": 1, "max_size": 2, "desired_size": 1}]},
            "eks_cluster_nodegroups[a].instance_types must list exactly one instance type",
        ),
        (
            {"eks_cluster_nodegroups": [{"name": "a", "instance_types": ["m6i.large"], "min_size": 1, "max_size": 2, "desired_size": 1}] * 2},
            "eks_cluster_nodegroups names must be unique (got ['a', 'a'])",
        ),
        ({"eks_cluster_node_security_groups": ["default"]}, "eks_cluster_node_security_groups must be security group ids, sg-... (got ['default'])"),
        (
            {
                "eks_cluster_node_security_groups": [],
                "eks_cluster_nodegroups": [{"name": "a", "instance_types": ["m6i.large"], "min_size": 1, "max_size": 2, "desired_size": 1}],
            },
            "eks_cluster_node_security_groups must name at least one security group when there are node groups",
        ),
        (
            {"eks_cluster_manage_access_entries": True, "eks_cluster_access_entries": [{"principal_arn": "arn:aws:iam::111111111111:group/ops"}]},
            "eks_cluster_access_entries principal_arn must be IAM role or user ARNs (got ['arn:aws:iam::111111111111:group/ops'])",
        ),
    ],
)
def test_eks_cluster_rejects_bad_values_before_any_api_call(tmp_path, extra, needle):
    result = run_role(tmp_path, "eks_cluster", {**BASE, **extra})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert needle in out
    assert API_TASK not in out, "the role reached an API call"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"eks_cluster_log_types": ["api", "everything"]}, "eks_cluster_log_types"),
        ({"eks_cluster_nodegroups": [{"name": "a", "instance_types": ["m6i.large"], "min_size": 1, "max_size": 2, "desired_size": 1, "size": 3}]}, "size"),
        (
            {
                "eks_cluster_nodegroups": [
                    {"name": "a", "instance_types": ["m"], "min_size": 1, "max_size": 2, "desired_size": 1, "taints": [{"key": "k", "effect": "NoSchedule"}]}
                ]
            },
            "effect",
        ),
        ({"eks_cluster_endpoint_public_access": "sometimes"}, "eks_cluster_endpoint_public_access"),
    ],
)
def test_eks_cluster_rejects_bad_types_in_argument_validation(tmp_path, extra, needle):
    result = run_role(tmp_path, "eks_cluster", {**BASE, **extra})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "Validating arguments against arg spec" in out
    assert needle in out
    assert API_TASK not in out
