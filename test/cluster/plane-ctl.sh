#!/usr/bin/env bash
# The cluster tier's second control plane (issue 14: the fleet, MultiKueue), started only by the
# suites that need it (12-fleet), from inside the run that test/cluster/run.sh started:
#
#   plane-ctl.sh worker-up <manager configuration.yaml>
#                                     a second etcd + kube-apiserver + kube-controller-manager +
#                                     Profile controller (stand-in) on other free 127.0.0.1 ports,
#                                     the same cached binaries, the same CRDs as the first plane
#                                     (Argo CD's excepted: it runs on a cluster of its own);
#                                     writes <run dir>/worker/admin.kubeconfig and
#                                     <run dir>/worker/multikueue.kubeconfig (see below)
#   plane-ctl.sh kueue <home|worker> <configuration.yaml>
#                                     (re)starts the real Kueue on that plane with that Configuration
#                                     (run.sh starts the first plane's this way too)
#                                     (only the process's own settings replaced: kueue-setup.ts
#                                     config), waits until its controllers run; the worker's Kueue
#                                     is installed on first use (CRDs, RBAC, webhooks) like run.sh's
#   plane-ctl.sh worker-down          stops the worker plane (reverse start order)
#
# Every process started here is recorded in <run dir>/extra.pids ("pid name"); run.sh stops them on
# exit (before its own, in reverse order) and shows their log tails on failure. One stopped here is
# recorded in <run dir>/stopped.pids so run.sh does not take it for a crash.
#
# The manager's way into the worker: ServiceAccount kueue-system/multikueue-sa on the worker with
# the ClusterRole Kueue's MultiKueue setup guide gives it (create/delete/watch Jobs, Workloads and
# the kinds of the manager's integrations, Workload status; kueue-setup.ts multikueue-role), the
# worker serving every kind of the manager's integrations (stand-in CRDs: kueue-setup.ts
# integration-crds; MultiKueue keeps the cluster inactive otherwise), and a kubeconfig with its token and the CA inline (MultiKueue refuses file
# paths, tokenFile, exec and insecure TLS: multikueuecluster.go validateKubeconfig). The suite puts
# it into the Secret the MultiKueueCluster names (the product's ExternalSecret is not running here).
#
# Environment (exported by run.sh): KFT_RUN_DIR KFT_BIN KFT_ETCD KFT_KUEUE_HOME KFT_KUBECTL KFT_ROOT
# KFT_KUBECONFIG KFT_API_PORT KFT_KUEUE_WEBHOOK_PORT KFT_KUEUE_METRICS_PORT KFT_KUEUE_HEALTH_PORT
# KFT_USERID_HEADER KFT_USERID_PREFIX KFT_INGRESS_PRINCIPAL KFT_KFP_UI_PRINCIPAL KFT_NAMESPACE_LABELS
set -euo pipefail
RUN=${KFT_RUN_DIR:?run through test/cluster/run.sh}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=plane-flags.sh
. "$HERE/plane-flags.sh"
ROOT=${KFT_ROOT:-$(cd "$HERE/../.." && pwd)}
KUBECTL=${KFT_KUBECTL:-kubectl}
BIN=${KFT_BIN:?}
P="$RUN/pki"
W="$RUN/worker"
EXTRA="$RUN/extra.pids"
T0=$(date +%s)

