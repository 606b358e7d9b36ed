#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: opensearch_snapshot_repository
short_description: Register an S3 snapshot repository in an Amazon OpenSearch Service domain
version_added: 0.1.0
description:
  - Registers (C(PUT _snapshot/<repository>)) a manual snapshot repository of type C(s3) through the
    domain's HTTPS endpoint, with a SigV4 signature for service C(es) made from the module's AWS
    credentials. The caller must be allowed C(iam:PassRole) on O(role_arn) and C(es:ESHttpPut), and,
    with fine-grained access control, be mapped to the C(manage_snapshots) role.
  - The call goes to the domain endpoint, which is inside the VPC, so run it from a host that reaches it.
  - Reads the repository first (C(GET _snapshot/<repository>)) and only writes when it differs.
  - Not served by moto; the request shape is covered by unit tests with a captured signer.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  repository:
    description: Repository name.
    type: str
    required: true
  bucket:
    description: S3 bucket of the snapshots.
    type: str
    required: true
  base_path:
    description: Key prefix inside the bucket.
    type: str
    default: ""
  role_arn:
    description: Role the domain assumes to write to the bucket (trusts C(es.amazonaws.com)).
    type: str
    required: true
extends_documentation_fragment:
  - mosaic.platform.opensearch_domain
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Register the snapshot repository
  mosaic.platform.opensearch_snapshot_repository:
    endpoint: vpc-legacyplatform-prod-search-abc.eu-west-1.es.amazonaws.com
    repository: s3-snapshots
    bucket: legacyplatform-prod-search-snapshots-333333333333
    role_arn: arn:aws:iam::333333333333:role/legacyplatform-prod-search-snapshots
"""

RETURN = r"""
url:
  description: The repository URL called.
  returned: always
  type: str
body:
  description: The repository definition sent (or that would be sent).
  returned: always
  type: dict
"""

import json

from ansible.module_utils.urls import open_url
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.data_opensearch import (
    repository_matches,
    sign,
    snapshot_repository_body,
    snapshot_repository_request,
)
from ansible_collections.mosaic.platform.plugins.module_utils.data_search import DOMAIN_ARGUMENT_SPEC


def _call(module, credentials, method, url, data, headers):
    signed = sign(credentials, module.region, method, url, data, headers)
    response = open_url(url, method=method, data=data, headers=signed, timeout=module.params["timeout"])
    return json.loads(response.read() or b"{}")


def main():
    argument_spec = {
        **DOMAIN_ARGUMENT_SPEC,
        "repository": {"type": "str", "required": True},
        "bucket": {"type": "str", "required": True},
        "base_path": {"type": "str", "default": ""},
        "role_arn": {"type": "str", "required": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    body = snapshot_repository_body(params["bucket"], module.region, params["role_arn"], params["base_path"])
    method, url, data, headers = snapshot_repository_request(params["endpoint"], params["repository"], body)
    # The module's own connection settings (profile, keys, web identity) sign the call.
    credentials = module.client("opensearch")._request_signer._credentials  # pylint: disable=protected-access
    try:
        current = _call(module, credentials, "GET", url, b"", {"Host": headers["Host"]}).get(params["repository"])
    except Exception as exc:  # broad on purpose: an HTTP not-found means no repository yet
        if getattr(exc, "code", None) != 404:
            module.fail_json(msg=f"GET {url} failed: {exc}")
        current = None
    if repository_matches(current, body):
        module.exit_json(changed=False, url=url, body=body)
    if not module.check_mode:
        try:
            _call(module, credentials, method, url, data, headers)
        except Exception as exc:  # noqa: BLE001 the domain's answer is the useful message
            module.fail_json(msg=f"PUT {url} failed: {exc}")
    module.exit_json(changed=True, url=url, body=body)


if __name__ == "__main__":
    main()
