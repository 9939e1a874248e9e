/**
 * Every documented input error, with the exact message a team lead sees. Each case breaks a valid
 * tenant in one way and expects exactly that error (and no other).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlatform, DEFAULT_PLATFORM, PlatformError } from '../lib/platform';
import { TENANT_FIELDS, validateTenants } from '../lib/tenant';
import { FieldError } from '../lib/validation';
import { makeRepo, removeRepo, runScript, tenantSource } from './fixture-repo';
import { entry, validSpec } from './support/fixtures';

const errorsOf = (...specs: unknown[]): string[] => validateTenants(specs.map((s) => entry(s)), DEFAULT_PLATFORM).map(String);

describe('a valid tenant', () => {
  it('has no errors (the baseline every case below breaks)', () => {
    expect(errorsOf(validSpec())).toEqual([]);
  });
});

const cases: [string, Record<string, unknown>, string][] = [
  [
    'name not a DNS-1123 label',
    { name: 'Fraud_Team' },
    `tenants/Fraud_Team.ts: name: Invalid value: "Fraud_Team": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')`,
  ],
  [
    'name longer than 63',
    { name: 'a'.repeat(64) },
    `tenants/${'a'.repeat(64)}.ts: name: Too long: "${'a'.repeat(64)}": may not be more than 63 characters (is 64); shorten the name`,
  ],
  ['name missing', { name: '' }, 'tenants/x.ts: name: Required value: a lowercase RFC 1123 label, e.g. "fraud-modelling"'],
  ['reserved name', { name: 'kubeflow' }, 'tenants/kubeflow.ts: name: Forbidden: "kubeflow": "kubeflow" is reserved for the platform (platform.ts reservedNames); choose another name'],
  ['reserved prefix kube-*', { name: 'kube-system' }, 'tenants/kube-system.ts: name: Forbidden: "kube-system": "kube-*" is reserved for the platform (platform.ts reservedNames); choose another name'],
  ['reserved name default', { name: 'default' }, 'tenants/default.ts: name: Forbidden: "default": "default" is reserved for the platform (platform.ts reservedNames); choose another name'],
  [
    'missing required label',
    { labels: { team: 'fraud', 'cost-centre': 'cc-1' } },
    'tenants/fraud.ts: labels["compliance-tier"]: Required value: every tenant must carry the "compliance-tier" label (platform.ts requiredLabels)',
  ],
  [
    'label value not a label value',
    { labels: { team: 'fraud team', 'cost-centre': 'cc-1', 'compliance-tier': 'pci' } },
    'tenants/fraud.ts: labels["team"]: Invalid value: "fraud team": a label value must be at most 63 characters: alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric',
  ],
  [
    'malformed owner email',
    { owner: { email: 'lead-at-example.com' } },
    'tenants/fraud.ts: owner.email: Invalid value: "lead-at-example.com": not an e-mail address; write it as user@domain.tld, e.g. "alice@example.com"',
  ],
  [
    'malformed contributor email',
    { contributors: [{ user: 'bob@', role: 'view' }] },
    'tenants/fraud.ts: contributors[0].user: Invalid value: "bob@": not an e-mail address; write it as user@domain.tld, e.g. "alice@example.com"',
  ],
  [
    'owner also a contributor',
    { contributors: [{ user: 'Lead@example.com', role: 'edit' }] },
    'tenants/fraud.ts: contributors[0].user: Duplicate value: "Lead@example.com": is the owner, who already administers the namespace; remove this entry',
  ],
  [
    'contributor listed twice',
    { contributors: [{ user: 'bob@example.com', role: 'view' }, { user: 'BOB@example.com', role: 'edit' }] },
    'tenants/fraud.ts: contributors[1].user: Duplicate value: "BOB@example.com": already listed at contributors[0]; keep one entry with the highest role needed',
  ],
  [
    'unknown role',
    { contributors: [{ user: 'bob@example.com', role: 'admin' }] },
    'tenants/fraud.ts: contributors[0].role: Unsupported value: "admin": supported values: "team-admin", "editor", "member", "viewer", "auditor", "edit", "view" (the owner already has admin)',
  ],
  [
    'unparsable quantity',
    { quota: { cpu: 'ten', memory: '40Gi' } },
    'tenants/fraud.ts: quota.cpu: Invalid value: "ten": not a Kubernetes quantity; use a number with an optional suffix (m, k, M, G, Ki, Mi, Gi, Ti), e.g. "500m", "32Gi"',
  ],
  ['negative quantity', { quota: { cpu: '10', memory: '-40Gi' } }, 'tenants/fraud.ts: quota.memory: Invalid value: "-40Gi": must be greater than or equal to 0'],
  ['negative count', { quota: { pods: -1 } }, 'tenants/fraud.ts: quota.pods: Invalid value: -1: must be greater than or equal to 0'],
  ['fractional GPU', { quota: { gpu: { 'nvidia.com/gpu': 1.5 } }, limits: undefined }, 'tenants/fraud.ts: quota.gpu["nvidia.com/gpu"]: Invalid value: 1.5: must be a whole number, e.g. 4'],
  [
    'unknown GPU resource',
    { quota: { gpu: { 'nvidia.com/gpus': 2 } }, limits: undefined },
    'tenants/fraud.ts: quota.gpu["nvidia.com/gpus"]: Unsupported value: "nvidia.com/gpus": not a GPU resource of this platform; valid: amd.com/gpu, gpu.intel.com/i915, nvidia.com/gpu, nvidia.com/gpu.shared, or nvidia.com/mig-<profile> of A100-40GB',
  ],
  [
    'MIG profile the inventory does not offer',
    { quota: { gpu: { 'nvidia.com/mig-3g.20': 1 } }, limits: undefined },
    'tenants/fraud.ts: quota.gpu["nvidia.com/mig-3g.20"]: Unsupported value: "nvidia.com/mig-3g.20": not a MIG profile of A100-40GB; valid: 1g.5gb, 2g.10gb, 3g.20gb, 4g.20gb, 7g.40gb',
  ],
  [
    'per-pod CPU cap above the tenant quota',
    { limits: { pod: { max: { cpu: '12' } } } },
    'tenants/fraud.ts: limits.pod.max.cpu: Invalid value: "12": exceeds the tenant quota quota.cpu "10"; lower the per-pod cap or raise the quota',
  ],
  [
    'per-pod GPU cap above the tenant quota',
    { limits: { pod: { max: { gpu: { 'nvidia.com/gpu': 3 } } } } },
    'tenants/fraud.ts: limits.pod.max.gpu["nvidia.com/gpu"]: Invalid value: 3: exceeds the tenant quota quota.gpu["nvidia.com/gpu"] (2); lower the per-pod cap or raise the quota',
  ],
  [
    'default request above its cap',
    { limits: { pod: { max: { cpu: '4', memory: '16Gi' } }, container: { max: { memory: '8Gi' }, defaultRequest: { memory: '10Gi' } } } },
    'tenants/fraud.ts: limits.container.defaultRequest.memory: Invalid value: "10Gi": exceeds its cap "8Gi" (the default limit); lower the default request or raise limits.container.defaultLimit.memory',
  ],
  [
    'default request above an explicit default limit',
    { limits: { container: { defaultLimit: { cpu: '1' }, defaultRequest: { cpu: '1500m' } } } },
    'tenants/fraud.ts: limits.container.defaultRequest.cpu: Invalid value: "1500m": exceeds its cap "1" (the default limit); lower the default request or raise limits.container.defaultLimit.cpu',
  ],
  [
    'default limit above the container cap',
    { limits: { pod: { max: { cpu: '4' } }, container: { defaultLimit: { cpu: '5' } } } },
    'tenants/fraud.ts: limits.container.defaultLimit.cpu: Invalid value: "5": exceeds its cap "4" (the per-container maximum); lower the default limit or raise limits.container.max.cpu',
  ],
  [
    'container cap above the pod cap',
    { limits: { pod: { max: { cpu: '4' } }, container: { max: { cpu: '6' } } } },
    'tenants/fraud.ts: limits.container.max.cpu: Invalid value: "6": exceeds the per-pod cap "4"; a container cannot be larger than its pod',
  ],
  // Sanity bounds (platform.ts quantityBounds) and the API server's precision.
  [
    'CPU quota above the sanity bound',
    { quota: { cpu: '1e100', memory: '40Gi' }, limits: undefined },
    'tenants/fraud.ts: quota.cpu: Invalid value: "1e100": above the sanity bound 10k CPUs (platform.ts quantityBounds.cpu); a typo? write the real amount, or raise the bound in platform.ts',
  ],
  [
    'memory quota above the sanity bound',
    { quota: { cpu: '10', memory: '1e30' }, limits: undefined },
    'tenants/fraud.ts: quota.memory: Invalid value: "1e30": above the sanity bound 64Ti (platform.ts quantityBounds.memory); a typo? write the real amount, or raise the bound in platform.ts',
  ],
  [
    'memory limits quota above the sanity bound',
    { quota: { cpu: '10', memory: '40Gi', limitsMemory: '65Ti' }, limits: undefined },
    'tenants/fraud.ts: quota.limitsMemory: Invalid value: "65Ti": above the sanity bound 64Ti (platform.ts quantityBounds.memory); a typo? write the real amount, or raise the bound in platform.ts',
  ],
  [
    'storage quota above the sanity bound',
    { quota: { cpu: '10', memory: '40Gi', storage: '2Pi' }, limits: undefined },
    'tenants/fraud.ts: quota.storage: Invalid value: "2Pi": above the sanity bound 1Pi (platform.ts quantityBounds.storage); a typo? write the real amount, or raise the bound in platform.ts',
  ],
  [
    'pod count above the sanity bound',
    { quota: { pods: 1e300 }, limits: undefined },
    'tenants/fraud.ts: quota.pods: Invalid value: 1e+300: above the sanity bound 10000 pods (platform.ts quantityBounds.pods); a typo? write the real amount, or raise the bound in platform.ts',
  ],
  [
    'PVC count above the sanity bound',
    { quota: { persistentVolumeClaims: 10001 }, limits: undefined },
    'tenants/fraud.ts: quota.persistentVolumeClaims: Invalid value: 10001: above the sanity bound 10000 PVCs (platform.ts quantityBounds.persistentVolumeClaims); a typo? write the real amount, or raise the bound in platform.ts',
  ],
  [
    'GPU count above the sanity bound',
    { quota: { gpu: { 'nvidia.com/mig-1g.5gb': 5000 } }, limits: undefined },
    'tenants/fraud.ts: quota.gpu["nvidia.com/mig-1g.5gb"]: Invalid value: 5000: above the sanity bound 4096 nvidia.com/mig-1g.5gb (platform.ts quantityBounds.gpu); a typo? write the real amount, or raise the bound in platform.ts',
  ],
  [
    'per-pod GPU cap above the sanity bound',
    { limits: { pod: { max: { gpu: { 'nvidia.com/gpu': 100000 } } } } },
    'tenants/fraud.ts: limits.pod.max.gpu["nvidia.com/gpu"]: Invalid value: 100000: above the sanity bound 4096 nvidia.com/gpu (platform.ts quantityBounds.gpu); a typo? write the real amount, or raise the bound in platform.ts',
  ],
  [
    'per-pod memory cap above the sanity bound',
    { quota: undefined, limits: { pod: { max: { memory: '100Ti' } } } },
    'tenants/fraud.ts: limits.pod.max.memory: Invalid value: "100Ti": above the sanity bound 64Ti (platform.ts quantityBounds.memory); a typo? write the real amount, or raise the bound in platform.ts',
  ],
  [
    'container default request above the sanity bound',
    { limits: { container: { defaultRequest: { cpu: 20000 } } } },
    'tenants/fraud.ts: limits.container.defaultRequest.cpu: Invalid value: 20000: above the sanity bound 10k CPUs (platform.ts quantityBounds.cpu); a typo? write the real amount, or raise the bound in platform.ts',
  ],
  [
    // "E" is exa (10^18), not an exponent: it used to be read as 1 CPU and pass.
    'exa-suffixed CPU quota above the sanity bound',
    { quota: { cpu: '1E', memory: '40Gi' }, limits: undefined },
    'tenants/fraud.ts: quota.cpu: Invalid value: "1E": above the sanity bound 10k CPUs (platform.ts quantityBounds.cpu); a typo? write the real amount, or raise the bound in platform.ts',
  ],
  [
    // "Ei" is exbi (2^60): it used to parse to NaN, which passes every comparison.
    'exbi-suffixed memory quota above the sanity bound',
    { quota: { cpu: '10', memory: '1Ei' }, limits: undefined },
    'tenants/fraud.ts: quota.memory: Invalid value: "1Ei": above the sanity bound 64Ti (platform.ts quantityBounds.memory); a typo? write the real amount, or raise the bound in platform.ts',
  ],
  [
    'CPU finer than the API server stores',
    { quota: { cpu: '0.0001', memory: '40Gi' }, limits: undefined },
    'tenants/fraud.ts: quota.cpu: Invalid value: "0.0001": more precise than the API server stores (thousandths, 1m), which would silently round it up to "1m"; write at most three decimal places, e.g. "1m"',
  ],
  [
    'fractional milli-CPU',
    { limits: { container: { defaultRequest: { cpu: '1.5m' } } } },
    'tenants/fraud.ts: limits.container.defaultRequest.cpu: Invalid value: "1.5m": more precise than the API server stores (thousandths, 1m), which would silently round it up to "2m"; write at most three decimal places, e.g. "2m"',
  ],
  // What would break "a pod that sets no resources is admitted into an empty tenant namespace".
  [
    'default limit above the quota on limits',
    { quota: { cpu: '10', memory: '40Gi', limitsCpu: '2' }, limits: { container: { defaultLimit: { cpu: '4' } } } },
    'tenants/fraud.ts: limits.container.defaultLimit.cpu: Invalid value: "4": exceeds the tenant quota quota.limitsCpu "2": the ResourceQuota would refuse every pod that sets no limits; lower the default limit or raise the quota',
  ],
  [
    'default memory limit above the quota on limits',
    { quota: { cpu: '10', memory: '40Gi', limitsMemory: '8Gi' }, limits: { container: { defaultLimit: { memory: '16Gi' } } } },
    'tenants/fraud.ts: limits.container.defaultLimit.memory: Invalid value: "16Gi": exceeds the tenant quota quota.limitsMemory "8Gi": the ResourceQuota would refuse every pod that sets no limits; lower the default limit or raise the quota',
  ],
  [
    'no pods at all',
    { quota: { cpu: '10', memory: '40Gi', pods: 0 }, limits: undefined },
    'tenants/fraud.ts: quota.pods: Invalid value: 0: no pod could run in the namespace, not even one that sets no resources; write at least 1, or leave quota.pods unset for no cap',
  ],
  [
    'CPU quota of 0',
    { quota: { cpu: '0', memory: '40Gi' }, limits: undefined },
    'tenants/fraud.ts: quota.cpu: Invalid value: "0": containers that set no limit would get a default limit of 0, which is no limit at all to the container runtime; write the real amount, or leave quota.cpu unset for no cap',
  ],
  [
    'memory limits quota of 0',
    { quota: { cpu: '10', memory: '40Gi', limitsMemory: 0 }, limits: undefined },
    'tenants/fraud.ts: quota.limitsMemory: Invalid value: 0: containers that set no limit would get a default limit of 0, which is no limit at all to the container runtime; write the real amount, or leave quota.limitsMemory unset for no cap',
  ],
  [
    'per-pod CPU cap of 0',
    { limits: { pod: { max: { cpu: '0' } } } },
    'tenants/fraud.ts: limits.pod.max.cpu: Invalid value: "0": containers that set no limit would get a default limit of 0, which is no limit at all to the container runtime; write the real amount',
  ],
  [
    'default memory limit of 0',
    { limits: { container: { defaultLimit: { memory: '0Mi' } } } },
    'tenants/fraud.ts: limits.container.defaultLimit.memory: Invalid value: "0Mi": containers that set no limit would get a default limit of 0, which is no limit at all to the container runtime; write the real amount',
  ],
  [
    'misspelled field',
    { quotas: { cpu: '1' } },
    `tenants/fraud.ts: quotas: Unsupported value: "quotas": unknown field; supported fields: ${TENANT_FIELDS.join(', ')}`,
  ],
  [
    'misspelled nested field',
    { quota: { cpus: '1' }, limits: undefined },
    'tenants/fraud.ts: quota.cpus: Unsupported value: "cpus": unknown field; supported fields: cpu, memory, limitsCpu, limitsMemory, storage, persistentVolumeClaims, pods, loadBalancers, nodePorts, gpu',
  ],
];

describe('each documented error has its message', () => {
  it.each(cases)('%s', (_title, overrides, message) => {
    const errs = errorsOf(validSpec(overrides));
    // The message is the only error: nothing else about the tenant changed.
    expect(errs).toEqual([message]);
  });
});

describe('errors across tenants', () => {
  it('two tenants with one name', () => {
    const errs = validateTenants([entry(validSpec(), 'tenants/a.ts'), entry(validSpec(), 'tenants/b.ts')], DEFAULT_PLATFORM).map(String);
    // Neither is deployed: each file gets the error, naming the other (test/deployed.test.ts has the deployed cases).
    expect(errs).toEqual([
      'tenants/a.ts: name: Duplicate value: "fraud": also declared by tenants/b.ts, and "fraud" is not deployed yet; each tenant needs its own name; choose another name in one of the files',
      'tenants/b.ts: name: Duplicate value: "fraud": also declared by tenants/a.ts, and "fraud" is not deployed yet; each tenant needs its own name; choose another name in one of the files',
    ]);
  });

  it('a name that is a prefix of another', () => {
    const errs = errorsOf(validSpec(), validSpec({ name: 'fraud-research' }));
    expect(errs).toEqual([
      'tenants/fraud-research.ts: name: Invalid value: "fraud-research": starts with the name of tenant "fraud" (tenants/fraud.ts), and neither is deployed yet; prefix-scoped policies (bucket prefixes, Vault paths, audit filters) would match both; choose a name that does not start with "fraud", or rename "fraud"',
      'tenants/fraud.ts: name: Invalid value: "fraud": is a prefix of the name of tenant "fraud-research" (tenants/fraud-research.ts), and neither is deployed yet; prefix-scoped policies (bucket prefixes, Vault paths, audit filters) would match both; choose a name that is not a prefix of "fraud-research", or rename "fraud-research"',
    ]);
  });

  it('reports every error of every file at once, sorted by file', () => {
    const errs = validateTenants(
      [
        entry(validSpec({ name: 'zeta', owner: { email: 'nope' }, contributors: [{ user: 'x@example.com', role: 'own' }] }), 'tenants/zeta.ts'),
        entry(validSpec({ name: 'alpha', quota: { cpu: '-1' }, limits: undefined }), 'tenants/alpha.ts'),
      ],
      DEFAULT_PLATFORM,
    ).map(String);
    expect(errs).toEqual([
      'tenants/alpha.ts: quota.cpu: Invalid value: "-1": must be greater than or equal to 0',
      'tenants/zeta.ts: owner.email: Invalid value: "nope": not an e-mail address; write it as user@domain.tld, e.g. "alice@example.com"',
      'tenants/zeta.ts: contributors[0].role: Unsupported value: "own": supported values: "team-admin", "editor", "member", "viewer", "auditor", "edit", "view" (the owner already has admin)',
    ]);
  });
});

describe('identity by IdP subject', () => {
  const platform = definePlatform({ identity: { use: 'subject' } });
  it('requires a subject for owner and contributors', () => {
    const errs = validateTenants([entry(validSpec())], platform).map(String);
    expect(errs).toEqual([
      'tenants/fraud.ts: owner.subject: Required value: the platform identifies users by IdP subject (platform.ts identity.use); add the subject',
      'tenants/fraud.ts: contributors[0].subject: Required value: the platform identifies users by IdP subject (platform.ts identity.use); add the subject',
    ]);
  });
});

describe("sanity bounds are the platform's", () => {
  it('a raised bound admits what the default refuses', () => {
    const spec = validSpec({ quota: { cpu: '15k', memory: '40Gi' }, limits: undefined });
    expect(errorsOf(spec)).toHaveLength(1);
    expect(validateTenants([entry(spec)], definePlatform({ quantityBounds: { cpu: '20k' } })).map(String)).toEqual([]);
  });

  it('a per-GPU-resource bound overrides the GPU bound, and is named in the message', () => {
    const platform = definePlatform({ quantityBounds: { gpuByResource: { 'nvidia.com/mig-1g.5gb': 28672 } } });
    const ok = validSpec({ quota: { gpu: { 'nvidia.com/mig-1g.5gb': 5000 } }, limits: undefined });
    expect(validateTenants([entry(ok)], platform).map(String)).toEqual([]);
    const over = validSpec({ quota: { gpu: { 'nvidia.com/mig-1g.5gb': 30000 } }, limits: undefined });
    expect(validateTenants([entry(over)], platform).map(String)).toEqual([
      'tenants/fraud.ts: quota.gpu["nvidia.com/mig-1g.5gb"]: Invalid value: 30000: above the sanity bound 28672 nvidia.com/mig-1g.5gb (platform.ts quantityBounds.gpuByResource["nvidia.com/mig-1g.5gb"]); a typo? write the real amount, or raise the bound in platform.ts',
    ]);
  });

  it('a quantity exactly at its bound is accepted', () => {
    expect(errorsOf(validSpec({ quota: { cpu: '10000', memory: '64Ti', storage: '1Pi', pods: 10000, persistentVolumeClaims: 10000, gpu: { 'nvidia.com/gpu': 4096 } }, limits: undefined }))).toEqual([]);
  });
});

describe('platform settings', () => {
  /** The errors `definePlatform` throws, as printed; each must be a FieldError against platform.ts. */
  const refused = (input: Parameters<typeof definePlatform>[0]): string[] => {
    try {
      definePlatform(input);
    } catch (e) {
      if (!(e instanceof PlatformError)) throw e;
      for (const f of e.errors) expect(f).toBeInstanceOf(FieldError);
      expect(e.errors.map((f) => f.file)).toEqual(e.errors.map(() => 'platform.ts'));
      expect(e.message).toBe(e.errors.map(String).join('\n'));
      return e.errors.map(String);
    }
    return [];
  };

  it.each([
    [
      'podDefaults above the sanity bound',
      { podDefaults: { podMax: { cpu: '1e100', memory: '64Gi' } } },
      'platform.ts: podDefaults.podMax.cpu: Invalid value: "1e100": above the sanity bound 10k CPUs (platform.ts quantityBounds.cpu); a typo? write the real amount, or raise the bound in platform.ts',
    ],
    [
      'podDefaults finer than the API server stores',
      { podDefaults: { defaultRequest: { cpu: '0.0001', memory: '256Mi' } } },
      'platform.ts: podDefaults.defaultRequest.cpu: Invalid value: "0.0001": more precise than the API server stores (thousandths, 1m), which would silently round it up to "1m"; write at most three decimal places, e.g. "1m"',
    ],
    [
      'podDefaults per-pod cap of 0',
      { podDefaults: { podMax: { cpu: '16', memory: '0' } } },
      'platform.ts: podDefaults.podMax.memory: Invalid value: "0": containers that set no limit would get a default limit of 0, which is no limit at all to the container runtime; write the real amount',
    ],
    [
      'a bound beyond what the API server stores',
      { quantityBounds: { memory: '8Ei' } },
      'platform.ts: quantityBounds.memory: Invalid value: "8Ei": above 9223372036854775807 (2^63-1), the largest quantity the API server handles as a number; it silently caps larger binary-suffixed values',
    ],
    ['a bound of 0', { quantityBounds: { cpu: '0' } }, 'platform.ts: quantityBounds.cpu: Invalid value: "0": not a quantity above 0, e.g. "10k" or "64Ti"'],
    ['a count bound that is not a whole number', { quantityBounds: { pods: 1.5 } }, 'platform.ts: quantityBounds.pods: Invalid value: 1.5: a whole number of at least 1, e.g. 4096'],
    [
      'podDefaults not a quantity',
      { podDefaults: { podMax: { cpu: 'lots', memory: '64Gi' } } },
      'platform.ts: podDefaults.podMax.cpu: Invalid value: "lots": not a non-negative quantity; write e.g. "16" or "500m"',
    ],
    [
      'podDefaults memory negative',
      { podDefaults: { defaultRequest: { cpu: '100m', memory: '-1Gi' } } },
      'platform.ts: podDefaults.defaultRequest.memory: Invalid value: "-1Gi": not a non-negative quantity; write e.g. "64Gi" or "256Mi"',
    ],
    [
      'a time-sliced resource not named .shared',
      { gpu: { timeSliced: ['nvidia.com/gpu'] } },
      'platform.ts: gpu.timeSliced: Invalid value: "nvidia.com/gpu": time-sliced resources are named <resource>.shared; use the name the device plugin advertises, e.g. "nvidia.com/gpu.shared"',
    ],
    ['an unknown GPU vendor', { gpu: { vendors: ['acme.com/gpu'] } }, 'platform.ts: gpu.vendors: Unsupported value: "acme.com/gpu": supported values: nvidia.com/gpu, amd.com/gpu, gpu.intel.com/i915'],
    ['an unknown MIG model', { gpu: { mig: { 'Z9-1GB': [] } } }, 'platform.ts: gpu.mig["Z9-1GB"]: Unsupported value: "Z9-1GB": supported models: A30-24GB, A100-40GB, A100-80GB, H100-80GB, H100-94GB, H200-141GB'],
    ['an unknown identity', { identity: { use: 'name' } }, 'platform.ts: identity.use: Unsupported value: "name": supported values: "email", "subject"'],
    ['an unknown KV version', { vault: { kvVersion: 'v3' } }, 'platform.ts: vault.kvVersion: Unsupported value: "v3": supported values: "v1", "v2"'],
    [
      'a GPU bound for a resource the inventory lacks',
      { quantityBounds: { gpuByResource: { 'nvidia.com/mig-1g.10gb': 10 } } },
      'platform.ts: quantityBounds.gpuByResource["nvidia.com/mig-1g.10gb"]: Unsupported value: "nvidia.com/mig-1g.10gb": not a GPU resource of the inventory (gpu); valid: amd.com/gpu, gpu.intel.com/i915, nvidia.com/gpu, nvidia.com/gpu.shared, nvidia.com/mig-1g.5gb, nvidia.com/mig-2g.10gb, nvidia.com/mig-3g.20gb, nvidia.com/mig-4g.20gb, nvidia.com/mig-7g.40gb',
    ],
  ] as const)('%s', (_title, input, message) => {
    expect(refused(input as Parameters<typeof definePlatform>[0])).toEqual([message]);
  });

  it('refuses a MIG profile a model does not have', () => {
    expect(() => definePlatform({ gpu: { mig: { 'A100-40GB': ['1g.10gb' as '1g.5gb'] } } })).toThrow(
      'platform.ts: gpu.mig["A100-40GB"]: Unsupported value: "1g.10gb": A100-40GB offers 1g.5gb, 2g.10gb, 3g.20gb, 4g.20gb, 7g.40gb',
    );
  });

  it('reports every error at once, in the order of the settings', () => {
    expect(refused({ gpu: { timeSliced: ['x'] }, credentials: { refreshInterval: 'hourly' }, vault: { kvVersion: 'v3' as 'v2' } })).toEqual([
      'platform.ts: gpu.timeSliced: Invalid value: "x": time-sliced resources are named <resource>.shared; use the name the device plugin advertises, e.g. "nvidia.com/gpu.shared"',
      'platform.ts: credentials.refreshInterval: Invalid value: "hourly": not a Go duration; write e.g. "1h" or "15m"',
      'platform.ts: vault.kvVersion: Unsupported value: "v3": supported values: "v1", "v2"',
    ]);
  });
});

