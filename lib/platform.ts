/**
 * Platform settings: what is cluster-wide and owned by the platform team, not by any tenant.
 * The repo's `platform.ts` calls `definePlatform` with its overrides; every field has a default
 * matching the Kubeflow manifests, so an empty call describes a stock Kubeflow install.
 */
import type { GpuInventory, MigModel, MigProfile, VendorGpuResource } from './gpu';
import { isMigModel, MIG_PROFILES_BY_MODEL, VENDOR_GPU_RESOURCES } from './gpu';
import type { PlatformInput, PlatformSettings } from './declarations/platform';
import { Quantity } from './quantity';

// Declarations live in lib/declarations/ (no import cycles); re-exported so existing imports keep working.
export type {
  CredentialSettings,
  GitOpsSettings,
  IdentitySettings,
  IstioSettings,
  NetworkSettings,
  ObjectStoreSettings,
  PlatformInput,
  PlatformSettings,
  PodDefaults,
  VaultSettings,
} from './declarations/platform';

export const DEFAULT_PLATFORM: PlatformSettings = {
  identity: { header: 'kubeflow-userid', prefix: '', use: 'email' },
  istio: {
    ingressGatewayPrincipal: 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
    pipelineUiPrincipal: 'cluster.local/ns/kubeflow/sa/ml-pipeline-ui',
  },
  network: { allowIngressFromNamespaces: ['istio-system', 'kubeflow'] },
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
  podDefaults: {
    podMax: { cpu: '16', memory: '64Gi' },
    defaultRequest: { cpu: '100m', memory: '256Mi' },
  },
  vault: {
    address: 'https://vault.vault.svc:8200',
    mount: 'secret',
    kvVersion: 'v2',
    authMountPath: 'kubernetes',
    pathPrefix: 'tenants',
  },
  objectStore: { bucket: 'mlpipeline', endpoint: 'http://minio-service.kubeflow:9000', region: 'us-east-1', tenantPrefix: '{tenant}' },
  credentials: { refreshInterval: '1h', registryServer: 'registry.example.com', gitHost: 'github.com' },
  gitops: {
    repoURL: 'https://git.example.com/platform/kubeflow-tenants.git',
    revision: 'main',
    argocdNamespace: 'argocd',
    destinationServer: 'https://kubernetes.default.svc',
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
  const settings = merged as unknown as PlatformSettings;
  const problems = checkPlatform(settings);
  if (problems.length > 0) throw new PlatformError(problems);
  return settings;
}

export class PlatformError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.map((p) => `platform.ts: ${p}`).join('\n'));
    this.name = 'PlatformError';
  }
}

function checkPlatform(p: PlatformSettings): string[] {
  const out: string[] = [];
  for (const v of p.gpu.vendors) {
    if (!(VENDOR_GPU_RESOURCES as readonly string[]).includes(v)) {
      out.push(`gpu.vendors: Unsupported value: "${v as string}": supported values: ${VENDOR_GPU_RESOURCES.join(', ')}`);
    }
  }
  for (const [model, profiles] of Object.entries(p.gpu.mig)) {
    if (!isMigModel(model)) {
      out.push(`gpu.mig["${model}"]: Unsupported value: "${model}": supported models: ${Object.keys(MIG_PROFILES_BY_MODEL).join(', ')}`);
      continue;
    }
    const offered = MIG_PROFILES_BY_MODEL[model] as readonly string[];
    for (const prof of profiles ?? []) {
      if (!offered.includes(prof)) {
        out.push(`gpu.mig["${model}"]: Unsupported value: "${prof}": ${model} offers ${offered.join(', ')}`);
      }
    }
  }
  for (const t of p.gpu.timeSliced) {
    if (!t.endsWith('.shared')) out.push(`gpu.timeSliced: Invalid value: "${t}": time-sliced resources are named <resource>.shared`);
  }
  for (const section of ['podMax', 'defaultRequest'] as const) {
    for (const r of ['cpu', 'memory'] as const) {
      const q = Quantity.parse(p.podDefaults[section][r]);
      if (!q || q.value < 0) out.push(`podDefaults.${section}.${r}: Invalid value: "${String(p.podDefaults[section][r])}": not a non-negative quantity`);
    }
  }
  if (!['email', 'subject'].includes(p.identity.use)) {
    out.push(`identity.use: Unsupported value: "${p.identity.use as string}": supported values: "email", "subject"`);
  }
  if (!/^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(p.credentials.refreshInterval)) {
    out.push(`credentials.refreshInterval: Invalid value: "${p.credentials.refreshInterval}": a Go duration such as "1h" or "15m"`);
  }
  const tp = p.objectStore.tenantPrefix;
  if (tp.split('{tenant}').length !== 2 || !/^[A-Za-z0-9._{}-]+(\/[A-Za-z0-9._{}-]+)*$/.test(tp)) {
    out.push(`objectStore.tenantPrefix: Invalid value: "${tp}": a key prefix without leading or trailing "/" or "*" that contains "{tenant}" once, e.g. "{tenant}" or "private-artifacts/{tenant}"`);
  }
  if (!['v1', 'v2'].includes(p.vault.kvVersion)) {
    out.push(`vault.kvVersion: Unsupported value: "${p.vault.kvVersion as string}": supported values: "v1", "v2"`);
  }
  return out;
}

export type { GpuInventory, MigModel, MigProfile, VendorGpuResource };
