"""Fixtures for the assertions molecule's verify step runs against the local stack."""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest
import yaml
from kubernetes import client, config

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "inventories" / "local"


def pytest_collection_modifyitems(items):
    for item in items:
        if str(ROOT / "tests" / "integration") in str(item.fspath):
            item.add_marker(pytest.mark.stack)


@pytest.fixture(scope="session")
def platform() -> dict:
    """The local inventory's platform settings, resolved the way the playbooks resolve them."""
    data = yaml.safe_load((INVENTORY / "group_vars" / "local" / "platform.yml").read_text())
    project = yaml.safe_load((ROOT / "inventories" / "project.yml").read_text())
    env = data["platform_env"]
    return {
        "env": env,
        "region": data["platform_aws_region"],
        "account": data["platform_aws_account_id"],
        "prefix": f"{project['platform_slug']}-{env}",
        "project": project["platform_project"],
        "owner": project["platform_owner"],
        # Scenarios may point the workspace elsewhere (MOSAIC_WORKSPACE), as the playbooks do.
        "outputs_dir": Path(os.environ.get("MOSAIC_WORKSPACE", ROOT)) / ".outputs" / env,
    }


@pytest.fixture(scope="session")
def aws(platform):
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5005")
    assert endpoint.startswith(("http://127.", "http://localhost")), f"refusing non-loopback endpoint {endpoint}"
    session = boto3.session.Session(region_name=platform["region"], aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106 moto's dummy keys

    def make(service: str):
        return session.client(service, endpoint_url=endpoint)

    return make


@pytest.fixture(scope="session")
def kube():
    kubeconfig = Path(os.environ.get("STACK_DIR", ROOT / ".stack")) / "kubeconfig"
    return config.new_client_from_config(config_file=str(kubeconfig))


@pytest.fixture(scope="session")
def core(kube):
    return client.CoreV1Api(kube)
