#!/usr/bin/env bash
# Converge benchmark on the local stack: cold converge of inventories/local, then the no-op
# re-run (time, changed count, AWS API calls from moto's request log), then the gitops render
# benchmark when the gitops phase provides one. Prints a table; also writes bench/results/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STACK=${STACK_DIR:-$ROOT/.stack}
cd "$ROOT"
export ANSIBLE_CONFIG=$ROOT/ansible.cfg
mkdir -p bench/results
out=bench/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"

api_calls() { grep -cE '"(GET|POST|PUT|DELETE|HEAD|PATCH) /' "$STACK/logs/moto.log" | tr -d ' '; }
api_calls_since() { tail -n +"$(( $1 + 1 ))" "$STACK/logs/moto.log" | grep -E '"(GET|POST|PUT|DELETE|HEAD|PATCH) /' | grep -vc '/moto-api' || true; }

run() { # run NAME: time one site.yml converge; sets secs, changed, calls
  local name=$1 before start
  before=$(wc -l <"$STACK/logs/moto.log")
  start=$(date +%s.%N)
  ansible-playbook site.yml -i inventories/local >"$out/$name.log" 2>&1 || { tail -n 30 "$out/$name.log" >&2; exit 1; }
  secs=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)")
  changed=$(awk -F'changed=' '/ : ok=/ {split($2, a, " "); s += a[1]} END {print s + 0}' "$out/$name.log")
  calls=$(api_calls_since "$before")
}

echo "bench: resetting the local stack" >&2
ansible-playbook molecule/resources/reset_stack.yml -i inventories/local >"$out/reset.log" 2>&1 || { tail -n 30 "$out/reset.log" >&2; exit 1; }

run cold;  cold_secs=$secs cold_changed=$changed cold_calls=$calls
run noop;  noop_secs=$secs noop_changed=$changed noop_calls=$calls
resources=$(python3 - <<'PY'
import os, boto3
api = boto3.client("resourcegroupstaggingapi", region_name="eu-west-1", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
pages = api.get_paginator("get_resources").paginate(TagFilters=[{"Key": "Project", "Values": ["LegacyPlatform"]}])
iam = boto3.client("iam", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
roles = [r for p in iam.get_paginator("list_roles").paginate() for r in p["Roles"] if r["RoleName"].startswith("legacyplatform-local")]
print(sum(len(p["ResourceTagMappingList"]) for p in pages) + len(roles))
PY
)
per_resource=$(python3 -c "import sys; r=int(sys.argv[2]); print(f'{int(sys.argv[1]) / r:.1f}' if r else 'n/a')" "$noop_calls" "$resources")

{
  echo "| run | seconds | changed | AWS API calls |"
  echo "|---|---:|---:|---:|"
  echo "| cold converge (inventories/local) | $cold_secs | $cold_changed | $cold_calls |"
  echo "| no-op re-run | $noop_secs | $noop_changed | $noop_calls |"
  echo
  echo "managed AWS resources: $resources; no-op API calls per resource: $per_resource"
} | tee "$out/summary.md"
