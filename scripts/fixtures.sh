#!/usr/bin/env bash
# make fixtures: regenerate the committed outputs files of the example inventories
# (tests/fixtures/outputs/<env>/<host>/{aws,cluster}.yml) and the example trees rendered from them
# (gitops/<env>/, helmfile.d/). Each inventory's aws and cluster phases converge against a moto of
# their own, on loopback, in the inventory's account (MOTO_ACCOUNT_ID), so the files hold what the
# roles really publish: no hand-written value. Run it after a change to what a role publishes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV_BIN=${VENV:-$ROOT/.venv}/bin
ENVS=${FIXTURE_ENVS:-local dev staging prod}
PORT=${MOSAIC_FIXTURES_MOTO_PORT:-5305}
OUT=$ROOT/tests/fixtures/outputs
SCRATCH=$(mktemp -d)
export MOSAIC_FIXTURES_SCRATCH=$SCRATCH ANSIBLE_CONFIG=$ROOT/ansible.cfg
MOTO_PID=""
cleanup() { [ -n "$MOTO_PID" ] && kill "$MOTO_PID" 2>/dev/null; rm -rf "$SCRATCH"; }
trap cleanup EXIT

account_of() { # the platform_aws_account_id an inventory sets
  "$VENV_BIN/python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["platform_aws_account_id"])' \
    "$ROOT/inventories/$1/group_vars/$1/platform.yml"
}

fixture_env() { # NAME=VALUE for every environment variable an inventory's aws_secrets entries read: dummies
  "$VENV_BIN/python" - "$ROOT/inventories/$1/group_vars/$1/aws_secrets.yml" <<'PY'
import json, sys, yaml
entries = (yaml.safe_load(open(sys.argv[1])) or {}).get("aws_secrets_secrets", [])
for entry in entries:
    if entry.get("env_var"):
        print(f"{entry['env_var']}={json.dumps({'fixture': entry['name']})}")
PY
}

for env in $ENVS; do
  account=$(account_of "$env")
  # The secrets whose values come from the operator's environment get dummies: only their names and ARNs
  # reach the outputs.
  mapfile -t secret_env < <(fixture_env "$env")
  echo "fixtures: $env (account $account) against moto on 127.0.0.1:$PORT"
  MOTO_ACCOUNT_ID=$account MOTO_IAM_LOAD_MANAGED_POLICIES=true \
    "$VENV_BIN/moto_server" -H 127.0.0.1 -p "$PORT" >"$SCRATCH/moto-$env.log" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/moto-api/data.json" >/dev/null && break; sleep 1; done
  rm -rf "${OUT:?}/$env"
  env -u AWS_PROFILE -u AWS_DEFAULT_PROFILE -u AWS_SESSION_TOKEN "${secret_env[@]}" \
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=eu-west-1 \
    "$VENV_BIN/ansible-playbook" -i "$ROOT/inventories/$env" "$ROOT/playbooks/aws.yml" "$ROOT/playbooks/cluster.yml" \
    --skip-tags namespaces -e "@$ROOT/tests/fixtures/moto.yml" \
    -e "{\"platform_aws_endpoint_url\": \"http://127.0.0.1:$PORT\", \"platform_outputs_dir\": \"$OUT/$env\"}" \
    >"$SCRATCH/converge-$env.log" 2>&1 || { tail -40 "$SCRATCH/converge-$env.log" >&2; exit 1; }
  kill "$MOTO_PID"; wait "$MOTO_PID" 2>/dev/null || true; MOTO_PID=""
done

echo "fixtures: rendering the example trees from them"
"$VENV_BIN/python" "$ROOT/scripts/render_examples.py"
