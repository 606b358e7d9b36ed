"""iam_oidc_provider: create/modify/delete x check/real x twice, against moto in-process.

moto 5.2.5 lacks AddClientIDToOpenIDConnectProvider and RemoveClientIDFromOpenIDConnectProvider,
so the audience changes are checked as request shapes with botocore's Stubber.
"""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.mosaic.platform.plugins.modules import iam_oidc_provider
from botocore.stub import Stubber
from moto import mock_aws

URL = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0000000000000000000000000"
ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0000000000000000000000000"
THUMB = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
AUTH = {"region": "eu-west-1", "access_key": "testing", "secret_key": "testing"}


pytestmark = pytest.mark.usefixtures("in_process_aws")


@pytest.fixture
def moto():
    with mock_aws():
        yield boto3.client("iam", region_name="eu-west-1")


def run(capsys, check_mode=False, diff=False, **params):
    args = {**AUTH, **params, "_ansible_check_mode": check_mode, "_ansible_diff": diff}
    with patch_module_args(args), pytest.raises(SystemExit):
        iam_oidc_provider.main()
    out = capsys.readouterr().out
    return json.loads(out)


def present(iam):
    return [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]


# -- create -------------------------------------------------------------------------------


def test_create_in_check_mode_changes_nothing_and_returns_the_arn(capsys, moto):
    for _ in range(2):
        result = run(capsys, check_mode=True, diff=True, url=URL, client_ids=["sts.amazonaws.com"])
        assert result["changed"] is True
        assert result["arn"] == ARN
        assert result["diff"]["before"] == {}
    assert present(moto) == []


def test_create_then_again_is_idempotent(capsys, moto):
    first = run(capsys, url=URL, client_ids=["sts.amazonaws.com"], tags={"Component": "identity"})
    assert first["changed"] is True
    assert first["arn"] == ARN
    assert present(moto) == [ARN]
    got = moto.get_open_id_connect_provider(OpenIDConnectProviderArn=ARN)
    assert got["ClientIDList"] == ["sts.amazonaws.com"]
    assert got["ThumbprintList"] == []  # none by default: AWS no longer uses them for EKS and GitHub
    second = run(capsys, url=URL, client_ids=["sts.amazonaws.com"], tags={"Component": "identity"})
    assert second["changed"] is False
    assert second["arn"] == ARN
    assert run(capsys, check_mode=True, url=URL, client_ids=["sts.amazonaws.com"], tags={"Component": "identity"})["changed"] is False


def test_create_needs_client_ids(capsys, moto):
    result = run(capsys, url=URL)
    assert result["failed"] is True
    assert "client_ids" in result["msg"]


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"url": "http://insecure.example.com"}, "https://"),
        ({"url": URL, "client_ids": ["sts.amazonaws.com"], "thumbprints": ["abc"]}, "40 hexadecimal"),
        ({"url": URL, "client_ids": []}, "at least one audience"),
    ],
)
def test_bad_parameters_fail_before_any_change(capsys, moto, params, needle):
    result = run(capsys, **params)
    assert result["failed"] is True
    assert needle in result["msg"]
    assert present(moto) == []


# -- modify (thumbprints and tags: moto) ---------------------------------------------------


def test_modify_thumbprints_and_tags_check_then_real_then_again(capsys, moto):
    run(capsys, url=URL, client_ids=["sts.amazonaws.com"], tags={"Component": "identity", "Old": "x"})
    wanted = {"url": URL, "client_ids": ["sts.amazonaws.com"], "thumbprints": [THUMB.upper()], "tags": {"Component": "identity", "Env": "dev"}}

    check = run(capsys, check_mode=True, diff=True, **wanted)
    assert check["changed"] is True
    assert check["diff"]["after"]["thumbprints"] == [THUMB]
    assert check["diff"]["after"]["tags"] == {"Component": "identity", "Env": "dev"}
    assert moto.get_open_id_connect_provider(OpenIDConnectProviderArn=ARN)["ThumbprintList"] == []

    real = run(capsys, **wanted)
    assert real["changed"] is True
    got = moto.get_open_id_connect_provider(OpenIDConnectProviderArn=ARN)
    assert got["ThumbprintList"] == [THUMB]
    assert {t["Key"]: t["Value"] for t in got["Tags"]} == {"Component": "identity", "Env": "dev"}

    assert run(capsys, **wanted)["changed"] is False
    assert run(capsys, check_mode=True, **wanted)["changed"] is False


