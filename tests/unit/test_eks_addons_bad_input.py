"""eks_addons rejects bad input before any API call, each rule with its own message."""

from __future__ import annotations

from test_bad_input import run_role

BASE = {
    "platform_cluster_name": "legacyplatform-dev-main",
    "platform_tags": {"Project": "P", "Env": "dev", "Owner": "o"},
    "eks_addons_irsa_roles": {"kube-system/ebs-csi-controller-sa": "arn:aws:iam::111111111111:role/p-irsa-ebs-csi-controller-sa"},
}


def fails_before_api(tmp_path, extra, needle):
    result = run_role(tmp_path, "eks_addons", {**BASE, **extra})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert needle in out, out
    assert "Manage the EKS add-ons" not in out, "the role reached an API call"


def test_an_add_on_without_its_irsa_role_is_rejected(tmp_path):
    addons = [{"name": "aws-ebs-csi-driver", "version": "v1", "service_account": "kube-system/x"}]
    fails_before_api(
        tmp_path,
        {"eks_addons_list": addons},
        "eks_addons_list: ['aws-ebs-csi-driver'] name a service_account with no IRSA role in eks_addons_irsa_roles",
    )


def test_duplicate_add_ons_are_rejected(tmp_path):
    addons = [{"name": "coredns", "version": "v1"}, {"name": "coredns", "version": "v2"}]
    fails_before_api(tmp_path, {"eks_addons_list": addons}, "eks_addons_list names must be unique (got ['coredns', 'coredns'])")


def test_a_missing_version_fails_the_argument_spec(tmp_path):
    fails_before_api(tmp_path, {"eks_addons_list": [{"name": "coredns"}]}, "missing required arguments: version")
