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

/** Knobs of {@link generateOrg} that the default org leaves alone. */
export interface OrgOptions {
  /**
   * Chance that a tenant grants access to each other tenant. The default's 0.08 gives some 2.5
   * grants per tenant in a 30-tenant org but 800 in a 10,000-tenant one: large orgs pass about
   * `2 / count`. Changing it keeps every other draw of the seed (one draw per pair either way).
   * @default 0.08
   */
  readonly grantRate?: number;
}

/** The org of `seed`, with `count` tenants (at least 4). */
export function generateOrg(seed: number, count = 30, options: OrgOptions = {}): GeneratedOrg {
  const grantRate = options.grantRate ?? 0.08;
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
      for (const to of names.filter((n) => n !== name && n !== retired && chance(grantRate))) {
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

// ---- A fleet (issue 14, docs/fleet.md): `generateFleetOrg`, `npm run gen:org -- --clusters N`. ----

/** Clusters of a generated fleet, in order; `pci-eu` is inserted third when there are at least 3. */
const FLEET_CLUSTERS: readonly (readonly [string, string])[] = [
  ['gpu-east', 'us-east-1'],
  ['gpu-west', 'us-west-2'],
  ['gpu-central', 'eu-central-1'],
  ['inference-apac', 'ap-southeast-1'],
  ['gpu-north', 'eu-north-1'],
  ['gpu-south', 'sa-east-1'],
];
const PCI_CLUSTER: readonly [string, string] = ['pci-eu', 'eu-west-1'];
/** The Kueue flavors every generated cluster offers: CPU nodes and AMD MI250 nodes (whole devices). */
const CPU_FLAVOR = 'cpu';
const GPU_FLAVOR = 'mi250';
const GPU_RESOURCE = 'amd.com/gpu';
const NON_PCI_TIERS = ['public', 'internal', 'confidential'] as const;

/** What a generated fleet org holds besides {@link GeneratedOrg}: each tenant's home, for tests and the bench. */
export interface GeneratedFleetOrg extends GeneratedOrg {
  /** Cluster names, in platform.ts order. */
  readonly clusters: readonly string[];
  /** Tenant name -> home cluster (by placement.cluster or by the platform's rule). */
  readonly homeOf: Readonly<Record<string, string>>;
  /** Tenant name -> worker clusters its burst queue dispatches to. */
  readonly burstsTo: Readonly<Record<string, readonly string[]>>;
  /** What platform.ts passes to definePlatform. */
  readonly platformInput: PlatformInput;
}

/** Options of {@link generateFleetOrg}. */
export interface FleetOrgOptions {
  /**
   * The same tenants on one cluster, for comparison: no `fleet`, no placement, the clusters'
   * capacity summed into one, the in-cluster guards off when the tenant names no longer fit the
   * guard's prefix rule (lib/validation.ts checkGuardNameList). @default false
   */
  readonly oneCluster?: boolean;
}

/** Characters the guard's prefix rule needs for these names, as lib/validation.ts counts them. */
const guardListSize = (names: readonly string[]): number => names.reduce((n, s) => n + [...s].length + 4, 0);
/** lib/validation.ts GUARD_NAME_LIST_LIMIT (not imported: test support stays independent of lib's internals). */
const GUARD_LIST_LIMIT = 90_000;

/**
 * The org of `seed` with `count` tenants spread over `clusterCount` clusters: the tenants of
 * {@link generateOrg} (fewer grants per tenant when the org is large, see `grantRate`), each with a
 * compliance tier, a Kueue queue and a home. Clusters: destinations alternately by server URL and
 * by Argo CD cluster name, each with its own Kueue capacity sized for what it hosts (home queues,
 * burst ClusterQueues of its tenants, burst guests) plus headroom; with 3 or more clusters the third
 * is `pci-eu`, which hosts the PCI tier only, with its own identity header. Placement: the rule
 * sends PCI to `pci-eu` and `confidential` to the second cluster, the first cluster is the default;
 * about half of the other tenants name a home (`placement.cluster`), and about 2% burst to another
 * non-PCI cluster. Grants stay within a home cluster (a RoleBinding cannot reach another cluster).
 * A cluster whose tenant names overflow the guard's prefix rule turns its guards off.
 * Deterministic: the same seed, count and cluster count give the same files; the tenants' own
 * draws are those of `generateOrg(seed, count, { grantRate })`, the fleet's come from a second stream.
 */
export function generateFleetOrg(seed: number, count: number, clusterCount: number, options: FleetOrgOptions = {}): GeneratedFleetOrg {
  if (!Number.isInteger(clusterCount) || clusterCount < 1) throw new Error('a fleet needs at least 1 cluster');
  const base = generateOrg(seed, count, { grantRate: Math.min(0.08, 2 / count) });
  const rnd = prng((seed ^ 0x9e3779b9) >>> 0);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number): boolean => rnd() < p;

  const general = [...FLEET_CLUSTERS];
  for (let i = general.length; i < clusterCount; i++) general.push([`gpu-${String(i + 1).padStart(2, '0')}`, 'us-east-2']);
  const hasPci = clusterCount >= 3;
  const gen = general.slice(0, hasPci ? clusterCount - 1 : clusterCount).map(([name]) => name);
  const clusterList: (readonly [string, string])[] = general.slice(0, gen.length);
  if (hasPci) clusterList.splice(2, 0, PCI_CLUSTER);
  const clusterNames = clusterList.map(([n]) => n);
  const byTier: Record<string, string> = { ...(hasPci ? { pci: PCI_CLUSTER[0] } : {}), ...(gen.length > 1 ? { confidential: gen[1]! } : {}) };
  const fallback = gen[0]!;

  const retired = base.specs.find((s) => s.decommissioned)?.name;
  const homeOf: Record<string, string> = {};
  const burstsTo: Record<string, string[]> = {};
  const placed = base.specs.map((s) => {
    const tier = hasPci && chance(0.1) ? 'pci' : pick(NON_PCI_TIERS);
    const ruled = byTier[tier] ?? fallback;
    // Non-PCI tenants spread evenly: half name their home (which may equal the rule's), half follow the rule.
    // Drawn in --one-cluster mode too (and then dropped), so both modes share every draw: the same tenants.
    const drawnHome = tier !== 'pci' && chance(0.5) ? pick(gen) : undefined;
    const named = options.oneCluster ? undefined : drawnHome;
    const home = drawnHome ?? ruled;
    homeOf[s.name] = home;
    const others = gen.filter((c) => c !== home);
    const drawnBurst = tier !== 'pci' && s.name !== retired && others.length > 0 && chance(0.02) ? { clusters: [pick(others)], cpu: int(2, 8) } : undefined;
    const burst = options.oneCluster ? undefined : drawnBurst;
    if (burst) burstsTo[s.name] = burst.clusters;
    return { spec: s, tier, named, burst };
  });
  // Every fleet of two or more general clusters shows a burst, whatever the draws.
  if (!options.oneCluster && gen.length > 1 && Object.keys(burstsTo).length === 0) {
    const p = placed.find((x) => x.tier !== 'pci' && x.spec.name !== retired)!;
    p.burst = { clusters: [gen.find((c) => c !== homeOf[p.spec.name])!], cpu: 4 };
    burstsTo[p.spec.name] = p.burst.clusters;
  }

  /** Guaranteed (nominal) demand per cluster and flavor resource, in CPUs, Gi and devices. */
  const demand = new Map(clusterNames.map((c) => [c, { cpu: 0, memGi: 0, gpu: 0 }]));
  const specs: TenantSpec[] = placed.map(({ spec, tier, named, burst }) => {
    const cpu = Number(spec.quota!.cpu);
    const memGi = Number(String(spec.quota!.memory).replace('Gi', ''));
    const amd = (spec.quota!.gpu as Record<string, number> | undefined)?.[GPU_RESOURCE];
    const home = homeOf[spec.name]!;
    const queue =
      spec.name === retired
        ? undefined
        : {
            flavors: {
              // nominal + borrowingLimit = quota.cpu / quota.memory: the ResourceQuota admits what Kueue admits.
              [CPU_FLAVOR]: { cpu: { nominal: String(Math.ceil(cpu / 2)), borrowingLimit: String(cpu - Math.ceil(cpu / 2)) }, memory: { nominal: `${Math.ceil(memGi / 2)}Gi`, borrowingLimit: `${memGi - Math.ceil(memGi / 2)}Gi` } },
              ...(amd ? { [GPU_FLAVOR]: { [GPU_RESOURCE]: { nominal: amd, borrowingLimit: 0 } } } : {}),
            },
          };
    if (queue) {
      const d = demand.get(home)!;
      d.cpu += Math.ceil(cpu / 2);
      d.memGi += Math.ceil(memGi / 2);
      d.gpu += amd ?? 0;
    }
    if (burst) {
      // The burst ClusterQueue on home and the guest's ClusterQueue on each worker both hold burst.flavors.
      for (const c of [home, ...burst.clusters]) {
        const d = demand.get(c)!;
        d.cpu += burst.cpu;
        d.memGi += burst.cpu * 4;
      }
    }
    const grants = spec.grants?.filter((g) => homeOf[g.to] === home);
    const { grants: _dropped, ...rest } = spec;
    const placement = named || burst ? { ...(named ? { cluster: named } : {}), ...(burst ? { burst: { clusters: burst.clusters, flavors: { [CPU_FLAVOR]: { cpu: { nominal: String(burst.cpu) }, memory: { nominal: `${burst.cpu * 4}Gi` } } } } } : {}) } : undefined;
    return {
      ...rest,
      labels: { ...spec.labels, 'compliance-tier': tier },
      ...(grants?.length ? { grants } : {}),
      ...(queue ? { queue } : {}),
      ...(placement ? { placement } : {}),
    } as TenantSpec;
  });

  /** Capacity for a demand: 25% headroom, at least one node's worth. */
  const kueueFor = (d: { cpu: number; memGi: number; gpu: number }, teams: Record<string, { weight: number }> = {}) => ({
    flavors: {
      [CPU_FLAVOR]: { resources: { cpu: String(Math.max(64, Math.ceil(d.cpu * 1.25))), memory: `${Math.max(256, Math.ceil(d.memGi * 1.25))}Gi` } },
      [GPU_FLAVOR]: {
        nodeLabels: { 'amd.com/gpu.product-name': 'AMD_Instinct_MI250X_MI250' },
        tolerations: [{ key: GPU_RESOURCE, operator: 'Exists' as const, effect: 'NoSchedule' as const }],
        resources: { [GPU_RESOURCE]: Math.max(8, Math.ceil(d.gpu * 1.25)) },
      },
    },
    ...(Object.keys(teams).length ? { teams } : {}),
  });
  const guardsOff = { admissionPolicy: false, kyverno: false };
  const namesOn = (c: string): string[] => specs.filter((s) => homeOf[s.name] === c || burstsTo[s.name]?.includes(c)).map((s) => s.name);

  let platform: Record<string, unknown>;
  if (options.oneCluster) {
    const total = { cpu: 0, memGi: 0, gpu: 0 };
    for (const d of demand.values()) {
      total.cpu += d.cpu;
      total.memGi += d.memGi;
      total.gpu += d.gpu;
    }
    platform = {
      ...ORG_PLATFORM,
      labels: { team: 'owner-team' },
      kueue: kueueFor(total, { fraud: { weight: 2 } }),
      ...(guardListSize(specs.map((s) => s.name)) > GUARD_LIST_LIMIT ? { guards: guardsOff } : {}),
    };
  } else {
    const clusters = clusterList.map(([name, region], i) => {
      const pci = name === PCI_CLUSTER[0];
      return {
        name,
        destination: i % 2 === 0 ? { server: `https://${name}.k8s.corp.example` } : { name },
        region,
        complianceTiers: pci ? ['pci'] : [...NON_PCI_TIERS],
        platform: {
          ...(pci ? { identity: { header: 'x-pci-user-email' } } : {}),
          ...(guardListSize(namesOn(name)) > GUARD_LIST_LIMIT ? { guards: guardsOff } : {}),
          kueue: kueueFor(demand.get(name)!, i === 0 ? { fraud: { weight: 2 } } : {}),
        },
      };
    });
    platform = {
      ...ORG_PLATFORM,
      labels: { team: 'owner-team' },
      fleet: { clusters, placement: { byComplianceTier: byTier, default: fallback }, argocd: { name: 'argocd-mgmt' } },
    };
  }
  const what = options.oneCluster ? `${count} tenants on one cluster` : `${count} tenants over ${clusterNames.length} clusters`;
  const platformSource = `// Generated by \`npm run gen:org -- --seed ${seed} --tenants ${count} --clusters ${clusterCount}${options.oneCluster ? ' --one-cluster' : ''}\`: ${what} (test/support/gen-org.ts).
import { definePlatform } from './lib/platform';

export default definePlatform(${tsLiteral(platform)});
`;
  const tenantFiles = Object.fromEntries(specs.map((s) => [`${s.name}.ts`, tenantFileSource(s, seed)]));
  return { seed, platformSource, tenantFiles, specs, platformInput: platform as PlatformInput, clusters: options.oneCluster ? [] : clusterNames, homeOf: options.oneCluster ? {} : homeOf, burstsTo: options.oneCluster ? {} : burstsTo };
}
