# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS Backup Vault Lock, which amazon.aws.backup_vault does not manage (the vaults themselves are
mosaic.platform.backup_vaults')."""

from __future__ import annotations


def ensure_vault_lock(client, params, check_mode):
    vault = client.describe_backup_vault(BackupVaultName=params["backup_vault_name"])
    current = {"MinRetentionDays": vault.get("MinRetentionDays"), "MaxRetentionDays": vault.get("MaxRetentionDays")}
    locked = bool(vault.get("Locked"))
    if params["state"] == "absent":
        if not locked:
            return False, {"locked": False}
        if not check_mode:
            client.delete_backup_vault_lock_configuration(BackupVaultName=params["backup_vault_name"])
        return True, {"locked": False}
    wanted = {"MinRetentionDays": params["min_retention_days"], "MaxRetentionDays": params["max_retention_days"]}
    diff = [k for k, v in wanted.items() if current.get(k) != v] if locked else ["created"]
    if diff and not check_mode:
        client.put_backup_vault_lock_configuration(BackupVaultName=params["backup_vault_name"], ChangeableForDays=params["changeable_for_days"], **wanted)
        vault = client.describe_backup_vault(BackupVaultName=params["backup_vault_name"])
    lock_date = vault.get("LockDate")
    return bool(diff), {
        "diff": diff,
        "locked": bool(vault.get("Locked")) or bool(diff),
        "min_retention_days": wanted["MinRetentionDays"],
        "max_retention_days": wanted["MaxRetentionDays"],
        "lock_date": lock_date.isoformat() if hasattr(lock_date, "isoformat") else (lock_date or ""),
    }
