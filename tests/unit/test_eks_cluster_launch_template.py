"""eks_cluster's node launch templates against an in-process moto server (moto has launch templates):
IMDSv2 required with one hop, the network's node security group and the EKS cluster security group,
a --check run on a clean account creates nothing, and a second run changes nothing. The new node group
rules fail before any API call with their own message.
"""

from __future__ import annotations

import re

import boto3
import pytest
from test_aws_data_inputs import moto_endpoint, run_role_play  # noqa: F401 (fixture)
from test_bad_input import run_role

CLUSTER = "p-test-main"
NODE_SG = "sg-0123456789abcdef0"
CLUSTER_SG = "sg-0fedcba9876543210"
NODEGROUPS = [
    {"name": "system", "instance_types": ["m6i.large"], "min_size": 2, "max_size": 4, "desired_size": 2},
    {"name": "workloads", "instance_types": ["m6i.xlarge"], "min_size": 1, "max_size": 4, "desired_size": 2, "disk_size": 80},
]
VARS = {
    "platform_prefix": "p-test",
    "platform_aws_region": "eu-west-1",
    "platform_aws_account_id": "123456789012",
    "platform_cluster_name": CLUSTER,
    "platform_kubeconfig": "/nonexistent/kubeconfig",
    "platform_tags": {"Project": "P", "Env": "test", "Owner": "o"},
    "eks_cluster_nodegroups": NODEGROUPS,
    "eks_cluster_manage_access_entries": False,
    # What the role otherwise reads from the aws outputs (the mosaic.platform.outputs lookup).
    "eks_cluster_subnets": ["subnet-a", "subnet-b"],
    "eks_cluster_node_security_groups": [NODE_SG],
    "eks_cluster_kms_key_arn": "arn:aws:kms:eu-west-1:123456789012:key/e",
    "platform_outputs_dir": "/nonexistent/outputs",
    # What eks_cluster_config returned for the cluster (snake_case), as cluster.yml registers it.
    "__eks_cluster": {
        "cluster": {"arn": f"arn:aws:eks:eu-west-1:123456789012:cluster/{CLUSTER}", "resources_vpc_config": {"cluster_security_group_id": CLUSTER_SG}}
    },
}

PLAY = """
- name: The node launch templates of eks_cluster
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/amazon.aws.aws:
      endpoint_url: "{endpoint}"
      region: eu-west-1
  tasks:
    - name: Manage the launch templates
      ansible.builtin.include_role:
        name: mosaic.platform.eks_cluster
        tasks_from: launch_templates
"""


def _ec2(endpoint):
    return boto3.client("ec2", region_name="eu-west-1", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106


def _changed(out: str) -> int:
    return int(re.search(r"localhost\s+: ok=\d+\s+changed=(\d+)", out).group(1))


def _templates(ec2):
    return {t["LaunchTemplateName"]: t for t in ec2.describe_launch_templates()["LaunchTemplates"]}


def test_launch_templates_check_converge_again(tmp_path, moto_endpoint):  # noqa: F811
    playbook = tmp_path / "lt.yml"
    playbook.write_text(PLAY.format(endpoint=moto_endpoint))
    ec2 = _ec2(moto_endpoint)

    check = run_role_play(playbook, VARS, check=True)
    assert check.returncode == 0, check.stdout[-3000:]
    assert _changed(check.stdout) == 1 and _templates(ec2) == {}, "the --check run created a launch template"

    first = run_role_play(playbook, VARS)
    assert first.returncode == 0, first.stdout[-3000:]
    assert _changed(first.stdout) == 2  # the templates, then their tags
    templates = _templates(ec2)
    assert set(templates) == {f"{CLUSTER}-system", f"{CLUSTER}-workloads"}

    for name, nodegroup in [("system", NODEGROUPS[0]), ("workloads", NODEGROUPS[1])]:
        template = templates[f"{CLUSTER}-{name}"]
        (version,) = ec2.describe_launch_template_versions(LaunchTemplateId=template["LaunchTemplateId"])["LaunchTemplateVersions"]
        data = version["LaunchTemplateData"]
        assert data["MetadataOptions"]["HttpTokens"] == "required"
        assert data["MetadataOptions"]["HttpPutResponseHopLimit"] == 1
        assert data["MetadataOptions"]["HttpEndpoint"] == "enabled"
        assert data["SecurityGroupIds"] == [NODE_SG, CLUSTER_SG]
        assert data["InstanceType"] == nodegroup["instance_types"][0]
        described = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [template["LaunchTemplateId"]]}])["Tags"]
        tags = {t["Key"]: t["Value"] for t in described}
        assert tags["Component"] == "cluster" and tags["Name"] == f"{CLUSTER}-{name}"
    (workloads,) = ec2.describe_launch_template_versions(LaunchTemplateName=f"{CLUSTER}-workloads")["LaunchTemplateVersions"]
    (root,) = workloads["LaunchTemplateData"]["BlockDeviceMappings"]
    assert root["Ebs"]["VolumeSize"] == 80 and root["Ebs"]["Encrypted"] is True

    again = run_role_play(playbook, VARS)
    assert again.returncode == 0, again.stdout[-3000:]
    assert _changed(again.stdout) == 0, "the second run changed a launch template"
    check_again = run_role_play(playbook, VARS, check=True)
    assert _changed(check_again.stdout) == 0


