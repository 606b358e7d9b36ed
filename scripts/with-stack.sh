#!/usr/bin/env bash
# Run a command against the local stack: start it when it is not running (and stop it
# afterwards, whatever the command's outcome), reuse it when it is (and leave it running).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STACK=${STACK_DIR:-$ROOT/.stack}
if "$ROOT/scripts/stack.sh" status >/dev/null 2>&1; then
  echo "with-stack: reusing the running local stack" >&2
else
  "$ROOT/scripts/stack.sh" up
  trap '"$ROOT/scripts/stack.sh" down' EXIT
fi
# shellcheck source=/dev/null
. "$STACK/env"
"$@"
