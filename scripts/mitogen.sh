#!/usr/bin/env bash
# Run a command (ansible-playbook, molecule) under the mitogen strategy: one persistent Python interpreter per
# target instead of a new process per module run, which halves a no-op converge (docs/performance.md). Opt-in:
# `make converge STRATEGY=mitogen`. Without it (or with ANSIBLE_STRATEGY=linear) runs use ansible-core's linear
# strategy. mitogen is pinned in requirements.txt; the strategy plugin lives inside the installed package.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${VENV:-$ROOT/.venv}/bin/python
plugins=$("$PY" -c 'import os, ansible_mitogen; print(os.path.join(os.path.dirname(ansible_mitogen.__file__), "plugins", "strategy"))' 2>/dev/null) || {
  echo "mitogen: the mitogen package is not installed in ${VENV:-$ROOT/.venv}: run make venv (requirements.txt pins it), or run without STRATEGY=mitogen" >&2
  exit 2
}
export ANSIBLE_STRATEGY_PLUGINS=$plugins ANSIBLE_STRATEGY=mitogen_linear
exec "$@"
