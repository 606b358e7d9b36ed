"""The outputs contract: one schema, one writer per phase, one reader (module_utils/platform_outputs, the lookup)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.platform_outputs import (
    OutputsError,
    build_document,
    dump_document,
    get_output,
    load_schema,
    read_outputs,
    sections,
)

ROOT = Path(__file__).resolve().parents[2]
NETWORK = {
    "vpc_id": "vpc-1",
    "vpc_cidr": "10.40.0.0/16",
    "azs": ["eu-west-1a", "eu-west-1b"],
    "private_subnet_ids": ["subnet-1", "subnet-2"],
    "private_subnet_cidrs": ["10.40.0.0/19", "10.40.32.0/19"],
    "public_subnet_ids": [],
    "public_subnet_cidrs": [],
    "nat_gateway_ids": [],
    "node_security_group_id": "sg-nodes",
    "security_group_ids": {"postgres": "sg-pg"},
    "endpoint_security_group_id": "sg-endpoints",
    "endpoint_ids": {},
    "endpoint_cidrs": ["10.40.0.0/19"],
}
IRSA = {"roles": {"velero/velero": "arn:aws:iam::111111111111:role/p-irsa-velero"}}


def write(tmp_path, phase, facts, check=False):
    doc = build_document(facts, phase, "dev", "p-dev-main")
    path = tmp_path / "dev-main" / f"{phase}{'.check' if check else ''}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_document(doc))
    return path


def test_every_section_names_its_phase_and_role():
    owners = sections()
    assert owners["network"] == ("aws", "aws_network")
    assert owners["irsa"] == ("cluster", "eks_irsa")
    assert {phase for phase, _ in owners.values()} == {"aws", "cluster"}
    assert all((ROOT / "roles" / role).is_dir() for _, role in owners.values())


def test_a_phase_writes_only_its_own_sections():
    doc = build_document({"network": NETWORK, "irsa": IRSA}, "aws", "dev", "c")
    assert set(doc["outputs"]) == {"network"}
    assert doc["schema_version"] == 1 and doc["phase"] == "aws"


def test_an_undeclared_section_fails_before_writing():
    with pytest.raises(OutputsError, match=r"outputs \['mystery'\] are not declared in schemas/outputs.schema.json"):
        build_document({"mystery": {}}, "aws", "dev", "c")


def test_a_malformed_section_fails_naming_the_key():
    bad = dict(NETWORK, vpc_cidr="not-a-cidr")
    del bad["node_security_group_id"]
    with pytest.raises(OutputsError) as err:
        build_document({"network": bad}, "aws", "dev", "c")
    assert "outputs.network: 'node_security_group_id' is a required property" in str(err.value)
    assert "outputs.network.vpc_cidr: 'not-a-cidr' does not match" in str(err.value)


def test_the_reader_merges_the_phases(tmp_path):
    write(tmp_path, "aws", {"network": NETWORK})
    write(tmp_path, "cluster", {"irsa": IRSA})
    outputs = read_outputs(str(tmp_path), "dev-main")
    assert get_output(outputs, "network.vpc_cidr") == "10.40.0.0/16"
    assert get_output(outputs, "irsa.roles.velero/velero").endswith(":role/p-irsa-velero")


def test_a_missing_key_names_the_phase_and_role_to_run(tmp_path):
    write(tmp_path, "aws", {"network": NETWORK})
    outputs = read_outputs(str(tmp_path), "dev-main")
    with pytest.raises(OutputsError) as err:
        get_output(outputs, "irsa.roles.keda/keda-operator", str(tmp_path), "dev-main")
    message = str(err.value)
    assert "outputs key 'irsa.roles.keda/keda-operator' is missing" in message
    assert "the cluster phase writes it (role mosaic.platform.eks_irsa): run playbooks/cluster.yml" in message
    assert str(tmp_path / "dev-main" / "cluster.yml") in message


def test_an_empty_value_counts_as_missing_and_an_unknown_section_is_named():
    with pytest.raises(OutputsError, match="'auth.issuer_url' is missing"):
        get_output({"auth": {"issuer_url": ""}}, "auth.issuer_url")
    with pytest.raises(OutputsError, match="'nope' is not a section"):
        get_output({}, "nope.key")


def test_check_mode_reads_the_plan_and_marks_the_unknown(tmp_path):
    write(tmp_path, "aws", {"network": NETWORK})
    write(tmp_path, "aws", {"network": dict(NETWORK, vpc_cidr="10.99.0.0/16")}, check=True)
    assert get_output(read_outputs(str(tmp_path), "dev-main"), "network.vpc_cidr") == "10.40.0.0/16"
    planned = read_outputs(str(tmp_path), "dev-main", check_mode=True)
    assert get_output(planned, "network.vpc_cidr") == "10.99.0.0/16"
    assert get_output(planned, "kms.eks.arn", check_mode=True) == "(known after apply) kms.eks.arn"
    assert get_output(planned, "kms.eks.arn", default="", has_default=True, check_mode=True) == ""


def test_a_hand_edited_file_that_breaks_the_schema_is_refused(tmp_path):
    path = write(tmp_path, "aws", {"network": NETWORK})
    doc = yaml.safe_load(path.read_text())
    doc["outputs"]["network"]["private_subnet_ids"] = "subnet-1"
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(OutputsError, match=r"aws.yml: .*outputs.network.private_subnet_ids: 'subnet-1' is not of type 'array'"):
        read_outputs(str(tmp_path), "dev-main")


def test_a_file_of_the_wrong_phase_is_refused(tmp_path):
    path = write(tmp_path, "cluster", {"irsa": IRSA})
    path.rename(tmp_path / "dev-main" / "aws.yml")
    with pytest.raises(OutputsError, match="holds the cluster phase, expected aws"):
        read_outputs(str(tmp_path), "dev-main")


def test_the_schema_is_valid_json_schema():
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(load_schema())
    assert json.loads((ROOT / "schemas" / "outputs.schema.json").read_text())["$defs"]["outputs"]["additionalProperties"] is False


def test_the_lookup_reads_through_the_same_reader(tmp_path):
    write(tmp_path, "aws", {"network": NETWORK})
    play = tmp_path / "play.yml"
    play.write_text(
        "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
        "    - ansible.builtin.debug:\n"
        "        msg: \"{{ lookup('mosaic.platform.outputs', 'network.private_subnet_ids', host='dev-main') | to_json }}\"\n"
        "    - ansible.builtin.debug:\n"
        "        msg: \"{{ lookup('mosaic.platform.outputs', 'auth.issuer_url', host='dev-main') }}\"\n"
    )
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".collections"), ANSIBLE_NOCOLOR="1")
    result = subprocess.run(  # noqa: S603 - our own playbook
        [str(Path(sys.executable).with_name("ansible-playbook")), str(play), "-e", json.dumps({"platform_outputs_dir": str(tmp_path)})],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    out = result.stdout + result.stderr
    assert '["subnet-1", "subnet-2"]' in out, out
    assert result.returncode != 0
    assert "outputs key 'auth.issuer_url' is missing" in out and "role mosaic.platform.aws_auth" in out, out
