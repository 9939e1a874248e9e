/**
 * Platform settings: what is cluster-wide and owned by the platform team, not by any tenant.
 * The repo's `platform.ts` calls `definePlatform` with its overrides; every field has a default
 * matching the Kubeflow manifests, so an empty call describes a stock Kubeflow install.
 */
import type { GpuInventory, MigModel, MigProfile, VendorGpuResource } from './gpu';
import { inventoryResources, isMigModel, MIG_PROFILES_BY_MODEL, VENDOR_GPU_RESOURCES } from './gpu';
import { DEFAULT_COMPLIANCE_TIERS, DEFAULT_RESERVED_LABELS, reservedLabelPattern } from './declarations/labels';
import type { ClusterSpec, PlatformInput, PlatformSettings, QuantityBounds } from './declarations/platform';
import { CLUSTER_OVERRIDABLE } from './declarations/platform';
import { checkAuditSettings, DEFAULT_AUDIT, mergeAudit } from './audit';
import { checkFleetSettings } from './fleet';
import type { AuditInput } from './audit';
import { checkNetworkSettings } from './network';
import { checkKueueSettings } from './queues';
import { MAX_QUANTITY_UNITS, Quantity } from './quantity';
import type { FieldError } from './validation';
import { at, ErrorList, isLabelKey, isLabelValue } from './validation';

// Declarations live in lib/declarations/ (no import cycles); re-exported so existing imports keep working.
export type { LabelSettings } from './declarations/labels';
export { DEFAULT_COMPLIANCE_TIERS, DEFAULT_RESERVED_LABELS, reservedLabelPattern } from './declarations/labels';
export type {
  CredentialSettings,
  GitOpsSettings,
  GrantSettings,
  GroupSettings,
  GuardSettings,
  IdentitySettings,
  IstioSettings,
  NetworkSettings,
  ObjectStoreSettings,
  PlatformInput,
  PlatformSettings,
  PodDefaults,
  PodSecuritySettings,
  ProfileControllerSettings,
  QuantityBounds,
  VaultSettings,
} from './declarations/platform';

