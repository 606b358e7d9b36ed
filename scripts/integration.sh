#!/usr/bin/env bash
# The molecule scenarios (make integration) in two streams, each on its own local stack (own ports, own STACK_DIR,
# own molecule ephemeral directories), so the two cores both work: a single ansible-playbook keeps about one core
# busy. The whole site.yml (scenario default) runs in both streams, once under ansible-core's linear strategy and
# once under the mitogen strategy (scripts/mitogen.sh), so both strategies are tested end to end. The scenarios
# that write into the checkout's workspace (aws_data, aws_storage, gitops) share a stream, so they never overlap.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
MOLECULE=${MOLECULE:-molecule}
logs=$ROOT/.cache/integration
rm -rf "$logs" && mkdir -p "$logs"

# stream NAME PORT_OFFSET SCENARIO[:mitogen]...: the scenarios one after the other on the stream's own stack.
stream() {
  local name=$1 offset=$2
  shift 2
  export STACK_DIR=$ROOT/.stack-$name MOSAIC_MOTO_PORT=$((5005 + offset)) MOSAIC_ETCD_PORT=$((23790 + offset))
  export MOSAIC_ETCD_PEER_PORT=$((23800 + offset)) MOSAIC_APISERVER_PORT=$((6443 + offset)) MOSAIC_KCM_PORT=$((10257 + offset))
  local cmd="" entry scenario wrap
  for entry in "$@"; do
    scenario=${entry%%:*} wrap=""
    [[ $entry == *:mitogen ]] && wrap="scripts/mitogen.sh"
    cmd+="echo \"== $entry: \$(date -u +%T)\" && MOLECULE_EPHEMERAL_DIRECTORY=$ROOT/.cache/molecule/$name/$scenario $wrap $MOLECULE test -s $scenario && "
  done
  scripts/with-stack.sh bash -c "${cmd}echo \"== done: \$(date -u +%T)\""
}

LINEAR=(default aws_data aws_storage gitops)
MITOGEN=(default:mitogen aws_access aws_edge aws_identity)
# Every scenario of molecule/ runs in a stream: a new one left out of both lists fails here, never silently.
listed=$(printf '%s\n' "${LINEAR[@]}" "${MITOGEN[@]%%:*}" | sort -u)
found=$(find molecule -mindepth 2 -maxdepth 2 -name molecule.yml | cut -d/ -f2 | sort -u)
[[ "$listed" == "$found" ]] || {
  echo "integration: the scenarios of the streams ($(echo $listed)) differ from molecule/*/ ($(echo $found)): add the new one to LINEAR or MITOGEN in scripts/integration.sh" >&2
  exit 2
}

stream linear 0 "${LINEAR[@]}" >"$logs/linear.log" 2>&1 &
linear=$!
stream mitogen 1 "${MITOGEN[@]}" >"$logs/mitogen.log" 2>&1 &
mitogen=$!
rc=0
wait "$linear" || rc=1
wait "$mitogen" || rc=1
for name in linear mitogen; do
  echo "==== integration stream $name ($logs/$name.log)"
  if [[ $rc -ne 0 ]]; then cat "$logs/$name.log"; else grep -E '^== |local-main +: ok=| passed' "$logs/$name.log"; fi
done
exit $rc
