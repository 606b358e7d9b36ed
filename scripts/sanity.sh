#!/usr/bin/env bash
# ansible-test sanity needs the collection at .../ansible_collections/mosaic/platform as its
# working directory. Copy the files git knows about (tracked or not ignored) there, then run
# the default sanity tests in ansible-test's own virtualenvs (pinned linters, no Docker).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV_BIN=${VENV:-$ROOT/.venv}/bin
DEST=$ROOT/.cache/sanity/ansible_collections/mosaic/platform
PY=$("$VENV_BIN/python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')

rm -rf "$DEST"; mkdir -p "$DEST"
# Repository tests and scenarios are not collection content (galaxy.yml build_ignore).
(cd "$ROOT" && git ls-files --cached --others --exclude-standard \
  | grep -vE '^(tests|molecule|inventories|helmfile\.d|gitops|scripts|\.ci)/' \
  | while IFS= read -r f; do [ -e "$f" ] && printf '%s\n' "$f"; done \
  | tar -cf - -T - | tar -xf - -C "$DEST")
cd "$DEST"
# ansible-test lists files through git when it finds a repository; give it one.
git init -q && git add -A && git -c user.email=ci@localhost -c user.name=ci commit -qm sanity
PATH=$VENV_BIN:$PATH "$VENV_BIN/ansible-test" sanity --venv --requirements --python "$PY" "$@"
