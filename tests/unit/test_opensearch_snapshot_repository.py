"""The snapshot-repository registration: request shape and SigV4 signature with a captured signer
(moto does not serve the domain's _snapshot API; the live path runs only against real AWS)."""

from __future__ import annotations

import json

from ansible_collections.mosaic.platform.plugins.module_utils.data_opensearch import (
    repository_matches,
    sign,
    snapshot_repository_body,
    snapshot_repository_request,
)
from botocore.credentials import Credentials

ROLE = "arn:aws:iam::333333333333:role/legacyplatform-prod-search-snapshots"
BUCKET = "legacyplatform-prod-search-snapshots-333333333333"


def request():
    body = snapshot_repository_body(BUCKET, "eu-west-1", ROLE, base_path="/legacyplatform-prod-search/")
    return body, snapshot_repository_request("https://vpc-search-abc.eu-west-1.es.amazonaws.com/", "s3-snapshots", body)


def test_request_is_a_put_on_the_snapshot_api_with_an_s3_body():
    body, (method, url, data, headers) = request()
    assert method == "PUT"
    assert url == "https://vpc-search-abc.eu-west-1.es.amazonaws.com/_snapshot/s3-snapshots"
    assert headers == {"Content-Type": "application/json", "Host": "vpc-search-abc.eu-west-1.es.amazonaws.com"}
    sent = json.loads(data)
    assert sent == body
    assert sent["type"] == "s3"
    assert sent["settings"] == {
        "bucket": BUCKET,
        "region": "eu-west-1",
        "role_arn": ROLE,
        "server_side_encryption": True,
        "base_path": "legacyplatform-prod-search",
    }


def test_request_is_signed_for_service_es_in_the_region():
    _, (method, url, data, headers) = request()
    signed = sign(Credentials("AKIDEXAMPLE", "secret", "session-token"), "eu-west-1", method, url, data, headers)
    auth = signed["Authorization"]
    assert auth.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/es/aws4_request" in auth
    assert "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token" in auth
    assert signed["X-Amz-Security-Token"] == "session-token"
    assert "X-Amz-Date" in signed


def test_signature_changes_with_the_body():
    _, (method, url, data, headers) = request()
    creds = Credentials("AKIDEXAMPLE", "secret")
    a = sign(creds, "eu-west-1", method, url, data, headers)["Authorization"]
    b = sign(creds, "eu-west-1", method, url, data + b" ", headers)["Authorization"]
    assert a.split("Signature=")[1] != b.split("Signature=")[1]


def test_existing_repository_is_compared_as_opensearch_returns_it():
    body, _ = request()
    returned = {"type": "s3", "settings": {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in body["settings"].items()}}
    assert repository_matches(returned, body)
    assert not repository_matches(None, body)
    assert not repository_matches(dict(returned, settings=dict(returned["settings"], bucket="other")), body)
    assert not repository_matches(dict(returned, type="fs"), body)
