/**
 * Every documented input error, with the exact message a team lead sees. Each case breaks a valid
 * tenant in one way and expects exactly that error (and no other).
 */
import { describe, expect, it } from 'vitest';
import { definePlatform, DEFAULT_PLATFORM, PlatformError } from '../lib/platform';
import { TENANT_FIELDS, validateTenants } from '../lib/tenant';
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
    'tenants/fraud.ts: contributors[0].role: Unsupported value: "admin": supported values: "edit", "view" (the owner already has admin)',
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
  [
    'misspelled field',
    { quotas: { cpu: '1' } },
    `tenants/fraud.ts: quotas: Unsupported value: "quotas": unknown field; supported fields: ${TENANT_FIELDS.join(', ')}`,
  ],
  [
    'misspelled nested field',
    { quota: { cpus: '1' }, limits: undefined },
    'tenants/fraud.ts: quota.cpus: Unsupported value: "cpus": unknown field; supported fields: cpu, memory, limitsCpu, limitsMemory, storage, persistentVolumeClaims, pods, gpu',
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
      'tenants/zeta.ts: contributors[0].role: Unsupported value: "own": supported values: "edit", "view" (the owner already has admin)',
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

describe('platform settings', () => {
  it('refuses a MIG profile a model does not have', () => {
    expect(() => definePlatform({ gpu: { mig: { 'A100-40GB': ['1g.10gb' as '1g.5gb'] } } })).toThrow(
      new PlatformError(['gpu.mig["A100-40GB"]: Unsupported value: "1g.10gb": A100-40GB offers 1g.5gb, 2g.10gb, 3g.20gb, 4g.20gb, 7g.40gb']),
    );
  });
});
