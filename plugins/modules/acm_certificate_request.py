#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acm_certificate_request
short_description: Request an ACM certificate with DNS validation and return its validation records
version_added: 0.1.0
description:
  - Requests a public ACM certificate for a domain and its subject alternative names, or finds the one
    already requested for exactly that set of names, and returns the DNS validation records the owner
    of the zone must publish.
  - M(community.aws.acm_certificate) can only import certificates; this module requests them.
  - A changed set of names requests a new certificate; the old one is left in place (it may still be
    attached to a listener) and is removed with O(state=absent) and its own names.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  domain_name:
    description: The primary domain name of the certificate.
    type: str
    required: true
  subject_alternative_names:
    description: Further names the certificate covers. The primary name is always included.
    type: list
    elements: str
    default: []
  validation_method:
    description: How ACM validates domain ownership.
    type: str
    choices: [DNS, EMAIL]
    default: DNS
  key_algorithm:
    description: Key algorithm of the certificate.
    type: str
    choices: [RSA_2048, EC_prime256v1, EC_secp384r1]
    default: RSA_2048
  state:
    description: Whether the certificate should exist.
    type: str
    choices: [present, absent]
    default: present
  wait_timeout:
    description: Seconds to wait for ACM to publish the validation records of a new certificate.
    type: int
    default: 60
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Request the edge certificate
  mosaic.platform.acm_certificate_request:
    domain_name: app.example.com
    subject_alternative_names: [api.example.com]
    tags:
      Project: LegacyPlatform
      Component: edge
  register: __cert

- name: Show the records the DNS owner must publish
  ansible.builtin.debug:
    var: __cert.validation_records
"""

RETURN = r"""
certificate_arn:
  description: ARN of the certificate.
  returned: when the certificate exists
  type: str
status:
  description: Certificate status (C(PENDING_VALIDATION), C(ISSUED), ...).
  returned: when the certificate exists
  type: str
domain_names:
  description: All names the certificate covers, the primary first.
  returned: always
  type: list
  elements: str
validation_records:
  description: The distinct DNS records that prove ownership (ACM may share one record between names).
  returned: when the certificate exists and ACM has published them
  type: list
  elements: dict
  contains:
    name: {description: Record name., type: str}
    type: {description: Record type (C(CNAME))., type: str}
    value: {description: Record value., type: str}
domain_validation:
  description: Validation status and record per name.
  returned: when the certificate exists
  type: list
  elements: dict
  contains:
    domain: {description: The name., type: str}
    status: {description: Validation status of the name., type: str}
    name: {description: Record name., type: str}
    type: {description: Record type., type: str}
    value: {description: Record value., type: str}
