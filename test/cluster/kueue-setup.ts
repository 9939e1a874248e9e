// What run.sh needs to run the real Kueue controller against the tier's API server, from files
// of the Kueue Go module (copied into the run directory by run.sh):
//
//   tsx test/cluster/kueue-setup.ts webhooks <manifests.yaml> <port> <ca.crt>
//     the module's config/components/webhook/manifests.yaml with every `clientConfig.service`
//     replaced by `url: https://127.0.0.1:<port><path>` (the tier has no Services to route) and the
//     run's CA as caBundle; the namespaceSelector upstream's kustomization adds to the pod-level
//     webhooks (not kube-system, not kueue-system) is added the same way.
//   tsx test/cluster/kueue-setup.ts rbac <dir>
//     the manager's RBAC from the module (see rbac() below).
//   tsx test/cluster/kueue-setup.ts config <out> <base.yaml> <webhook port> <cert dir> <metrics port> <health port>
//     the Kueue Configuration: <base.yaml> (the fragment synth emits for the platform team) with
//     the settings that only concern where this process runs replaced: webhook host/port/certDir,
//     metrics and health addresses on 127.0.0.1, leader election and internal certificate
//     management off. Everything that decides behaviour (managed namespaces, integrations,
//     resources, fair sharing) is the base's, unchanged.
//   tsx test/cluster/kueue-setup.ts integration-crds <configuration.yaml>
//   tsx test/cluster/kueue-setup.ts multikueue-role <configuration.yaml>
//     for a MultiKueue worker (plane-ctl.sh): stand-in CRDs of the manager's integrations and the
//     manager's ServiceAccount and ClusterRole on the worker (see integrationCrds, multikueueRole).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';

interface Webhook {
  name: string;
  clientConfig: { service?: { path?: string }; url?: string; caBundle?: string };
  namespaceSelector?: unknown;
}
interface WebhookConfiguration {
  kind: string;
  metadata: { name: string };
  webhooks: Webhook[];
}

/** Upstream's config/components/webhook/kustomization.yaml gives these the vpod.kb.io selector. */
const SELECTED = new Set(
  ['appwrapper', 'deployment', 'jaxjob', 'job', 'jobset', 'leaderworkerset', 'mpijob', 'paddlejob', 'pod', 'pytorchjob', 'raycluster', 'rayjob', 'rayservice', 'sparkapplication', 'statefulset', 'tfjob', 'trainjob', 'xgboostjob'].flatMap(
    (k) => [`m${k}.kb.io`, `v${k}.kb.io`],
  ),
);
const SYSTEM_NAMESPACES = {
  matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kueue-system'] }],
};

function webhooks(file: string, port: string, caFile: string): string {
  const caBundle = Buffer.from(readFileSync(caFile)).toString('base64');
  const docs = yaml.loadAll(readFileSync(file, 'utf8')).filter(Boolean) as WebhookConfiguration[];
  for (const d of docs) {
    // a name of our own: upstream's are kustomize-prefixed (kueue-...) and generic before that
    d.metadata.name = `kueue-${d.metadata.name}`;
    for (const w of d.webhooks) {
      const path = w.clientConfig.service?.path;
      if (!path) throw new Error(`${file}: webhook ${w.name} has no service path`);
      w.clientConfig = { url: `https://127.0.0.1:${port}${path}`, caBundle };
      if (SELECTED.has(w.name)) w.namespaceSelector = SYSTEM_NAMESPACES;
    }
  }
  if (docs.length !== 2) throw new Error(`${file}: expected a mutating and a validating configuration, found ${docs.length}`);
  return docs.map((d) => yaml.dump(d, { lineWidth: -1 })).join('---\n');
}

interface RbacObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  roleRef?: { name: string };
  subjects?: { name: string; namespace?: string }[];
}

/**
 * The manager's RBAC files of the module (config/components/rbac: role, secrets role, metrics auth
 * role and their bindings) as upstream's kustomization installs them: names prefixed `kueue-`,
 * namespace `system` as `kueue-system`.
 */
