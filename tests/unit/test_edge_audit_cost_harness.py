"""In-process harness for the edge, audit and cost modules, shared by their unit tests.

Modules run in this process through ansible's `patch_module_args`, against moto's `mock_aws`
(the botocore-level emulator, no server), or against botocore `Stubber`s for the calls moto
lacks (BRIEF.md section 4). A module ends with SystemExit; its JSON result is read from stdout.
"""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils import modules as aws_modules
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from botocore.stub import Stubber
from moto import mock_aws

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account


def run_module(main, capsys, args: dict, check: bool = False) -> dict:
    """Run a module's main() with args; return its result (changed, failed, msg, ...)."""
    capsys.readouterr()
    module_args = {"region": REGION, "_ansible_check_mode": check, "_ansible_diff": True, **args}
    with patch_module_args(module_args), pytest.raises(SystemExit):
        main()
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def moto_session(monkeypatch):
    """A moto-backed boto3 session; never a real endpoint."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield boto3.session.Session(region_name=REGION)


@pytest.fixture
def stubbed(monkeypatch):
    """Hand the module botocore Stubbers instead of live clients: stubbed('athena') -> Stubber."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    clients: dict = {}
    stubbers: dict = {}

    def client(self, service, retry_decorator=None, **_kwargs):
        if service not in clients:
            raise AssertionError(f"the module called {service}, which the test did not stub")
        return clients[service] if retry_decorator is None else RetryingBotoClientWrapper(clients[service], retry_decorator)

    monkeypatch.setattr(aws_modules.AnsibleAWSModule, "client", client)

    def make(service: str) -> Stubber:
        if service not in stubbers:
            clients[service] = boto3.session.Session(region_name=REGION).client(service)
            stubbers[service] = Stubber(clients[service])
            stubbers[service].activate()
        return stubbers[service]

    yield make
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()


def test_harness_reports_a_missing_required_option(capsys, moto_session):
    from ansible_collections.mosaic.platform.plugins.modules import athena_named_queries

    result = run_module(athena_named_queries.main, capsys, {"workgroup": "wg"})
    assert result["failed"] is True
    assert "queries" in result["msg"]
