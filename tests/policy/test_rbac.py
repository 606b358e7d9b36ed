"""The RBAC of the dev and ops groups, checked as documents (the SubjectAccessReview tests in
tests/integration/cluster check the same objects on the real API server)."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.mosaic.platform.plugins.module_utils.k8s_policies import K8sPolicyError, check_rbac, rbac_objects

DEV, OPS = "platform:dev", "platform:ops"


@pytest.fixture
def objects():
    return rbac_objects(DEV, OPS, ["team-a", "team-b"])


def by_name(objs, kind):
    return {o["metadata"].get("namespace", "") + "/" + o["metadata"]["name"]: o for o in objs if o["kind"] == kind}


def test_dev_never_touches_secrets_and_has_no_wildcard_verbs(objects):
    for role in by_name(objects, "ClusterRole").values():
        for rule in role["rules"]:
            assert "*" not in rule["verbs"] and "*" not in rule["apiGroups"]
            if "" in rule["apiGroups"]:
                assert not any(r.startswith("secrets") for r in rule["resources"])
                assert "*" not in rule["resources"]


def test_dev_edits_only_in_team_namespaces(objects):
    bindings = by_name(objects, "RoleBinding")
    assert set(bindings) == {"team-a/mosaic-platform:dev-edit", "team-b/mosaic-platform:dev-edit"}
    cluster_bindings = {b["roleRef"]["name"] for b in by_name(objects, "ClusterRoleBinding").values() if b["subjects"][0]["name"] == DEV}
    assert cluster_bindings == {"mosaic-platform:dev-read"}


def test_dev_read_role_is_read_only(objects):
    read = by_name(objects, "ClusterRole")["/mosaic-platform:dev-read"]
    assert all(set(rule["verbs"]) == {"get", "list", "watch"} for rule in read["rules"])


def test_ops_is_cluster_admin_like_its_access_entry(objects):
    ops = [b for b in by_name(objects, "ClusterRoleBinding").values() if b["subjects"][0]["name"] == OPS]
    assert [b["roleRef"]["name"] for b in ops] == ["cluster-admin"]


def _mutate(objects, name, mutate):
    docs = copy.deepcopy(objects)
    mutate(next(o for o in docs if o["metadata"]["name"] == name and o["kind"] == "ClusterRole"))
    return docs


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            lambda o: _mutate(o, "mosaic-platform:dev-edit", lambda r: r["rules"].append({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]})),
            "secrets",
        ),
        (
            lambda o: _mutate(
                o, "mosaic-platform:dev-edit", lambda r: r["rules"].append({"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["*"]})
            ),
            "wildcard verb",
        ),
        (
            lambda o: _mutate(o, "mosaic-platform:dev-read", lambda r: r["rules"].append({"apiGroups": [""], "resources": ["*"], "verbs": ["get"]})),
            "wildcard resources",
        ),
        (
            lambda o: _mutate(o, "mosaic-platform:dev-read", lambda r: r["rules"].append({"apiGroups": ["*"], "resources": ["pods"], "verbs": ["get"]})),
            "API group",
        ),
        (
            lambda o: _mutate(o, "mosaic-platform:dev-read", lambda r: r["rules"].append({"apiGroups": ["apps"], "resources": ["*"], "verbs": ["delete"]})),
            "wildcard resources",
        ),
        (
            lambda o: (
                o
                + [
                    {
                        "kind": "ClusterRoleBinding",
                        "metadata": {"name": "x"},
                        "roleRef": {"kind": "ClusterRole", "name": "edit"},
                        "subjects": [{"kind": "Group", "name": DEV}],
                    }
                ]
            ),
            "must not be bound to edit",
        ),
    ],
)
def test_check_rejects_broken_rbac(objects, broken, message):
    with pytest.raises(K8sPolicyError, match=message):
        check_rbac(broken(objects), DEV)
