#!/usr/bin/env bash
# The local stack: moto (AWS) and etcd + kube-apiserver + kube-controller-manager (Kubernetes),
# on loopback only. `up` starts what is not running and waits until each answers, `down`
# stops only the processes this script started (by pid file), `status` reports each.
# No kubelet: objects are stored and validated, pods never run.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS_BIN=${TOOLS_DIR:-$ROOT/.tools}/bin
VENV_BIN=${VENV:-$ROOT/.venv}/bin
STACK=${STACK_DIR:-$ROOT/.stack}
MOTO_PORT=${MOSAIC_MOTO_PORT:-5005}
ETCD_PORT=${MOSAIC_ETCD_PORT:-23790}
ETCD_PEER_PORT=${MOSAIC_ETCD_PEER_PORT:-23800}
API_PORT=${MOSAIC_APISERVER_PORT:-6443}
KCM_PORT=${MOSAIC_KCM_PORT:-10257}
HOST=127.0.0.1
SERVICES="moto etcd kube-apiserver kube-controller-manager"

die() { echo "stack: $*" >&2; exit 1; }
pidfile() { echo "$STACK/run/$1.pid"; }
running() { local f; f=$(pidfile "$1"); [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }
port_of() {
  case $1 in moto) echo "$MOTO_PORT";; etcd) echo "$ETCD_PORT";; kube-apiserver) echo "$API_PORT";; kube-controller-manager) echo "$KCM_PORT";; esac
}
port_var() {
  case $1 in moto) echo MOSAIC_MOTO_PORT;; etcd) echo MOSAIC_ETCD_PORT;; kube-apiserver) echo MOSAIC_APISERVER_PORT;; kube-controller-manager) echo MOSAIC_KCM_PORT;; esac
}
port_free() {
  python3 -c 'import socket,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try: s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError: sys.exit(1)' "$1"
}
need() { [ -x "$1" ] || die "missing tool $1 (run 'make tools' / 'make venv' first)"; }

