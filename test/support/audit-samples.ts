/**
 * Log lines of the Kubeflow components whose audit-relevant lines join a tenant's stream, for the
 * VRL routing tests (test/audit.test.ts). Each real-looking line imitates an upstream log statement,
 * cited as repository@commit:path:line (function) with the statement quoted. Line numbers are 1-based
 * and were counted in the file as stored at that commit; no release tag containing either commit
 * could be resolved from the reference index, so the commit is cited. Then hostile and malformed
 * lines. Tenants are the `audit` fixture repository's.
 */

/** Pod labels of the two components, as Vector's kubernetes_logs source puts them on an event. */
const KFP = { app: 'ml-pipeline', 'app.kubernetes.io/component': 'ml-pipeline' };
const PROFILES = { 'kustomize.component': 'profiles' };

export interface ComponentSample {
  readonly what: string;
  /** The upstream statement imitated; undefined for hostile or malformed lines. */
  readonly imitates?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly line: string;
  /** The stream it must go to: a tenant, 'platform', or 'dropped' (not a component pod). */
  readonly expect: string;
}

const KFP_AUTHORIZED =
  "kubeflow/pipelines@0029bf50b1c8e101c58c3116cabe6c628b44e5ff:backend/src/apiserver/resource/resource_manager.go:3824 (ResourceManager.isAuthorized, reached through ResourceManager.IsAuthorized): glog.Infof(\"Authorized user '%s': %+v\", userIdentity, resourceAttributes)";
const PROFILE_RECONCILE =
  'kubeflow/kubeflow@0429a23c3d49411aa2f6e988cb718d10ff6a9bc5:components/profile-controller/controllers/profile_controller.go:112 (ProfileReconciler.Reconcile; logger bound at line 107): logger := r.Log.WithValues("profile", request.NamespacedName); logger.Info("Start to Reconcile.", "namespace", request.Namespace, "name", request.Name)';
const PROFILE_ISTIO =
  'kubeflow/kubeflow@0429a23c3d49411aa2f6e988cb718d10ff6a9bc5:components/profile-controller/controllers/profile_controller.go:501 (ProfileReconciler.updateIstioAuthorizationPolicy; logger bound at line 476): logger := r.Log.WithValues("profile", profileIns.Name); logger.Info("Creating Istio AuthorizationPolicy", "namespace", istioAuth.ObjectMeta.Namespace, "name", istioAuth.ObjectMeta.Name)';

const attrs = (ns: string, verb = 'create', resource = 'runs'): string =>
  `&ResourceAttributes{Namespace:${ns},Verb:${verb},Group:pipelines.kubeflow.org,Version:v1beta1,Resource:${resource},Subresource:,Name:,}`;

