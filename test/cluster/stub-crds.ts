// Prints (YAML, to stdout) a minimal CustomResourceDefinition for every namespaced resource that
// the Kubeflow ClusterRoles (crds/kubeflow-clusterroles.yaml) name but the test API server does
// not serve (Notebooks, InferenceServices, TFJobs, ...). They are test fixtures, not product
// CRDs: RBAC itself never needs the type to exist, but `kubectl auth can-i VERB RESOURCE` can only
// split "notebooks.kubeflow.org" into group and resource when discovery knows the resource;
// otherwise it asks about resource "notebooks.kubeflow.org" in the core group and the answer is
// always "no". Usage: tsx test/cluster/stub-crds.ts <file with `kubectl api-resources -o name`> [plural.group ...]
// (run from the repository root; resources of the CRDs in crds/ count as served).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';

interface Rule {
  apiGroups?: string[];
  resources?: string[];
}

const served = new Set(
  readFileSync(process.argv[2], 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean),
);
// and the CRDs vendored in crds/, which run.sh installs together with these stubs
for (const f of readdirSync(join(process.cwd(), 'crds')).filter((n) => n.endsWith('.yaml'))) {
  for (const d of yaml.loadAll(readFileSync(join(process.cwd(), 'crds', f), 'utf8')) as { kind?: string; metadata?: { name?: string } }[]) {
    if (d?.kind === 'CustomResourceDefinition' && d.metadata?.name) served.add(d.metadata.name);
  }
}
// Optional: only these resources (each "<plural>.<group>"), to keep the API server's work small;
// CRD creation is the slowest part of the start-up (OpenAPI is rebuilt for each one).
const only = new Set(process.argv.slice(3));
const missing = [...only].filter((r) => served.has(r));
if (missing.length > 0) throw new Error(`already served, no stub needed: ${missing.join(', ')}`);
const roles = yaml.loadAll(readFileSync(join(process.cwd(), 'crds', 'kubeflow-clusterroles.yaml'), 'utf8')) as { rules?: Rule[] }[];

const wanted = new Map<string, { group: string; plural: string }>();
for (const role of roles) {
  for (const rule of role?.rules ?? []) {
    for (const group of rule.apiGroups ?? []) {
      for (const plural of rule.resources ?? []) {
        if (!group.includes('.') || plural === '*' || plural.includes('/')) continue;
        if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(plural)) continue;
        const name = `${plural}.${group}`;
        if (!served.has(name) && (only.size === 0 || only.has(name))) wanted.set(name, { group, plural });
      }
    }
  }
}

const docs = [...wanted.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([name, { group, plural }]) => {
    const singular = plural.replace(/s$/, '');
    const kind = 'KftStub' + singular.charAt(0).toUpperCase() + singular.slice(1);
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name,
        labels: { 'kubeflow-tenants.test/stub': 'true' },
        // groups under k8s.io must say they are not an approved Kubernetes API
        ...(/\.k8s\.io$|\.kubernetes\.io$/.test(group)
          ? { annotations: { 'api-approved.kubernetes.io': 'unapproved, test fixture of kubeflow-tenants' } }
          : {}),
      },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural, singular, kind, listKind: `${kind}List` },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    };
  });

const unknown = [...only].filter((r) => !wanted.has(r));
if (unknown.length > 0) throw new Error(`not named by the Kubeflow ClusterRoles: ${unknown.join(', ')}`);
process.stdout.write(docs.map((d) => '---\n' + yaml.dump(d, { lineWidth: -1 })).join(''));