export const DEFAULT_PLATFORM: PlatformSettings = {
  identity: { header: 'kubeflow-userid', prefix: '', use: 'email' },
  groups: { mode: 'expand', subjectPrefix: '', claim: 'groups' },
  istio: {
    ingressGatewayPrincipal: 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
    pipelineUiPrincipal: 'cluster.local/ns/kubeflow/sa/ml-pipeline-ui',
  },
  network: {
    allowIngressFromNamespaces: ['istio-system', 'kubeflow'],
    allowEgressToNamespaces: ['istio-system', 'kubeflow'],
    dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
    egress: [],
  },
  podSecurity: { level: 'baseline', byComplianceTier: { pci: 'restricted' }, version: 'latest' },
  profileController: {
    // The Kubeflow manifests' namespace-labels.yaml (apps/profiles/upstream/base).
    namespaceLabels: {
      'app.kubernetes.io/part-of': 'kubeflow-profile',
      'katib.kubeflow.org/metrics-collector-injection': 'enabled',
      'pipelines.kubeflow.org/enabled': 'true',
      'serving.kubeflow.org/inferenceservice': 'enabled',
    },
  },
  gpu: {
    vendors: [...VENDOR_GPU_RESOURCES],
    mig: { 'A100-40GB': [...MIG_PROFILES_BY_MODEL['A100-40GB']] },
    timeSliced: ['nvidia.com/gpu.shared'],
  },
  reservedNames: [
    'default',
    'kube-*',
    'kubeflow',
    'kubeflow-*',
    'istio-system',
    'istio-*',
    'knative-serving',
    'knative-eventing',
    'cert-manager',
    'auth',
    'oauth2-proxy',
    'argocd',
    'external-secrets',
    'kyverno',
    'kueue-system',
    'vault',
  ],
  requiredLabels: ['team', 'cost-centre', 'compliance-tier'],
  labels: { reserved: DEFAULT_RESERVED_LABELS, team: 'team', complianceTier: 'compliance-tier', complianceTiers: DEFAULT_COMPLIANCE_TIERS },
  podDefaults: {
    podMax: { cpu: '16', memory: '64Gi' },
    defaultRequest: { cpu: '100m', memory: '256Mi' },
  },
  quantityBounds: { cpu: '10k', memory: '64Ti', storage: '1Pi', persistentVolumeClaims: 10000, pods: 10000, gpu: 4096, gpuByResource: {} },
  vault: {
    address: 'https://vault.vault.svc:8200',
    mount: 'secret',
    kvVersion: 'v2',
    authMountPath: 'kubernetes',
    pathPrefix: 'tenants',
    egress: { namespace: 'vault', ports: [8200] },
  },
  objectStore: { bucket: 'mlpipeline', endpoint: 'http://minio-service.kubeflow:9000', region: 'us-east-1', tenantPrefix: '{tenant}', egress: { namespace: 'kubeflow', ports: [9000] } },
  credentials: { refreshInterval: '1h', registryServer: 'registry.example.com', gitHost: 'github.com' },
  gitops: {
    repoURL: 'https://git.example.com/platform/kubeflow-tenants.git',
    revision: 'main',
    argocdNamespace: 'argocd',
    destinationServer: 'https://kubernetes.default.svc',
  },
  grants: {},
  guards: {
    admissionPolicy: true,
    kyverno: true,
    namespaceDeleters: ['system:serviceaccount:kube-system:generic-garbage-collector', 'system:kube-controller-manager'],
  },
  audit: DEFAULT_AUDIT,
  kueue: {
    flavors: {},
    teams: {},
    excludeResources: [],
    allowOvercommit: false,
    rootCohort: 'kubeflow-tenants',
    namespace: 'kueue-system',
    // Job-like integrations only: pod-based ones (pod, deployment, statefulset) would gate
    // notebooks, KFP step pods and KServe predictors too (docs/queues.md "Integrations").
    integrations: ['batch/job', 'jobset.x-k8s.io/jobset', 'kubeflow.org/mpijob', 'kubeflow.org/pytorchjob', 'kubeflow.org/tfjob', 'kubeflow.org/xgboostjob', 'trainer.kubeflow.org/trainjob'],
    // Kubeflow's usual OIDC setup: username claim `email`, which the API server does not prefix.
    apiServerUsernamePrefix: '',
    exemptUsers: ['system:kube-controller-manager', 'system:serviceaccount:kube-system:job-controller', 'system:serviceaccount:kueue-system:kueue-controller-manager'],
  },
  fleet: {
    clusters: [],
    placement: {},
    argocd: { server: 'https://kubernetes.default.svc' },
    multiKueue: { vaultPath: 'platform/multikueue', secretStore: 'kubeflow-tenants-multikueue', localQueue: 'burst' },
  },
};

/**
 * Merges overrides over the defaults and checks them; a bad platform file is a platform-team error,
 * reported like tenant errors but against `platform.ts`.
 */
export function definePlatform(input: PlatformInput = {}): PlatformSettings {
  const merged: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(DEFAULT_PLATFORM)) {
    const over = (input as Record<string, unknown>)[key];
    merged[key] = Array.isArray(def) ? (over ?? def) : { ...def, ...(over as object | undefined) };
  }
  merged.audit = mergeAudit(input.audit as AuditInput | undefined);
  const fleet = input.fleet ?? {};
  merged.fleet = { ...DEFAULT_PLATFORM.fleet, ...fleet, multiKueue: { ...DEFAULT_PLATFORM.fleet.multiKueue, ...fleet.multiKueue } };
  const settings = merged as unknown as PlatformSettings;
  const problems = checkPlatform(settings);
  if (problems.length > 0) throw new PlatformError(problems);
  return settings;
}

/** The file platform errors are reported against, relative to the repo root. */
export const PLATFORM_FILE = 'platform.ts';

/** Thrown when platform.ts is invalid; carries every error, in the tenant errors' shape. */
export class PlatformError extends Error {
  constructor(readonly errors: readonly FieldError[]) {
    super(errors.map(String).join('\n'));
    this.name = 'PlatformError';
  }
}

