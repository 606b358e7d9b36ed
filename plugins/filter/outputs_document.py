# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: outputs_document
short_description: Build and validate the outputs document one phase writes
version_added: 0.1.0
description:
  - Keeps the sections of O(_input) that the schema (C(schemas/outputs.schema.json)) assigns to O(phase), validates the
    document against the schema, and returns it as YAML text. A section the schema does not declare, or a key of the
    wrong type, fails the run before anything is written.
options:
  _input:
    description: Sections published in this run, C({kms, network, ..., eks, irsa}) (the C(aws_<section>_outputs) facts).
    type: dict
    required: true
  phase:
    description: The phase that writes the document.
    type: str
    choices: [aws, cluster]
    required: true
  environment:
    description: The environment (C(platform_env)).
    type: str
    required: true
  cluster:
    description: The cluster (C(platform_cluster_name)).
    type: str
    required: true
  previous:
    description: The sections the phase's file holds now; the sections of O(_input) replace theirs, the others are kept.
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Write the aws phase outputs
  ansible.builtin.copy:
    content: "{{ __sections | mosaic.platform.outputs_document(phase='aws', environment='prod', cluster='mosaic-prod') }}"
    dest: .outputs/prod/mosaic-prod/aws.yml
    mode: "0640"
"""

RETURN = r"""
_value:
  description: The validated document as YAML text.
  type: str
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.platform_outputs import OutputsError, build_document, dump_document


def outputs_document(sections, phase, environment, cluster, previous=None):
    try:
        return dump_document(build_document(dict(sections or {}), phase, environment, cluster, previous=dict(previous or {})))
    except OutputsError as exc:
        raise AnsibleFilterError(f"mosaic.platform.outputs_document: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"outputs_document": outputs_document}
