/**
 * A realistic org repository, generated from a seed: a platform.ts unlike the examples' (four GPU
 * models, two of them MIG-partitioned and one time-sliced; other required labels, identity header
 * and prefix, reserved names, Vault, bucket, registry and Argo CD settings) and N tenants with
 * contributors (mixed-case e-mails), grants between them, S3/registry/git/API-key credentials, MIG
 * and time-sliced GPUs and one decommissioned tenant. Used by test/acceptance.test.ts and by
 * `npm run gen:org` for the manual acceptance on a clean clone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GrantSpec } from '../../lib/grants';
import type { PlatformInput } from '../../lib/platform';
import type { TenantSpec } from '../../lib/tenant';

/** Small seeded PRNG (mulberry32): the same seed gives the same org on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The org's platform. GPU models: H100-80GB and A30-24GB partitioned with MIG, T4s shared by time
 * slicing (`nvidia.com/gpu.shared`), and AMD MI250s as whole devices (`amd.com/gpu`).
 */
export const ORG_PLATFORM = {
  identity: { header: 'x-auth-request-email', prefix: 'oidc:', use: 'email' },
  istio: {
    ingressGatewayPrincipal: 'cluster.local/ns/gateways/sa/ml-gateway',
    pipelineUiPrincipal: 'cluster.local/ns/kubeflow/sa/ml-pipeline-ui',
  },
  network: { allowIngressFromNamespaces: ['gateways', 'kubeflow', 'monitoring'] },
  gpu: {
    vendors: ['amd.com/gpu'],
    mig: { 'H100-80GB': ['1g.10gb', '2g.20gb', '3g.40gb', '7g.80gb'], 'A30-24GB': ['1g.6gb', '2g.12gb', '4g.24gb'] },
    timeSliced: ['nvidia.com/gpu.shared'],
  },
  reservedNames: ['default', 'kube-*', 'kubeflow', 'kubeflow-*', 'gateways', 'monitoring', 'platform-*', 'vault', 'argocd', 'security'],
  requiredLabels: ['owner-team', 'cost-center', 'data-classification', 'environment'],
  podDefaults: { podMax: { cpu: '8', memory: '32Gi' }, defaultRequest: { cpu: '200m', memory: '512Mi' } },
  vault: { address: 'https://vault.corp.example:8200', mount: 'kv', kvVersion: 'v2', authMountPath: 'k8s-ml', pathPrefix: 'ml-tenants' },
  objectStore: { bucket: 'ml-artifacts', endpoint: 'https://s3.corp.example', region: 'eu-central-1', tenantPrefix: 'private-artifacts/{tenant}' },
  credentials: { refreshInterval: '30m', registryServer: 'harbor.corp.example', gitHost: 'gitlab.corp.example' },
  gitops: { repoURL: 'https://git.corp.example/ml-platform/tenants.git', revision: 'production', argocdNamespace: 'argocd', destinationServer: 'https://kubernetes.default.svc' },
} as const satisfies PlatformInput;

/** Every GPU resource of ORG_PLATFORM, grouped by model. */
const GPU_CHOICES: readonly (readonly string[])[] = [
  ['nvidia.com/mig-1g.10gb', 'nvidia.com/mig-2g.20gb', 'nvidia.com/mig-3g.40gb', 'nvidia.com/mig-7g.80gb'],
  ['nvidia.com/mig-1g.6gb', 'nvidia.com/mig-2g.12gb', 'nvidia.com/mig-4g.24gb'],
  ['nvidia.com/gpu.shared'],
  ['amd.com/gpu'],
];

