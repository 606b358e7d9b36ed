# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One tag reconciliation for the collection's modules; each service only says how it tags and untags."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list, compare_aws_tags


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
