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

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'webhooks' && args.length === 3) process.stdout.write(webhooks(args[0]!, args[1]!, args[2]!));
else if (cmd === 'rbac' && args.length === 1) process.stdout.write(rbac(args[0]!));
else if (cmd === 'config' && args.length === 6) writeFileSync(args[0]!, config(args[1]!, args[2]!, args[3]!, args[4]!, args[5]!));
else {
  console.error('usage: kueue-setup.ts webhooks <manifests> <port> <ca> | rbac <dir> | config <out> <base> <webhook port> <cert dir> <metrics port> <health port>');
  process.exit(2);
}