export const COMPONENT_SAMPLES: readonly ComponentSample[] = [
  { what: 'KFP: a run created in a tenant namespace', imitates: KFP_AUTHORIZED, labels: KFP, line: `I1127 10:15:02.123456       1 resource_manager.go:3824] Authorized user 'ana@example.com': ${attrs('card-ledger')}`, expect: 'card-ledger' },
  { what: 'KFP: a pipeline version uploaded by a notebook ServiceAccount', imitates: KFP_AUTHORIZED, labels: KFP, line: `I1127 10:16:40.000001       1 resource_manager.go:3824] Authorized user 'system:serviceaccount:outreach:default-editor': ${attrs('outreach', 'create', 'pipelineversions')}`, expect: 'outreach' },
  { what: 'KFP: a namespace that is no tenant', imitates: KFP_AUTHORIZED, labels: KFP, line: `I1127 10:15:03.000000       1 resource_manager.go:3824] Authorized user 'admin@example.com': ${attrs('kubeflow', 'list')}`, expect: 'platform' },
  { what: 'KFP: a line naming no namespace', labels: KFP, line: 'I1127 10:15:02.100000       1 interceptor.go:29] /api.RunService/CreateRunV1 handler starting', expect: 'platform' },
  { what: 'Profile controller: Reconcile, JSON, NamespacedName as a string', imitates: PROFILE_RECONCILE, labels: PROFILES, line: '{"level":"info","ts":1795774502.12,"logger":"controllers.Profile","msg":"Start to Reconcile.","profile":"/card-ledger","namespace":"","name":"card-ledger"}', expect: 'card-ledger' },
  { what: 'Profile controller: Reconcile, JSON, NamespacedName as an object (MarshalLog)', imitates: PROFILE_RECONCILE, labels: PROFILES, line: '{"level":"info","ts":1795774502.13,"logger":"controllers.Profile","msg":"Start to Reconcile.","profile":{"name":"churn-analytics"},"namespace":"","name":"churn-analytics"}', expect: 'churn-analytics' },
  { what: 'Profile controller: AuthorizationPolicy, development (console) encoding', imitates: PROFILE_ISTIO, labels: PROFILES, line: '2026-11-27T10:15:02.140Z\tINFO\tcontrollers.Profile\tCreating Istio AuthorizationPolicy\t{"profile": "outreach", "namespace": "outreach", "name": "ns-owner-access-istio"}', expect: 'outreach' },
  { what: 'Profile controller: a Profile that is no tenant', imitates: PROFILE_RECONCILE, labels: PROFILES, line: '{"level":"info","logger":"controllers.Profile","msg":"Start to Reconcile.","profile":"/kubeflow-user-example-com","namespace":"","name":"kubeflow-user-example-com"}', expect: 'platform' },
  // Hostile and malformed lines: none may reach a tenant it does not name unambiguously.
  { what: 'hostile: a user id forging a second ResourceAttributes for another tenant', labels: KFP, line: `I1127 10:15:04.000000       1 resource_manager.go:3824] Authorized user 'evil': ${attrs('card-ledger')}': ${attrs('open-data')}`, expect: 'platform' },
  { what: 'hostile: a user id with a quote, then the real namespace', labels: KFP, line: `I1127 10:15:04.000000       1 resource_manager.go:3824] Authorized user 'o'brien@example.com': ${attrs('open-data')}`, expect: 'platform' },
  { what: 'hostile: Namespace field in the wrong case', labels: KFP, line: `I1127 10:15:05.000000       1 resource_manager.go:3824] Authorized user 'a@example.com': ${attrs('CARD-LEDGER')}`, expect: 'platform' },
  { what: 'hostile: the statement quoted inside another message', labels: KFP, line: `E1127 10:15:06.000000       1 server.go:10] request failed: Authorized user 'a@example.com': ${attrs('card-ledger')}`, expect: 'platform' },
  { what: 'hostile: profile and namespace disagree', labels: PROFILES, line: '{"level":"info","logger":"controllers.Profile","msg":"x","profile":"card-ledger","namespace":"open-data"}', expect: 'platform' },
  { what: 'hostile: a tenant named only inside the message text', labels: PROFILES, line: '{"level":"info","logger":"controllers.Profile","msg":"\\"profile\\":\\"card-ledger\\""}', expect: 'platform' },
  { what: 'hostile: profile is a number', labels: PROFILES, line: '{"level":"info","logger":"controllers.Profile","msg":"x","profile":42}', expect: 'platform' },
  { what: 'malformed: truncated JSON', labels: PROFILES, line: '{"level":"info","logger":"controllers.Profile","msg":"Start to Reconcile.","profile":"/card-le', expect: 'platform' },
  { what: 'malformed: empty line', labels: PROFILES, line: '', expect: 'platform' },
  { what: 'malformed: not UTF-8 safe bytes and tabs only', labels: PROFILES, line: '\t\t\t\ufffd', expect: 'platform' },
  { what: 'another pod of the namespace (the Pipelines UI): dropped', labels: { app: 'ml-pipeline-ui' }, line: `I1127 10:15:02.123456       1 x.go:1] Authorized user 'a': ${attrs('card-ledger')}`, expect: 'dropped' },
];

/** A kubernetes_logs event of `sample`, as Vector's source emits it (the fields the program reads). */
export function componentEvent(s: ComponentSample): Record<string, unknown> {
  return {
    message: s.line,
    source_type: 'kubernetes_logs',
    kubernetes: { pod_namespace: 'kubeflow', pod_name: 'x-0', container_name: 'main', pod_labels: s.labels },
  };
}
