# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: github_trust_policy
short_description: Build the trust policy of a GitHub Actions deploy role
version_added: 0.1.0
description:
  - Builds the trust policy the aws_identity role gives a CI deploy role and checks it against the security
    baseline, C(aud) = C(sts.amazonaws.com) and C(sub) pinned to C(repo:ORG/REPO:ref:...) or
    C(:environment:...) in one condition block, no wildcard in the org or the repository.
options:
  _input:
    description: ARN of the account's C(token.actions.githubusercontent.com) OIDC provider.
    type: str
    required: true
  org:
    description: GitHub organization (literal, no wildcard).
    type: str
    required: true
  repo:
    description: GitHub repository (literal, no wildcard).
    type: str
    required: true
  branches:
    description: Branch names (C(main)); a wildcard here puts every subject under C(StringLike).
    type: list
    elements: str
  refs:
    description: Full refs (C(refs/tags/v1.2.3)).
    type: list
    elements: str
  environments:
    description: GitHub deployment environments.
    type: list
    elements: str
  org_id:
    description: Numeric owner id, for the immutable C(sub) form (with O(repo_id)).
    type: str
  repo_id:
    description: Numeric repository id, for the immutable C(sub) form (with O(org_id)).
    type: str
"""

EXAMPLES = r"""
- name: Render a CI trust policy
  ansible.builtin.set_fact:
    __trust: "{{ provider_arn | mosaic.platform.github_trust_policy(org='acme', repo='platform', branches=['main']) }}"
"""

RETURN = r"""
_value:
  description: The trust policy document.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.mosaic.platform.plugins.module_utils.trust_policies import TrustPolicyError, github_subjects, github_trust_policy


def _github_trust_policy(provider_arn, org, repo, branches=None, refs=None, environments=None, org_id=None, repo_id=None):
    try:
        subjects = github_subjects(org, repo, branches=branches, refs=refs, environments=environments, org_id=org_id, repo_id=repo_id)
        return github_trust_policy(str(provider_arn), subjects)
    except TrustPolicyError as exc:
        raise AnsibleFilterError(f"github_trust_policy: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"github_trust_policy": _github_trust_policy}
