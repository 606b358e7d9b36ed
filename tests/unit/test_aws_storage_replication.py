"""s3_bucket_replication (create/modify/delete x check/real x twice) and the replication role documents.

moto 5.2.5 drops SourceSelectionCriteria and reports DeleteMarkerReplication as disabled, so the module's
request shapes are checked with botocore's Stubber.
"""

from __future__ import annotations

import copy

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.mosaic.platform.plugins.module_utils.policy_documents import PolicyError
from ansible_collections.mosaic.platform.plugins.module_utils.s3_policies import (
    check_replication_role_policy,
    replication_role_policy,
    replication_trust_policy,
)
from ansible_collections.mosaic.platform.plugins.modules import s3_bucket_replication
from botocore.stub import Stubber

ACCOUNT = "123456789012"
SOURCE_KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
REPLICA_KEY = f"arn:aws:kms:eu-central-1:{ACCOUNT}:key/66666666-7777-8888-9999-000000000000"
PARAMS = {
    "name": "p-media-1",
    "role_arn": f"arn:aws:iam::{ACCOUNT}:role/p-s3-replication",
    "destination_bucket": "p-media-1-replica",
    "replica_kms_key_arn": REPLICA_KEY,
    "storage_class": "STANDARD",
    "delete_marker_replication": False,
    "state": "present",
}
WANTED = s3_bucket_replication.desired_configuration(PARAMS)
OLD = copy.deepcopy(WANTED)
OLD["Rules"][0]["Destination"]["StorageClass"] = "STANDARD_IA"
# What AWS answers: the configuration plus defaults of its own.
STORED = copy.deepcopy(WANTED)
STORED["Rules"][0]["Destination"]["Metrics"] = {"Status": "Disabled"}


@pytest.fixture
def stubbed():
    client = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106 dummy keys, no call leaves the Stubber
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def _current(stubber, config):
    if config is None:
        stubber.add_client_error("get_bucket_replication", service_error_code="ReplicationConfigurationNotFoundError", expected_params={"Bucket": "p-media-1"})
    else:
        stubber.add_response("get_bucket_replication", {"ReplicationConfiguration": config}, {"Bucket": "p-media-1"})


@pytest.mark.parametrize(
    ("current", "state", "check_mode", "call"),
    [
        (None, "present", True, None),  # create, check
        (None, "present", False, "put"),  # create, real
        (STORED, "present", False, None),  # create, second run: AWS defaults do not count as drift
        (OLD, "present", True, None),  # modify, check
        (OLD, "present", False, "put"),  # modify, real
        (WANTED, "present", False, None),  # modify, second run
        (WANTED, "absent", True, None),  # delete, check
        (WANTED, "absent", False, "delete"),  # delete, real
        (None, "absent", False, None),  # delete, second run
    ],
)
def test_replication_matrix(stubbed, current, state, check_mode, call):
    client, stubber = stubbed
    _current(stubber, current)
    if call == "put":
        stubber.add_response("put_bucket_replication", {}, {"Bucket": "p-media-1", "ReplicationConfiguration": WANTED})
    if call == "delete":
        stubber.add_response("delete_bucket_replication", {}, {"Bucket": "p-media-1"})
    changed, _, _ = s3_bucket_replication.ensure_replication(
        RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff(retries=1)), {**PARAMS, "state": state}, check_mode
    )
    expected = current is not None if state == "absent" else current not in (WANTED, STORED)
    assert changed is expected


def test_sse_kms_objects_are_selected_and_deletes_stay_in_the_source():
    rule = WANTED["Rules"][0]
    assert rule["SourceSelectionCriteria"] == {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    assert rule["DeleteMarkerReplication"] == {"Status": "Disabled"}
    assert rule["Destination"]["EncryptionConfiguration"] == {"ReplicaKmsKeyID": REPLICA_KEY}


def test_missing_bucket_is_a_change_in_check_mode_and_an_error_otherwise(stubbed):
    client, stubber = stubbed
    wrapped = RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff(retries=1))
    for _ in range(2):
        stubber.add_client_error("get_bucket_replication", service_error_code="NoSuchBucket", expected_params={"Bucket": "p-media-1"})
    assert s3_bucket_replication.ensure_replication(wrapped, PARAMS, True)[0] is True
    with pytest.raises(ValueError, match="does not exist"):
        s3_bucket_replication.ensure_replication(wrapped, PARAMS, False)


@pytest.fixture
def role_policy():
    return replication_role_policy({"p-media-1": "p-media-1-replica"}, SOURCE_KEY, REPLICA_KEY, "eu-west-1", "eu-central-1")


def sids(doc):
    return {s["Sid"]: s for s in doc["Statement"]}


def test_trust_is_s3_for_this_account():
    statement = replication_trust_policy(ACCOUNT)["Statement"][0]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_role_reads_sources_and_writes_replicas_only(role_policy):
    assert sids(role_policy)["SourceObjectVersions"]["Resource"] == ["arn:aws:s3:::p-media-1/*"]
    assert sids(role_policy)["ReplicaWrites"]["Resource"] == ["arn:aws:s3:::p-media-1-replica/*"]
    decrypt, encrypt = sids(role_policy)["DecryptSources"], sids(role_policy)["EncryptReplicas"]
    assert (decrypt["Resource"], decrypt["Condition"]["StringEquals"]) == (SOURCE_KEY, {"kms:ViaService": "s3.eu-west-1.amazonaws.com"})
    assert (encrypt["Resource"], encrypt["Condition"]["StringEquals"]) == (REPLICA_KEY, {"kms:ViaService": "s3.eu-central-1.amazonaws.com"})


@pytest.mark.parametrize(
    ("sid", "mutate", "message"),
    [
        ("ReplicaWrites", lambda s: s.update(Action="s3:*"), "wildcard action"),
        ("ReplicaWrites", lambda s: s.update(Resource="*"), "named buckets"),
        ("DecryptSources", lambda s: s.update(Resource="arn:aws:kms:eu-west-1:123456789012:key/*"), "named buckets and keys"),
        ("DecryptSources", lambda s: s.pop("Condition"), "kms:ViaService"),
        ("SourceBuckets", lambda s: s.update(NotResource="arn:aws:s3:::x"), "NotAction/NotResource"),
    ],
)
def test_check_rejects_a_broken_role_policy(role_policy, sid, mutate, message):
    doc = copy.deepcopy(role_policy)
    mutate(sids(doc)[sid])
    with pytest.raises(PolicyError, match=message):
        check_replication_role_policy(doc)


def test_role_policy_needs_a_pair():
    with pytest.raises(PolicyError, match="at least one"):
        replication_role_policy({}, SOURCE_KEY, REPLICA_KEY, "eu-west-1", "eu-central-1")
