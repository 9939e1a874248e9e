#!/usr/bin/env bash
# Real-Kubernetes test tier (`npm run test:cluster`).
#
# Starts, on 127.0.0.1 only, a throw-away control plane made of real binaries:
#   etcd (Debian's etcd-server; installed here when missing), kube-apiserver and
#   kube-controller-manager built from the k8s.io/kubernetes Go module (test/cluster/build/k8s),
#   and the Profile controller (see README.md: the stand-in, because the upstream module is not
#   served here), then runs the vitest suites in test/cluster/*.cluster.test.ts against it with
#   kubectl. A suite that needs a second control plane (12-fleet: the MultiKueue worker) starts it
#   itself through plane-ctl.sh (KFT_PLANE_CTL), from the same binaries; this script stops whatever
#   plane-ctl.sh started (<run dir>/extra.pids) on exit. Binaries are built once and cached outside
#   the repo, keyed by version and inputs:
#   ${KFT_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeflow-tenants/cluster}/<key>/bin.
# Every process is stopped on exit (success or failure); a failed run keeps its run directory
# (logs, certificates, etcd data) and prints the log tails.
#
# Environment:
#   KFT_CLUSTER_CACHE  cache root (default above)      KUBECTL   kubectl to use (default: kubectl)
#   KFT_CLUSTER_KEEP=1 keep the run directory on success
#   KFT_CLUSTER_HOLD=1 after the tests, keep the cluster up until Ctrl-C (prints KUBECONFIG)
#   --build-only [control-plane|kueue] (first argument) build or reuse the binaries (both by default),
#                then exit (CI times each build as a step of its own: .ci/run)
#   KFT_CLUSTER_SEED   seed of the sampled per-tenant checks (default: random, printed)
#   KFT_PROFILE_SAMPLE Profiles of the org checked one by one (default 5; all are checked in bulk)
#   any further arguments are passed to vitest (e.g. a test name filter: -t admission)
set -euo pipefail
BUILD_ONLY=
BUILD_WHAT="control-plane kueue"
if [ "${1:-}" = --build-only ]; then
  BUILD_ONLY=1; shift
  case "${1:-}" in control-plane | kueue) BUILD_WHAT=$1; shift ;; esac
fi

T0=$(date +%s)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=plane-flags.sh
. "$HERE/plane-flags.sh"
ROOT=$(cd "$HERE/../.." && pwd)
BUILD_DIR="$HERE/build/k8s"
KUBECTL=${KUBECTL:-kubectl}

