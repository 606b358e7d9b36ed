"""acm_certificate_request against moto: create/modify/delete x check/real x twice."""

from __future__ import annotations

import pytest
from ansible_collections.mosaic.platform.plugins.modules import acm_certificate_request as module
from test_edge_audit_cost_harness import run_module

# The moto_session and stubbed fixtures.
pytest_plugins = ["test_edge_audit_cost_harness"]

NAMES = {"domain_name": "app.example.com", "subject_alternative_names": ["api.example.com"], "wait_timeout": 5}
TAGS = {"Project": "P", "Env": "local", "Owner": "o", "Component": "edge"}


@pytest.fixture
def acm(moto_session):
    return moto_session.client("acm")


def certs(acm):
    return [c["CertificateArn"] for c in acm.list_certificates()["CertificateSummaryList"]]


def tags(acm, arn):
    return {t["Key"]: t["Value"] for t in acm.list_tags_for_certificate(CertificateArn=arn).get("Tags", [])}


def test_create_check_real_twice(capsys, acm):
    checked = run_module(module.main, capsys, {**NAMES, "tags": TAGS}, check=True)
    assert checked["changed"] and certs(acm) == []

    created = run_module(module.main, capsys, {**NAMES, "tags": TAGS})
    assert created["changed"]
    assert certs(acm) == [created["certificate_arn"]]
    assert created["domain_names"] == ["app.example.com", "api.example.com"]
    assert {d["domain"] for d in created["domain_validation"]} == {"app.example.com", "api.example.com"}
    assert created["validation_records"] and all(r["type"] == "CNAME" and r["name"] and r["value"] for r in created["validation_records"])
    assert tags(acm, created["certificate_arn"]) == TAGS

    again = run_module(module.main, capsys, {**NAMES, "tags": TAGS})
    assert not again["changed"] and again["certificate_arn"] == created["certificate_arn"]
    assert again["validation_records"] == created["validation_records"]
    assert not run_module(module.main, capsys, {**NAMES, "tags": TAGS}, check=True)["changed"]


def test_modify_tags_check_real_twice(capsys, acm):
    arn = run_module(module.main, capsys, {**NAMES, "tags": TAGS})["certificate_arn"]
    new_tags = {**TAGS, "Owner": "edge-team"}
    checked = run_module(module.main, capsys, {**NAMES, "tags": new_tags}, check=True)
    assert checked["changed"] and tags(acm, arn)["Owner"] == "o"
    assert checked["diff"]["after"]["tags"]["Owner"] == "edge-team"
    assert run_module(module.main, capsys, {**NAMES, "tags": new_tags})["changed"]
    assert tags(acm, arn) == new_tags
    assert not run_module(module.main, capsys, {**NAMES, "tags": new_tags})["changed"]
    assert not run_module(module.main, capsys, {**NAMES, "tags": new_tags}, check=True)["changed"]


def test_changed_names_request_a_new_certificate(capsys, acm):
    first = run_module(module.main, capsys, NAMES)["certificate_arn"]
    second = run_module(module.main, capsys, {**NAMES, "subject_alternative_names": ["api.example.com", "www.example.com"]})
    assert second["changed"] and second["certificate_arn"] != first
    assert set(certs(acm)) == {first, second["certificate_arn"]}


def test_delete_check_real_twice(capsys, acm):
    arn = run_module(module.main, capsys, NAMES)["certificate_arn"]
    assert run_module(module.main, capsys, {**NAMES, "state": "absent"}, check=True)["changed"]
    assert certs(acm) == [arn]
    assert run_module(module.main, capsys, {**NAMES, "state": "absent"})["changed"]
    assert certs(acm) == []
    assert not run_module(module.main, capsys, {**NAMES, "state": "absent"})["changed"]
    assert not run_module(module.main, capsys, {**NAMES, "state": "absent"}, check=True)["changed"]
