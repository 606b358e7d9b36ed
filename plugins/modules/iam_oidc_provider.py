#!/usr/bin/python
# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# (GPLv3+ like the amazon.aws modules it builds on; ansible-test validate-modules requires the header.)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_oidc_provider
version_added: 0.1.0
short_description: Manage an IAM OpenID Connect identity provider
description:
  - Creates, updates and deletes an IAM OIDC provider identified by its issuer O(url), such as
    the GitHub Actions issuer for CI roles or an EKS cluster's issuer for IRSA.
  - Idempotent on client ids (audiences), thumbprints and tags; supports check mode and diff.
  - amazon.aws and community.aws have no module for this resource.
author:
  - mosaic.platform contributors (@mosaic-platform)
options:
  url:
    description:
      - The issuer URL, C(https://) followed by a host and an optional path
        (C(https://token.actions.githubusercontent.com), C(https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE)).
    type: str
    required: true
  client_ids:
    description:
      - Audiences accepted from tokens of this issuer (C(sts.amazonaws.com) for GitHub Actions and IRSA).
      - Required when O(state=present) and the provider does not exist; the list is authoritative.
    type: list
    elements: str
  thumbprints:
    description:
      - SHA-1 thumbprints (40 hex characters) of the issuer's certificate chain.
      - AWS no longer uses them for well-known issuers (GitHub, EKS), so the default is none.
      - When omitted, the thumbprints of an existing provider are left alone; an explicit list is authoritative.
    type: list
    elements: str
  state:
    description: Whether the provider exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Trust GitHub Actions
  mosaic.platform.iam_oidc_provider:
    url: https://token.actions.githubusercontent.com
    client_ids: [sts.amazonaws.com]
    tags:
      Component: identity

- name: Trust an EKS cluster's service accounts (IRSA)
  mosaic.platform.iam_oidc_provider:
    url: "{{ cluster.identity.oidc.issuer }}"
    client_ids: [sts.amazonaws.com]
  register: __oidc

- name: Remove a provider
  mosaic.platform.iam_oidc_provider:
    url: https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE
    state: absent
"""

RETURN = r"""
arn:
  description: ARN of the provider (also computed in check mode before it exists).
  returned: when O(state=present)
  type: str
  sample: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com
url:
  description: The issuer URL.
  returned: always
  type: str
client_ids:
  description: Audiences of the provider.
  returned: when O(state=present)
  type: list
  elements: str
thumbprints:
  description: Thumbprints of the provider.
  returned: when O(state=present)
  type: list
  elements: str
tags:
  description: Tags of the provider.
  returned: when O(state=present)
  type: dict
"""

import re

try:
    import botocore
except ImportError:
    botocore = None  # AnsibleAWSModule reports the missing dependency

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list, boto3_tag_list_to_ansible_dict, compare_aws_tags

URL_RE = re.compile(r"^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$")
THUMBPRINT_RE = re.compile(r"^[0-9A-Fa-f]{40}$")


def host_path(url):
    """IAM names a provider by its issuer without the scheme (and keeps no trailing slash)."""
    return url[len("https://") :].rstrip("/")


def account_arn_prefix(module, client):
    """arn:<partition>:iam::<account>: from STS, so check mode can return the provider ARN."""
    try:
        sts = module.client("sts", retry_decorator=AWSRetry.jittered_backoff())
        identity = sts.get_caller_identity()
        partition = identity["Arn"].split(":")[1]
        return f"arn:{partition}:iam::{identity['Account']}:"
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to look up the account id")


def find_provider(module, client, url):
    """The provider whose URL matches, as a dict, or None."""
    wanted = host_path(url)
    try:
        providers = client.list_open_id_connect_providers(aws_retry=True)["OpenIDConnectProviderList"]
        for entry in providers:
            arn = entry["Arn"]
            if arn.split(":oidc-provider/", 1)[-1].rstrip("/") != wanted:
                continue
            found = client.get_open_id_connect_provider(aws_retry=True, OpenIDConnectProviderArn=arn)
            return {
                "arn": arn,
                "url": "https://" + found["Url"].replace("https://", "").rstrip("/"),
                "client_ids": sorted(found.get("ClientIDList", [])),
                "thumbprints": sorted(t.lower() for t in found.get("ThumbprintList", [])),
                "tags": boto3_tag_list_to_ansible_dict(found.get("Tags", [])),
            }
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to read the OIDC providers")
    return None


def create(module, client, url, client_ids, thumbprints, tags):
    params = {"Url": url, "ClientIDList": client_ids}
    if thumbprints:
        params["ThumbprintList"] = thumbprints
    if tags:
        params["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    try:
        return client.create_open_id_connect_provider(aws_retry=True, **params)["OpenIDConnectProviderArn"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to create the OIDC provider for {url}")


def update(module, client, current, client_ids, thumbprints, tags, purge_tags):
    """Apply the differences; return True when something changed (or would change)."""
    arn = current["arn"]
    changed = False
    try:
        if client_ids is not None:
            for audience in sorted(set(client_ids) - set(current["client_ids"])):
                changed = True
                if not module.check_mode:
                    client.add_client_id_to_open_id_connect_provider(aws_retry=True, OpenIDConnectProviderArn=arn, ClientID=audience)
            for audience in sorted(set(current["client_ids"]) - set(client_ids)):
                changed = True
                if not module.check_mode:
                    client.remove_client_id_from_open_id_connect_provider(aws_retry=True, OpenIDConnectProviderArn=arn, ClientID=audience)
        if thumbprints is not None and sorted(thumbprints) != current["thumbprints"]:
            changed = True
            if not module.check_mode:
                client.update_open_id_connect_provider_thumbprint(aws_retry=True, OpenIDConnectProviderArn=arn, ThumbprintList=thumbprints)
        if tags is not None:
            to_add, to_remove = compare_aws_tags(current["tags"], tags, purge_tags)
            if to_remove:
                changed = True
                if not module.check_mode:
                    client.untag_open_id_connect_provider(aws_retry=True, OpenIDConnectProviderArn=arn, TagKeys=to_remove)
            if to_add:
                changed = True
                if not module.check_mode:
                    client.tag_open_id_connect_provider(aws_retry=True, OpenIDConnectProviderArn=arn, Tags=ansible_dict_to_boto3_tag_list(to_add))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to update the OIDC provider {arn}")
    return changed


def desired_state(current, url, client_ids, thumbprints, tags, purge_tags):
    """What the provider looks like after this run, for diff and check mode."""
    after = dict(current or {"url": url, "client_ids": [], "thumbprints": [], "tags": {}})
    if client_ids is not None:
        after["client_ids"] = sorted(set(client_ids))
    if thumbprints is not None:
        after["thumbprints"] = sorted(thumbprints)
    if tags is not None:
        merged = {} if purge_tags else dict(after.get("tags", {}))
        merged.update(tags)
        after["tags"] = merged
    return after


def main():
    argument_spec = {
        "url": {"type": "str", "required": True},
        "client_ids": {"type": "list", "elements": "str"},
        "thumbprints": {"type": "list", "elements": "str"},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)

    url = module.params["url"].rstrip("/")
    client_ids = module.params["client_ids"]
    thumbprints = module.params["thumbprints"]
    if thumbprints is not None:
        thumbprints = sorted({t.lower() for t in thumbprints})
    tags = module.params["tags"]
    purge_tags = module.params["purge_tags"]
    state = module.params["state"]

    if not URL_RE.match(url):
        module.fail_json(msg=f"url must be an https:// issuer URL without query or fragment, got {url!r}")
    bad = [t for t in thumbprints or [] if not THUMBPRINT_RE.match(t)]
    if bad:
        module.fail_json(msg=f"thumbprints must be 40 hexadecimal characters, got {bad}")
    if client_ids is not None and not client_ids and state == "present":
        module.fail_json(msg="client_ids must name at least one audience")

    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    current = find_provider(module, client, url)

    if state == "absent":
        changed = current is not None
        if changed and not module.check_mode:
            try:
                client.delete_open_id_connect_provider(aws_retry=True, OpenIDConnectProviderArn=current["arn"])
            except is_boto3_error_code("NoSuchEntity"):
                changed = False
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
                module.fail_json_aws(e, msg=f"Failed to delete the OIDC provider {current['arn']}")
        result = {"changed": changed, "url": url}
        if module._diff:
            result["diff"] = {"before": current or {}, "after": {}}
        module.exit_json(**result)

    after = desired_state(current, url, client_ids, thumbprints, tags, purge_tags)
    if current is None:
        if not client_ids:
            module.fail_json(msg="client_ids is required to create an OIDC provider")
        changed = True
        if module.check_mode:
            arn = account_arn_prefix(module, client) + "oidc-provider/" + host_path(url)
        else:
            arn = create(module, client, url, sorted(set(client_ids)), thumbprints, tags)
        after["arn"] = arn
    else:
        changed = update(module, client, current, client_ids, thumbprints, tags, purge_tags)
        after["arn"] = current["arn"]
        if changed and not module.check_mode:
            after = find_provider(module, client, url) or after

    result = {
        "changed": changed,
        "arn": after["arn"],
        "url": url,
        "client_ids": after["client_ids"],
        "thumbprints": after["thumbprints"],
        "tags": after["tags"],
    }
    if module._diff:
        result["diff"] = {"before": current or {}, "after": after}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
