# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: audit_role_policy
short_description: Build the policy of the role the scheduled audits assume
version_added: 0.1.0
description:
  - Allows exactly the calls of the audit playbooks (tag audit, cost report, IAM review, WAF anomaly run), each
    scoped to its resource where AWS allows it, and the reads and writes Athena makes with the caller's
    permissions while it runs the saved query.
options:
  _input:
    description: Account id.
    type: str
    required: true
  region:
    description: Region of the Athena workgroup and the Glue catalog.
    type: str
    required: true
  report_bucket:
    description: Bucket of the audit reports and the Athena results (the logs bucket).
    type: str
    required: true
  report_prefix:
    description: Key prefix of the reports.
    type: str
    required: true
  athena_workgroup:
    description: Athena workgroup of the saved queries.
    type: str
    required: true
  athena_database:
    description: Glue database of the audit tables.
    type: str
    required: true
  athena_results_prefix:
    description: Key prefix of the Athena results in the report bucket.
    type: str
    required: true
  waf_log_bucket:
    description: Bucket of the WAF logs.
    type: str
    required: true
  metrics_namespace:
    description: CloudWatch namespace of the audit run records.
    type: str
    required: true
  kms_key_arns:
    description: Keys of the buckets (SSE-KMS); empty entries are ignored.
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Render the audit policy
  ansible.builtin.set_fact:
    __policy: >-
      {{ '123456789012' | mosaic.platform.audit_role_policy(region='eu-west-1', report_bucket='p-logs-123456789012',
         report_prefix='audits', athena_workgroup='p-audit', athena_database='p_audit', athena_results_prefix='athena-results',
         waf_log_bucket='aws-waf-logs-p-123456789012', metrics_namespace='Mosaic/Audits') }}
"""

RETURN = r"""
_value:
  description: The policy document.
  type: dict
"""

from ansible_collections.mosaic.platform.plugins.module_utils.audit_policy import audit_role_policy


def _audit_role_policy(account_id, kms_key_arns=(), **kwargs):
    return audit_role_policy(str(account_id), kms_key_arns=list(kms_key_arns or []), **kwargs)


class FilterModule:
    def filters(self):
        return {"audit_role_policy": _audit_role_policy}
