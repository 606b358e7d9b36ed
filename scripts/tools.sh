#!/usr/bin/env bash
# Build the pinned local toolchain (kube-apiserver, kubectl, etcd, helm, helmfile) from the
# Go module proxy into $TOOLS_DIR/bin. Idempotent: a tool whose stamp matches its pinned
# version is not rebuilt. Modules whose go.mod carries `replace` directives cannot be
# `go install`ed at a version, so they are built from a throwaway module that requires
# them and repeats the replacements (see BRIEF.md section 3).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/tool-versions.env
. "$ROOT/scripts/tool-versions.env"
TOOLS_DIR=${TOOLS_DIR:-$ROOT/.tools}
BIN=$TOOLS_DIR/bin
WORK=$TOOLS_DIR/build
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0
mkdir -p "$BIN" "$WORK"

command -v go >/dev/null || { echo "tools: the Go toolchain is required (go not on PATH)" >&2; exit 1; }

fresh() { # fresh NAME VERSION: true when NAME is already built at VERSION
  [ -x "$BIN/$1" ] && [ "$(cat "$BIN/.$1.version" 2>/dev/null)" = "$2" ]
}
stamp() { echo "$2" >"$BIN/.$1.version"; }

gomod_of() { # path of the go.mod the proxy serves for MODULE@VERSION
  go mod download -json "$1@$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])'
}

throwaway() { # throwaway DIR MODULE VERSION [REPLACE...]: a module requiring MODULE@VERSION
  local dir=$1 mod=$2 ver=$3; shift 3
  rm -rf "$dir"; mkdir -p "$dir"
  {
    echo "module mosaic.local/toolbuild"
    echo "go $(go env GOVERSION | sed 's/^go//')"
    echo "require $mod $ver"
    for r in "$@"; do echo "replace $r"; done
  } >"$dir/go.mod"
  # A blank import keeps `go mod tidy` from dropping the requirement.
}

build_kubernetes() {
  local v=$KUBERNETES_VERSION
  fresh kube-apiserver "$v" && fresh kube-controller-manager "$v" && fresh kubectl "$v" && return 0
  local minor_patch=${v#v1.} dir=$WORK/kubernetes-$v gomod
  gomod=$(gomod_of k8s.io/kubernetes "$v")
  # Every staging module (k8s.io/X => ./staging/src/k8s.io/X) is published as k8s.io/X v0.<minor>.<patch>.
  mapfile -t reps < <(sed -n 's#^\s*\(k8s\.io/[^ ]*\) => \./staging/src/.*#\1 => \1 v0.'"$minor_patch"'#p' "$gomod")
  [ "${#reps[@]}" -gt 20 ] || { echo "tools: could not read the staging replacements of k8s.io/kubernetes $v" >&2; exit 1; }
  throwaway "$dir" k8s.io/kubernetes "$v" "${reps[@]}"
  printf 'package tools\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver/app"\n\t_ "k8s.io/kubernetes/cmd/kube-controller-manager/app"\n\t_ "k8s.io/kubectl/pkg/cmd"\n)\n' >"$dir/tools.go"
  local ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=${minor_patch%%.*} -X $p.gitTreeState=clean"
  done
  (cd "$dir" && go mod tidy >/dev/null \
     && for cmd in kube-apiserver kube-controller-manager kubectl; do go build -ldflags "$ld" -o "$BIN/$cmd" "k8s.io/kubernetes/cmd/$cmd"; done)
  stamp kube-apiserver "$v"; stamp kube-controller-manager "$v"; stamp kubectl "$v"
}

build_etcd() {
  local v=$ETCD_VERSION dir=$WORK/etcd-$ETCD_VERSION
  fresh etcd "$v" && return 0
  # server/v3's go.mod replaces its sibling modules by relative paths; require them at the same tag.
  throwaway "$dir" go.etcd.io/etcd/server/v3 "$v" \
    "go.etcd.io/etcd/api/v3 => go.etcd.io/etcd/api/v3 $v" \
    "go.etcd.io/etcd/client/pkg/v3 => go.etcd.io/etcd/client/pkg/v3 $v" \
    "go.etcd.io/etcd/client/v3 => go.etcd.io/etcd/client/v3 $v" \
    "go.etcd.io/etcd/pkg/v3 => go.etcd.io/etcd/pkg/v3 $v"
  printf 'package tools\n\nimport _ "go.etcd.io/etcd/server/v3/etcdmain"\n' >"$dir/tools.go"
  (cd "$dir" && go mod tidy >/dev/null && go build -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3)
  stamp etcd "$v"
}

build_helm() {
  local v=$HELM_VERSION
  fresh helm "$v" && return 0
  # helm has no replace directives: a plain versioned install works.
  GOBIN=$BIN go install -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$v" "helm.sh/helm/v4/cmd/helm@$v"
  stamp helm "$v"
}

build_helmfile() {
  local v=$HELMFILE_VERSION dir=$WORK/helmfile-$HELMFILE_VERSION gomod
  fresh helmfile "$v" && return 0
  gomod=$(gomod_of github.com/helmfile/helmfile "$v")
  # Repeat helmfile's own module-path replacements (version pins of k8s.io libraries).
  mapfile -t reps < <(python3 - "$gomod" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r'^replace \((.*?)^\)', text, re.S | re.M)
lines = [l for b in blocks for l in b.splitlines()] + re.findall(r'^replace (.+)$', text, re.M)
for l in lines:
    l = l.split('//')[0].strip()
    if '=>' in l and not l.split('=>')[1].strip().startswith('.'):
        print(l)
PY
)
  throwaway "$dir" github.com/helmfile/helmfile "$v" "${reps[@]}"
  printf 'package main\n\nimport _ "github.com/helmfile/helmfile/cmd"\n' >"$dir/tools.go"
  (cd "$dir" && go mod tidy >/dev/null && go build -ldflags "-s -w -X go.szostok.io/version.version=$v" -o "$BIN/helmfile" github.com/helmfile/helmfile)
  stamp helmfile "$v"
}

build_actionlint() {
  local v=$ACTIONLINT_VERSION
  fresh actionlint "$v" && return 0
  # No replace directives: a plain versioned install (make lint checks .github/workflows with it).
  GOBIN=$BIN go install -ldflags "-s -w -X github.com/rhysd/actionlint.version=$v" "github.com/rhysd/actionlint/cmd/actionlint@$v"
  stamp actionlint "$v"
}

start=$(date +%s)
for t in ${TOOLS:-etcd helm helmfile kubernetes actionlint}; do
  echo "tools: $t" >&2
  "build_$t"
done
echo "tools: ready in $(( $(date +%s) - start ))s under $BIN" >&2
"$BIN/kube-apiserver" --version
"$BIN/kube-controller-manager" --version
# sed reads to the end (head would close the pipe early: SIGPIPE fails the pipefail run).
"$BIN/kubectl" version --client | sed -n 1p
"$BIN/etcd" --version | sed -n 1p
"$BIN/helm" version --short
"$BIN/helmfile" --version
"$BIN/actionlint" -version | sed -n 1p