def test_tags_are_kept_without_purge(capsys, moto):
    run(capsys, url=URL, client_ids=["sts.amazonaws.com"], tags={"Keep": "me"})
    result = run(capsys, url=URL, tags={"Component": "identity"}, purge_tags=False)
    assert result["changed"] is True
    assert result["tags"] == {"Keep": "me", "Component": "identity"}


def test_omitted_thumbprints_are_left_alone(capsys, moto):
    run(capsys, url=URL, client_ids=["sts.amazonaws.com"], thumbprints=[THUMB])
    result = run(capsys, url=URL, client_ids=["sts.amazonaws.com"])
    assert result["changed"] is False
    assert result["thumbprints"] == [THUMB]


# -- modify (client ids: Stubber, moto lacks the API) ---------------------------------------


def _stubbed(monkeypatch, expect_calls):
    client = boto3.client("iam", region_name="eu-west-1")
    stubber = Stubber(client)
    provider = {"Url": URL.removeprefix("https://"), "ClientIDList": ["sts.amazonaws.com", "old-audience"], "ThumbprintList": [], "Tags": []}
    stubber.add_response("list_open_id_connect_providers", {"OpenIDConnectProviderList": [{"Arn": ARN}]})
    stubber.add_response("get_open_id_connect_provider", provider, {"OpenIDConnectProviderArn": ARN})
    if expect_calls:
        stubber.add_response("add_client_id_to_open_id_connect_provider", {}, {"OpenIDConnectProviderArn": ARN, "ClientID": "new-audience"})
        stubber.add_response("remove_client_id_from_open_id_connect_provider", {}, {"OpenIDConnectProviderArn": ARN, "ClientID": "old-audience"})
        stubber.add_response("list_open_id_connect_providers", {"OpenIDConnectProviderList": [{"Arn": ARN}]})
        after = dict(provider, ClientIDList=["new-audience", "sts.amazonaws.com"])
        stubber.add_response("get_open_id_connect_provider", after, {"OpenIDConnectProviderArn": ARN})
    stubber.activate()
    wrapped = RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff())
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None: wrapped)
    return stubber


@pytest.mark.parametrize("check_mode", [True, False])
def test_modify_client_ids_request_shape(capsys, monkeypatch, check_mode):
    stubber = _stubbed(monkeypatch, expect_calls=not check_mode)
    result = run(capsys, check_mode=check_mode, url=URL, client_ids=["sts.amazonaws.com", "new-audience"])
    assert "failed" not in result, result
    assert result["changed"] is True
    assert result["client_ids"] == ["new-audience", "sts.amazonaws.com"]
    stubber.assert_no_pending_responses()


# -- delete -------------------------------------------------------------------------------


def test_delete_check_then_real_then_again(capsys, moto):
    run(capsys, url=URL, client_ids=["sts.amazonaws.com"])
    check = run(capsys, check_mode=True, diff=True, url=URL, state="absent")
    assert check["changed"] is True
    assert check["diff"]["after"] == {}
    assert present(moto) == [ARN]
    assert run(capsys, url=URL, state="absent")["changed"] is True
    assert present(moto) == []
    assert run(capsys, url=URL, state="absent")["changed"] is False
    assert run(capsys, check_mode=True, url=URL, state="absent")["changed"] is False


def test_a_trailing_slash_names_the_same_provider(capsys, moto):
    run(capsys, url=URL, client_ids=["sts.amazonaws.com"])
    assert run(capsys, url=URL + "/", client_ids=["sts.amazonaws.com"])["changed"] is False
