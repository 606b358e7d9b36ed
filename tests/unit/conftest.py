"""Fixtures the module tests share: AWS in-process (moto) only, and a recorder of the API calls a module makes."""

from __future__ import annotations

import botocore.client
import pytest


@pytest.fixture
def in_process_aws(monkeypatch):
    """The local stack exports AWS_ENDPOINT_URL and a shell may carry a profile; these tests talk to moto in-process only."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


@pytest.fixture
def api_calls(monkeypatch):
    """Every AWS call made in the test, as (operation, params): the write counts and request shapes."""
    recorded = []
    original = botocore.client.BaseClient._make_api_call

    def record(self, operation, params):
        recorded.append((operation, params))
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    return recorded
