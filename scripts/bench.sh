#!/usr/bin/env bash
# Converge benchmark on the local stack: cold converge of inventories/local, the no-op re-run and the plan
# (--check --diff on the converged environment), each with its time, changed count and AWS API calls (moto's request
# log), the no-op and the plan again under the mitogen strategy (scripts/mitogen.sh), beside the floor: one Python process reading every managed resource once (scripts/bench_floor.py). Prints a
# table with the ratios to the floor and the goals of docs/performance.md; also writes bench/results/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STACK=${STACK_DIR:-$ROOT/.stack}
cd "$ROOT"
export ANSIBLE_CONFIG=$ROOT/ansible.cfg
VENV=${VENV:-$ROOT/.venv}
mkdir -p bench/results
out=bench/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"
# The module payloads start uncached (the cold run builds and saves them, the others reuse them), as on a first run.
export MOSAIC_ANSIBALLZ_CACHE_DIR=$ROOT/$out/ansiballz

api_calls_since() { tail -n +"$(( $1 + 1 ))" "$STACK/logs/moto.log" | grep -E '"(GET|POST|PUT|DELETE|HEAD|PATCH) /' | grep -vc '/moto-api' || true; }

run() { # [WRAP=scripts/mitogen.sh] run NAME [ARGS...]: time one site.yml run; sets secs, changed, calls
  local name=$1 before start
  shift
  before=$(wc -l <"$STACK/logs/moto.log")
  start=$(date +%s.%N)
  ${WRAP:-} ansible-playbook site.yml -i inventories/local "$@" >"$out/$name.log" 2>&1 || { tail -n 30 "$out/$name.log" >&2; exit 1; }
  secs=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)")
  changed=$(awk -F'changed=' '/ : ok=/ {split($2, a, " "); s += a[1]} END {print s + 0}' "$out/$name.log")
  calls=$(api_calls_since "$before")
}

echo "bench: resetting the local stack" >&2
ansible-playbook molecule/resources/reset_stack.yml -i inventories/local >"$out/reset.log" 2>&1 || { tail -n 30 "$out/reset.log" >&2; exit 1; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

run cold;  cold_secs=$secs cold_changed=$changed cold_calls=$calls
# The no-op's log carries the profile per role and per task (bench/results/<stamp>/noop.log).
ANSIBLE_CALLBACKS_ENABLED=mosaic.platform.run_summary,mosaic.platform.plugin_preload,mosaic.platform.ansiballz_cache,ansible.posix.profile_roles,ansible.posix.profile_tasks \
  run noop;  noop_secs=$secs noop_changed=$changed noop_calls=$calls
WRAP=scripts/mitogen.sh run noop-mitogen; mnoop_secs=$secs mnoop_changed=$changed mnoop_calls=$calls
# The plans last: a real run after a --check run removes the plan files it left, which is a change.
run plan --check --diff; plan_secs=$secs plan_changed=$changed plan_calls=$calls
WRAP=scripts/mitogen.sh run plan-mitogen --check --diff; mplan_secs=$secs mplan_changed=$changed mplan_calls=$calls
"$VENV/bin/python" scripts/bench_floor.py --project LegacyPlatform --prefix legacyplatform-local >"$out/floor.json"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$VENV/bin/python" - "$out" "$cold_secs" "$cold_changed" "$cold_calls" "$noop_secs" "$noop_changed" "$noop_calls" \
  "$plan_secs" "$plan_changed" "$plan_calls" "$mnoop_secs" "$mnoop_changed" "$mnoop_calls" \
  "$mplan_secs" "$mplan_changed" "$mplan_calls" "$load_before" "$load_after" <<'PY' | tee "$out/summary.md"
import json, sys
out, cs, cc, ca, ns, nc, na, ps, pc, pa, mns, mnc, mna, mps, mpc, mpa, load_before, load_after = sys.argv[1:]
floor = json.load(open(f"{out}/floor.json"))
fs, fa, res = floor["seconds"], floor["calls"], floor["resources"]
rows = [("cold converge (inventories/local)", cs, cc, ca), ("no-op re-run", ns, nc, na), ("plan (--check --diff, converged)", ps, pc, pa),
        ("no-op re-run, mitogen", mns, mnc, mna), ("plan, mitogen", mps, mpc, mpa)]
print("| run | seconds | changed | AWS API calls | calls per resource | time / floor | calls / floor |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, s, c, a in rows:
    print(f"| {name} | {s} | {c} | {a} | {int(a) / res:.1f} | {float(s) / fs:.0f}x | {int(a) / fa:.1f}x |")
print(f"| floor (one boto3 read per resource) | {fs} | - | {fa} | {fa / res:.1f} | 1x | 1x |")
print()
def met(ok):
    return "met" if ok else "NOT met"


# The no-op and plan goals for each strategy: linear (ansible-core's default) / mitogen (opt-in).
goals = [
    ("no-op <= 20 s", float(ns) <= 20, float(mns) <= 20),
    ("no-op <= 10x the floor's time", float(ns) <= 10 * fs, float(mns) <= 10 * fs),
    ("no-op <= 2 AWS calls per resource", int(na) <= 2 * res, int(mna) <= 2 * res),
    ("no-op changed=0", int(nc) == 0, int(mnc) == 0),
    ("plan no slower than the no-op", float(ps) <= float(ns), float(mps) <= float(mns)),
]
print(f"managed AWS resources: {res}; load average before {load_before}, after {load_after}")
print("goals (linear / mitogen): " + "; ".join(f"{g}: {met(lin)} / {met(mit)}" for g, lin, mit in goals)
      + f"; cold converge <= 90 s: {met(float(cs) <= 90)}")
PY