function rbac(dir: string): string {
  const ns = (n?: string) => (n === undefined ? undefined : n === 'system' ? 'kueue-system' : n);
  const objs = readdirSync(dir)
    .sort()
    .flatMap((f) => yaml.loadAll(readFileSync(join(dir, f), 'utf8')).filter(Boolean) as RbacObject[]);
  for (const o of objs) {
    o.metadata.name = `kueue-${o.metadata.name}`;
    if (o.metadata.namespace) o.metadata.namespace = ns(o.metadata.namespace);
    if (o.roleRef) o.roleRef.name = `kueue-${o.roleRef.name}`;
    for (const s of o.subjects ?? []) Object.assign(s, { name: `kueue-${s.name}`, namespace: ns(s.namespace) });
  }
  return objs.map((o) => yaml.dump(o, { lineWidth: -1 })).join('---\n');
}

type Config = Record<string, unknown> & { apiVersion?: string; kind?: string };

function config(base: string, webhookPort: string, certDir: string, metricsPort: string, healthPort: string): string {
  const docs = yaml.loadAll(readFileSync(base, 'utf8')).filter(Boolean) as Config[];
  const c = docs.find((d) => d.kind === 'Configuration');
  if (!c) throw new Error(`${base}: no Kueue Configuration in it`);
  if (c.apiVersion !== 'config.kueue.x-k8s.io/v1beta2') throw new Error(`${base}: Configuration is ${c.apiVersion}, expected config.kueue.x-k8s.io/v1beta2`);
  return yaml.dump(
    {
      ...c,
      namespace: 'kueue-system',
      webhook: { host: '127.0.0.1', port: Number(webhookPort), certDir },
      metrics: { ...((c.metrics as object | undefined) ?? {}), bindAddress: `127.0.0.1:${metricsPort}` },
      health: { healthProbeBindAddress: `127.0.0.1:${healthPort}` },
      leaderElection: { leaderElect: false },
      internalCertManagement: { enable: false },
    },
    { lineWidth: -1 },
  );
}

/**
 * The kinds behind the Configuration's `integrations.frameworks` (Kueue v0.19.2's
 * pkg/controller/jobs/*: the GroupVersionKind each integration registers). A MultiKueue manager
 * watches every enabled kind on each worker (multikueuecluster.go updateConfigAndRefreshWatchers)
 * and keeps the MultiKueueCluster inactive ("no matches for kind MPIJob") while a worker does not
 * serve one of them, so a worker must serve all of them, whatever its tenants run.
 */
interface Kind {
  group: string;
  version: string;
  kind: string;
  plural: string;
  cluster?: boolean;
  /** kinds the integration's controller indexes at start (Kueue exits without them) */
  alsoServed?: Kind[];
}
const FRAMEWORK_KINDS: Record<string, Kind> = {
  'jobset.x-k8s.io/jobset': { group: 'jobset.x-k8s.io', version: 'v1alpha2', kind: 'JobSet', plural: 'jobsets' },
  'kubeflow.org/mpijob': { group: 'kubeflow.org', version: 'v2beta1', kind: 'MPIJob', plural: 'mpijobs' },
  'kubeflow.org/pytorchjob': { group: 'kubeflow.org', version: 'v1', kind: 'PyTorchJob', plural: 'pytorchjobs' },
  'kubeflow.org/tfjob': { group: 'kubeflow.org', version: 'v1', kind: 'TFJob', plural: 'tfjobs' },
  'kubeflow.org/xgboostjob': { group: 'kubeflow.org', version: 'v1', kind: 'XGBoostJob', plural: 'xgboostjobs' },
  'kubeflow.org/paddlejob': { group: 'kubeflow.org', version: 'v1', kind: 'PaddleJob', plural: 'paddlejobs' },
  'kubeflow.org/jaxjob': { group: 'kubeflow.org', version: 'v1', kind: 'JAXJob', plural: 'jaxjobs' },
  'trainer.kubeflow.org/trainjob': {
    group: 'trainer.kubeflow.org',
    version: 'v1alpha1',
    kind: 'TrainJob',
    plural: 'trainjobs',
    alsoServed: [
      { group: 'trainer.kubeflow.org', version: 'v1alpha1', kind: 'TrainingRuntime', plural: 'trainingruntimes' },
      { group: 'trainer.kubeflow.org', version: 'v1alpha1', kind: 'ClusterTrainingRuntime', plural: 'clustertrainingruntimes', cluster: true },
    ],
  },
};

