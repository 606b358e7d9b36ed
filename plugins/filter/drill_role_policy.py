# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: drill_role_policy
short_description: Build the policy of the role the quarterly restore drill assumes
version_added: 0.1.0
description:
  - Allows exactly the calls of the restore drill (role restore_drill), each scoped to its resource - point-in-time
    restore only into C(<prefix>-pg-drill-*) instances and changes or deletes of those only, reads under the
    prefixes of the restore points, writes and deletes under the media bucket's C(restore-drill/) scratch prefix -
    and the bucket and database keys through S3 and RDS only (C(kms:ViaService)).
options:
  _input:
    description: Account id.
    type: str
    required: true
  region:
    description: Region of the platform.
    type: str
    required: true
  prefix:
    description: Resource name prefix (C(platform_prefix)); scratch instances are C(<prefix>-pg-drill-*).
    type: str
    required: true
  postgres_source:
    description: Identifier of the Postgres instance the drill restores from.
    type: str
    required: true
  backup_bucket:
    description: Bucket of the Postgres dumps (C(postgres/)) and the Velero backups (C(velero/)).
    type: str
    required: true
  graph_backup_bucket:
    description: Bucket of the Neo4j backups (C(neo4j/)).
    type: str
    required: true
  search_snapshot_bucket:
    description: Bucket of the OpenSearch snapshot repository.
    type: str
    required: true
  search_domain:
    description: OpenSearch domain name, the repository's base path.
    type: str
    required: true
  media_bucket:
    description: Bucket the media tier restores in (the replica where replication is on).
    type: str
    required: true
  media_region:
    description: Region of O(media_bucket).
    type: str
    required: true
  storage_kms_key_arns:
    description: SSE-KMS keys of the buckets (the storage key, the replica's key); empty entries are ignored.
    type: list
    elements: str
  data_kms_key_arn:
    description: Key of the Postgres instance; empty for none.
    type: str
"""

EXAMPLES = r"""
- name: Render the drill policy
  ansible.builtin.set_fact:
    __policy: >-
      {{ '123456789012' | mosaic.platform.drill_role_policy(region='eu-west-1', prefix='p', postgres_source='p-postgres',
         backup_bucket='p-backups-123456789012', graph_backup_bucket='p-graph-backups-123456789012',
         search_snapshot_bucket='p-search-snapshots-123456789012', search_domain='p-search',
         media_bucket='p-media-123456789012', media_region='eu-west-1') }}
"""

RETURN = r"""
_value:
  description: The policy document.
  type: dict
"""

from ansible_collections.mosaic.platform.plugins.module_utils.drill_policy import drill_role_policy


def _drill_role_policy(account_id, storage_kms_key_arns=(), data_kms_key_arn="", **kwargs):
    return drill_role_policy(str(account_id), storage_kms_key_arns=list(storage_kms_key_arns or []), data_kms_key_arn=data_kms_key_arn or "", **kwargs)


class FilterModule:
    def filters(self):
        return {"drill_role_policy": _drill_role_policy}