/**
 * A cluster's settings (docs/fleet.md "Per-cluster settings"): its `platform` merged over the
 * fleet's, section by section, as definePlatform merges platform.ts over the defaults: an object
 * section field by field (audit's `loki` and `read` too), a list replaces. `kueue` is one section:
 * a cluster's `flavors` replace the fleet's. Only {@link CLUSTER_OVERRIDABLE} sections are read.
 */
export function clusterPlatform(platform: PlatformSettings, cluster: Pick<ClusterSpec, 'platform'>): PlatformSettings {
  const over = (cluster.platform ?? {}) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...platform };
  for (const key of CLUSTER_OVERRIDABLE) {
    const o = over[key];
    if (o === undefined) continue;
    const base = (platform as unknown as Record<string, unknown>)[key];
    if (key === 'audit') {
      const a = o as Partial<PlatformSettings['audit']>;
      merged.audit = { ...platform.audit, ...a, loki: { ...platform.audit.loki, ...(a.loki ?? {}) }, read: { ...platform.audit.read, ...(a.read ?? {}) } };
    } else {
      merged[key] = Array.isArray(base) ? o : { ...(base as object), ...(o as object) };
    }
  }
  return merged as unknown as PlatformSettings;
}

/** Options of {@link checkPlatform}. */
interface CheckPlatformOptions {
  /** Check `fleet` too (off for a cluster's merged settings: the fleet is checked once). @default true */
  readonly fleet?: boolean;
}

/** Every check of a platform's settings; lib/fleet.ts also runs it over each cluster's merged settings. */
export function checkPlatform(p: PlatformSettings, opts: CheckPlatformOptions = {}): FieldError[] {
  const out = new ErrorList(PLATFORM_FILE);
  for (const v of p.gpu.vendors) {
    if (!(VENDOR_GPU_RESOURCES as readonly string[]).includes(v)) {
      out.add('gpu.vendors', 'Unsupported value', v, `supported values: ${VENDOR_GPU_RESOURCES.join(', ')}`);
    }
  }
  for (const [model, profiles] of Object.entries(p.gpu.mig)) {
    if (!isMigModel(model)) {
      out.add(at.key('gpu.mig', model), 'Unsupported value', model, `supported models: ${Object.keys(MIG_PROFILES_BY_MODEL).join(', ')}`);
      continue;
    }
    const offered = MIG_PROFILES_BY_MODEL[model] as readonly string[];
    for (const prof of profiles ?? []) {
      if (!offered.includes(prof)) {
        out.add(at.key('gpu.mig', model), 'Unsupported value', prof, `${model} offers ${offered.join(', ')}`);
      }
    }
  }
  for (const t of p.gpu.timeSliced) {
    if (!t.endsWith('.shared')) out.invalid('gpu.timeSliced', t, 'time-sliced resources are named <resource>.shared; use the name the device plugin advertises, e.g. "nvidia.com/gpu.shared"');
  }
  const boundProblems = checkBounds(p);
  out.errors.push(...boundProblems);
  for (const section of ['podMax', 'defaultRequest'] as const) {
    for (const r of ['cpu', 'memory'] as const) {
      const raw = p.podDefaults[section][r];
      const q = Quantity.parse(raw);
      const why = !q || q.value < 0 ? `not a non-negative quantity; write e.g. ${r === 'cpu' ? '"16" or "500m"' : '"64Gi" or "256Mi"'}` : (quantityProblem(q, r, boundProblems.length === 0 ? p.quantityBounds : undefined) ?? (section === 'podMax' && q.milli === 0n ? ZERO_LIMIT : undefined));
      if (why) out.invalid(`podDefaults.${section}.${r}`, String(raw), why);
    }
  }
  if (!['expand', 'bind'].includes(p.groups.mode)) out.add('groups.mode', 'Unsupported value', p.groups.mode, 'supported values: "expand", "bind"');
  if (typeof p.groups.claim !== 'string' || !/^[A-Za-z0-9_.:/-]+$/.test(p.groups.claim)) out.invalid('groups.claim', p.groups.claim, 'the name of the JWT claim carrying the groups, e.g. "groups"');
  if (!['email', 'subject'].includes(p.identity.use)) {
    out.add('identity.use', 'Unsupported value', p.identity.use, 'supported values: "email", "subject"');
  }
  if (!/^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(p.credentials.refreshInterval)) {
    out.invalid('credentials.refreshInterval', p.credentials.refreshInterval, 'not a Go duration; write e.g. "1h" or "15m"');
  }
  const tp = p.objectStore.tenantPrefix;
  if (tp.split('{tenant}').length !== 2 || !/^[A-Za-z0-9._{}-]+(\/[A-Za-z0-9._{}-]+)*$/.test(tp)) {
    out.invalid('objectStore.tenantPrefix', tp, 'a key prefix without leading or trailing "/" or "*" that contains "{tenant}" once, e.g. "{tenant}" or "private-artifacts/{tenant}"');
  }
  const pattern = p.grants.exceptionReasonPattern;
  if (pattern !== undefined) {
    const why = typeof pattern !== 'string' || pattern === '' ? 'must be a non-empty regular expression' : regexpProblem(pattern);
    if (why) out.invalid('grants.exceptionReasonPattern', pattern, `${why}; write e.g. "^[A-Z]+-[0-9]+" to require a ticket id first, or leave it unset`);
  }
  if (!['v1', 'v2'].includes(p.vault.kvVersion)) {
    out.add('vault.kvVersion', 'Unsupported value', p.vault.kvVersion, 'supported values: "v1", "v2"');
  }
  out.errors.push(...checkLabelSettings(p));
  checkNetworkSettings(out, p);
  checkAuditSettings(out, p);
  checkKueueSettings(out, p);
  if (opts.fleet !== false) {
    // A cluster's errors are its own: those the fleet's settings already have are reported once, at their own path.
    const own = new Set(out.errors.map(String));
    checkFleetSettings(out, p, (c) => checkPlatform(clusterPlatform(p, c), { fleet: false }).filter((e) => !own.has(String(e))));
  }
  return out.errors;
}

