"""The tagging standard and its coverage report, as computed from Tagging API results."""

from __future__ import annotations

from ansible_collections.mosaic.platform.plugins.module_utils.cost_tagging import NO_COMPONENT, tag_coverage, tag_violations

FULL = {"Project": "P", "Env": "local", "Owner": "o"}
RESOURCES = [
    {"arn": "arn:aws:s3:::a", "tags": {**FULL, "Component": "storage"}},
    {"arn": "arn:aws:s3:::b", "tags": {**FULL, "Component": "storage", "Owner": ""}},
    {"arn": "arn:aws:sns:eu-west-1:1:c", "tags": {"Project": "P", "Env": "local"}},
    {"arn": "arn:aws:kms:eu-west-1:1:key/d", "tags": {**FULL, "Component": "security"}},
]


def test_violations_name_the_resource_and_the_missing_keys():
    assert tag_violations(RESOURCES) == [
        {"arn": "arn:aws:s3:::b", "missing": ["Owner"]},
        {"arn": "arn:aws:sns:eu-west-1:1:c", "missing": ["Owner", "Component"]},
    ]


def test_fully_tagged_resources_pass():
    assert tag_violations([RESOURCES[0], RESOURCES[3]]) == []


def test_coverage_overall_and_by_component():
    coverage = tag_coverage(RESOURCES)
    assert (coverage["total"], coverage["compliant"], coverage["percent"]) == (4, 2, 50.0)
    assert coverage["by_component"] == {
        NO_COMPONENT: {"total": 1, "compliant": 0, "percent": 0.0},
        "security": {"total": 1, "compliant": 1, "percent": 100.0},
        "storage": {"total": 2, "compliant": 1, "percent": 50.0},
    }


def test_an_empty_account_is_fully_covered():
    assert tag_coverage([])["percent"] == 100.0


def test_custom_required_keys():
    assert tag_violations(RESOURCES, ("Project",)) == []
