# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One tag reconciliation for the collection's modules; each service only says how it tags and untags.

A module that converges several resources of a service may read their tags with one ``GetResources`` of the Resource
Groups Tagging API (``listed_tags``) instead of one tag read per resource. That API follows the services' own tags with
a lag, and leaves out a resource never tagged, so a listed tag set is taken only where it already matches what is
wanted (``tags_match``); anywhere else the module reads the resource's own tags before it writes any."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)

# A run reads its resources' tags through the tagging API from this many resources on; one resource keeps its own
# read, which costs the same call and is never stale.
LISTED_TAGS_FROM = 2
# GetResources takes at most 100 ARNs per call.
ARNS_PER_LISTING = 100


def listed_tags(module, arns):
    """{arn: tags} of the resources GetResources shows, 100 ARNs per call; {} for fewer than LISTED_TAGS_FROM ARNs.

    A resource the API does not show is simply absent. A caller denied the API gets {}, so every resource is read on
    its own as before; any other error is the caller's to report.
    """
    arns = list(dict.fromkeys(arns))
    if len(arns) < LISTED_TAGS_FROM:
        return {}
    client = module.client("resourcegroupstaggingapi", retry_decorator=AWSRetry.jittered_backoff())
    found = {}
    try:
        for start in range(0, len(arns), ARNS_PER_LISTING):
            params = {"ResourceARNList": arns[start : start + ARNS_PER_LISTING]}
            while True:
                page = client.get_resources(aws_retry=True, **params)
                for mapping in page.get("ResourceTagMappingList", []):
                    found[mapping["ResourceARN"]] = boto3_tag_list_to_ansible_dict(mapping.get("Tags", []))
                # AWS answers an ARN list in one page; an emulator may page it, and the token alone continues.
                if not page.get("PaginationToken"):
                    break
                params = {"PaginationToken": page["PaginationToken"]}
    except is_boto3_error_code("AccessDeniedException"):
        return {}
    return found


def tags_match(current, wanted, purge):
    """Whether ``current`` needs no tag or untag call to become ``wanted`` (amazon.aws' purge_tags semantics)."""
    to_set, to_unset = compare_aws_tags(dict(current or {}), wanted or {}, purge)
    return not to_set and not to_unset


def reconcile_tags(current, wanted, purge, check_mode, tag, untag, keep=None):
    """Bring one resource's tags from ``current`` to ``wanted`` with amazon.aws' purge_tags semantics.

    ``untag(keys)`` and ``tag(tags)`` (a list of keys, a dict) make the service's calls, never in check
    mode. ``keep(key)`` spares a key from purging (tags another module owns). Returns (changed, after).
    """
    current = dict(current or {})
    to_set, to_unset = compare_aws_tags(current, wanted, purge)
    if keep is not None:
        to_unset = [key for key in to_unset if not keep(key)]
    if not check_mode:
        if to_unset:
            untag(list(to_unset))
        if to_set:
            tag(dict(to_set))
    after = {key: value for key, value in current.items() if key not in to_unset}
    after.update(to_set)
    return bool(to_set or to_unset), after


def reconcile_ec2_tags(client, resource_id, current, wanted, purge, check_mode):
    """reconcile_tags for one EC2 resource (CreateTags, DeleteTags); returns whether the tags changed (or would)."""
    resources = [resource_id]
    return reconcile_tags(
        current,
        wanted,
        purge,
        check_mode,
        tag=lambda tags: client.create_tags(aws_retry=True, Resources=resources, Tags=ansible_dict_to_boto3_tag_list(tags)),
        untag=lambda keys: client.delete_tags(aws_retry=True, Resources=resources, Tags=[{"Key": k} for k in keys]),
    )[0]