/** Label keys and patterns: well-formed, and no label the platform needs on tenants reserved. */
function checkLabelSettings(p: PlatformSettings): FieldError[] {
  const out = new ErrorList(PLATFORM_FILE);
  const { reserved, complianceTiers } = p.labels;
  reserved.forEach((r, i) => {
    // Only label-key characters and `*`: the pattern is compiled into a regular expression for CEL too.
    if (typeof r !== 'string' || !/^[A-Za-z0-9._/*-]+$/.test(r)) {
      out.invalid(at.index('labels.reserved', i), r, 'a label key pattern: letters, digits, ".", "-", "_", "/", and "*" for any run of characters, e.g. "example.com/*"');
    }
  });
  const patterns = reserved.filter((r) => typeof r === 'string');
  const needed: [string, unknown][] = [
    ...p.requiredLabels.map((l, i): [string, unknown] => [at.index('requiredLabels', i), l]),
    ['labels.team', p.labels.team],
    ['labels.complianceTier', p.labels.complianceTier],
  ];
  for (const [path, key] of needed) {
    if (typeof key !== 'string' || !isLabelKey(key)) {
      out.invalid(path, key, 'not a label key: an optional DNS-subdomain prefix and "/", then at most 63 alphanumerics, "-", "_" or "."');
      continue;
    }
    const hit = reservedLabelPattern(key, patterns);
    if (hit) out.invalid(path, key, `matches the reserved label pattern "${hit}" (labels.reserved), so no tenant could set it; remove the pattern or use another key`);
  }
  if (complianceTiers.length === 0) out.required('labels.complianceTiers', 'the compliance tiers, lowest to highest, e.g. ["public", "internal", "confidential", "pci"]');
  complianceTiers.forEach((t, i) => {
    if (typeof t !== 'string' || t === '' || !isLabelValue(t)) out.invalid(at.index('labels.complianceTiers', i), t, 'a label value: at most 63 alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric');
    else if (complianceTiers.indexOf(t) !== i) out.add(at.index('labels.complianceTiers', i), 'Duplicate value', t, `already listed at labels.complianceTiers[${complianceTiers.indexOf(t)}]; each tier once, lowest to highest`);
  });
  return out.errors;
}

/** Why `pattern` is not a JavaScript regular expression; undefined when it is one. */
function regexpProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch (err) {
    return `not a regular expression (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** Why a cap of 0 CPU or memory is refused: it ends up as the default limit of containers. */
export const ZERO_LIMIT = 'containers that set no limit would get a default limit of 0, which is no limit at all to the container runtime; write the real amount';

const BOUND_UNIT: Record<'cpu' | 'memory' | 'storage', string> = { cpu: ' CPUs', memory: '', storage: '' };
const COUNT_UNIT: Record<'pods' | 'persistentVolumeClaims', string> = { pods: ' pods', persistentVolumeClaims: ' PVCs' };
const aboveBound = (shown: string, setting: string) =>
  `above the sanity bound ${shown} (platform.ts quantityBounds.${setting}); a typo? write the real amount, or raise the bound in platform.ts`;

/**
 * Why the API server would not store quantity `q` of `resource` as written, or why it is above
 * the platform's sanity bound; undefined when it is fine. Negative values are the caller's concern.
 */
export function quantityProblem(q: Quantity, resource: 'cpu' | 'memory' | 'storage', bounds: QuantityBounds | undefined): string | undefined {
  if (!q.milliExact) {
    // The API server keeps three decimal places and rounds the rest up, silently.
    return `more precise than the API server stores (thousandths, 1m), which would silently round it up to "${q.milli}m"; write at most three decimal places, e.g. "${q.milli}m"`;
  }
  if (!bounds) return undefined; // the bounds themselves are invalid, and reported
  const bound = Quantity.of(bounds[resource]);
  if (q.compare(bound) > 0) return aboveBound(`${bound.text}${BOUND_UNIT[resource]}`, resource);
  return undefined;
}

/** Why a whole count (pods, PVCs, GPUs) is above its sanity bound; undefined when it is not. */
export function countProblem(n: number, what: 'pods' | 'persistentVolumeClaims' | { gpu: string }, bounds: QuantityBounds): string | undefined {
  if (typeof what === 'string') return n > bounds[what] ? aboveBound(`${bounds[what]}${COUNT_UNIT[what]}`, what) : undefined;
  const own = bounds.gpuByResource[what.gpu];
  if (own !== undefined) return n > own ? aboveBound(`${own} ${what.gpu}`, `gpuByResource[${JSON.stringify(what.gpu)}]`) : undefined;
  return n > bounds.gpu ? aboveBound(`${bounds.gpu} ${what.gpu}`, 'gpu') : undefined;
}

function checkBounds(p: PlatformSettings): FieldError[] {
  const out = new ErrorList(PLATFORM_FILE);
  const b = p.quantityBounds;
  for (const r of ['cpu', 'memory', 'storage'] as const) {
    const q = Quantity.parse(b[r]);
    let why: string | undefined;
    if (!q || q.milli <= 0n) why = 'not a quantity above 0, e.g. "10k" or "64Ti"';
    else if (!q.milliExact) why = 'write at most three decimal places';
    else if (q.milli > MAX_QUANTITY_UNITS * 1000n) why = `above ${MAX_QUANTITY_UNITS} (2^63-1), the largest quantity the API server handles as a number; it silently caps larger binary-suffixed values`;
    if (why) out.invalid(`quantityBounds.${r}`, String(b[r]), why);
  }
  const counts: [string, unknown][] = [
    ['persistentVolumeClaims', b.persistentVolumeClaims],
    ['pods', b.pods],
    ['gpu', b.gpu],
    ...Object.entries(b.gpuByResource ?? {}).map(([r, n]): [string, unknown] => [at.key('gpuByResource', r), n]),
  ];
  for (const [path, n] of counts) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) out.invalid(`quantityBounds.${path}`, n, 'a whole number of at least 1, e.g. 4096');
  }
  const resources = inventoryResources(p.gpu);
  for (const r of Object.keys(b.gpuByResource ?? {})) {
    if (!resources.includes(r)) out.add(at.key('quantityBounds.gpuByResource', r), 'Unsupported value', r, `not a GPU resource of the inventory (gpu); valid: ${resources.join(', ')}`);
  }
  return out.errors;
}

export type { GpuInventory, MigModel, MigProfile, VendorGpuResource };
