"""iam_managed_policies: create/converge x check/real x twice, document versions, tags and bad input, against moto in-process."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.mosaic.platform.plugins.modules import iam_managed_policies
from botocore.stub import Stubber
from moto import mock_aws

AUTH = {"region": "eu-west-1", "access_key": "testing", "secret_key": "testing"}
WRITES = {"CreatePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "TagPolicy", "UntagPolicy"}
ARN = "arn:aws:iam::123456789012:policy/p-dev-permissions-boundary"

pytestmark = pytest.mark.usefixtures("in_process_aws")


@pytest.fixture
def iam():
    with mock_aws():
        yield boto3.client("iam", region_name="us-east-1")


def run(capsys, policies, check_mode=False):
    args = {**AUTH, "policies": policies, "_ansible_check_mode": check_mode}
    with patch_module_args(args), pytest.raises(SystemExit):
        iam_managed_policies.main()
    return json.loads(capsys.readouterr().out)


def document(action="s3:GetObject"):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [action], "Resource": "*"}]}


def boundary(action="s3:GetObject", tags=None, description="Permissions boundary"):
    tags = {"Project": "P", "Env": "dev"} if tags is None else tags
    return [{"name": "p-dev-permissions-boundary", "description": description, "policy": document(action), "tags": tags}]


def writes(api_calls):
    return [op for op, _ in api_calls if op in WRITES]


def default_document(iam):
    policy = iam.get_policy(PolicyArn=ARN)["Policy"]
    return iam.get_policy_version(PolicyArn=ARN, VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]


def test_check_mode_on_a_clean_account_writes_nothing_and_names_the_arn(iam, capsys, api_calls):
    out = run(capsys, boundary(), check_mode=True)
    assert out["changed"] is True
    assert out["policies"] == {"p-dev-permissions-boundary": {"arn": ARN, "changed": ["created"]}}
    assert writes(api_calls) == []
    assert iam.list_policies(Scope="Local")["Policies"] == []


def test_creates_the_policy_then_converges_with_reads_by_arn_only(iam, capsys, api_calls):
    out = run(capsys, boundary())
    assert out["policies"]["p-dev-permissions-boundary"] == {"arn": ARN, "changed": ["created"]}
    assert default_document(iam) == document()
    policy = iam.get_policy(PolicyArn=ARN)["Policy"]
    assert policy["Description"] == "Permissions boundary"
    assert {t["Key"]: t["Value"] for t in policy["Tags"]} == {"Project": "P", "Env": "dev"}

    api_calls.clear()
    again = run(capsys, boundary())
    assert again["changed"] is False
    assert writes(api_calls) == []
    # Never a ListPolicies over the account's (AWS-managed) policies.
    assert sorted(op for op, _ in api_calls) == ["GetCallerIdentity", "GetPolicy", "GetPolicyVersion"]
    assert run(capsys, boundary(), check_mode=True)["changed"] is False


def test_a_changed_document_becomes_the_default_version_and_check_mode_only_reports_it(iam, capsys, api_calls):
    run(capsys, boundary())
    api_calls.clear()
    planned = run(capsys, boundary(action="s3:PutObject"), check_mode=True)
    assert planned["policies"]["p-dev-permissions-boundary"]["changed"] == ["document"]
    assert writes(api_calls) == []
    assert default_document(iam) == document()

    out = run(capsys, boundary(action="s3:PutObject"))
    assert out["policies"]["p-dev-permissions-boundary"]["changed"] == ["document"]
    assert default_document(iam) == document("s3:PutObject")
    assert run(capsys, boundary(action="s3:PutObject"))["changed"] is False


def test_the_oldest_non_default_version_makes_room_at_five_versions(iam, capsys):
    run(capsys, boundary(action="s3:Action0"))
    for n in range(1, 6):
        run(capsys, boundary(action=f"s3:Action{n}"))
    versions = iam.list_policy_versions(PolicyArn=ARN)["Versions"]
    assert len(versions) == 5
    documents = {json.dumps(iam.get_policy_version(PolicyArn=ARN, VersionId=v["VersionId"])["PolicyVersion"]["Document"]) for v in versions}
    assert json.dumps(document("s3:Action0")) not in documents
    assert default_document(iam) == document("s3:Action5")


def test_tags_are_converged_exactly(iam, capsys, api_calls):
    run(capsys, boundary())
    api_calls.clear()
    out = run(capsys, boundary(tags={"Project": "P", "Owner": "platform"}))
    assert out["policies"]["p-dev-permissions-boundary"]["changed"] == ["tags"]
    assert sorted(writes(api_calls)) == ["TagPolicy", "UntagPolicy"]
    tags = iam.get_policy(PolicyArn=ARN)["Policy"]["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {"Project": "P", "Owner": "platform"}


def test_a_different_description_is_a_warning_not_a_change(iam, capsys):
    run(capsys, boundary())
    out = run(capsys, boundary(description="Something else"))
    assert out["changed"] is False
    assert "description of p-dev-permissions-boundary differs" in str(out["warnings"])


def test_a_policy_of_that_name_at_another_path_is_an_error_naming_the_rule():
    """IAM refuses a second policy of one name at another path (moto accepts it): the request and the answer are stubbed."""
    client = boto3.client("iam", region_name="us-east-1")  # in_process_aws sets moto's dummy keys
    wrapped = RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff())
    spec = dict(boundary()[0], path="/")

    class Failed(Exception):
        pass

    class Module:
        check_mode = False
        jsonify = staticmethod(json.dumps)

        def fail_json(self, msg):
            raise Failed(msg)

    with Stubber(client) as stub:
        stub.add_client_error("create_policy", service_error_code="EntityAlreadyExists", http_status_code=409)
        with pytest.raises(Failed, match="a policy named p-dev-permissions-boundary exists at another path than /; a policy's path cannot change"):
            iam_managed_policies.create_policy(Module(), wrapped, spec)
        stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("policies", "message"),
    [
        (boundary() + boundary(), "policies names must be unique"),
        ([{**boundary()[0], "path": "team/"}], "policies path must start and end with /"),
    ],
)
def test_bad_input_fails_before_any_call(iam, capsys, api_calls, policies, message):
    out = run(capsys, policies)
    assert out["failed"] is True
    assert message in out["msg"]
    assert api_calls == []
