#!/usr/bin/env python3
"""Generate the CI deploy role's policy from a recorded converge (scripts/deploy_policy.sh records it).

deploy_policy.py reduce RECORDING.jsonl   distinct calls (and deploy_calls_unrecorded.json) -> deploy_calls.json
deploy_policy.py unrecorded               deploy_calls_unrecorded.json added to the committed deploy_calls.json
deploy_policy.py generate                 deploy_calls.json -> roles/aws_identity/files/deploy_policy.json
deploy_policy.py check                    exit 1 when deploy_policy.json is stale versus the generator
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".collections"))

from ansible_collections.mosaic.platform.plugins.module_utils.deploy_policy import add_unrecorded, generate, reduce_calls  # noqa: E402

FILES = ROOT / "roles" / "aws_identity" / "files"
CALLS, POLICY = FILES / "deploy_calls.json", FILES / "deploy_policy.json"
# Calls a real account sees that a clean converge cannot record (the emulator lacks the API, or the call only
# corrects drift): listed by hand, each with why.
UNRECORDED = FILES / "deploy_calls_unrecorded.json"
# inventories/local, where the recording runs (moto's fixed account).
LOCAL = {"Partition": "aws", "Prefix": "legacyplatform-local", "Slug": "legacyplatform", "Env": "local", "Account": "123456789012", "Region": "eu-west-1"}


def dump(doc) -> str:
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["reduce", "unrecorded", "generate", "check"])
    parser.add_argument("recording", nargs="?")
    args = parser.parse_args()
    if args.command == "reduce":
        with open(args.recording, encoding="utf-8") as handle:
            unrecorded = json.loads(UNRECORDED.read_text())["calls"]
            CALLS.write_text(dump({"values": LOCAL, "calls": reduce_calls(handle, LOCAL, unrecorded)}))
        return 0
    recorded = json.loads(CALLS.read_text())
    if args.command == "unrecorded":
        # After an edit of the hand list only: no new recording needed (reduce does the same on a recording).
        unrecorded = json.loads(UNRECORDED.read_text())["calls"]
        CALLS.write_text(dump({"values": recorded["values"], "calls": add_unrecorded(recorded["calls"], unrecorded)}))
        return 0
    policy = dump(generate(recorded["calls"], recorded["values"]))
    if args.command == "generate":
        POLICY.write_text(policy)
        return 0
    if POLICY.read_text() != policy:
        print(f"{POLICY.relative_to(ROOT)} is stale: run scripts/deploy_policy.py generate", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
