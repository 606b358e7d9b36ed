"""playbooks/dlq_redrive.yml refuses anything but a DLQ of the platform's queues and a rate outside
1..500, before any AWS call (every call goes to a closed loopback port); an empty DLQ of the local
emulator is no change (moto 5.2.5 has no message move API: tests/unit/test_sqs_message_move_task.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.request import Request, urlopen

import boto3
import pytest
from test_bad_input import ANSIBLE_PLAYBOOK

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = ROOT / "playbooks" / "dlq_redrive.yml"
BASE = "https://sqs.eu-west-1.amazonaws.com/123456789012"
ARN = "arn:aws:sqs:eu-west-1:123456789012"


def queue(name):
    return {"url": f"{BASE}/{name}", "arn": f"{ARN}:{name}", "dlq_url": f"{BASE}/{name}-dlq", "dlq_arn": f"{ARN}:{name}-dlq"}


QUEUES = {"jobs": queue("p-jobs"), "mail": queue("p-mail")}
VARS = {"platform_aws_region": "eu-west-1", "platform_aws_endpoint_url": "http://127.0.0.1:9", "dlq_redrive_queues": QUEUES}


def run_playbook(tmp_path, extra_vars):
    """The playbook itself (hosts: all) on an inventory of the local host."""
    inventory = tmp_path / "hosts.ini"
    inventory.write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n")
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1", AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")  # noqa: S106
    args = [str(ANSIBLE_PLAYBOOK), "-i", str(inventory), str(PLAYBOOK)]
    return subprocess.run([*args, "-e", json.dumps(extra_vars)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603


def failed_on(result, needle):
    out = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, out
    assert needle in out, out
    assert "Move the messages back to the work queue" not in out, "the playbook reached the move"


@pytest.mark.parametrize("queue", ["p-jobs", "arn:aws:sqs:eu-west-1:123456789012:p-jobs", "jobs", "p-other-dlq", ""])
def test_refuses_what_is_not_a_platform_dlq(tmp_path, queue):
    failed_on(
        run_playbook(tmp_path, {**VARS, "dlq_redrive_queue": queue}),
        f"dlq_redrive_queue must name a dead-letter queue of the platform's queues, by name or ARN (got '{queue}'; the DLQs are ['p-jobs-dlq', 'p-mail-dlq'])",
    )


@pytest.mark.parametrize("rate", [0, 501, "fast", 2.5])
def test_refuses_a_rate_outside_sqs_bounds(tmp_path, rate):
    failed_on(
        run_playbook(tmp_path, {**VARS, "dlq_redrive_queue": "p-mail-dlq", "dlq_redrive_rate": rate}),
        f"dlq_redrive_rate must be a whole number of messages per second, 1..500 (got '{rate}')",
    )


@pytest.mark.parametrize("queue", ["p-jobs-dlq", "arn:aws:sqs:eu-west-1:123456789012:p-jobs-dlq", f"{BASE}/p-jobs-dlq"])
def test_a_platform_dlq_passes_to_the_move(tmp_path, queue):
    result = run_playbook(tmp_path, {**VARS, "dlq_redrive_queue": queue, "dlq_redrive_rate": 20})
    tasks = re.findall(r"^TASK \[(.*?)\] \**$", result.stdout, flags=re.MULTILINE)
    assert tasks[-1] == "Move the messages back to the work queue", result.stdout
    assert "Could not connect to the endpoint URL" in result.stdout, "the move did not reach its AWS call"


def test_an_empty_dlq_of_the_emulator_is_no_change(tmp_path):
    """Against a moto server on a loopback port (the emulator of the local stack), in-process here."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        # moto's backends are process-wide: start from an empty emulator.
        urlopen(Request(f"{endpoint}/moto-api/reset", method="POST"))  # noqa: S310 loopback
        sqs = boto3.client("sqs", region_name="eu-west-1", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
        dlq_url = sqs.create_queue(QueueName="p-jobs-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        queues = {"jobs": dict(QUEUES["jobs"], dlq_url=dlq_url, dlq_arn=dlq_arn)}
        result = run_playbook(tmp_path, {**VARS, "platform_aws_endpoint_url": endpoint, "dlq_redrive_queues": queues, "dlq_redrive_queue": "p-jobs-dlq"})
    finally:
        urlopen(Request(f"{endpoint}/moto-api/reset", method="POST"))  # noqa: S310 loopback
        server.stop()
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "the dead-letter queue is empty" in out and "changed=0" in out
