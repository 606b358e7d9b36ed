# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: outputs
short_description: Read a key of the outputs earlier phases wrote (the one reader of the outputs contract)
version_added: 0.1.0
description:
  - Reads C(<dir>/<host>/aws.yml) and C(<dir>/<host>/cluster.yml), validates each against the collection's
    C(schemas/outputs.schema.json), and returns the value of every dotted key given as a term.
  - A missing file, a missing key or an empty value fails with a message that names the key and the phase and role
    that write it, unless O(default) is given.
  - In check mode a C(<phase>.check.yml) written by the same C(--check) run is preferred, so a plan on a clean account
    reads what it would publish; a key only a real run can publish reads as the text C((known after apply) <key>)
    (an empty mapping or list where the schema declares one).
options:
  _terms:
    description: Dotted keys, such as C(network.vpc_cidr) or C(irsa.roles.velero/velero); C(*) returns every section.
    required: true
    type: list
    elements: str
  dir:
    description: The environment's outputs directory (default the C(platform_outputs_dir) variable).
    type: path
  host:
    description: The inventory host (one per cluster) whose outputs to read (default the C(inventory_hostname) variable).
    type: str
  phases:
    description: The phases to read.
    type: list
    elements: str
    default: [aws, cluster]
  default:
    description: Returned for a missing key instead of failing (for optional outputs only).
    type: raw
"""

EXAMPLES = r"""
- name: Read the VPC CIDR the aws phase published
  ansible.builtin.debug:
    msg: "{{ lookup('mosaic.platform.outputs', 'network.vpc_cidr') }}"

- name: Read an optional key
  ansible.builtin.debug:
    msg: "{{ lookup('mosaic.platform.outputs', 'access.sso_roles.ops', default='') }}"
"""

RETURN = r"""
_raw:
  description: The value of each key, in the order of the terms.
  type: list
  elements: raw
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible_collections.mosaic.platform.plugins.module_utils.platform_outputs import OutputsError, get_output, read_outputs

_MISSING = object()


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        variables = variables or {}
        default = kwargs.pop("default", _MISSING)
        self.set_options(var_options=variables, direct=kwargs)
        # Inventory variables reach a lookup untemplated ("{{ platform_workspace }}/.outputs/..."): render them.
        outputs_dir = self.get_option("dir") or self._templar.template(variables.get("platform_outputs_dir"))
        host = self.get_option("host") or self._templar.template(variables.get("inventory_hostname"))
        if not outputs_dir or not host:
            raise AnsibleLookupError("mosaic.platform.outputs: set platform_outputs_dir and inventory_hostname, or pass dir= and host=")
        check_mode = bool(variables.get("ansible_check_mode", False))
        try:
            outputs = read_outputs(outputs_dir, host, phases=self.get_option("phases"), check_mode=check_mode)
            return [
                get_output(
                    outputs,
                    str(term),
                    outputs_dir,
                    host,
                    default=None if default is _MISSING else default,
                    has_default=default is not _MISSING,
                    check_mode=check_mode,
                )
                for term in terms
            ]
        except OutputsError as exc:
            raise AnsibleLookupError(f"mosaic.platform.outputs: {exc}") from exc
