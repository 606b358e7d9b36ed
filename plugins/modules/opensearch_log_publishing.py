#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: opensearch_log_publishing
short_description: Publish OpenSearch domain logs to CloudWatch Logs
version_added: 0.1.0
description:
  - Sets the C(LogPublishingOptions) of an Amazon OpenSearch Service domain (community.aws.opensearch
    does not manage them) and the CloudWatch Logs resource policy that lets C(es.amazonaws.com) write
    to the log groups for this account only (C(aws:SourceAccount)).
  - Log types not listed are disabled.
  - C(AUDIT_LOGS) need fine-grained access control on the domain (and audit logging enabled in its security plugin).
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  domain_name:
    description: Domain name.
    type: str
    required: true
  log_groups:
    description: Log group ARN per log type (C(AUDIT_LOGS), C(ES_APPLICATION_LOGS), C(SEARCH_SLOW_LOGS), C(INDEX_SLOW_LOGS)).
    type: dict
    required: true
  account_id:
    description: 12-digit account id for the resource policy condition.
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
- name: Publish audit and error logs
  mosaic.platform.opensearch_log_publishing:
    domain_name: legacyplatform-prod-search
    account_id: "333333333333"
    policy_name: legacyplatform-prod-search-logs
    log_groups:
      AUDIT_LOGS: arn:aws:logs:eu-west-1:333333333333:log-group:/aws/opensearch/legacyplatform-prod-search/audit
      ES_APPLICATION_LOGS: arn:aws:logs:eu-west-1:333333333333:log-group:/aws/opensearch/legacyplatform-prod-search/error
"""

RETURN = r"""
log_publishing_options:
  description: The log publishing options wanted.
  returned: always
  type: dict
diff:
  description: What differed (C(resource_policy), C(log_publishing_options)).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mosaic.platform.plugins.module_utils.data_opensearch import LOG_PUBLISHING_SPEC, ensure_log_publishing
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError


def main():
    argument_spec = {"domain_name": {"type": "str", "required": True}, **LOG_PUBLISHING_SPEC}
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    try:
        changed, result = ensure_log_publishing(
            module.client("opensearch"), module.client("logs"), p["domain_name"], p["log_groups"], p["account_id"], p["policy_name"], module.check_mode
        )
    except (ValueError, PolicyError) as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # noqa: BLE001 botocore errors carry the AWS message
        module.fail_json_aws(exc, msg=f"Failed to set log publishing on {p['domain_name']}")
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