log() { printf '[cluster %5ss] %s\n' "$(($(date +%s) - T0))" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# ---------------------------------------------------------------- dependencies
need() { command -v "$1" >/dev/null 2>&1 || die "missing $1 ($2)"; }
command -v go >/dev/null 2>&1 || { [ -x /usr/local/go/bin/go ] && PATH="$PATH:/usr/local/go/bin"; } || true
need go "Go toolchain, to build the control plane"
need openssl "to make the throw-away certificates"
need node "to run the assertions"
need "$KUBECTL" "kubectl client"
[ -d "$ROOT/node_modules/vitest" ] || die "node_modules/vitest missing: run 'npm ci' first"

# etcd: Debian's etcd-server (installed here when missing); if apt cannot provide it, or with
# KFT_ETCD=go, etcd built from its Go module (build/etcd) into the cache below.
ETCD=
if [ "${KFT_ETCD:-}" != go ]; then
  if ! command -v etcd >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    log "etcd not found: installing Debian's etcd-server"
    SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
    if $SUDO apt-get update -qq >/dev/null &&
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends etcd-server >/dev/null; then
      # Debian may start the packaged service; this tier runs its own etcd and needs nothing else.
      if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now etcd >/dev/null 2>&1 || true; fi
    else
      log "apt-get install etcd-server failed: building etcd from its Go module instead"
    fi
  fi
  ETCD=$(command -v etcd || true)
fi

# ---------------------------------------------------------------- build or reuse binaries
K8S_VERSION=$(awk '$1=="k8s.io/kubernetes" && $2 ~ /^v/ {print $2; exit}' "$BUILD_DIR/go.mod")
GO_VERSION=$(go env GOVERSION)
# Stamp the binaries with the real version (unstamped, the API server reports v0.0.0-master and
# version-gated clients such as Kueue refuse it). The build date is fixed so builds are
# reproducible; a version change changes the ldflags and so the cache key below.
K8S_MINOR=${K8S_VERSION#v1.}; K8S_MINOR=${K8S_MINOR%%.*}
VERSION_PKG=k8s.io/component-base/version
LDFLAGS="-s -w -X $VERSION_PKG.gitVersion=$K8S_VERSION -X $VERSION_PKG.gitMajor=1 -X $VERSION_PKG.gitMinor=$K8S_MINOR -X $VERSION_PKG.gitTreeState=clean -X $VERSION_PKG.buildDate=1970-01-01T00:00:00Z"
INPUTS_HASH=$(cd "$BUILD_DIR" && { echo "$GO_VERSION"; echo "$LDFLAGS"; cat go.mod go.sum; find cmd -type f -name '*.go' | LC_ALL=C sort | xargs cat; } | sha256sum | cut -c1-12)
CACHE_ROOT=${KFT_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeflow-tenants/cluster}
BIN="$CACHE_ROOT/k8s-$K8S_VERSION-$GO_VERSION-$INPUTS_HASH/bin"
# resources the suites ask `kubectl auth can-i` about that no installed CRD serves (see stub-crds.ts)
STUB_RESOURCES="notebooks.kubeflow.org inferenceservices.serving.kserve.io"
BINARIES=(kube-apiserver kube-controller-manager profile-controller-standin)

have_bins() { for b in "${BINARIES[@]}"; do [ -x "$BIN/$b" ] || return 1; done; }
want() { [[ " $BUILD_WHAT " == *" $1 "* ]]; }
BUILD_KIND=warm
TB=$(date +%s)
if want control-plane && ! have_bins; then
  BUILD_KIND=cold
  mkdir -p "$CACHE_ROOT"
  exec 9>"$CACHE_ROOT/.build.lock"
  flock 9
  if ! have_bins; then
    log "building kube-apiserver, kube-controller-manager $K8S_VERSION and the profile controller into $BIN (cold: ~10-15 min on 2 cores)"
    TMP_BIN="$BIN.tmp.$$"
    rm -rf "$TMP_BIN"; mkdir -p "$TMP_BIN"
    (cd "$BUILD_DIR" && GOFLAGS="-trimpath -buildvcs=false -mod=readonly" CGO_ENABLED=0 \
      go build -ldflags="$LDFLAGS" -o "$TMP_BIN/" \
        k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
        ./cmd/profile-controller-standin) || die "go build failed"
    # keep one build only: older keys are ~250 MB each
    find "$CACHE_ROOT" -mindepth 1 -maxdepth 1 -type d -name 'k8s-*' ! -path "$(dirname "$BIN")" -exec rm -rf {} + 2>/dev/null || true
    mkdir -p "$(dirname "$BIN")"; rm -rf "$BIN"; mv "$TMP_BIN" "$BIN"
  fi
  flock -u 9
fi
if want control-plane && [ -z "$ETCD" ]; then
  ETCD_HASH=$(cd "$HERE/build/etcd" && { echo "$GO_VERSION"; cat go.mod go.sum; } | sha256sum | cut -c1-12)
  ETCD_BIN="$CACHE_ROOT/etcd-$GO_VERSION-$ETCD_HASH/bin/etcd"
  if [ ! -x "$ETCD_BIN" ]; then
    BUILD_KIND=cold
    log "building etcd from its Go module (build/etcd) into $ETCD_BIN"
    mkdir -p "$(dirname "$ETCD_BIN")"
    (cd "$HERE/build/etcd" && GOFLAGS="-trimpath -buildvcs=false -mod=readonly" CGO_ENABLED=0 \
      go build -ldflags='-s -w' -o "$ETCD_BIN.tmp.$$" go.etcd.io/etcd/server/v3) || die "go build of etcd failed"
    mv "$ETCD_BIN.tmp.$$" "$ETCD_BIN"
  fi
  ETCD=$ETCD_BIN
fi
CP_BUILD_SECS=$(($(date +%s) - TB))
want control-plane && log "control-plane binaries ($BUILD_KIND, ${CP_BUILD_SECS}s): $BIN"

# Kueue: cmd/kueue of the Go module sigs.k8s.io/kueue pinned in build/kueue/go.mod (it requires a
# k8s.io/kubernetes of its own, v1.36, so it is a module of its own). Next to the binary the cache
# keeps what the tier installs from the same module version: its CRDs
# (config/components/crd/bases), webhook manifests and the manager's RBAC; each run copies
# them into its run directory. Version stamped like upstream's Makefile (pkg/version).
KUEUE_DIR="$HERE/build/kueue"
KUEUE_VERSION=$(awk '{ for (i = 1; i < NF; i++) if ($i == "sigs.k8s.io/kueue" && $(i + 1) ~ /^v/) { print $(i + 1); exit } }' "$KUEUE_DIR/go.mod")
[ -n "$KUEUE_VERSION" ] || die "no sigs.k8s.io/kueue version in $KUEUE_DIR/go.mod"
KUEUE_LDFLAGS="-s -w -X sigs.k8s.io/kueue/pkg/version.GitVersion=$KUEUE_VERSION -X sigs.k8s.io/kueue/pkg/version.GitCommit=$KUEUE_VERSION -X sigs.k8s.io/kueue/pkg/version.BuildDate=1970-01-01T00:00:00Z"
# the manager's RBAC files copied from the module (part of the key: the cache's contents)
KUEUE_RBAC_FILES="role role_binding manager_secrets_role manager_secrets_role_binding metrics_auth_role metrics_auth_role_binding"
KUEUE_HASH=$(cd "$KUEUE_DIR" && { echo "$GO_VERSION"; echo "$KUEUE_LDFLAGS"; echo "$KUEUE_RBAC_FILES"; cat go.mod go.sum; } | sha256sum | cut -c1-12)
KUEUE_HOME="$CACHE_ROOT/kueue-$KUEUE_VERSION-$GO_VERSION-$KUEUE_HASH"
KUEUE_BUILD_KIND=warm
TK=$(date +%s)
if want kueue && [ ! -x "$KUEUE_HOME/bin/kueue" ]; then
  KUEUE_BUILD_KIND=cold
  mkdir -p "$CACHE_ROOT"
  exec 8>"$CACHE_ROOT/.build-kueue.lock"
  flock 8
  if [ ! -x "$KUEUE_HOME/bin/kueue" ]; then
    log "building Kueue $KUEUE_VERSION (cmd/kueue) into $KUEUE_HOME (cold: ~6 min on 2 cores)"
    TMP_K="$KUEUE_HOME.tmp.$$"
    rm -rf "$TMP_K"; mkdir -p "$TMP_K/bin" "$TMP_K/crds"
    (cd "$KUEUE_DIR" && GOFLAGS="-trimpath -buildvcs=false -mod=readonly" CGO_ENABLED=0 \
      go build -ldflags="$KUEUE_LDFLAGS" -o "$TMP_K/bin/kueue" sigs.k8s.io/kueue/cmd/kueue) || die "go build of Kueue failed"
    KUEUE_MOD=$(cd "$KUEUE_DIR" && go list -mod=readonly -m -f '{{.Dir}}' sigs.k8s.io/kueue) || die "locating the Kueue module"
    cp "$KUEUE_MOD"/config/components/crd/bases/*.yaml "$TMP_K/crds/"
    cp "$KUEUE_MOD/config/components/webhook/manifests.yaml" "$TMP_K/webhook-manifests.yaml"
    mkdir -p "$TMP_K/rbac"
    for f in $KUEUE_RBAC_FILES; do
      cp "$KUEUE_MOD/config/components/rbac/$f.yaml" "$TMP_K/rbac/"
    done
    chmod -R u+w "$TMP_K" # files from the module cache are read-only
    find "$CACHE_ROOT" -mindepth 1 -maxdepth 1 -type d -name 'kueue-v*' ! -name '*.tmp.*' ! -path "$KUEUE_HOME" -exec rm -rf {} + 2>/dev/null || true
    rm -rf "$KUEUE_HOME"; mv "$TMP_K" "$KUEUE_HOME"
  fi
  flock -u 8
fi
KUEUE_BUILD_SECS=$(($(date +%s) - TK))
want kueue && log "Kueue $KUEUE_VERSION ($KUEUE_BUILD_KIND, ${KUEUE_BUILD_SECS}s): $KUEUE_HOME/bin/kueue"
BUILD_SECS=$(($(date +%s) - TB))
[ "$KUEUE_BUILD_KIND" = warm ] || BUILD_KIND=cold
[ -z "$BUILD_ONLY" ] || exit 0

# ---------------------------------------------------------------- run directory, ports, certs
RUN=$(mktemp -d "${TMPDIR:-/tmp}/kft-cluster.XXXXXX")
mkdir -p "$RUN/logs" "$RUN/pki"
# etcd's data on tmpfs when there is one: etcd 3.4 has no --unsafe-no-fsync.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then ETCD_DATA=$(mktemp -d /dev/shm/kft-etcd.XXXXXX); else ETCD_DATA="$RUN/etcd"; fi

PIDS=()
NAMES=()
cleanup() {
  STATUS=$?
  local i
  # processes plane-ctl.sh started (Kueue; for a suite, the second control plane, a restarted
  # Kueue): stopped first, in reverse start order; their logs join the tails below
  if [ -f "$RUN/extra.pids" ]; then
    local xp xn
    while read -r xp xn; do
      kill -TERM "$xp" 2>/dev/null || true
      local m=0
      while kill -0 "$xp" 2>/dev/null && [ $m -lt 50 ]; do sleep 0.1; m=$((m + 1)); done
      kill -KILL "$xp" 2>/dev/null || true
      NAMES+=("$xn")
    done < <(tac "$RUN/extra.pids")
    [ ! -f "$RUN/worker/etcd-data" ] || rm -rf "$(cat "$RUN/worker/etcd-data")"
  fi
  # stop in reverse start order, each one fully before the next (etcd last)
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill -TERM "${PIDS[$i]}" 2>/dev/null || true
    local n=0
    while kill -0 "${PIDS[$i]}" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
    kill -KILL "${PIDS[$i]}" 2>/dev/null || true
    wait "${PIDS[$i]}" 2>/dev/null || true
  done
  rm -rf "$ETCD_DATA"
  if [ "$STATUS" != 0 ]; then
    for i in "${!NAMES[@]}"; do
      echo "----- last 30 lines of $RUN/logs/${NAMES[$i]}.log" >&2
      tail -n 30 "$RUN/logs/${NAMES[$i]}.log" >&2 || true
    done
    log "FAILED (exit $STATUS); logs kept in $RUN/logs"
  elif [ "${KFT_CLUSTER_KEEP:-}" = 1 ]; then
    log "run directory kept: $RUN"
  else
    rm -rf "$RUN"
  fi
  exit "$STATUS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
ETCD_PORT=$(free_port); ETCD_PEER_PORT=$(free_port); API_PORT=$(free_port)
KUEUE_WEBHOOK_PORT=$(free_port); KUEUE_METRICS_PORT=$(free_port); KUEUE_HEALTH_PORT=$(free_port)

P="$RUN/pki"
(
  cd "$P"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=kft-test-ca" 2>/dev/null
  issue() { # name subject extensions
    openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
    printf '%b' "$3" >"$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 2 -extfile "$1.ext" 2>/dev/null
  }
  issue apiserver "/CN=kube-apiserver" "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
  issue admin "/O=system:masters/CN=kft-admin" "extendedKeyUsage=clientAuth\n"
  # Kueue's webhook server and metrics server (internal certificate management is off)
  issue kueue-webhook "/CN=kueue-webhook" "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
  issue kueue-metrics "/CN=kueue-metrics" "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
) || die "openssl"

KUBECONFIG_FILE="$RUN/admin.kubeconfig"
cat >"$KUBECONFIG_FILE" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kft
  cluster: {server: "https://127.0.0.1:$API_PORT", certificate-authority: "$P/ca.crt"}
users:
- name: kft-admin
  user: {client-certificate: "$P/admin.crt", client-key: "$P/admin.key"}
contexts:
- name: kft
  context: {cluster: kft, user: kft-admin}
current-context: kft
EOF
export KUBECONFIG="$KUBECONFIG_FILE"
export KUBECACHEDIR="$RUN/kube-cache" # kubectl's discovery cache, per run (ports change every run)
k() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

start() { # name command...
  local name=$1; shift
  "$@" >"$RUN/logs/$name.log" 2>&1 &
  PIDS+=($!); NAMES+=("$name")
}
alive() { # fail fast when a process died (one plane-ctl.sh stopped on purpose is no crash)
  local i xp xn
  for i in "${!PIDS[@]}"; do kill -0 "${PIDS[$i]}" 2>/dev/null || die "${NAMES[$i]} exited"; done
  [ -f "$RUN/extra.pids" ] || return 0
  while read -r xp xn; do
    grep -qx "$xp" "$RUN/stopped.pids" 2>/dev/null || kill -0 "$xp" 2>/dev/null || die "$xn exited"
  done <"$RUN/extra.pids"
}
wait_for() { # description timeout-seconds command...
  local what=$1 t=$2; shift 2
  local end=$(($(date +%s) + t))
  until "$@" >/dev/null 2>&1; do
    alive
    [ "$(date +%s)" -lt "$end" ] || die "timed out after ${t}s waiting for $what"
    sleep 0.3
  done
}

# ---------------------------------------------------------------- audit policy (issue 13)
# The API server logs to the run directory with the audit policy synth emits for the `audit`
# fixture repository (test/fixtures/audit); 99-audit.cluster.test.ts, which runs last, asserts on
# the real events. A policy the server can only load leniently fails the run (checked below).
AUDIT_DIR="$RUN/audit"
(cd "$ROOT" && node_modules/.bin/tsx test/cluster/audit-fixture.ts "$AUDIT_DIR") >"$RUN/logs/audit-fixture.log" 2>&1 \
  || { cat "$RUN/logs/audit-fixture.log" >&2; die "synthesizing the audit fixture (audit-fixture.ts)"; }
AUDIT_LOG="$AUDIT_DIR/audit.log"
LENIENT="falling back to lenient decoding"
check_audit_policy_strict() {
  ! grep -q "$LENIENT" "$RUN/logs/kube-apiserver.log" || { grep "$LENIENT" "$RUN/logs/kube-apiserver.log" >&2; die "kube-apiserver loaded the audit policy only leniently"; }
}

# ---------------------------------------------------------------- control plane
TS=$(date +%s)
etcd_flags kft "$ETCD_DATA" "$ETCD_PORT" "$ETCD_PEER_PORT" $((1024 * 1024 * 1024))
start etcd "$ETCD" "${ETCD_FLAGS[@]}"

apiserver_flags "$ETCD_PORT" "$API_PORT" "$RUN/apiserver" "$P" "$P/sa.pub" "$P/sa.key"
start kube-apiserver "$BIN/kube-apiserver" "${APISERVER_FLAGS[@]}" \
  --audit-policy-file "$AUDIT_DIR/policy.yaml" --audit-log-path "$AUDIT_LOG" --audit-log-format json \
  --audit-log-mode blocking --audit-log-maxsize 0

wait_for "kube-apiserver /readyz" 90 k get --raw /readyz
check_audit_policy_strict
log "kube-apiserver ready on https://127.0.0.1:$API_PORT (etcd $($ETCD --version | awk 'NR==1{print $3}'))"

# CRDs and the Kubeflow ClusterRoles (the aggregation controller fills kubeflow-admin/edit/view),
# plus discovery-only stand-ins for the resources the Kubeflow roles name but nothing here serves
# (Notebooks, InferenceServices, ...), so that `kubectl auth can-i` can resolve them (stub-crds.ts).
k api-resources -o name >"$RUN/served-resources.txt" 2>"$RUN/logs/install-crds.log" || die "kubectl api-resources"
log "generating stub CRDs"
(cd "$ROOT" && node_modules/.bin/tsx test/cluster/stub-crds.ts "$RUN/served-resources.txt" $STUB_RESOURCES) >"$RUN/stub-crds.yaml" || die "stub-crds.ts"
k apply --server-side --field-manager kft-cluster-test -f "$ROOT/crds/" -f "$RUN/stub-crds.yaml" >>"$RUN/logs/install-crds.log" 2>&1 \
  || { cat "$RUN/logs/install-crds.log" >&2; die "installing crds/ and the stub CRDs"; }
k wait --for condition=established --timeout 60s crd --all >>"$RUN/logs/install-crds.log" 2>&1 || die "CRDs not established"
log "CRDs established ($(grep -c 'condition met' "$RUN/logs/install-crds.log"))"

# After the CRDs: the garbage collector's REST mapping then knows Profiles (ownerRefs) at once.
start kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig "$KUBECONFIG_FILE" --authentication-kubeconfig "$KUBECONFIG_FILE" --authorization-kubeconfig "$KUBECONFIG_FILE" \
  --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false \
  --controllers clusterrole-aggregation-controller,namespace-controller,serviceaccount-controller,serviceaccount-token-controller,resourcequota-controller,garbage-collector-controller,validatingadmissionpolicy-status-controller,job-controller \
  --service-account-private-key-file "$P/sa.key" --root-ca-file "$P/ca.crt" --use-service-account-credentials=false \
  --cluster-signing-cert-file "$P/ca.crt" --cluster-signing-key-file "$P/ca.key" \
  --resource-quota-sync-period 10s --namespace-sync-period 1m --profiling=false --v 1

# The controller runs with the identity header, prefix and principals of the org's platform.ts,
# as it must in the org's real cluster (platform-env.ts prints them).
# Its namespace-labels file is the one synth emits for the org (platform/profile-controller/):
# the manifests' labels plus the platform's Pod Security level.
NAMESPACE_LABELS="$RUN/namespace-labels.yaml"
PLATFORM_ENV=$(cd "$ROOT" && node_modules/.bin/tsx test/cluster/platform-env.ts "$NAMESPACE_LABELS") || die "reading platform.ts (platform-env.ts)"
eval "$PLATFORM_ENV"
profile_controller_cmd "$KUBECONFIG_FILE" "$NAMESPACE_LABELS"
start profile-controller "${PROFILE_CONTROLLER_CMD[@]}"

wait_for "default ServiceAccount (serviceaccount controller)" 60 k get serviceaccount default -n default
wait_for "aggregated kubeflow-view rules (clusterrole-aggregation controller)" 60 \
  bash -c "[ -n \"\$('$KUBECTL' --kubeconfig '$KUBECONFIG_FILE' get clusterrole kubeflow-view -o jsonpath='{.rules[0].verbs}')\" ]"
log "controller-manager: service accounts and ClusterRole aggregation working"
wait_for "profile controller start" 30 grep -q ' started ' "$RUN/logs/profile-controller.log"

# ---------------------------------------------------------------- Kueue
# The real controller (built above from sigs.k8s.io/kueue), with the module's own CRDs, RBAC and
# webhooks. Kueue runs as the ServiceAccount kueue-system/kueue-controller-manager, as installed
# upstream, so policies that exempt Kueue by identity see the identity they exempt.
TKQ=$(date +%s)
KQ="$RUN/kueue"
# crds/ vendors four of these kinds from the same version; the module's files take them over.
k apply --server-side --force-conflicts --field-manager kft-kueue-crds -f "$KUEUE_HOME/crds/" >"$RUN/logs/install-kueue.log" 2>&1 \
  || { cat "$RUN/logs/install-kueue.log" >&2; die "installing Kueue's CRDs"; }
k wait --for condition=established --timeout 60s -f "$KUEUE_HOME/crds/" >>"$RUN/logs/install-kueue.log" 2>&1 || die "Kueue's CRDs not established"
# Kueue exits at start ("no matches for kind Workload") unless discovery already serves v1beta2.
served_workloads() { k get --raw /apis/kueue.x-k8s.io/v1beta2 | grep -q '"name":"workloads"'; }
wait_for "discovery of kueue.x-k8s.io/v1beta2 workloads" 60 served_workloads
# The Configuration: the fragment synth emits for the platform team (platform/kueue/) for the
# scenarios' input (the kueue fixture, kueue-fixture.ts; its tenant namespaces are the managed
# ones), with only the process's own addresses, certificates and leader election replaced.
mkdir -p "$KQ"
KUEUE_BASE_CONFIG="$KQ/synthesized-configuration.yaml"
(cd "$ROOT" && node_modules/.bin/tsx test/cluster/kueue-fixture.ts "$KUEUE_BASE_CONFIG") || die "synthesizing the kueue fixture (kueue-fixture.ts)"
# Kueue reads its metrics certificate from the fixed path /etc/kueue/metrics/certs when internal
# certificate management is off (cmd/kueue/main.go, no flag or setting). plane-ctl.sh starts it in a
# private mount namespace that binds this run's certificates there, so concurrent runs never share
# or overwrite them; the empty mount point is the only thing created outside the run directory.
KUEUE_METRICS_CERTS=/etc/kueue/metrics/certs
if [ ! -d "$KUEUE_METRICS_CERTS" ]; then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO mkdir -p "$KUEUE_METRICS_CERTS" || die "cannot create the mount point $KUEUE_METRICS_CERTS"
fi
# What plane-ctl.sh (here, and for the suites: KFT_PLANE_CTL) needs to know about this run.
export KFT_RUN_DIR="$RUN" KFT_ROOT="$ROOT" KFT_KUBECTL="$KUBECTL" KFT_KUBECONFIG="$KUBECONFIG_FILE" KFT_API_PORT="$API_PORT" \
  KFT_BIN="$BIN" KFT_ETCD="$ETCD" KFT_KUEUE_HOME="$KUEUE_HOME" KFT_NAMESPACE_LABELS="$NAMESPACE_LABELS" \
  KFT_KUEUE_WEBHOOK_PORT="$KUEUE_WEBHOOK_PORT" KFT_KUEUE_METRICS_PORT="$KUEUE_METRICS_PORT" KFT_KUEUE_HEALTH_PORT="$KUEUE_HEALTH_PORT" \
  KFT_USERID_HEADER KFT_USERID_PREFIX KFT_INGRESS_PRINCIPAL KFT_KFP_UI_PRINCIPAL
# Namespace kueue-system, ServiceAccount kueue-controller-manager with upstream's RBAC (kueue-
# prefix), a token kubeconfig, the Configuration, Kueue started, its webhooks registered once its
# ClusterQueue, LocalQueue, Workload and Job controllers run (plane-ctl.sh kueue_install, kueue_run).
# Kueue runs as that ServiceAccount, as installed upstream, so policies that exempt Kueue by
# identity see the identity they exempt. Its process is listed in <run dir>/extra.pids.
bash "$HERE/plane-ctl.sh" kueue home "$KUEUE_BASE_CONFIG" || die "starting Kueue (plane-ctl.sh kueue home)"
# the metrics server answers over TLS with this run's certificate (401/403: it wants a token)
metrics_code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$P/ca.crt" "https://127.0.0.1:$KUEUE_METRICS_PORT/metrics" || true)
case "$metrics_code" in 401 | 403) ;; *) die "Kueue's metrics server did not answer with the run's certificate (HTTP '$metrics_code')" ;; esac
KUEUE_SECS=$(($(date +%s) - TKQ))
log "Kueue $KUEUE_VERSION up in ${KUEUE_SECS}s (webhooks https://127.0.0.1:$KUEUE_WEBHOOK_PORT; configuration: the kueue fixture's, synthesized)"
STARTUP_SECS=$(($(date +%s) - TS))
log "control plane up in ${STARTUP_SECS}s"

# ---------------------------------------------------------------- assertions
TT=$(date +%s)
# One seed per run for the sampled per-tenant checks (printed; KFT_CLUSTER_SEED=<n> repeats a run).
KFT_CLUSTER_SEED=${KFT_CLUSTER_SEED:-$((RANDOM * 32768 + RANDOM))}
log "sample seed KFT_CLUSTER_SEED=$KFT_CLUSTER_SEED; org dist/: $(find "$ROOT/dist/tenants" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l) tenants"
set +e
(
  cd "$ROOT" &&
  KFT_KUBECONFIG="$KUBECONFIG_FILE" KFT_KUBECTL="$KUBECTL" KFT_ROOT="$ROOT" KFT_CLUSTER_SEED="$KFT_CLUSTER_SEED" \
  KFT_PROFILE_CONTROLLER_LOG="$RUN/logs/profile-controller.log" KFT_RUN_DIR="$RUN" KFT_NAMESPACE_LABELS="$NAMESPACE_LABELS" \
  KFT_AUDIT_LOG="$AUDIT_LOG" KFT_AUDIT_DIR="$AUDIT_DIR" \
  KFT_KUEUE_LOG="$RUN/logs/kueue.log" KFT_KUEUE_CONFIG="$KQ/config.yaml" KFT_KUEUE_BASE_CONFIG="$KUEUE_BASE_CONFIG" \
  KFT_PLANE_CTL="$HERE/plane-ctl.sh" \
  node node_modules/vitest/vitest.mjs run --config test/cluster/vitest.config.ts "$@"
)
TEST_RC=$?
set -e
TEST_SECS=$(($(date +%s) - TT))
alive
check_audit_policy_strict

if [ "${KFT_CLUSTER_HOLD:-}" = 1 ]; then
  log "holding the cluster: export KUBECONFIG=$KUBECONFIG_FILE KUBECACHEDIR=$KUBECACHEDIR  (Ctrl-C to stop)"
  trap 'exit $TEST_RC' INT TERM
  while alive; do sleep 1; done
fi

TOTAL=$(($(date +%s) - T0))
log "timing: total ${TOTAL}s = build ${BUILD_SECS}s ($BUILD_KIND) + control plane ${STARTUP_SECS}s (of which Kueue ${KUEUE_SECS}s) + tests ${TEST_SECS}s (+ certs/setup)"
exit "$TEST_RC"
