"""tag_reconcile: the one tag reconciliation the modules share (purge semantics, check mode, spared keys), and the
tags of several resources read through the tagging API."""

from __future__ import annotations

import boto3
import botocore.client
import botocore.exceptions
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.mosaic.platform.plugins.module_utils.tag_reconcile import listed_tags, reconcile_tags, tags_match
from moto import mock_aws


def _run(current, wanted, purge=True, check_mode=False, keep=None):
    calls = []
    changed, after = reconcile_tags(
        current, wanted, purge, check_mode, tag=lambda tags: calls.append(("tag", tags)), untag=lambda keys: calls.append(("untag", sorted(keys))), keep=keep
    )
    return changed, after, calls


def test_untags_then_tags_what_differs():
    changed, after, calls = _run({"Env": "dev", "Old": "x"}, {"Env": "prod", "Owner": "team"})
    assert changed and after == {"Env": "prod", "Owner": "team"}
    assert calls == [("untag", ["Old"]), ("tag", {"Env": "prod", "Owner": "team"})]


def test_without_purge_extra_tags_stay():
    changed, after, calls = _run({"Env": "dev", "Old": "x"}, {"Env": "dev"}, purge=False)
    assert (changed, after, calls) == (False, {"Env": "dev", "Old": "x"}, [])


@pytest.mark.parametrize("check_mode", [True, False])
def test_check_mode_reports_without_calling(check_mode):
    changed, after, calls = _run({}, {"Env": "dev"}, check_mode=check_mode)
    assert changed and after == {"Env": "dev"}
    assert calls == ([] if check_mode else [("tag", {"Env": "dev"})])


def test_spared_keys_are_never_purged():
    changed, after, calls = _run({"mosaic:ddl:db.t": "1", "Env": "dev"}, {"Env": "dev"}, keep=lambda k: k.startswith("mosaic:ddl:"))
    assert (changed, after, calls) == (False, {"mosaic:ddl:db.t": "1", "Env": "dev"}, [])


def test_no_current_tags_is_an_empty_set():
    assert _run(None, {})[:2] == (False, {})


@pytest.mark.parametrize(
    ("current", "wanted", "purge", "match"),
    [
        ({"Env": "dev"}, {"Env": "dev"}, True, True),
        ({"Env": "dev", "Old": "x"}, {"Env": "dev"}, True, False),
        ({"Env": "dev", "Old": "x"}, {"Env": "dev"}, False, True),
        ({"Env": "dev", "aws:cloudformation:stack-name": "s"}, {"Env": "dev"}, True, True),
        ({"Env": "dev"}, {"Env": "prod"}, False, False),
        (None, {}, True, True),
    ],
)
def test_tags_match_when_nothing_would_be_tagged_or_untagged(current, wanted, purge, match):
    assert tags_match(current, wanted, purge) is match


class _Module:
    """The part of AnsibleAWSModule listed_tags uses: a client of the tagging API against moto."""

    def __init__(self):
        self.clients = []

    def client(self, service, retry_decorator=None):
        client = boto3.client(service, region_name="eu-west-1")
        client = RetryingBotoClientWrapper(client, retry_decorator)
        self.clients.append(service)
        return client


@pytest.fixture
def kms(in_process_aws):
    with mock_aws():
        yield boto3.client("kms", region_name="eu-west-1")


def test_listed_tags_reads_100_arns_per_call_and_leaves_out_what_it_does_not_show(kms, api_calls):
    arns = [kms.create_key(Tags=[{"TagKey": "N", "TagValue": str(n)}])["KeyMetadata"]["Arn"] for n in range(150)]
    untagged = kms.create_key()["KeyMetadata"]["Arn"]
    api_calls.clear()
    found = listed_tags(_Module(), [*arns, untagged, arns[0]])
    assert found == {arn: {"N": str(n)} for n, arn in enumerate(arns)}
    listings = [params for op, params in api_calls if op == "GetResources" and "ResourceARNList" in params]
    assert [len(p["ResourceARNList"]) for p in listings] == [100, 51]
    assert all(set(params) == {"PaginationToken"} for op, params in api_calls if op == "GetResources" and "ResourceARNList" not in params)


def test_listed_tags_of_one_resource_makes_no_call(kms, api_calls):
    arn = kms.create_key(Tags=[{"TagKey": "N", "TagValue": "1"}])["KeyMetadata"]["Arn"]
    api_calls.clear()
    module = _Module()
    assert listed_tags(module, [arn, arn]) == {}
    assert (api_calls, module.clients) == ([], [])


def test_listed_tags_of_a_caller_denied_the_api_is_empty(kms, api_calls, monkeypatch):
    arns = [kms.create_key(Tags=[{"TagKey": "N", "TagValue": "1"}])["KeyMetadata"]["Arn"] for _ in range(2)]
    original = botocore.client.BaseClient._make_api_call

    def deny(self, operation, params):
        if operation == "GetResources":
            raise botocore.exceptions.ClientError({"Error": {"Code": "AccessDeniedException", "Message": "denied"}}, operation)
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", deny)
    assert listed_tags(_Module(), arns) == {}
