# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RDS gap filler: the RDS-managed master password (Secrets Manager), which amazon.aws.rds_instance
does not expose (no manage_master_user_password option in amazon.aws 10)."""

from __future__ import annotations


def ensure_managed_master_password(client, instance_id, kms_key_id, check_mode):
    instance = client.describe_db_instances(DBInstanceIdentifier=instance_id)["DBInstances"][0]
    secret = instance.get("MasterUserSecret") or {}
    diff = []
    if not secret.get("SecretArn"):
        diff.append("ManageMasterUserPassword")
    elif kms_key_id and secret.get("KmsKeyId") != kms_key_id:
        diff.append("MasterUserSecretKmsKeyId")
    if diff and not check_mode:
        args = {"DBInstanceIdentifier": instance_id, "ManageMasterUserPassword": True, "ApplyImmediately": True}
        if kms_key_id:
            args["MasterUserSecretKmsKeyId"] = kms_key_id
        instance = client.modify_db_instance(**args)["DBInstance"]
        secret = instance.get("MasterUserSecret") or secret
    return bool(diff), {"diff": diff, "secret_arn": secret.get("SecretArn", ""), "kms_key_id": secret.get("KmsKeyId", "")}


def _group(client, name):
    try:
        groups = client.describe_db_parameter_groups(DBParameterGroupName=name)["DBParameterGroups"]
    except client.exceptions.DBParameterGroupNotFoundFault:
        return None
    return groups[0] if groups else None  # moto answers [] where AWS raises NotFound


def ensure_parameter_group(client, params, check_mode):
    """Create the group if needed, then set the user parameters that differ and the tags.

    Compared with the parameters whose Source is ``user`` only, so no list of engine defaults is
    needed (moto has none, which breaks amazon.aws.rds_instance_param_group)."""
    name = params["name"]
    group = _group(client, name)
    diff = []
    tags = [{"Key": k, "Value": str(v)} for k, v in sorted((params.get("tags") or {}).items())]
    if group is None:
        diff.append("created")
        if check_mode:
            return True, {"diff": diff, "name": name}
        group = client.create_db_parameter_group(
            DBParameterGroupName=name, DBParameterGroupFamily=params["family"], Description=params["description"], Tags=tags
        )["DBParameterGroup"]
    elif group["DBParameterGroupFamily"] != params["family"]:
        raise ValueError(f"parameter group {name} has family {group['DBParameterGroupFamily']}; the family cannot change, use a new name")
    current = {}
    marker = None
    while True:
        args = {"DBParameterGroupName": name, "Source": "user"}
        if marker:
            args["Marker"] = marker
        page = client.describe_db_parameters(**args)
        current.update({p["ParameterName"]: p.get("ParameterValue") for p in page.get("Parameters", [])})
        marker = page.get("Marker")
        if not marker:
            break
    wanted = {k: str(v) for k, v in (params.get("parameters") or {}).items()}
    changes = [k for k, v in sorted(wanted.items()) if current.get(k) != v]
    if changes:
        diff.extend(f"parameter:{k}" for k in changes)
        if not check_mode:
            for start in range(0, len(changes), 20):
                batch = [{"ParameterName": k, "ParameterValue": wanted[k], "ApplyMethod": params["apply_method"]} for k in changes[start : start + 20]]
                client.modify_db_parameter_group(DBParameterGroupName=name, Parameters=batch)
    arn = group.get("DBParameterGroupArn", "")
    if arn and "created" not in diff:
        current_tags = {t["Key"]: t["Value"] for t in client.list_tags_for_resource(ResourceName=arn).get("TagList", [])}
        wanted_tags = {t["Key"]: t["Value"] for t in tags}
        if current_tags != wanted_tags:
            diff.append("tags")
            if not check_mode:
                stale = [k for k in current_tags if k not in wanted_tags]
                if stale:
                    client.remove_tags_from_resource(ResourceName=arn, TagKeys=stale)
                client.add_tags_to_resource(ResourceName=arn, Tags=tags)
    return bool(diff), {"diff": diff, "name": name, "arn": arn, "parameters": wanted}