log() { printf '[plane-ctl %4ss] %s\n' "$(($(date +%s) - T0))" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# a process that exited but was not reaped yet (a zombie) no longer runs
running() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $s != Z* ]]; }
start() { # name command...  (detached from this script: it exits, the process stays, run.sh stops it)
  local name=$1; shift
  "$@" </dev/null >>"$RUN/logs/$name.log" 2>&1 & # appended: a restarted Kueue keeps the log of the one before
  echo "$! $name" >>"$EXTRA"
}
pid_of() { awk -v n="$1" '$2 == n { p = $1 } END { if (p) print p }' "$EXTRA" 2>/dev/null; }
stop_pid() { # recorded in stopped.pids: run.sh does not take it for a crash
  local pid=$1 n=0
  echo "$pid" >>"$RUN/stopped.pids"
  kill -TERM "$pid" 2>/dev/null || return 0
  while running "$pid" && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
  kill -KILL "$pid" 2>/dev/null || true
}
alive_named() { local n p; for n in "$@"; do p=$(pid_of "$n"); [ -n "$p" ] && running "$p" || die "$n exited (log: $RUN/logs/$n.log)"; done; }
wait_for() { # description timeout-seconds processes-that-must-live command...
  local what=$1 t=$2 procs=$3; shift 3
  local end=$(($(date +%s) + t))
  until "$@" >/dev/null 2>&1; do
    # shellcheck disable=SC2086
    [ -z "$procs" ] || alive_named $procs
    [ "$(date +%s)" -lt "$end" ] || die "timed out after ${t}s waiting for $what"
    sleep 0.3
  done
}
tsx() { (cd "$ROOT" && node_modules/.bin/tsx "$@"); }

# ---------------------------------------------------------------- Kueue on a plane
# Installs what Kueue needs on a plane once (its CRDs, namespace, ServiceAccount, upstream's RBAC,
# a token kubeconfig, the webhook configuration for its port), as run.sh does for the first plane.
kueue_install() { # admin-kubeconfig dir api-port webhook-port
  local kc=$1 d=$2 port=$3 wport=$4
  local k=("$KUBECTL" --kubeconfig "$kc")
  mkdir -p "$d/webhook-certs" "$d/metrics-certs"
  cp -r "$KFT_KUEUE_HOME/crds" "$KFT_KUEUE_HOME/rbac" "$KFT_KUEUE_HOME/webhook-manifests.yaml" "$d/"
  cp "$P/kueue-webhook.crt" "$d/webhook-certs/tls.crt"; cp "$P/kueue-webhook.key" "$d/webhook-certs/tls.key"
  cp "$P/kueue-metrics.crt" "$d/metrics-certs/tls.crt"; cp "$P/kueue-metrics.key" "$d/metrics-certs/tls.key"
  "${k[@]}" create namespace kueue-system >>"$d/install.log" 2>&1 || die "creating namespace kueue-system"
  "${k[@]}" create serviceaccount kueue-controller-manager -n kueue-system >>"$d/install.log" 2>&1 || die "creating Kueue's ServiceAccount"
  tsx test/cluster/kueue-setup.ts rbac "$d/rbac" >"$d/rbac.yaml" || die "kueue-setup.ts rbac"
  "${k[@]}" apply --server-side --field-manager kft-cluster-test -f "$d/rbac.yaml" >>"$d/install.log" 2>&1 || die "installing Kueue's RBAC"
  local token
  token=$("${k[@]}" create token kueue-controller-manager -n kueue-system --duration 48h) || die "token for Kueue's ServiceAccount"
  cat >"$d/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: kft, cluster: {server: "https://127.0.0.1:$port", certificate-authority: "$P/ca.crt"}}]
users: [{name: kueue, user: {token: "$token"}}]
contexts: [{name: kft, context: {cluster: kft, user: kueue}}]
current-context: kft
EOF
  tsx test/cluster/kueue-setup.ts webhooks "$d/webhook-manifests.yaml" "$wport" "$P/ca.crt" >"$d/webhooks.yaml" || die "kueue-setup.ts webhooks"
}

