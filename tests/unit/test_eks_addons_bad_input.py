"""eks_addons: each validation rule fails with its own message, naming the value, before any API call."""

from __future__ import annotations

import pytest
from test_bad_input import assert_rule_failed, assert_spec_failed, assert_validation_passed, run_role

BASE = {
    "platform_cluster_name": "p-dev-main",
    "platform_tags": {"Project": "P", "Env": "dev", "Owner": "o"},
    # Otherwise read from the cluster outputs (the mosaic.platform.outputs lookup).
    "eks_addons_irsa_roles": {"kube-system/ebs-csi-controller-sa": "arn:aws:iam::111111111111:role/p-dev-irsa-ebs-csi-controller-sa"},
}
FIRST_API_TASK = "Manage the EKS add-ons"
COREDNS = {"name": "coredns", "version": "v1.12.4-eksbuild.1"}


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"eks_addons_list": [{"name": "coredns"}]}, "version"),
        ({"eks_addons_list": [{**COREDNS, "versoin": "v1"}]}, "versoin"),
        ({"eks_addons_manage": "sometimes"}, "eks_addons_manage"),
    ],
)
def test_argument_spec_rejects_bad_input(tmp_path, extra, needle):
    assert_spec_failed(run_role(tmp_path, "eks_addons", {**BASE, **extra}), needle)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"eks_addons_list": [COREDNS, COREDNS]}, "eks_addons_list names must be unique (got ['coredns', 'coredns'])"),
        (
            {"eks_addons_list": [COREDNS, {"name": "snapshot-controller", "version": "v8.2.0-eksbuild.1"}]},
            "eks_addons_list: snapshot-controller needs aws-ebs-csi-driver, the CSI driver whose volumes it snapshots (got ['coredns', 'snapshot-controller'])",
        ),
        (
            {"eks_addons_irsa_roles": {}},
            "eks_addons_list: ['aws-ebs-csi-driver'] name a service_account with no IRSA role in eks_addons_irsa_roles "
            "(irsa.roles, written by eks_irsa) and no service_account_role_arn",
        ),
    ],
)
def test_rule_fails_with_its_own_message(tmp_path, extra, needle):
    assert_rule_failed(run_role(tmp_path, "eks_addons", {**BASE, **extra}), needle, FIRST_API_TASK)


def test_good_input_passes_every_rule(tmp_path):
    assert_validation_passed(run_role(tmp_path, "eks_addons", BASE))
