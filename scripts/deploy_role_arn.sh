#!/usr/bin/env bash
# Print an environment's GitHub deploy role ARN, identity.ci_roles.deploy of its aws outputs, read through the
# one outputs reader (the mosaic.platform.outputs lookup); the JSON result comes first, the run summary after
# it. Publish it as the GitHub environment variable the workflows assume (once after the first aws-phase run,
# and whenever it changes):
#   gh variable set AWS_DEPLOY_ROLE_ARN --env prod --body "$(scripts/deploy_role_arn.sh prod)"
set -euo pipefail
env=${1:?usage: deploy_role_arn.sh ENV}
root=$(cd "$(dirname "$0")/.." && pwd)
ANSIBLE_CONFIG=$root/ansible.cfg ANSIBLE_LOAD_CALLBACK_PLUGINS=1 ANSIBLE_STDOUT_CALLBACK=ansible.builtin.json \
  "$root/.venv/bin/ansible" "all[0]" -i "$root/inventories/$env" -m ansible.builtin.debug \
  -a "msg={{ lookup('mosaic.platform.outputs', 'identity.ci_roles.deploy') }}" \
  | "$root/.venv/bin/python" -c 'import json,sys; r=json.JSONDecoder().raw_decode(sys.stdin.read())[0]["plays"][0]["tasks"][0]["hosts"]; h=next(iter(r.values())); sys.exit(h.get("msg") if h.get("failed") else print(h["msg"]))'