function frameworkKinds(configFile: string) {
  const docs = yaml.loadAll(readFileSync(configFile, 'utf8')).filter(Boolean) as Config[];
  const c = docs.find((d) => d.kind === 'Configuration');
  const frameworks = ((c?.integrations as { frameworks?: string[] } | undefined)?.frameworks ?? []).filter((f) => f !== 'batch/job');
  const unknown = frameworks.filter((f) => !FRAMEWORK_KINDS[f]);
  if (unknown.length > 0) throw new Error(`${configFile}: integrations the tier has no kind for: ${unknown.join(', ')} (add them to FRAMEWORK_KINDS in kueue-setup.ts)`);
  return frameworks.map((f) => FRAMEWORK_KINDS[f]!);
}

/**
 * Schemaless CRDs of the manager's integrations for a worker (the tier runs no JobSet, MPI or
 * training operator; in the product the worker has them installed). Stand-ins: real group, version,
 * kind and plural, any content.
 */
function integrationCrds(configFile: string): string {
  return frameworkKinds(configFile)
    .flatMap((k) => [k, ...(k.alsoServed ?? [])])
    .map((k) =>
      yaml.dump(
        {
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: `${k.plural}.${k.group}`, labels: { 'kubeflow-tenants.test/stub': 'true' } },
          spec: {
            group: k.group,
            scope: k.cluster ? 'Cluster' : 'Namespaced',
            names: { plural: k.plural, singular: k.kind.toLowerCase(), kind: k.kind, listKind: `${k.kind}List` },
            versions: [{ name: k.version, served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
          },
        },
        { lineWidth: -1 },
      ),
    )
    .join('---\n');
}

/**
 * What the manager's Kueue may do on a worker: ServiceAccount kueue-system/multikueue-sa and the
 * ClusterRole of Kueue's MultiKueue setup guide (create/delete/get/list/watch Jobs and Workloads,
 * Workload status), with the same rules for each kind of the manager's integrations.
 */
function multikueueRole(configFile: string): string {
  const rules = [
    { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'delete', 'get', 'list', 'watch'] },
    { apiGroups: ['batch'], resources: ['jobs/status'], verbs: ['get'] },
    ...frameworkKinds(configFile).flatMap((k) => [
      { apiGroups: [k.group], resources: [k.plural], verbs: ['create', 'delete', 'get', 'list', 'watch'] },
      { apiGroups: [k.group], resources: [`${k.plural}/status`], verbs: ['get'] },
    ]),
    { apiGroups: ['kueue.x-k8s.io'], resources: ['workloads'], verbs: ['create', 'delete', 'get', 'list', 'watch'] },
    { apiGroups: ['kueue.x-k8s.io'], resources: ['workloads/status'], verbs: ['get', 'patch', 'update'] },
  ];
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'multikueue-sa', namespace: 'kueue-system' } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'multikueue-sa-role' }, rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'multikueue-sa-crb' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'multikueue-sa-role' },
      subjects: [{ kind: 'ServiceAccount', name: 'multikueue-sa', namespace: 'kueue-system' }],
    },
  ]
    .map((o) => yaml.dump(o, { lineWidth: -1 }))
    .join('---\n');
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'webhooks' && args.length === 3) process.stdout.write(webhooks(args[0]!, args[1]!, args[2]!));
else if (cmd === 'rbac' && args.length === 1) process.stdout.write(rbac(args[0]!));
else if (cmd === 'integration-crds' && args.length === 1) process.stdout.write(integrationCrds(args[0]!));
else if (cmd === 'multikueue-role' && args.length === 1) process.stdout.write(multikueueRole(args[0]!));
else if (cmd === 'config' && args.length === 6) writeFileSync(args[0]!, config(args[1]!, args[2]!, args[3]!, args[4]!, args[5]!));
else {
  console.error(
    'usage: kueue-setup.ts webhooks <manifests> <port> <ca> | rbac <dir> | config <out> <base> <webhook port> <cert dir> <metrics port> <health port> | integration-crds <configuration> | multikueue-role <configuration>',
  );
  process.exit(2);
}
