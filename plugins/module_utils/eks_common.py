# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the EKS modules (eks_cluster_config, eks_access_entry, eks_addon)."""

from __future__ import annotations

import json
import time

try:
    import botocore
except ImportError:  # AnsibleAWSModule reports the missing library
    botocore = None

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import reconcile_tags

AWS_ERRORS = ("ClientError", "BotoCoreError")


def aws_errors():
    return (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)


def describe_or_none(call, key, **params):
    """call(**params)[key], or None when EKS answers ResourceNotFoundException."""
    try:
        return call(**params)[key]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def sync_tags(module, client, arn, current, wanted, purge):
    """Tag or untag the resource; True when something changed (or would in check mode)."""
    if wanted is None:
        return False
    changed, _after = reconcile_tags(
        current,
        wanted,
        purge,
        module.check_mode,
        tag=lambda tags: client.tag_resource(resourceArn=arn, tags=tags),
        untag=lambda keys: client.untag_resource(resourceArn=arn, tagKeys=keys),
    )
    return changed


def wait_for_update(module, client, cluster_name, response, addon_name=None, timeout=1800, delay=15):
    """Wait until an EKS update (returned by update_* calls) is Successful; fail on Failed/Cancelled.

    EKS allows one update at a time per cluster, so each change waits for the previous one.
    """
    update_id = (response or {}).get("update", {}).get("id")
    if not update_id:
        return
    params = {"name": cluster_name, "updateId": update_id}
    if addon_name:
        params["addonName"] = addon_name
    deadline = time.time() + timeout
    while True:
        update = client.describe_update(**params)["update"]
        if update["status"] == "Successful":
            return
        if update["status"] in ("Failed", "Cancelled"):
            module.fail_json(msg=f"EKS update {update_id} of {cluster_name} ended {update['status']}", errors=update.get("errors", []))
        if time.time() > deadline:
            module.fail_json(msg=f"Timed out waiting for EKS update {update_id} of {cluster_name}")
        time.sleep(delay)


def parse_configuration(text):
    """An add-on's configurationValues (JSON or YAML text) as a dict, for comparison."""
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        import yaml  # YAML is a superset; only reached for values written by other tools

        return yaml.safe_load(text) or {}
