# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The trade of the list modules that read their resources' tags through the Resource Groups Tagging API
    # (module_utils/tag_reconcile.listed_tags). No option of its own: ansible-doc takes a fragment only with options.
    DOCUMENTATION = r"""
options: {}
notes:
  - The tags of two or more existing resources are read with one C(tag:GetResources) of the Resource Groups Tagging API
    per 100 resources, instead of the service's own tag read per resource; a single resource keeps its own read, which
    costs the same call and is never stale.
  - The tagging API follows a resource's tags with a lag (minutes on AWS), so its answer is taken only for a resource
    whose listed tags already match the wanted ones. A resource it does not show, or shows with a difference, is read
    with the service's own call before any tag is written. A tag changed by hand within that lag, which the listing
    still shows as converged, is corrected by the next run.
  - A caller denied C(tag:GetResources) reads every resource on its own.
"""