def test_a_changed_security_group_makes_a_new_default_version(tmp_path, moto_endpoint):  # noqa: F811
    playbook = tmp_path / "lt.yml"
    playbook.write_text(PLAY.format(endpoint=moto_endpoint))
    assert run_role_play(playbook, VARS).returncode == 0
    moved = {**VARS, "eks_cluster_node_security_groups": ["sg-0aaaaaaaaaaaaaaaa"]}
    result = run_role_play(playbook, moved)
    assert result.returncode == 0 and _changed(result.stdout) == 1
    template = _templates(_ec2(moto_endpoint))[f"{CLUSTER}-system"]
    assert template["LatestVersionNumber"] == 2 and template["DefaultVersionNumber"] == 2


def test_cluster_yml_passes_the_launch_template_to_the_node_groups():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "roles/eks_cluster/tasks/cluster.yml").read_text()
    block = text[text.index("community.aws.eks_nodegroup:") :].split("\n    - name:")[0]
    assert "launch_template:" in block
    assert "instance_types:" not in block and "disk_size:" not in block and "ami_type:" not in block


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (
            {"eks_cluster_nodegroups": [dict(NODEGROUPS[1], instance_types=["m6i.xlarge", "m6a.xlarge"])]},
            "eks_cluster_nodegroups[workloads].instance_types must list exactly one instance type",
        ),
        ({"eks_cluster_node_security_groups": []}, "eks_cluster_node_security_groups must name at least one security group when there are node groups"),
        ({"eks_cluster_node_security_groups": ["nodes"]}, "eks_cluster_node_security_groups must be security group ids, sg-... (got ['nodes'])"),
    ],
)
def test_bad_node_group_input_fails_with_its_own_message(tmp_path, extra, needle):
    result = run_role(tmp_path, "eks_cluster", {**VARS, **extra})
    out = result.stdout + result.stderr
    assert result.returncode != 0, out[-3000:]
    assert needle in out, out[-3000:]
    assert "Create or converge the EKS cluster" not in out, "the role reached an API call"


def test_every_node_group_gets_the_imdsv2_template_built_for_it():
    """Each node group of eks_cluster_nodegroups names the template launch_templates.yml builds for it, and the
    template's metadata options are fixed in the task (IMDSv2 only, one hop), not read from a variable a
    node group or an inventory could set."""
    from pathlib import Path

    import yaml

    tasks = Path(__file__).resolve().parents[2] / "roles/eks_cluster/tasks"
    [template_task] = [t for t in yaml.safe_load((tasks / "launch_templates.yml").read_text()) if "amazon.aws.ec2_launch_template" in t]
    block = next(t for t in yaml.safe_load((tasks / "cluster.yml").read_text()) if "block" in t)["block"]
    [nodegroup_task] = [t for t in block if "community.aws.eks_nodegroup" in t]
    template = template_task["amazon.aws.ec2_launch_template"]
    nodegroup = nodegroup_task["community.aws.eks_nodegroup"]
    assert template_task["loop"] == nodegroup_task["loop"] == "{{ eks_cluster_nodegroups }}"
    assert template_task["loop_control"]["loop_var"] == nodegroup_task["loop_control"]["loop_var"]
    assert nodegroup["launch_template"]["name"] == template["template_name"]
    assert template["metadata_options"] == {"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 1}
    assert template["default_version"] == "latest"
