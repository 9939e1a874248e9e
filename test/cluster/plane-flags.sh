# Flags of one control plane's etcd and kube-apiserver (and the Profile controller stand-in's command), shared by the tier's first plane
# (run.sh) and the fleet's worker plane (plane-ctl.sh), so both planes run the same configuration.
# Sourced; each function fills an array.

# etcd_flags <name> <data dir> <client port> <peer port> <quota bytes>  -> ETCD_FLAGS
etcd_flags() {
  ETCD_FLAGS=(--name "$1" --data-dir "$2"
    --listen-client-urls "http://127.0.0.1:$3" --advertise-client-urls "http://127.0.0.1:$3"
    --listen-peer-urls "http://127.0.0.1:$4" --initial-advertise-peer-urls "http://127.0.0.1:$4"
    --initial-cluster "$1=http://127.0.0.1:$4" --listen-metrics-urls ""
    --quota-backend-bytes "$5" --log-level warn)
}

# apiserver_flags <etcd port> <secure port> <cert dir> <pki dir> <sa.pub> <sa.key>  -> APISERVER_FLAGS
# The serving certificate and client CA come from the run's PKI, so one admin certificate works on every plane.
apiserver_flags() {
  APISERVER_FLAGS=(--etcd-servers "http://127.0.0.1:$1"
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$2"
    --cert-dir "$3" --tls-cert-file "$4/apiserver.crt" --tls-private-key-file "$4/apiserver.key"
    --client-ca-file "$4/ca.crt"
    --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$5"
    --service-account-signing-key-file "$6"
    --service-cluster-ip-range 10.96.0.0/24 --endpoint-reconciler-type none
    --authorization-mode RBAC
    --enable-admission-plugins NamespaceLifecycle,LimitRanger,ServiceAccount,ResourceQuota,DefaultTolerationSeconds,MutatingAdmissionWebhook,ValidatingAdmissionWebhook
    --allow-privileged=true --enable-priority-and-fairness=false --profiling=false --v 1)
}

# profile_controller_cmd <kubeconfig> <namespace-labels file>  -> PROFILE_CONTROLLER_CMD
# The Profile controller stand-in with the platform's identity header and principals (KFT_* from platform-env.ts).
profile_controller_cmd() {
  PROFILE_CONTROLLER_CMD=(env
    KUBECONFIG="$1"
    ISTIO_INGRESS_GATEWAY_PRINCIPAL="$KFT_INGRESS_PRINCIPAL"
    KFP_UI_PRINCIPAL="$KFT_KFP_UI_PRINCIPAL"
    NOTEBOOK_CONTROLLER_PRINCIPAL=cluster.local/ns/kubeflow/sa/notebook-controller-service-account
    "$BIN/profile-controller-standin" -userid-header "$KFT_USERID_HEADER" -userid-prefix "$KFT_USERID_PREFIX"
    -namespace-labels-path "$2")
}