const TEAMS = ['fraud', 'risk', 'search', 'ranking', 'vision', 'speech', 'ads', 'pricing', 'supply', 'churn', 'credit', 'genomics', 'robotics', 'forecast', 'nlp', 'recsys', 'maps', 'safety', 'growth', 'payments'];
const AREAS = ['ml', 'research', 'models', 'lab', 'analytics', 'training', 'serving', 'science', 'eng', 'data'];
const FIRST = ['Alice', 'bob', 'Chen', 'dana', 'Emeka', 'fatima', 'Goran', 'hana', 'Ivan', 'julia', 'Kofi', 'lena', 'Mateo', 'nora', 'Omar', 'priya'];
const LAST = ['Smith', 'mueller', 'Garcia', 'tanaka', 'Okafor', 'rossi', 'Nowak', 'kim', 'Silva', 'dubois'];
const DOMAINS = ['Corp.Example.com', 'corp.example.com', 'ml.corp.example.com'];
const CLASSES = ['public', 'internal', 'confidential', 'restricted'];
/** Grants as a data owner would declare them (each valid on its own). */
const GRANT_SHAPES: readonly Omit<GrantSpec, 'to'>[] = [
  { resources: ['inferenceservices'], verbs: ['get', 'list'] },
  { resources: ['pipeline-runs', 'pipeline-experiments'], verbs: ['get', 'list'] },
  { resources: ['pipeline-runs'], verbs: ['get', 'list', 'readArtifact'] },
  { resources: ['persistentvolumeclaims', 'pods/log'], verbs: ['get', 'list', 'watch'] },
  { resources: ['katib-experiments', 'tensorboards'], verbs: ['get', 'list'], serviceAccounts: ['default-editor', 'default-viewer'] },
  // kubeflow-view creates KFP Viewers, which run code: a namespace-wide view grant needs a reviewed exception.
  { role: 'view', reviewedException: 'PLAT-7: read-only partner access, reviewed by platform security' },
];

export interface GeneratedOrg {
  readonly seed: number;
  /** Source of platform.ts. */
  readonly platformSource: string;
  /** Tenant file name -> source. */
  readonly tenantFiles: Readonly<Record<string, string>>;
  readonly specs: readonly TenantSpec[];
}

