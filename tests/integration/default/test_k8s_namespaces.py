"""k8s_namespaces on the local kube-apiserver: labels, reasons, and Pod Security really enforced."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible_collections.mosaic.platform.plugins.module_utils.platform_outputs import read_outputs
from kubernetes import client
from kubernetes.client.rest import ApiException

DEFAULTS = yaml.safe_load((Path(__file__).resolve().parents[3] / "roles/k8s_namespaces/defaults/main.yml").read_text())
NAMESPACES = {ns["name"]: ns for ns in DEFAULTS["k8s_namespaces_list"]}


@pytest.mark.parametrize("name", sorted(NAMESPACES))
def test_namespace_has_pod_security_labels(core, name):
    ns = core.read_namespace(name)
    labels = ns.metadata.labels
    level = NAMESPACES[name].get("pod_security", "restricted")
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == level
        assert labels[f"pod-security.kubernetes.io/{mode}-version"] == "latest"
    assert labels["app.kubernetes.io/managed-by"] == "mosaic.platform"
    if level != "restricted":
        assert ns.metadata.annotations["platform.mosaic/pod-security-reason"], f"{name} runs below restricted without a reason"


def _privileged_pod(name: str) -> client.V1Pod:
    return client.V1Pod(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1PodSpec(
            containers=[
                client.V1Container(name="c", image="registry.invalid/x:1", security_context=client.V1SecurityContext(privileged=True)),
            ]
        ),
    )


def test_restricted_namespace_rejects_a_privileged_pod(core):
    restricted = next(n for n, ns in NAMESPACES.items() if ns.get("pod_security", "restricted") == "restricted")
    with pytest.raises(ApiException) as err:
        core.create_namespaced_pod(restricted, _privileged_pod("psa-probe"), dry_run="All")
    assert err.value.status == 403
    assert "violates PodSecurity" in err.value.body


def test_privileged_namespace_admits_the_same_pod(core):
    privileged = next(n for n, ns in NAMESPACES.items() if ns.get("pod_security") == "privileged")
    pod = core.create_namespaced_pod(privileged, _privileged_pod("psa-probe"), dry_run="All")
    assert pod.metadata.name == "psa-probe"


def _host_pod(name: str) -> client.V1Pod:
    """What node-exporter needs: the host's PID and network namespaces and a hostPath."""
    return client.V1Pod(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1PodSpec(
            host_network=True,
            host_pid=True,
            containers=[client.V1Container(name="c", image="registry.invalid/x:1", volume_mounts=[client.V1VolumeMount(name="root", mount_path="/host")])],
            volumes=[client.V1Volume(name="root", host_path=client.V1HostPathVolumeSource(path="/"))],
        ),
    )


def test_only_the_agents_namespace_admits_a_node_agent(core):
    """observability is restricted now that node-exporter and Alloy run in agents (privileged)."""
    with pytest.raises(ApiException) as err:
        core.create_namespaced_pod("observability", _host_pod("agent-probe"), dry_run="All")
    assert err.value.status == 403
    assert "violates PodSecurity" in err.value.body
    assert core.create_namespaced_pod("agents", _host_pod("agent-probe"), dry_run="All").metadata.name == "agent-probe"


def test_the_outputs_say_every_namespace_exists_after_a_real_run(core, platform):
    """namespaces.existing, what the bootstrap's plan dry-runs namespaced objects in, is every namespace after a real run."""
    published = read_outputs(str(platform["outputs_dir"]), "local-main")["namespaces"]
    assert published["existing"] == published["names"] + published.get("team", [])
    in_cluster = {ns.metadata.name for ns in core.list_namespace().items}
    assert set(published["existing"]) <= in_cluster
