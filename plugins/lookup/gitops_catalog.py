# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: gitops_catalog
short_description: Read the add-on catalog files of a directory (one entry per C(<add-on>.yml))
version_added: 0.2.0
description:
  - Returns the entries of every C(*.yml) file of each directory given, sorted by add-on name; a file must hold one
    mapping whose C(name) is the file's name.
  - The gitops role's default C(gitops_catalog). Reading the files with libyaml here, instead of a file lookup and
    C(from_yaml) per file, matters because every host templates the default (the argument spec and the settings).
  - A process reads a directory once while its files keep their names, sizes and modification times, since the
    gitops_render action templates the settings of every host in one process.
options:
  _terms:
    description: Catalog directories.
    required: true
    type: list
    elements: path
"""

EXAMPLES = r"""
- name: Count the add-ons of the role's catalog
  ansible.builtin.debug:
    msg: "{{ query('mosaic.platform.gitops_catalog', role_path ~ '/files/catalog') | length }}"
"""

RETURN = r"""
_raw:
  description: The catalog entries, in add-on name order.
  type: list
  elements: dict
"""

import copy
from pathlib import Path

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible_collections.mosaic.platform.plugins.module_utils.gitops_catalog import CatalogError, load_catalog

# The entries read per directory, for as long as its files are unchanged: the gitops_render action templates every
# host's gitops_catalog in one process, and every host reads the same directory.
_READ = {}


def _catalog(directory):
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(Path(directory).glob("*.yml")))
    if _READ.get(directory, (None,))[0] != stamp:
        _READ[directory] = (stamp, load_catalog(directory))
    return copy.deepcopy(_READ[directory][1])


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        entries = []
        for term in terms:
            try:
                entries.extend(_catalog(str(term)))
            except (CatalogError, OSError) as exc:
                raise AnsibleLookupError(f"mosaic.platform.gitops_catalog: {exc}") from exc
        return entries
