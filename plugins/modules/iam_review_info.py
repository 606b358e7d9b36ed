#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: iam_review_info
short_description: Review the account's IAM roles - wildcard statements, cross-account trusts, boundaries, last use
version_added: 0.1.0
description:
  - Reads every role with its inline and attached customer-managed policies, trust policy, permissions boundary and
    last-used data in one paginated C(GetAccountAuthorizationDetails) call, and returns the findings per role.
  - "Findings: C(wildcard_statement) (an Allow with action C(*), a service-wide C(<service>:*), or C(NotAction));
    C(cross_account_trust) (a trusted AWS principal of another account, or C(*)); C(no_permissions_boundary) (the role
    does not carry O(boundary_arn); roles AWS manages under C(/aws-service-role/) and C(/aws-reserved/) are exempt);
    C(unused_role) (last used, or if never used created, more than O(unused_days) days ago)."
  - AWS-managed policies (C(arn:aws:iam::aws:policy/...)) are not expanded; their names are listed per role.
  - No amazon.aws or community.aws module returns policy documents of every role in one call.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  account_id:
    description: The account reviewed; trusted principals of any other account are findings.
    type: str
    required: true
  boundary_arn:
    description: ARN of the permissions boundary every role the platform creates carries.
    type: str
    required: true
  unused_days:
    description: Days without use after which a role is unused.
    type: int
    default: 90
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Review the roles
  mosaic.platform.iam_review_info:
    account_id: "123456789012"
    boundary_arn: arn:aws:iam::123456789012:policy/p-prod-permissions-boundary
  register: __review
"""

RETURN = r"""
review:
  description: >-
    Keys C(account_id), C(boundary_arn), C(unused_days), C(roles) (count), C(counts) (findings by kind), C(flagged) (roles
    with findings - C(role), C(arn), C(aws_managed), C(last_used), C(findings)) and C(clean) (names of roles without any).
  returned: success
  type: dict
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mosaic.platform.plugins.module_utils.iam_review import review_roles


def read_details(client) -> tuple[list[dict], list[dict]]:
    """Roles and customer-managed policies (with their versions), every page."""
    roles: list[dict] = []
    policies: list[dict] = []
    kwargs = {"Filter": ["Role", "LocalManagedPolicy"]}
    while True:
        page = client.get_account_authorization_details(aws_retry=True, **kwargs)
        roles += page.get("RoleDetailList") or []
        policies += page.get("Policies") or []
        if not page.get("IsTruncated"):
            return roles, policies
        kwargs["Marker"] = page["Marker"]


def main():
    argument_spec = {
        "account_id": {"type": "str", "required": True},
        "boundary_arn": {"type": "str", "required": True},
        "unused_days": {"type": "int", "default": 90},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if module.params["unused_days"] < 0:
        module.fail_json(msg=f"unused_days must be 0 or more (got {module.params['unused_days']})")
    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    try:
        roles, policies = read_details(client)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to read the account authorization details")
    review = review_roles(roles, policies, module.params["account_id"], module.params["boundary_arn"], module.params["unused_days"])
    names = {r["RoleName"]: sorted(p["PolicyArn"] for p in r.get("AttachedManagedPolicies") or []) for r in roles}
    for flagged in review["flagged"]:
        flagged["attached_policies"] = names[flagged["role"]]
    module.exit_json(changed=False, review=review)


if __name__ == "__main__":
    main()
