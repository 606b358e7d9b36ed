# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: gitops_catalog_merge
short_description: Merge the add-on catalog with an environment's overrides, extra add-ons and version pins
version_added: 0.1.0
description:
  - Applies C(gitops_addon_overrides) (deep merge of dicts; lists and scalars replace), appends
    C(gitops_extra_addons) and sets the versions of C(gitops_chart_versions) on the catalog entries
    of the gitops role, and fills the defaults of every key.
  - Fails with a message naming the add-on and the key on an unknown key, a duplicate or an override
    of an add-on that is not in the catalog.
  - The base layer (C(values)) stays the catalog's, shared by every environment; an inventory's
    C(values) (override or extra add-on) lands in the environment layer.
options:
  _input:
    description: The catalog, a list of add-on entries.
    type: list
    elements: dict
    required: true
  overrides:
    description: Per-add-on changes, keyed by add-on name.
    type: dict
  extra:
    description: Add-ons the inventory adds.
    type: list
    elements: dict
  versions:
    description: Exact chart version per add-on name.
    type: dict
  variables:
    description:
      - Role variables read by C(enabled_when), by C(@{vars.<name>}) items of C(needs), and C(gitops_ha),
        which merges each entry's C(ha_values) over its C(env_values).
    type: dict
"""

EXAMPLES = r"""
- name: Resolve the catalog
  ansible.builtin.set_fact:
    __entries: "{{ gitops_catalog | mosaic.platform.gitops_catalog_merge(overrides={'keda': {'enabled': false}}) }}"
"""

RETURN = r"""
_value:
  description: Every add-on (enabled or not) by name, with all keys filled.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.gitops_catalog import CatalogError, merge_catalog


def _gitops_catalog_merge(catalog, overrides=None, extra=None, versions=None, variables=None):
    try:
        return merge_catalog(catalog, overrides=overrides, extra=extra, versions=versions, variables=variables)
    except CatalogError as exc:
        raise AnsibleFilterError(f"gitops_catalog_merge: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"gitops_catalog_merge": _gitops_catalog_merge}