/** The org of `seed`, with `count` tenants (at least 4). */
export function generateOrg(seed: number, count = 30): GeneratedOrg {
  if (count < 4) throw new Error('an org needs at least 4 tenants (grants, MIG, time-sliced and a decommissioned one)');
  const rnd = prng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number): boolean => rnd() < p;

  // Names: unique, none a prefix of another (synth refuses that), none reserved.
  const names: string[] = [];
  for (let i = 0; names.length < count; i++) {
    // Team-area pairs while they last; then fixed-width numbered names, which cannot prefix each other.
    const name = i < TEAMS.length * AREAS.length ? `${pick(TEAMS)}-${pick(AREAS)}` : `team-${String(i).padStart(6, '0')}`;
    if (names.some((n) => n.startsWith(name) || name.startsWith(n))) continue;
    names.push(name);
  }
  names.sort();
  const person = (): string => `${pick(FIRST)}.${pick(LAST)}${chance(0.3) ? int(1, 99) : ''}@${pick(DOMAINS)}`;
  const retired = names[int(0, count - 1)]!;
  const withS3 = new Set(names.filter((n, i) => i % 3 !== 1 || n === retired));

  const specs: TenantSpec[] = names.map((name, i) => {
    const owner = person();
    const seen = new Set([owner.toLowerCase()]);
    const contributors: { user: string; role: 'edit' | 'view' }[] = [];
    for (let k = int(0, 4); k > 0; k--) {
      const user = person();
      if (seen.has(user.toLowerCase())) continue; // e-mails compare case-insensitively
      seen.add(user.toLowerCase());
      contributors.push({ user, role: chance(0.5) ? 'edit' : 'view' });
    }
    const cpu = int(4, 64);
    const memGi = cpu * int(2, 8);
    // Guarantee every kind of GPU somewhere: tenant i % 4 gets model i % 4; others draw at random.
    const gpu: Record<string, number> = {};
    const models = [GPU_CHOICES[i % GPU_CHOICES.length]!, ...(chance(0.4) ? [pick(GPU_CHOICES)] : [])];
    for (const m of models) gpu[pick(m)] = int(1, 8);
    const podCpu = Math.min(cpu, int(2, 16));
    const podMemGi = Math.min(memGi, podCpu * 4);
    const podGpu = Object.fromEntries(Object.keys(gpu).slice(0, 1).map((r) => [r, 1]));
    const grants: GrantSpec[] = [];
    if (name !== retired) {
      for (const to of names.filter((n) => n !== name && n !== retired && chance(0.08))) {
        const shape = pick(GRANT_SHAPES);
        const prefixes = shape.resources && withS3.has(to) && withS3.has(name) && chance(0.5) ? { artifactPrefixes: [`models/${name.split('-')[0]}-v${int(1, 9)}`] } : {};
        grants.push({ to, ...shape, ...prefixes });
      }
    }
    const apiKeys = chance(0.3) ? [{ name: pick(['openai', 'feature-store', 'market-data', 'wandb']) }] : [];
    return {
      name,
      owner: { email: owner },
      labels: { 'owner-team': name.split('-')[0]!, 'cost-center': `cc-${int(1000, 9999)}`, 'data-classification': pick(CLASSES), environment: pick(['prod', 'staging']) },
      quota: { cpu: String(cpu), memory: `${memGi}Gi`, storage: `${int(1, 20) * 50}Gi`, persistentVolumeClaims: int(5, 50), pods: int(20, 200), gpu },
      ...(chance(0.7) ? { limits: { pod: { max: { cpu: String(podCpu), memory: `${podMemGi}Gi`, gpu: podGpu } }, container: { defaultRequest: { cpu: '250m', memory: '512Mi' } } } } : {}),
      ...(contributors.length ? { contributors } : {}),
      ...(grants.length ? { grants } : {}),
      credentials: {
        ...(withS3.has(name) ? { s3: true } : {}),
        registry: chance(0.5) ? true : { server: pick(['harbor.corp.example', 'registry.ml.corp.example:5000']) },
        ...(chance(0.4) ? { git: chance(0.5) ? true : { host: 'github.com' } } : {}),
        ...(apiKeys.length ? { apiKeys } : {}),
        ...(chance(0.3) ? { refreshInterval: pick(['15m', '1h', '2h30m']) } : {}),
      },
      ...(name === retired ? { decommissioned: true } : {}),
    } as TenantSpec;
  });

  const platformSource = `// Generated by \`npm run gen:org -- --seed ${seed}\`: a platform unlike the examples' (test/support/gen-org.ts).
import { definePlatform } from './lib/platform';

export default definePlatform(${tsLiteral(ORG_PLATFORM)});
`;
  const tenantFiles = Object.fromEntries(
    specs.map((s) => [`${s.name}.ts`, tenantFileSource(s, seed)]),
  );
  return { seed, platformSource, tenantFiles, specs };
}

/** JSON as a person would write it in TypeScript: identifier keys unquoted. */
const tsLiteral = (v: unknown): string => JSON.stringify(v, null, 2).replace(/^(\s*)"([A-Za-z_$][\w$]*)":/gm, '$1$2:');

/** The source of a generated tenant file. */
export function tenantFileSource(spec: TenantSpec, seed: number): string {
  return `// Generated by \`npm run gen:org -- --seed ${seed}\`.\nimport { tenant } from '../lib/tenant';\n\nexport default tenant(${tsLiteral(spec)});\n`;
}

/**
 * Writes platform.ts and tenants/ of `org` into `dir`, replacing any tenants/ there, and deletes
 * dist/: the generated org was never deployed, and the removal guard would otherwise refuse to
 * drop the previous tenants' bundles (e.g. the examples' in a fresh clone).
 */
export function writeOrg(dir: string, org: GeneratedOrg): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
  fs.writeFileSync(path.join(dir, 'platform.ts'), org.platformSource);
  fs.rmSync(path.join(dir, 'tenants'), { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'tenants'));
  for (const [f, src] of Object.entries(org.tenantFiles)) fs.writeFileSync(path.join(dir, 'tenants', f), src);
}

/** A seed for a new run: fixed by KFT_ORG_SEED, else random (printed by the callers). */
export function orgSeed(): number {
  const env = process.env.KFT_ORG_SEED;
  return env !== undefined && env !== '' ? Number(env) : Math.floor(Math.random() * 2 ** 31);
}
