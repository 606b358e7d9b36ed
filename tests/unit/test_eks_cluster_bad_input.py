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
        ({"eks_cluster_endpoint_public_access": True, "eks_cluster_public_access_cidrs": ["0.0.0.0/0"]}, "eks_cluster_public_access_cidrs"),
        ({"eks_cluster_endpoint_public_access": True, "eks_cluster_public_access_cidrs": ["::/0"]}, "eks_cluster_public_access_cidrs"),
        ({"eks_cluster_endpoint_public_access": True, "eks_cluster_public_access_cidrs": []}, "eks_cluster_public_access_cidrs"),
        ({"eks_cluster_version": "1.27"}, "eks_cluster_version"),
        ({"eks_cluster_kms_key_arn": ""}, "eks_cluster_kms_key_arn"),
        ({"eks_cluster_subnets": ["subnet-a"]}, "eks_cluster_subnets"),
        ({"eks_cluster_nodegroups": [{"name": "a", "instance_types": ["m6i.large"], "min_size": 3, "max_size": 2, "desired_size": 2}]}, "min_size"),
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