# Starts Kueue (its metrics certificate bind-mounted at the fixed path in a private mount
# namespace, as run.sh does) and waits until it is ready and its controllers run.
kueue_run() { # name dir base-config webhook-port metrics-port health-port
  local name=$1 d=$2 base=$3 wport=$4 mport=$5 hport=$6
  tsx test/cluster/kueue-setup.ts config "$d/config.yaml" "$base" "$wport" "$d/webhook-certs" "$mport" "$hport" || die "kueue-setup.ts config"
  local unshare=(unshare --mount --propagation private)
  [ "$(id -u)" = 0 ] || unshare=(unshare --map-root-user --mount --propagation private)
  # the log is appended to: only this process's lines count below
  local from=1 log="$RUN/logs/$name.log"
  [ ! -f "$log" ] || from=$(($(wc -l <"$log") + 1))
  start "$name" "${unshare[@]}" sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' kueue-mount \
    "$d/metrics-certs" /etc/kueue/metrics/certs \
    env KUBECONFIG="$d/kubeconfig" "$KFT_KUEUE_HOME/bin/kueue" --config "$d/config.yaml" \
    --feature-gates=VisibilityOnDemand=false --zap-log-level=2
  wait_for "$name readiness" 90 "$name" curl -sf "http://127.0.0.1:$hport/readyz"
  local l
  for l in clusterqueue-reconciler localqueue-reconciler workload-reconciler job; do
    wait_for "$name's $l controller" 120 "$name" sh -c 'tail -n "+$1" "$2" | grep -q "\"logger\":\"$3\".*\"msg\":\"Starting workers\""' sh "$from" "$log" "$l"
  done
}