describe('platform errors on the command line', () => {
  const badTenant = tenantSource({ name: 'alpha', owner: { email: 'nope' }, labels: { team: 'a', 'cost-centre': 'c', 'compliance-tier': 'i' } });

  // The platform is loaded before the tenant files and their checks depend on it (bounds,
  // identity, required labels), so a bad platform.ts is reported alone: tenant errors come after.
  it('a bad platform.ts is reported like tenant errors: every error, exit 1, no stack trace; tenant files wait for it', () => {
    const repo = makeRepo(
      { 'alpha.ts': badTenant },
      { platform: "import { definePlatform } from './lib/platform';\n\nexport default definePlatform({ gpu: { timeSliced: ['x'] }, credentials: { refreshInterval: 'hourly' } });\n" },
    );
    try {
      const r = runScript(repo, 'main.ts');
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        [
          'platform.ts: gpu.timeSliced: Invalid value: "x": time-sliced resources are named <resource>.shared; use the name the device plugin advertises, e.g. "nvidia.com/gpu.shared"',
          'platform.ts: credentials.refreshInterval: Invalid value: "hourly": not a Go duration; write e.g. "1h" or "15m"',
          '',
          '2 error(s) in platform.ts; tenant files are checked once it is valid; dist/ left unchanged.',
          '',
        ].join('\n'),
      );
      // The same repository with a valid platform.ts: now the tenant's error is reported.
      fs.writeFileSync(path.join(repo, 'platform.ts'), "import { definePlatform } from './lib/platform';\n\nexport default definePlatform({});\n");
      const fixed = runScript(repo, 'main.ts');
      expect(fixed.code).toBe(1);
      expect(fixed.stderr).toContain('tenants/alpha.ts: owner.email: Invalid value: "nope"');
      expect(fixed.stderr).not.toContain('platform.ts:');
    } finally {
      removeRepo(repo);
    }
  });

  it('a platform.ts without a default export is a field error too', () => {
    const repo = makeRepo({}, { platform: "import { definePlatform } from './lib/platform';\n\nexport const platform = definePlatform({});\n" });
    try {
      const r = runScript(repo, 'main.ts');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('platform.ts: (default export): Required value: `export default definePlatform({ ... })`\n\n1 error(s) in platform.ts; tenant files are checked once it is valid; dist/ left unchanged.\n');
    } finally {
      removeRepo(repo);
    }
  });
});