"""

import contextlib
import hashlib
import time

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_tags

# Certificates in these states can never become usable again: a new request replaces them.
DEAD_STATES = ("FAILED", "EXPIRED", "REVOKED", "VALIDATION_TIMED_OUT")


def wanted_names(params):
    names = [params["domain_name"]]
    names += [n for n in params["subject_alternative_names"] if n not in names]
    return names


def find_certificate(client, names, key_algorithm):
    # ListCertificates returns RSA_2048 certificates only unless asked for other key types.
    pages = client.get_paginator("list_certificates").paginate(Includes={"keyTypes": [key_algorithm]})
    summaries = pages.build_full_result()["CertificateSummaryList"]
    matches = []
    for summary in summaries:
        if summary.get("DomainName") != names[0]:
            continue
        cert = client.describe_certificate(aws_retry=True, CertificateArn=summary["CertificateArn"])["Certificate"]
        if cert.get("Type") != "AMAZON_ISSUED" or cert.get("Status") in DEAD_STATES:
            continue
        if set(cert.get("SubjectAlternativeNames", [])) == set(names):
            matches.append(cert)
    matches.sort(key=lambda c: str(c.get("CreatedAt", "")), reverse=True)
    return matches


def domain_validation(cert):
    result = []
    for option in cert.get("DomainValidationOptions", []):
        record = option.get("ResourceRecord") or {}
        result.append(
            {
                "domain": option["DomainName"],
                "status": option.get("ValidationStatus"),
                "name": record.get("Name"),
                "type": record.get("Type"),
                "value": record.get("Value"),
            }
        )
    return result


def validation_records(cert):
    records = []
    for item in domain_validation(cert):
        record = {"name": item["name"], "type": item["type"], "value": item["value"]}
        if item["name"] and record not in records:
            records.append(record)
    return records


def wait_for_records(module, client, arn):
    # ACM publishes the records a few seconds after the request.
    deadline = time.time() + module.params["wait_timeout"]
    while True:
        cert = client.describe_certificate(aws_retry=True, CertificateArn=arn)["Certificate"]
        options = domain_validation(cert)
        if module.params["validation_method"] != "DNS" or (options and all(d["name"] for d in options)) or time.time() > deadline:
            return cert
        time.sleep(3)


def ensure_tags(module, client, arn):
    """Return the tag diff (empty when nothing changes)."""
    if module.params["tags"] is None:
        return {}
    current = boto3_tag_list_to_ansible_dict(client.list_tags_for_certificate(aws_retry=True, CertificateArn=arn).get("Tags", []))
    changed, after = reconcile_tags(
        current,
        module.params["tags"],
        module.params["purge_tags"],
        module.check_mode,
        tag=lambda tags: client.add_tags_to_certificate(aws_retry=True, CertificateArn=arn, Tags=ansible_dict_to_boto3_tag_list(tags)),
        # ACM removes a tag by key and value.
        untag=lambda keys: client.remove_tags_from_certificate(aws_retry=True, CertificateArn=arn, Tags=[{"Key": k, "Value": current[k]} for k in keys]),
    )
    return {"before": {"tags": current}, "after": {"tags": after}} if changed else {}


def result_for(cert, names):
    return {
        "certificate_arn": cert["CertificateArn"],
        "status": cert.get("Status"),
        "domain_names": names,
        "validation_records": validation_records(cert),
        "domain_validation": domain_validation(cert),
    }


def main():
    argument_spec = {
        "domain_name": {"type": "str", "required": True},
        "subject_alternative_names": {"type": "list", "elements": "str", "default": []},
        "validation_method": {"type": "str", "choices": ["DNS", "EMAIL"], "default": "DNS"},
        "key_algorithm": {"type": "str", "choices": ["RSA_2048", "EC_prime256v1", "EC_secp384r1"], "default": "RSA_2048"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "wait_timeout": {"type": "int", "default": 60},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("acm", retry_decorator=AWSRetry.jittered_backoff())
    names = wanted_names(module.params)

    try:
        existing = find_certificate(client, names, module.params["key_algorithm"])
        if module.params["state"] == "absent":
            if existing and not module.check_mode:
                for cert in existing:
                    client.delete_certificate(aws_retry=True, CertificateArn=cert["CertificateArn"])
            module.exit_json(changed=bool(existing), domain_names=names)

        if existing:
            cert = existing[0]
            diff = ensure_tags(module, client, cert["CertificateArn"])
            module.exit_json(changed=bool(diff), diff=diff, **result_for(cert, names))

        if module.check_mode:
            module.exit_json(changed=True, domain_names=names, validation_records=[])
        request = {
            "DomainName": names[0],
            "ValidationMethod": module.params["validation_method"],
            "KeyAlgorithm": module.params["key_algorithm"],
            # Same names, same token: a retried request within the hour returns the same certificate.
            "IdempotencyToken": hashlib.sha256(",".join(names).encode()).hexdigest()[:32],
        }
        if len(names) > 1:
            request["SubjectAlternativeNames"] = names
        if module.params["tags"]:
            request["Tags"] = ansible_dict_to_boto3_tag_list(module.params["tags"])
        arn = client.request_certificate(aws_retry=True, **request)["CertificateArn"]
        cert = wait_for_records(module, client, arn)
        module.exit_json(changed=True, diff={"before": {}, "after": {"domain_names": names}}, **result_for(cert, names))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        if is_boto3_error_code("AccessDeniedException", e=e):
            module.fail_json_aws(e, msg="ACM denied the request; the role needs acm:RequestCertificate and acm:DescribeCertificate")
        module.fail_json_aws(e, msg="Failed to manage the ACM certificate")


if __name__ == "__main__":
    main()
