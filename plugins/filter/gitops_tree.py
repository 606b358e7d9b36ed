# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: gitops_tree
short_description: Render one environment's helmfile environment file and gitops/<env>/ tree
version_added: 0.1.0
description:
  - Validates the enabled add-ons (tier, namespace, pinned version, known repository, known and enabled
    C(needs), no dependency cycle), derives sync waves from the dependency graph, resolves the
    C(@{path}) output placeholders of values and manifests, and renders every file as sorted YAML.
  - Fails with a message naming the add-on and the key on bad catalog input or a missing output.
options:
  _input:
    description: The merged catalog (the result of P(mosaic.platform.gitops_catalog_merge#filter)).
    type: dict
    required: true
  outputs:
    description: The outputs of the aws and cluster phases (the mosaic.platform.outputs lookup, C(*); docs/outputs.md).
    type: dict
    required: true
  manifests:
    description: The platform's own manifests per add-on name (lists of objects, placeholders unresolved).
    type: dict
    required: true
  settings:
    description: env, cluster, repo_url, revision, project, argocd_namespace, destination_server, repositories,
      cluster_resources, retry_limit, extra_destinations, extra_source_repos, check_mode.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Render the tree
  ansible.builtin.set_fact:
    __files: "{{ __entries | mosaic.platform.gitops_tree(__outputs, __manifests, __settings) }}"
"""

RETURN = r"""
_value:
  description: File text by path relative to the repository root (gitops/<env>/... and helmfile.d/environments/<env>.yaml).
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.gitops_catalog import CatalogError, render_tree


def _gitops_tree(entries, outputs, manifests, settings):
    try:
        return render_tree(dict(entries), outputs or {}, manifests or {}, dict(settings))
    except CatalogError as exc:
        raise AnsibleFilterError(f"gitops_tree: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"gitops_tree": _gitops_tree}
