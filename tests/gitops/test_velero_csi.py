"""Velero's CSI snapshots of EBS volumes (issue 12, item 1): the EBS CSI driver and snapshot-controller EKS add-ons,
a VolumeSnapshotClass of ebs.csi.aws.com that Velero selects by label, and Velero's CSI feature on."""

from __future__ import annotations

import pytest
import yaml
from gitops_helpers import ENVS, ROOT, merged_values

ADDONS = yaml.safe_load((ROOT / "roles/eks_addons/defaults/main.yml").read_text())["eks_addons_list"]


@pytest.mark.parametrize("env", ENVS)
def test_a_volume_snapshot_class_of_the_ebs_driver_is_velero_s(env):
    path = ROOT / "gitops" / env / "manifests" / "velero" / "volumesnapshotclass-ebs-csi.yaml"
    vsc = yaml.safe_load(path.read_text())
    assert vsc["apiVersion"] == "snapshot.storage.k8s.io/v1"
    assert vsc["driver"] == "ebs.csi.aws.com"
    assert vsc["metadata"]["labels"]["velero.io/csi-volumesnapshot-class"] == "true"
    # The data mover copies the snapshot to the bucket; Retain would leave every EBS snapshot behind.
    assert vsc["deletionPolicy"] == "Delete"
    assert "namespace" not in vsc["metadata"]


@pytest.mark.parametrize("env", ENVS)
def test_velero_runs_with_csi_and_no_separate_csi_plugin(env):
    values = merged_values(env, "velero")
    # configuration.features of the velero chart 12.0.1 (Velero 1.18): CSI is built into Velero since 1.14, so the
    # only plugin initContainer is the AWS object store's.
    assert values["configuration"]["features"] == "EnableCSI"
    assert [c["image"].split(":")[0] for c in values["initContainers"]] == ["velero/velero-plugin-for-aws"]


def test_the_snapshot_controller_add_on_runs_beside_the_ebs_csi_driver():
    names = [a["name"] for a in ADDONS]
    assert names.index("snapshot-controller") > names.index("aws-ebs-csi-driver")
    ebs = next(a for a in ADDONS if a["name"] == "aws-ebs-csi-driver")
    assert ebs["service_account"] == "kube-system/ebs-csi-controller-sa"
    assert "service_account" not in next(a for a in ADDONS if a["name"] == "snapshot-controller")  # no IAM


@pytest.mark.parametrize("env", ENVS)
def test_every_inventory_gives_the_ebs_csi_driver_its_irsa_role(env):
    entries = yaml.safe_load((ROOT / "inventories" / env / "group_vars" / env / "eks_irsa.yml").read_text())["eks_irsa_roles"]
    assert {"namespace": "kube-system", "service_account": "ebs-csi-controller-sa", "template": "ebs-csi"} in entries
