#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: opensearch_domain_access
short_description: Reconcile the access policy and the master user of an OpenSearch domain on every run
version_added: 0.1.0
description:
  - Keeps the resource-based access policy and the fine-grained access control master user (an IAM ARN) of an
    existing OpenSearch domain as given, so a change reaches a live domain, not only a new one.
  - M(community.aws.opensearch) applies both only usefully at creation - it inverts its access policy comparison, and
    AWS never returns C(MasterUserOptions) - so the aws_data role leaves them to this module after creation.
  - The access policy is compared with what AWS returns, order-free. The master user cannot be read back, so the
    ARN last applied is kept in the tag O(marker_tag) and the master user is set again when it differs.
  - With O(log_publishing), also what M(mosaic.platform.opensearch_log_publishing) does, in the same module run (the
    domain publishes the logs named and a CloudWatch Logs resource policy lets OpenSearch write to their groups).
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  domain_name:
    description: Name of the existing domain.
    type: str
    required: true
  access_policies:
    description: The access policy document; omitted leaves the policy alone.
    type: json
  master_user_arn:
    description: IAM role or user ARN of the fine-grained access control master user; omitted leaves it alone.
    type: str
  marker_tag:
    description: Domain tag holding the master user ARN last applied (the tag writer must keep it, see the role).
    type: str
    default: mosaic-master-user-arn
  log_publishing:
    description: The logs the domain publishes (see M(mosaic.platform.opensearch_log_publishing)); omitted leaves them alone.
    type: dict
    suboptions:
      log_groups:
        description: CloudWatch Logs group ARN by log type (C(AUDIT_LOGS), C(ES_APPLICATION_LOGS), C(SEARCH_SLOW_LOGS), C(INDEX_SLOW_LOGS)).
        type: dict
        required: true
      account_id:
        description: The account the domain lives in (the resource policy's C(aws:SourceAccount)).
        type: str
        required: true
      policy_name:
        description: Name of the CloudWatch Logs resource policy.
        type: str
        required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Keep the access policy and the master user of the search domain
  mosaic.platform.opensearch_domain_access:
    domain_name: platform-search
    access_policies: "{{ __policy }}"
    master_user_arn: arn:aws:iam::123456789012:role/platform-ops
    log_publishing:
      account_id: "123456789012"
      policy_name: platform-search-logs
      log_groups:
        AUDIT_LOGS: arn:aws:logs:eu-west-1:123456789012:log-group:/aws/opensearch/platform-search/audit
"""

RETURN = r"""
diff:
  description: What differed (C(access_policies), C(master_user), and with O(log_publishing) C(resource_policy) and C(log_publishing_options)).
  returned: always
  type: list
  elements: str
log_publishing_options:
  description: The log publishing options wanted.
  returned: when O(log_publishing) is given
  type: dict
domain_arn:
  description: ARN of the domain.
  returned: always
  type: str
"""

import json

from ansible.module_utils.six import string_types
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mosaic.platform.plugins.module_utils.data_opensearch import LOG_PUBLISHING_SPEC, ensure_domain_access, ensure_log_publishing
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError


def main():
    argument_spec = {
        "domain_name": {"type": "str", "required": True},
        "access_policies": {"type": "json"},
        "master_user_arn": {"type": "str"},
        "marker_tag": {"type": "str", "default": "mosaic-master-user-arn"},
        "log_publishing": {"type": "dict", "options": LOG_PUBLISHING_SPEC},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    policy = p["access_policies"]
    if isinstance(policy, string_types):
        policy = json.loads(policy)
    client = module.client("opensearch", retry_decorator=AWSRetry.jittered_backoff())
    try:
        changed, result = ensure_domain_access(client, p["domain_name"], policy, p["master_user_arn"], p["marker_tag"], module.check_mode)
        logs = p["log_publishing"]
        if logs:
            logs_changed, logs_result = ensure_log_publishing(
                client, module.client("logs"), p["domain_name"], logs["log_groups"], logs["account_id"], logs["policy_name"], module.check_mode
            )
            changed = changed or logs_changed
            result = {**result, **logs_result, "diff": result["diff"] + logs_result["diff"]}
    except (ValueError, PolicyError) as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg=f"Failed to reconcile the access of OpenSearch domain {p['domain_name']}")
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