worker_up() { # manager-configuration
  local manager_config=$1
  [ -f "$manager_config" ] || die "no manager Configuration $manager_config"
  [ ! -f "$W/admin.kubeconfig" ] || die "the worker plane is already up"
  mkdir -p "$W"
  local etcd_port peer_port api_port
  etcd_port=$(free_port); peer_port=$(free_port); api_port=$(free_port)
  local data
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then data=$(mktemp -d /dev/shm/kft-etcd-worker.XXXXXX); else data="$W/etcd"; fi
  echo "$data" >"$W/etcd-data"
  # ServiceAccount keys of its own: the worker's tokens are not valid on the first plane
  openssl genrsa -out "$W/sa.key" 2048 2>/dev/null && openssl rsa -in "$W/sa.key" -pubout -out "$W/sa.pub" 2>/dev/null || die openssl
  etcd_flags kft-worker "$data" "$etcd_port" "$peer_port" $((512 * 1024 * 1024))
  start worker-etcd "$KFT_ETCD" "${ETCD_FLAGS[@]}"
  # the first plane's flags minus its audit log; the same CA, so the run's admin certificate works on both
  apiserver_flags "$etcd_port" "$api_port" "$W/apiserver" "$P" "$W/sa.pub" "$W/sa.key"
  start worker-kube-apiserver "$BIN/kube-apiserver" "${APISERVER_FLAGS[@]}"
  local kc="$W/admin.kubeconfig"
  cat >"$kc" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kft-worker
  cluster: {server: "https://127.0.0.1:$api_port", certificate-authority: "$P/ca.crt"}
users:
- name: kft-admin
  user: {client-certificate: "$P/admin.crt", client-key: "$P/admin.key"}
contexts:
- name: kft-worker
  context: {cluster: kft-worker, user: kft-admin}
current-context: kft-worker
EOF
  local k=("$KUBECTL" --kubeconfig "$kc" --cache-dir "$W/kube-cache")
  wait_for "worker kube-apiserver /readyz" 90 "worker-etcd worker-kube-apiserver" "${k[@]}" get --raw /readyz
  log "worker kube-apiserver ready on https://127.0.0.1:$api_port"
  # the same CRDs as the first plane (crds/, the discovery stubs, Kueue's own from the module), and
  # stand-ins of the manager's integration kinds: MultiKueue watches each of them on every worker
  mkdir -p "$W/kueue"
  tsx test/cluster/kueue-setup.ts integration-crds "$manager_config" >"$W/integration-crds.yaml" || die "kueue-setup.ts integration-crds"
  # Argo CD's CRDs excepted: Argo CD runs on its own cluster (fleet.argocd), and a cluster's output
  # holds no Argo CD object (docs/fleet.md)
  local crd_files=() f
  for f in "$ROOT"/crds/*.yaml; do [ "$(basename "$f")" = argoproj.io.yaml ] || crd_files+=(-f "$f"); done
  "${k[@]}" apply --server-side --field-manager kft-cluster-test "${crd_files[@]}" -f "$RUN/stub-crds.yaml" -f "$W/integration-crds.yaml" >"$W/install-crds.log" 2>&1 \
    || { cat "$W/install-crds.log" >&2; die "installing crds/ on the worker"; }
  "${k[@]}" apply --server-side --force-conflicts --field-manager kft-kueue-crds -f "$KFT_KUEUE_HOME/crds/" >>"$W/install-crds.log" 2>&1 \
    || { cat "$W/install-crds.log" >&2; die "installing Kueue's CRDs on the worker"; }
  "${k[@]}" wait --for condition=established --timeout 60s crd --all >>"$W/install-crds.log" 2>&1 || die "worker CRDs not established"
  served_workloads() { "${k[@]}" get --raw /apis/kueue.x-k8s.io/v1beta2 | grep -q '"name":"workloads"'; }
  wait_for "worker discovery of kueue.x-k8s.io/v1beta2 workloads" 60 "" served_workloads
  # the Job controller (pods of admitted Jobs), namespaces, ServiceAccounts and their tokens, quota
  start worker-kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$kc" --authentication-kubeconfig "$kc" --authorization-kubeconfig "$kc" \
    --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false \
    --controllers clusterrole-aggregation-controller,namespace-controller,serviceaccount-controller,serviceaccount-token-controller,resourcequota-controller,garbage-collector-controller,job-controller \
    --service-account-private-key-file "$W/sa.key" --root-ca-file "$P/ca.crt" --use-service-account-credentials=false \
    --resource-quota-sync-period 10s --namespace-sync-period 1m --profiling=false --v 1
  profile_controller_cmd "$kc" "$KFT_NAMESPACE_LABELS"
  start worker-profile-controller "${PROFILE_CONTROLLER_CMD[@]}"
  local procs="worker-etcd worker-kube-apiserver worker-kube-controller-manager worker-profile-controller"
  wait_for "worker default ServiceAccount" 60 "$procs" "${k[@]}" get serviceaccount default -n default
  wait_for "worker profile controller start" 30 "$procs" grep -q ' started ' "$RUN/logs/worker-profile-controller.log"
  # Kueue's files and ports for `kueue worker`
  local wport mport hport
  wport=$(free_port); mport=$(free_port); hport=$(free_port)
  printf 'WEBHOOK=%s\nMETRICS=%s\nHEALTH=%s\nAPI=%s\n' "$wport" "$mport" "$hport" "$api_port" >"$W/ports.env"
  kueue_install "$kc" "$W/kueue" "$api_port" "$wport"
  # what the manager's Kueue may do on the worker (Kueue's MultiKueue setup guide; kueue-setup.ts)
  tsx test/cluster/kueue-setup.ts multikueue-role "$manager_config" >"$W/multikueue-rbac.yaml" || die "kueue-setup.ts multikueue-role"
  "${k[@]}" apply --server-side --field-manager kft-cluster-test -f "$W/multikueue-rbac.yaml" >>"$W/install-crds.log" 2>&1 \
    || die "MultiKueue ServiceAccount and role on the worker"
  local token
  token=$("${k[@]}" create token multikueue-sa -n kueue-system --duration 48h) || die "token for multikueue-sa"
  cat >"$W/multikueue.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: gpu-west, cluster: {server: "https://127.0.0.1:$api_port", certificate-authority-data: "$(base64 -w0 <"$P/ca.crt")"}}]
users: [{name: multikueue-sa, user: {token: "$token"}}]
contexts: [{name: gpu-west, context: {cluster: gpu-west, user: multikueue-sa}}]
current-context: gpu-west
EOF
  log "worker plane up in $(($(date +%s) - T0))s (kubeconfig $kc)"
}

kueue_cmd() { # home|worker config
  local plane=$1 base=$2
  [ -f "$base" ] || die "no Configuration $base"
  case "$plane" in
    home)
      local first="$RUN/kueue"
      if [ ! -f "$first/kubeconfig" ]; then
        # run.sh's start: installed on the first plane, log kueue.log, files in <run dir>/kueue
        kueue_install "${KFT_KUBECONFIG:?}" "$first" "${KFT_API_PORT:?}" "$KFT_KUEUE_WEBHOOK_PORT"
        kueue_run kueue "$first" "$base" "$KFT_KUEUE_WEBHOOK_PORT" "$KFT_KUEUE_METRICS_PORT" "$KFT_KUEUE_HEALTH_PORT"
        "$KUBECTL" --kubeconfig "$KFT_KUBECONFIG" apply --server-side --field-manager kft-cluster-test \
          -f "$first/webhooks.yaml" >>"$first/install.log" 2>&1 || die "registering Kueue's webhooks"
      else
        # a restart (12-fleet): the Kueue running on the first plane stops; the install (RBAC, token
        # kubeconfig, webhooks on the same port) is kept; log kueue-home.log
        local pid; pid=$(pid_of kueue-home); [ -n "$pid" ] || pid=$(pid_of kueue)
        [ -z "$pid" ] || stop_pid "$pid"
        local d="$RUN/kueue-home"; mkdir -p "$d"
        cp "$first/kubeconfig" "$d/kubeconfig"; cp -r "$first/webhook-certs" "$first/metrics-certs" "$d/"
        kueue_run kueue-home "$d" "$base" "$KFT_KUEUE_WEBHOOK_PORT" "$KFT_KUEUE_METRICS_PORT" "$KFT_KUEUE_HEALTH_PORT"
      fi
      ;;
    worker)
      [ -f "$W/ports.env" ] || die "the worker plane is not up (plane-ctl.sh worker-up)"
      # shellcheck disable=SC1091
      . "$W/ports.env"
      local pid; pid=$(pid_of kueue-worker)
      [ -z "$pid" ] || stop_pid "$pid"
      kueue_run kueue-worker "$W/kueue" "$base" "$WEBHOOK" "$METRICS" "$HEALTH"
      "$KUBECTL" --kubeconfig "$W/admin.kubeconfig" --cache-dir "$W/kube-cache" apply --server-side --field-manager kft-cluster-test \
        -f "$W/kueue/webhooks.yaml" >>"$W/kueue/install.log" 2>&1 || die "registering the worker Kueue's webhooks"
      ;;
    *) die "kueue: home or worker, not '$plane'" ;;
  esac
  log "Kueue ($plane) up in $(($(date +%s) - T0))s with $base"
}

worker_down() {
  local names pid n
  # reverse start order: Kueue first, etcd last
  names=$(awk '$2 ~ /^(kueue-)?worker/ { print $2 }' "$EXTRA" 2>/dev/null | tac)
  for n in $names; do pid=$(pid_of "$n"); [ -z "$pid" ] || stop_pid "$pid"; done
  [ ! -f "$W/etcd-data" ] || rm -rf "$(cat "$W/etcd-data")"
  rm -f "$W/admin.kubeconfig"
  log "worker plane stopped"
}

case "${1:-}" in
  worker-up) [ $# = 2 ] || die "usage: plane-ctl.sh worker-up <manager configuration.yaml>"; worker_up "$2" ;;
  kueue) [ $# = 3 ] || die "usage: plane-ctl.sh kueue <home|worker> <configuration.yaml>"; kueue_cmd "$2" "$3" ;;
  worker-down) worker_down ;;
  *) die "usage: plane-ctl.sh worker-up | kueue <home|worker> <configuration.yaml> | worker-down" ;;
esac
