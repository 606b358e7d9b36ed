# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The options every module that calls an OpenSearch domain's own API (SigV4-signed) takes.
    DOCUMENTATION = r"""
options:
  endpoint:
    description: Domain endpoint (host name or C(https://) URL), for example the C(endpoints.vpc) value of the domain.
    type: str
    required: true
  timeout:
    description: HTTP timeout in seconds.
    type: int
    default: 30
"""
