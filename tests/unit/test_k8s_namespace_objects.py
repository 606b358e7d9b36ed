"""The Namespace objects k8s_namespaces applies in one module run: Pod Security labels per entry, common labels first."""

from __future__ import annotations

from ansible_collections.mosaic.platform.plugins.filter.k8s_namespace_objects import FilterModule

build = FilterModule().filters()["k8s_namespace_objects"]


def test_each_entry_gets_its_level_on_all_three_modes_and_the_pinned_version():
    objs = build([{"name": "platform"}, {"name": "agents", "pod_security": "privileged", "pod_security_reason": "host metrics"}], pod_security_version="v1.34")
    assert [o["metadata"]["name"] for o in objs] == ["platform", "agents"]
    for obj, level in zip(objs, ("restricted", "privileged"), strict=True):
        labels = obj["metadata"]["labels"]
        for mode in ("enforce", "audit", "warn"):
            assert labels[f"pod-security.kubernetes.io/{mode}"] == level
            assert labels[f"pod-security.kubernetes.io/{mode}-version"] == "v1.34"
    assert objs[0]["metadata"]["annotations"] == {}
    assert objs[1]["metadata"]["annotations"] == {"platform.mosaic/pod-security-reason": "host metrics"}


def test_pod_security_labels_win_over_common_and_own_labels():
    objs = build(
        [{"name": "team", "labels": {"team": "a", "pod-security.kubernetes.io/enforce": "privileged"}, "annotations": {"owner": "a"}}],
        labels={"app.kubernetes.io/managed-by": "mosaic.platform", "team": "common"},
        pod_security_version="v1.34",
    )
    labels = objs[0]["metadata"]["labels"]
    assert labels["app.kubernetes.io/managed-by"] == "mosaic.platform"
    assert labels["team"] == "a"
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert objs[0]["metadata"]["annotations"] == {"owner": "a"}