wait_for() { # wait_for NAME SECONDS CMD...
  local name=$1 secs=$2; shift 2
  for _ in $(seq "$secs"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    running "$name" || { tail -n 20 "$STACK/logs/$name.log" >&2; die "$name exited during start-up (log: $STACK/logs/$name.log)"; }
    sleep 1
  done
  tail -n 20 "$STACK/logs/$name.log" >&2
  die "$name did not answer within ${secs}s (log: $STACK/logs/$name.log)"
}

start() { # start NAME CMD...: run in the background with its own log and pid file
  local name=$1; shift
  if running "$name"; then echo "stack: $name already running (pid $(cat "$(pidfile "$name")"))"; return 1; fi
  port_free "$(port_of "$name")" || die "port $(port_of "$name") for $name is taken by another process; free it or set $(port_var "$name")"
  nohup "$@" >"$STACK/logs/$name.log" 2>&1 &
  echo $! >"$(pidfile "$name")"
}

client_cert() { # client_cert FILE ORG CN (run inside the pki dir)
  openssl req -newkey rsa:2048 -nodes -subj "/O=$2/CN=$3" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile client.ext -out "$1.crt" 2>/dev/null
}

pki() { # CA, serving and client certificates, service-account keys: made once per stack dir
  local d=$STACK/pki
  [ -f "$d/admin.crt" ] && return 0
  mkdir -p "$d"; chmod 700 "$d"
  ( cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=mosaic-local-ca" -keyout ca.key -out ca.crt 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout server.key -out server.csr 2>/dev/null
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile server.ext -out server.crt 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    client_cert admin system:masters mosaic-admin
    client_cert kcm mosaic-local system:kube-controller-manager
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    chmod 600 ./*.key )
}

kubeconfig() { # kubeconfig FILE USER
  cat >"$1" <<KC
apiVersion: v1
kind: Config
clusters:
  - name: mosaic-local
    cluster:
      server: https://$HOST:$API_PORT
      certificate-authority: $STACK/pki/ca.crt
users:
  - name: $2
    user:
      client-certificate: $STACK/pki/$2.crt
      client-key: $STACK/pki/$2.key
contexts:
  - name: mosaic-local
    context: {cluster: mosaic-local, user: $2}
current-context: mosaic-local
KC
  chmod 600 "$1"
}

up() {
  need "$VENV_BIN/moto_server"; need "$TOOLS_BIN/etcd"; need "$TOOLS_BIN/kube-apiserver"
  need "$TOOLS_BIN/kube-controller-manager"; need "$TOOLS_BIN/kubectl"
  mkdir -p "$STACK/run" "$STACK/logs" "$STACK/etcd"
  pki
  kubeconfig "$STACK/kubeconfig" admin
  kubeconfig "$STACK/kcm.kubeconfig" kcm

  # AWS managed IAM policies (AWSBackupServiceRolePolicyForBackup, ...) exist in moto only when loaded.
  if MOTO_IAM_LOAD_MANAGED_POLICIES=true start moto "$VENV_BIN/moto_server" -H "$HOST" -p "$MOTO_PORT"; then
    wait_for moto 60 curl -sf "http://$HOST:$MOTO_PORT/moto-api/data.json"
  fi
  if start etcd "$TOOLS_BIN/etcd" --name mosaic-local --data-dir "$STACK/etcd" \
      --listen-client-urls "http://$HOST:$ETCD_PORT" --advertise-client-urls "http://$HOST:$ETCD_PORT" \
      --listen-peer-urls "http://$HOST:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://$HOST:$ETCD_PEER_PORT" \
      --initial-cluster "mosaic-local=http://$HOST:$ETCD_PEER_PORT" --log-level warn; then
    wait_for etcd 60 curl -sf "http://$HOST:$ETCD_PORT/health"
  fi
  if start kube-apiserver "$TOOLS_BIN/kube-apiserver" \
      --etcd-servers "http://$HOST:$ETCD_PORT" --bind-address "$HOST" --advertise-address "$HOST" \
      --secure-port "$API_PORT" --tls-cert-file "$STACK/pki/server.crt" --tls-private-key-file "$STACK/pki/server.key" \
      --client-ca-file "$STACK/pki/ca.crt" --authorization-mode RBAC --allow-privileged=true \
      --service-account-key-file "$STACK/pki/sa.pub" --service-account-signing-key-file "$STACK/pki/sa.key" \
      --service-account-issuer https://kubernetes.default.svc.cluster.local \
      --service-cluster-ip-range 10.96.0.0/16 --profiling=false --enable-priority-and-fairness=false; then
    wait_for kube-apiserver 120 "$TOOLS_BIN/kubectl" --kubeconfig "$STACK/kubeconfig" get --raw /readyz
  fi
  # The controller manager finalizes namespace deletion and runs garbage collection; without
  # it a deleted namespace stays Terminating for ever. Node and cloud controllers are off.
  if start kube-controller-manager "$TOOLS_BIN/kube-controller-manager" \
      --kubeconfig "$STACK/kcm.kubeconfig" --authentication-kubeconfig "$STACK/kcm.kubeconfig" \
      --authorization-kubeconfig "$STACK/kcm.kubeconfig" --bind-address "$HOST" --secure-port "$KCM_PORT" \
      --controllers 'namespace-controller,garbage-collector-controller,serviceaccount-controller,serviceaccount-token-controller,clusterrole-aggregation-controller,root-ca-certificate-publisher-controller' \
      --service-account-private-key-file "$STACK/pki/sa.key" --root-ca-file "$STACK/pki/ca.crt" \
      --use-service-account-credentials=true --leader-elect=false; then
    wait_for kube-controller-manager 60 curl -skf "https://$HOST:$KCM_PORT/healthz"
  fi
  cat >"$STACK/env" <<ENV
# Source this file to point a shell at the local stack. The keys are moto's dummy
# credentials: moto accepts any, and nothing here reaches a real account.
export AWS_ENDPOINT_URL=http://$HOST:$MOTO_PORT
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=eu-west-1
unset AWS_PROFILE AWS_SESSION_TOKEN
export KUBECONFIG=$STACK/kubeconfig STACK_DIR=$STACK
export MOSAIC_MOTO_PORT=$MOTO_PORT MOSAIC_APISERVER_PORT=$API_PORT
ENV
  status
}

down() {
  local svc pid
  for svc in kube-controller-manager kube-apiserver etcd moto; do
    if running "$svc"; then
      pid=$(cat "$(pidfile "$svc")")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
      echo "stack: stopped $svc (pid $pid)"
    fi
    rm -f "$(pidfile "$svc")"
  done
  # Wipe state so the next `up` starts from a clean account and an empty cluster.
  [ "${KEEP_STATE:-0}" = 1 ] || rm -rf "$STACK/etcd"
}

status() {
  local svc rc=0
  for svc in $SERVICES; do
    if running "$svc"; then
      printf '%-24s running  pid %-8s %s:%s\n' "$svc" "$(cat "$(pidfile "$svc")")" "$HOST" "$(port_of "$svc")"
    else
      printf '%-24s stopped\n' "$svc"; rc=1
    fi
  done
  [ -f "$STACK/kubeconfig" ] && echo "kubeconfig: $STACK/kubeconfig"
  return $rc
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: $0 up|down|status" ;;
esac
