#!/usr/bin/env bash
# ansible-test sanity needs the collection at .../ansible_collections/mosaic/platform as its
# working directory. Copy the files git knows about (tracked or not ignored) there, then run
# the default sanity tests with ansible-test's pinned linters, installed into a virtualenv of
# their own (.cache/sanity-venv) so they never disturb the project's. `--venv` is not used: it
# bootstraps pip from a host outside the package registries.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SANITY_VENV=$ROOT/.cache/sanity-venv
DEST=$ROOT/.cache/sanity/ansible_collections/mosaic/platform
CORE=$(sed -n 's/^ansible-core==//p' "$ROOT/requirements.txt")

if [ "$(cat "$SANITY_VENV/.core" 2>/dev/null)" != "$CORE" ]; then
  rm -rf "$SANITY_VENV"
  python3 -m venv "$SANITY_VENV"
  "$SANITY_VENV/bin/pip" install --quiet "ansible-core==$CORE"
  echo "$CORE" >"$SANITY_VENV/.core"
fi
# ansible-test bootstraps pip into each test's virtualenv with a get-pip script it downloads
# from a host outside the package registries. Its documented escape hatch is a cached script:
# ours bootstraps the pip bundled with Python (ensurepip), then installs what was asked from PyPI.
PIP_PIN=$(sed -n "s/^ *pip='\([0-9.]*\)',$/\1/p" "$SANITY_VENV"/lib/python3*/site-packages/ansible_test/_internal/python_requirements.py | sed -n 1p)
GET_PIP=$HOME/.ansible/test/cache/get_pip_${PIP_PIN//./_}.py
if [ -n "$PIP_PIN" ] && [ ! -f "$GET_PIP" ]; then
  mkdir -p "$(dirname "$GET_PIP")"
  cat >"$GET_PIP" <<'PYEOF'
"""Stand-in for get-pip.py (written by mosaic.platform's scripts/sanity.sh): pip from ensurepip, then the requested install."""
import ensurepip
import os
import subprocess
import sys

# get-pip's own flags; pip install does not know them.
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
ensurepip.bootstrap(upgrade=True)
# ensurepip points PIP_CONFIG_FILE at /dev/null, which would hide the machine's pip settings (index, CA bundle).
env = {k: v for k, v in os.environ.items() if k != "PIP_CONFIG_FILE"}
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", *args], env=env))
PYEOF
fi
PY=$("$SANITY_VENV/bin/python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')

rm -rf "$DEST"; mkdir -p "$DEST"
# Repository tests and scenarios are not collection content (galaxy.yml build_ignore); the sanity
# ignore files (tests/sanity/, none today) are ansible-test's.
(cd "$ROOT" && git ls-files --cached --others --exclude-standard \
  | awk '!/^(tests|molecule|inventories|helmfile\.d|gitops|scripts|\.ci)\// || /^tests\/sanity\//' \
  | while IFS= read -r f; do [ -e "$f" ] && printf '%s\n' "$f"; done \
  | tar -cf - -T - | tar -xf - -C "$DEST")
# The collections ours depends on (doc fragments, module_utils) sit beside it, from the project venv.
DEPS=$("${VENV:-$ROOT/.venv}/bin/python" -c 'import ansible_collections, os; print(os.path.dirname(ansible_collections.__file__) if ansible_collections.__file__ else list(ansible_collections.__path__)[0])')
for ns in amazon community kubernetes; do ln -sfn "$DEPS/$ns" "$DEST/../../$ns"; done
cd "$DEST"
# ansible-test lists files through git when it finds a repository; give it one.
git init -q && git add -A && git -c user.email=ci@localhost -c user.name=ci commit -qm sanity
PATH=$SANITY_VENV/bin:$PATH "$SANITY_VENV/bin/ansible-test" sanity --local --requirements --python "$PY" "$@"
