/**
 * Kueue queues (issue 12): the objects synth emits for the `kueue` fixture (the seed's fraud team:
 * 50 A100s, Alice 8, Bob 8, the rest shared), their schema validity and determinism, the
 * ResourceQuota derived from the queues, the user-queue admission policy's shape, that a repository
 * without Kueue capacity gets no Kueue output, and every check at synth with its exact message.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlatformInput } from '../lib/declarations/platform';
import { definePlatform } from '../lib/platform';
import type { SynthResult } from '../lib/synth';
import { synthesize } from '../lib/synth';
import { validateTenants } from '../lib/tenant';
import type { TenantEntry } from '../lib/validation';
import { fixtureInputs } from './fixture-repo';
import { entry, platformErrors } from './support/fixtures';
import { validateManifest } from './support/schemas';

type Json = Record<string, any>;

let kueue: SynthResult;
let examples: SynthResult;
let inputs: { platform: ReturnType<typeof definePlatform>; entries: TenantEntry[] };
beforeAll(async () => {
  inputs = await fixtureInputs('kueue');
  kueue = synthesize(inputs.entries, inputs.platform);
  const ex = await fixtureInputs('examples');
  examples = synthesize(ex.entries, ex.platform);
}, 120_000);

const obj = (r: SynthResult, file: string): Json => {
  const o = r.objects.find((x) => x.file === file);
  if (!o) throw new Error(`no ${file}; have ${r.objects.map((x) => x.file).filter((f) => /Queue|Cohort|Flavor/.test(f)).join(', ')}`);
  return o.manifest as Json;
};
/** `{ flavor: { resource: quota } }` of a resourceGroups list. */
const quotas = (groups: Json[] | undefined): Record<string, Record<string, Json>> => {
  const out: Record<string, Record<string, Json>> = {};
  for (const g of groups ?? []) for (const f of g.flavors) out[f.name] = Object.fromEntries(f.resources.map((r: Json) => [r.name, Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'name'))]));
  return out;
};

describe('the kueue fixture: what synth emits', () => {
  it('every object is schema-valid (v1beta2 Kueue kinds, the policy, the ClusterRole), and a re-synth is byte-identical', () => {
    const problems = kueue.objects.flatMap(({ file, manifest }) => validateManifest(manifest).map((e) => `${file}: ${e}`));
    expect(problems).toEqual([]);
    const kinds = new Set(kueue.objects.filter((o) => o.manifest.apiVersion.startsWith('kueue.x-k8s.io/')).map((o) => `${o.manifest.apiVersion} ${o.manifest.kind}`));
    expect([...kinds].sort()).toEqual(['kueue.x-k8s.io/v1beta2 ClusterQueue', 'kueue.x-k8s.io/v1beta2 Cohort', 'kueue.x-k8s.io/v1beta2 LocalQueue', 'kueue.x-k8s.io/v1beta2 ResourceFlavor']);
    const again = synthesize(inputs.entries, inputs.platform);
    expect([...again.files]).toEqual([...kueue.files]);
  });

  it('ResourceFlavors carry node labels, taints and tolerations', () => {
    expect(obj(kueue, 'cluster/ResourceFlavor.a100-80gb.yaml').spec).toEqual({
      nodeLabels: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
      nodeTaints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    });
    expect(kueue.objects.filter((o) => o.manifest.kind === 'ResourceFlavor').map((o) => o.manifest.metadata.name)).toEqual(['a100-40gb-mig', 'a100-80gb', 'cpu', 'h100-80gb', 't4-shared']);
  });

  it('the root Cohort holds the capacity no tenant is guaranteed (time-sliced: gpus x replicas)', () => {
    const root = obj(kueue, 'cluster/Cohort.kubeflow-tenants.yaml');
    expect(root.spec.parentName).toBeUndefined();
    expect(quotas(root.spec.resourceGroups)).toEqual({
      cpu: { cpu: { nominalQuota: '160' }, memory: { nominalQuota: '640Gi' } }, // 256 - 48 - 32 - 8 - 8; 1Ti - 192Gi - 128Gi - 32Gi - 32Gi
      'a100-80gb': { 'nvidia.com/gpu': { nominalQuota: '6' } }, // 64 - 50 - 8
      'h100-80gb': { 'nvidia.com/gpu': { nominalQuota: '12' } },
      't4-shared': { 'nvidia.com/gpu.shared': { nominalQuota: '8' } }, // 4 x 4 - 8
      'a100-40gb-mig': { 'nvidia.com/mig-1g.5gb': { nominalQuota: '8' }, 'nvidia.com/mig-3g.20gb': { nominalQuota: '2' } },
    });
    // Kueue's rule: every flavor of a group lists every covered resource, in order.
    for (const g of root.spec.resourceGroups) for (const f of g.flavors) expect(f.resources.map((r: Json) => r.name)).toEqual(g.coveredResources);
  });

  it('a team Cohort enforces its budget: borrowingLimit = budget - its tenants\' nominal; fair-sharing weight', () => {
    const team = obj(kueue, 'cluster/Cohort.team-fraud.yaml');
    expect(team.spec.parentName).toBe('kubeflow-tenants');
    expect(team.spec.fairSharing).toEqual({ weight: '2' });
    expect(quotas(team.spec.resourceGroups)).toEqual({ 'a100-80gb': { 'nvidia.com/gpu': { nominalQuota: '0', borrowingLimit: '0' } } });
    expect(obj(kueue, 'cluster/Cohort.team-research.yaml').spec).toEqual({ parentName: 'kubeflow-tenants', fairSharing: { weight: '1' } });
  });

  it('the seed\'s example: a tenant Cohort with the tenant\'s limits, the shared ClusterQueue gets 50 - 8 - 8, Alice and Bob 8 each, reserved', () => {
    const cohort = obj(kueue, 'cluster/Cohort.tenant-fraud-modelling.yaml');
    expect(cohort.spec.parentName).toBe('team-fraud');
    expect(quotas(cohort.spec.resourceGroups)['a100-80gb']).toEqual({ 'nvidia.com/gpu': { nominalQuota: '0', borrowingLimit: '0' } });
    const shared = obj(kueue, 'cluster/ClusterQueue.fraud-modelling.yaml');
    expect(shared.spec.cohortName).toBe('tenant-fraud-modelling');
    expect(quotas(shared.spec.resourceGroups)).toEqual({ cpu: { cpu: { nominalQuota: '48' }, memory: { nominalQuota: '192Gi' } }, 'a100-80gb': { 'nvidia.com/gpu': { nominalQuota: '34' } } });
    const alice = obj(kueue, 'cluster/ClusterQueue.fraud-modelling-user-alice-example-com.yaml');
    expect(alice.spec.cohortName).toBe('tenant-fraud-modelling');
    expect(quotas(alice.spec.resourceGroups)).toEqual({
      cpu: { cpu: { nominalQuota: '0' }, memory: { nominalQuota: '0' } },
      'a100-80gb': { 'nvidia.com/gpu': { nominalQuota: '8', borrowingLimit: '0', lendingLimit: '0' } },
    });
    for (const q of kueue.objects.filter((o) => o.manifest.kind === 'ClusterQueue')) {
      const spec = (q.manifest as Json).spec;
      // Each selects only its tenant's namespace; limits only where a cohort exists.
      expect(spec.namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': (q.manifest as Json).metadata.labels['kubeflow-tenants/tenant'] } });
      expect(typeof spec.cohortName).toBe('string');
    }
  });

  it('a tenant without users: one ClusterQueue in its team Cohort, with its limits', () => {
    const v = obj(kueue, 'cluster/ClusterQueue.vision.yaml');
    expect(v.spec.cohortName).toBe('team-research');
    expect(quotas(v.spec.resourceGroups)['a100-80gb']).toEqual({ 'nvidia.com/gpu': { nominalQuota: '8', borrowingLimit: '6', lendingLimit: '4' } });
    expect(kueue.objects.some((o) => o.file === 'cluster/Cohort.tenant-vision.yaml')).toBe(false);
  });

  it('LocalQueues: `default` for the shared part, one per user named after the e-mail; none for a tenant without a queue', () => {
    const names = kueue.objects.filter((o) => o.manifest.kind === 'LocalQueue').map((o) => o.file);
    expect(names).toEqual([
      'tenants/fraud-modelling/LocalQueue.default.yaml',
      'tenants/fraud-modelling/LocalQueue.user-alice-example-com.yaml',
      'tenants/fraud-modelling/LocalQueue.user-bob-example-com.yaml',
      'tenants/fraud-scoring/LocalQueue.default.yaml',
      'tenants/research-burst/LocalQueue.default.yaml',
      'tenants/vision/LocalQueue.default.yaml',
    ]);
    expect(obj(kueue, 'tenants/fraud-modelling/LocalQueue.user-bob-example-com.yaml').spec).toEqual({ clusterQueue: 'fraud-modelling-user-bob-example-com' });
    // The AppProjects allow LocalQueues.
    expect(obj(kueue, 'cluster/AppProject.tenant-vision.yaml').spec.namespaceResourceWhitelist).toContainEqual({ group: 'kueue.x-k8s.io', kind: 'LocalQueue' });
  });

  it('the ResourceQuota\'s GPU values are nominal + borrowingLimit (+ outsideKueue); a tenant without a queue keeps its own', () => {
    expect(obj(kueue, 'tenants/vision/Profile.vision.yaml').spec.resourceQuotaSpec.hard).toMatchObject({
      'requests.nvidia.com/gpu': '23', // a100 8+6, h100 4+4, 1 outside Kueue
      'requests.nvidia.com/gpu.shared': '8',
      'requests.nvidia.com/mig-1g.5gb': '12',
      'requests.nvidia.com/mig-3g.20gb': '2',
    });
    expect(obj(kueue, 'tenants/fraud-modelling/Profile.fraud-modelling.yaml').spec.resourceQuotaSpec.hard['requests.nvidia.com/gpu']).toBe('50');
    expect(obj(kueue, 'tenants/legacy/Profile.legacy.yaml').spec.resourceQuotaSpec.hard['requests.nvidia.com/gpu']).toBe('0');
  });

  it('the user-queue policy: CREATE and UPDATE, only namespaces with user queues, the user map inside the policy, controllers exempt by username', () => {
    const p = obj(kueue, 'cluster/ValidatingAdmissionPolicy.kubeflow-tenants-user-queues.yaml');
    expect(p.spec.matchConstraints.resourceRules).toEqual([{ apiGroups: ['*'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['*'] }]);
    expect(p.spec.matchConstraints.namespaceSelector.matchExpressions[0].values).toEqual(['fraud-modelling']);
    expect(p.spec.variables.find((v: Json) => v.name === 'userQueues').expression).toBe(
      "{'fraud-modelling': {'user-alice-example-com': 'oidc:alice@example.com', 'user-bob-example-com': 'oidc:bob@example.com'}}",
    );
    expect(p.spec.validations[0].expression).toContain("request.userInfo.username in ['system:kube-controller-manager', 'system:serviceaccount:kube-system:job-controller', 'system:serviceaccount:kueue-system:kueue-controller-manager']");
    // Never by ownerReferences: users can set those.
    expect(JSON.stringify(p)).not.toContain('ownerReferences');
    expect(obj(kueue, 'cluster/ValidatingAdmissionPolicyBinding.kubeflow-tenants-user-queues.yaml').spec).toEqual({ policyName: 'kubeflow-tenants-user-queues', validationActions: ['Deny'] });
  });

  it("API server usernames: with the fixture's prefix, each person with a personal queue gets their Kubeflow role under the prefixed username, and nobody else", () => {
    const rbs = kueue.objects.filter((o) => o.manifest.kind === 'RoleBinding' && (o.manifest as Json).metadata.annotations?.['kubeflow-tenants/mirrors-identity'] !== undefined);
    expect(rbs.map((o) => o.file)).toEqual([
      'tenants/fraud-modelling/RoleBinding.user-oidc-alice-example-com-clusterrole-kubeflow-edit.yaml',
      'tenants/fraud-modelling/RoleBinding.user-oidc-bob-example-com-clusterrole-kubeflow-edit.yaml',
    ]);
    const alice = obj(kueue, rbs[0]!.file);
    expect(alice.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeflow-edit' });
    expect(alice.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'oidc:alice@example.com' }]);
    expect(alice.metadata.annotations).toMatchObject({ 'kubeflow-tenants/queue-user': 'alice@example.com', 'kubeflow-tenants/mirrors-identity': 'alice@example.com' });
    // KFAM must not read it as a contributor binding of "oidc:alice@example.com"
    expect(Object.keys(alice.metadata.annotations)).not.toContain('user');
    // Kubeflow's own binding of Alice is unchanged: the unprefixed identity
    expect(obj(kueue, 'tenants/fraud-modelling/RoleBinding.user-alice-example-com-clusterrole-edit.yaml').subjects[0].name).toBe('alice@example.com');
  });

  it('API server usernames: the default prefix is "" (Kubeflow\'s email claim, unprefixed): the policy names the identity Kubeflow binds, and no extra RoleBinding is emitted', () => {
    expect(definePlatform({}).kueue.apiServerUsernamePrefix).toBe('');
    const bare = { ...inputs.platform, kueue: { ...inputs.platform.kueue, apiServerUsernamePrefix: '' } };
    const r = synthesize(inputs.entries, bare);
    expect(r.objects.filter((o) => (o.manifest as Json).metadata?.annotations?.['kubeflow-tenants/mirrors-identity'] !== undefined)).toEqual([]);
    expect(obj(r, 'cluster/ValidatingAdmissionPolicy.kubeflow-tenants-user-queues.yaml').spec.variables.find((v: Json) => v.name === 'userQueues').expression).toBe(
      "{'fraud-modelling': {'user-alice-example-com': 'alice@example.com', 'user-bob-example-com': 'bob@example.com'}}",
    );
  });

  it('API server usernames: the owner is mirrored with kubeflow-admin, a member with their per-application edit roles', () => {
    const fraud = inputs.entries.find((e) => e.spec.name === 'fraud-modelling')!;
    const spec = {
      ...fraud.spec,
      contributors: [{ user: 'alice@example.com', role: 'member' }, { user: 'bob@example.com', role: 'edit' }],
      queue: { ...fraud.spec.queue!, users: { ...fraud.spec.queue!.users, 'fraud-lead@example.com': { flavors: { 'a100-80gb': { 'nvidia.com/gpu': { nominal: 2 } } } } } },
    };
    const r = synthesize([{ ...fraud, spec } as TenantEntry], inputs.platform);
    const mirrored = r.objects
      .filter((o) => (o.manifest as Json).metadata?.annotations?.['kubeflow-tenants/mirrors-identity'] !== undefined)
      .map((o) => `${(o.manifest as Json).subjects[0].name} ${(o.manifest as Json).roleRef.name}`);
    expect(mirrored).toContain('oidc:fraud-lead@example.com kubeflow-admin');
    expect(mirrored).toContain('oidc:bob@example.com kubeflow-edit');
    expect(mirrored).toContain('oidc:alice@example.com kubeflow-view');
    expect(mirrored).toContain('oidc:alice@example.com kubeflow-trainer-edit');
    expect(mirrored).not.toContain('oidc:alice@example.com kubeflow-edit');
  });

  it('members read LocalQueues and Workloads through a ClusterRole aggregated into kubeflow-view', () => {
    const r = obj(kueue, 'cluster/ClusterRole.kubeflow-tenants-kueue-view.yaml');
    expect(r.metadata.labels['rbac.authorization.kubeflow.org/aggregate-to-kubeflow-view']).toBe('true');
    expect(r.rules).toEqual([{ apiGroups: ['kueue.x-k8s.io'], resources: ['localqueues', 'localqueues/status', 'workloads', 'workloads/status'], verbs: ['get', 'list', 'watch'] }]);
  });

  it('the Kueue Configuration fragment goes to dist/platform/kueue/, outside Argo CD\'s path', () => {
    const cfg = kueue.files.get('platform/kueue/configuration.yaml')!;
    expect(cfg).toContain('apiVersion: config.kueue.x-k8s.io/v1beta2');
    expect(cfg).toContain('        - "fraud-modelling"\n        - "fraud-scoring"\n        - "research-burst"\n        - "vision"\n');
    expect(cfg).not.toContain('"legacy"');
    expect(cfg).toContain('    - "batch/job"\n');
    expect(cfg).not.toMatch(/- "(pod|deployment|statefulset)"/);
    expect(kueue.files.get('platform/README.md')).toContain('## `kueue/`');
  });
});

describe('a repository without Kueue capacity', () => {
  it('gets no Kueue object, no Kueue whitelist entry, no Kueue platform file', () => {
    expect(examples.objects.filter((o) => /kueue|admissionregistration/.test(o.manifest.apiVersion) && !o.manifest.metadata.name.includes('guard'))).toEqual([]);
    expect([...examples.files.keys()].filter((f) => f.includes('kueue'))).toEqual([]);
    expect(examples.files.get('cluster/AppProject.tenant-fraud-modelling.yaml')).not.toContain('LocalQueue');
    expect(examples.files.get('platform/README.md')).not.toContain('kueue');
  });
});

// ---------------------------------------------------------------------------------------------
// Checks at synth
// ---------------------------------------------------------------------------------------------

const PLATFORM: PlatformInput = {
  gpu: { vendors: ['nvidia.com/gpu'], mig: { 'A100-40GB': ['1g.5gb'] }, timeSliced: ['nvidia.com/gpu.shared'] },
  kueue: {
    flavors: {
      cpu: { resources: { cpu: '100', memory: '400Gi' } },
      a100: { nodeLabels: { 'nvidia.com/gpu.product': 'A100' }, resources: { 'nvidia.com/gpu': 16 } },
      h100: { resources: { 'nvidia.com/gpu': 8 } },
      t4: { timeSliced: { 'nvidia.com/gpu.shared': { gpus: 2, replicas: 4 } } },
    },
    teams: { fraud: { budget: { a100: { 'nvidia.com/gpu': 12 } } } },
  },
};
const platform = definePlatform(PLATFORM);

const CPU = { cpu: { cpu: { nominal: '4', borrowingLimit: '4' }, memory: { nominal: '16Gi', borrowingLimit: '16Gi' } } };
/** A tenant with `queue`; every user of the queue is an editor (a personal queue needs one: checkQueueUsers). */
function queueTenant(name: string, queue: Record<string, unknown>, over: Record<string, unknown> = {}): Record<string, unknown> {
  const users = Object.entries((queue.users ?? {}) as Record<string, { subject?: unknown }>).filter(([email]) => email.includes('@'));
  return {
    name,
    owner: { email: 'lead@example.com' },
    ...(users.length > 0 ? { contributors: users.map(([email, u]) => ({ user: email, role: 'edit', ...(typeof u.subject === 'string' ? { subject: u.subject } : {}) })) } : {}),
    labels: { team: 'fraud', 'cost-centre': 'cc-1', 'compliance-tier': 'pci' },
    queue: { flavors: { ...CPU, ...(queue.flavors as object) }, ...Object.fromEntries(Object.entries(queue).filter(([k]) => k !== 'flavors')) },
    ...over,
  };
}
const errs = (p: ReturnType<typeof definePlatform>, ...specs: Record<string, unknown>[]): string[] => validateTenants(specs.map((s) => entry(s)), p).map(String);

describe('checks at synth: a tenant\'s queue', () => {
  const gpu = (nominal: number, extra: Record<string, unknown> = {}) => ({ a100: { 'nvidia.com/gpu': { nominal, borrowingLimit: 0, ...extra } } });

  it('a valid queue has no errors (the baseline the cases break)', () => {
    expect(errs(platform, queueTenant('fraud', { flavors: gpu(8), users: { 'alice@example.com': { flavors: gpu(4) } } }))).toEqual([]);
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['unknown flavor', { flavors: { v100: { 'nvidia.com/gpu': { nominal: 1, borrowingLimit: 0 } } } }, ['tenants/fraud.ts: queue.flavors["v100"]: Unsupported value: "v100": not a flavor of the platform\'s capacity (platform.ts kueue.flavors); valid: cpu, a100, h100, t4']],
    [
      'a resource the flavor does not offer',
      { flavors: { a100: { 'nvidia.com/gpu.shared': { nominal: 1, borrowingLimit: 0 } } } },
      ['tenants/fraud.ts: queue.flavors["a100"]["nvidia.com/gpu.shared"]: Unsupported value: "nvidia.com/gpu.shared": flavor "a100" does not offer it; it offers nvidia.com/gpu'],
    ],
    [
      'lendingLimit above nominal',
      { flavors: gpu(4, { lendingLimit: 5 }) },
      ['tenants/fraud.ts: queue.flavors["a100"]["nvidia.com/gpu"].lendingLimit: Invalid value: 5: exceeds the nominal quota 4: only guaranteed quota can be lent; lower it to at most the nominal'],
    ],
    [
      'a GPU resource without a finite borrowingLimit',
      { flavors: { a100: { 'nvidia.com/gpu': { nominal: 4 } } } },
      [
        "tenants/fraud.ts: queue.flavors[\"a100\"][\"nvidia.com/gpu\"].borrowingLimit: Required value: the namespace ResourceQuota's requests.nvidia.com/gpu is nominal + borrowingLimit, so that it never rejects the pods of a Job Kueue admitted; an unlimited borrowingLimit cannot be mirrored: write the most this tenant may borrow, e.g. 0",
      ],
    ],
    [
      'users\' sub-quotas above the tenant\'s nominal',
      { flavors: gpu(8), users: { 'alice@example.com': { flavors: gpu(6) }, 'bob@example.com': { flavors: gpu(4) } } },
      [
        "tenants/fraud.ts: queue.flavors[\"a100\"][\"nvidia.com/gpu\"].nominal: Invalid value: \"8\": the users' sub-quotas add up to 10 (alice@example.com 6, bob@example.com 4), more than the tenant's nominal; users' quotas are carved out of it: raise the nominal or lower theirs",
      ],
    ],
    [
      'a user quota outside the tenant\'s',
      { flavors: gpu(8), users: { 'alice@example.com': { flavors: { h100: { 'nvidia.com/gpu': { nominal: 1 } } } } } },
      ['tenants/fraud.ts: queue.users["alice@example.com"].flavors["h100"]["nvidia.com/gpu"]: Invalid value: "nvidia.com/gpu": not in the tenant\'s queue.flavors["h100"]; a user\'s quota is carved out of the tenant\'s, declare it there first'],
    ],
    ['a user not keyed by e-mail', { flavors: gpu(8), users: { alice: { flavors: gpu(1) } } }, ['tenants/fraud.ts: queue.users["alice"]: Invalid value: "alice": not an e-mail address; key each user by e-mail, e.g. "alice@example.com"']],
    [
      'two users with the same queue name',
      { flavors: gpu(8), users: { 'a.b@example.com': { flavors: gpu(1) }, 'a-b@example.com': { flavors: gpu(1) } } },
      ['tenants/fraud.ts: queue.users["a-b@example.com"]: Duplicate value: "user-a-b-example-com": user "a.b@example.com" has the same queue name "user-a-b-example-com"; set queueName for one of them'],
    ],
    [
      'a user queue named default',
      { flavors: gpu(8), users: { 'a@example.com': { flavors: gpu(1), queueName: 'default' } } },
      ['tenants/fraud.ts: queue.users["a@example.com"].queueName: Invalid value: "default": "default" is the tenant\'s shared queue; choose another name'],
    ],
    [
      'outsideKueue for a GPU no flavor offers',
      { flavors: gpu(8), outsideKueue: { 'nvidia.com/mig-1g.5gb': 1 } },
      ['tenants/fraud.ts: queue.outsideKueue["nvidia.com/mig-1g.5gb"]: Invalid value: "nvidia.com/mig-1g.5gb": no flavor offers it, so Kueue does not manage it; declare it in quota.gpu'],
    ],
  ];
  it.each(cases)('%s', (_name, queue, expected) => {
    expect(errs(platform, queueTenant('fraud', queue))).toEqual(expected);
  });

  it('user queue names: at most 63 characters (a label value), else queueName; a subject where the platform identifies by subject', () => {
    const long = `${'a'.repeat(60)}@example.com`;
    expect(errs(platform, queueTenant('fraud', { flavors: gpu(8), users: { [long]: { flavors: gpu(1) } } }))).toEqual([
      `tenants/fraud.ts: queue.users["${long}"]: Too long: "${long}": its queue name "user-${'a'.repeat(60)}-example-com" is longer than 63 characters (a label value); set queueName, e.g. "user-${'a'.repeat(40)}"`,
    ]);
    expect(errs(platform, queueTenant('fraud', { flavors: gpu(8), users: { [long]: { flavors: gpu(1), queueName: 'user-long' } } }))).toEqual([]);
    const bySubject = definePlatform({ ...PLATFORM, identity: { use: 'subject' } });
    expect(errs(bySubject, queueTenant('fraud', { flavors: gpu(8), users: { 'alice@example.com': { flavors: gpu(1) } } }, { owner: { email: 'lead@example.com', subject: 'lead-sub' }, contributors: [{ user: 'alice@example.com', subject: 'alice-sub', role: 'edit' }] }))).toEqual([
      'tenants/fraud.ts: queue.users["alice@example.com"].subject: Required value: the platform identifies users by IdP subject (platform.ts identity.use); add the subject',
    ]);
  });

  it('a personal queue is for someone who can submit workloads here: the owner or a contributor with role editor, member or team-admin', () => {
    const q = { flavors: gpu(8), users: { 'alice@example.com': { flavors: gpu(1) } } };
    expect(errs(platform, queueTenant('fraud', q, { contributors: [] }))).toEqual([
      'tenants/fraud.ts: queue.users["alice@example.com"]: Invalid value: "alice@example.com": not the owner or a contributor of this tenant, so they cannot submit workloads here; add them to contributors (role editor, member or team-admin), or remove their queue',
    ]);
    expect(errs(platform, queueTenant('fraud', q, { contributors: [{ user: 'alice@example.com', role: 'viewer' }] }))).toEqual([
      'tenants/fraud.ts: queue.users["alice@example.com"]: Invalid value: "alice@example.com": their role (viewer) creates no workloads, so their personal queue could never be used; give them role editor, member or team-admin, or remove their queue',
    ]);
    for (const role of ['member', 'team-admin', 'editor']) expect(errs(platform, queueTenant('fraud', q, { contributors: [{ user: 'Alice@Example.com', role }] }))).toEqual([]);
    // the owner needs no contributor entry
    expect(errs(platform, queueTenant('fraud', { flavors: gpu(8), users: { 'lead@example.com': { flavors: gpu(1) } } }, { contributors: [] }))).toEqual([]);
  });

  it('CPU and memory covered by queues: a queue without them could never admit a Job', () => {
    const t = queueTenant('fraud', {});
    (t.queue as Json).flavors = gpu(2);
    expect(errs(platform, t)).toEqual([
      'tenants/fraud.ts: queue.flavors: Required value: the platform\'s queues cover cpu (flavors cpu), and every pod requests it: with none of these flavors in the queue no Job would ever be admitted; add e.g. queue.flavors["cpu"] = { cpu: { nominal: "8" }, memory: { nominal: "32Gi" } }',
      'tenants/fraud.ts: queue.flavors: Required value: the platform\'s queues cover memory (flavors cpu), and every pod requests it: with none of these flavors in the queue no Job would ever be admitted; add e.g. queue.flavors["cpu"] = { cpu: { nominal: "8" }, memory: { nominal: "32Gi" } }',
    ]);
  });

  it('a declared quota.gpu must equal the value derived from the queue; quota.cpu must hold what Kueue may admit', () => {
    expect(errs(platform, queueTenant('fraud', { flavors: gpu(8) }, { quota: { cpu: '6', gpu: { 'nvidia.com/gpu': 4 } } }))).toEqual([
      "tenants/fraud.ts: quota.cpu: Invalid value: \"6\": below what the queue may admit, 8 (nominal + borrowingLimit over the queue's flavors): the ResourceQuota would reject the pods of Jobs Kueue admitted; raise quota.cpu or lower the queue's cpu",
    ]);
    expect(errs(platform, queueTenant('fraud', { flavors: gpu(8), outsideKueue: { 'nvidia.com/gpu': 1 } }, { quota: { gpu: { 'nvidia.com/gpu': 4 } } }))).toEqual([
      'tenants/fraud.ts: quota.gpu["nvidia.com/gpu"]: Invalid value: 4: with a queue the ResourceQuota\'s requests.nvidia.com/gpu is derived from it: 9 (nominal + borrowingLimit over the queue\'s flavors, plus queue.outsideKueue); remove quota.gpu["nvidia.com/gpu"] or write 9',
    ]);
    expect(errs(platform, queueTenant('fraud', { flavors: gpu(8) }, { quota: { gpu: { 'nvidia.com/gpu': 8 } } }))).toEqual([]);
    const t = queueTenant('fraud', { flavors: gpu(8) }, { quota: { memory: '64Gi' } });
    (t.queue as Json).flavors.cpu = { cpu: { nominal: '4' }, memory: { nominal: '16Gi' } };
    expect(errs(platform, t)).toEqual([
      'tenants/fraud.ts: queue.flavors["cpu"]["memory"].borrowingLimit: Required value: quota.memory caps the namespace at 64Gi, and an unlimited borrowingLimit would let Kueue admit Jobs whose pods the ResourceQuota then rejects; write the most this tenant may borrow (nominal + borrowingLimit at most 64Gi), or remove quota.memory',
    ]);
  });

  it('a per-pod GPU cap is compared with the GPU quota derived from the queue', () => {
    expect(errs(platform, queueTenant('fraud', { flavors: gpu(2) }, { limits: { pod: { max: { gpu: { 'nvidia.com/gpu': 2 } } } } }))).toEqual([]);
    expect(errs(platform, queueTenant('fraud', { flavors: gpu(2) }, { limits: { pod: { max: { gpu: { 'nvidia.com/gpu': 3 } } } } }))).toEqual([
      'tenants/fraud.ts: limits.pod.max.gpu["nvidia.com/gpu"]: Invalid value: 3: exceeds the tenant\'s GPU quota requests.nvidia.com/gpu (2, derived from its queue: nominal + borrowingLimit + outsideKueue); lower the per-pod cap or raise the queue\'s quota',
    ]);
  });

  it('a queue on a platform without Kueue capacity is refused', () => {
    expect(errs(definePlatform({}), queueTenant('fraud', { flavors: gpu(1) }))).toEqual([
      'tenants/fraud.ts: queue: Forbidden: {...}: the platform declares no Kueue capacity (platform.ts kueue.flavors); ask the platform team, or use quota.gpu',
    ]);
  });
});

describe('checks at synth: all queues together', () => {
  const gpu = (flavor: string, nominal: number) => ({ [flavor]: { 'nvidia.com/gpu': { nominal, borrowingLimit: 0 } } });

  it('guaranteed quota summed over tenants fits each flavor\'s capacity; the message names the biggest consumers', () => {
    const ts = [queueTenant('a', { flavors: gpu('h100', 5) }, { labels: { team: 'x', 'cost-centre': 'c', 'compliance-tier': 'pci' } }), queueTenant('b', { flavors: gpu('h100', 4) }, { labels: { team: 'y', 'cost-centre': 'c', 'compliance-tier': 'pci' } })];
    expect(errs(platform, ...ts)).toEqual([
      'platform.ts: kueue.flavors["h100"].resources["nvidia.com/gpu"]: Invalid value: "8": the tenants\' guaranteed (nominal) nvidia.com/gpu on flavor "h100" adds up to 9, more than its capacity 8; biggest: a 5 (tenants/a.ts), b 4 (tenants/b.ts); lower a tenant\'s queue nominal, add capacity, or allow overcommit (kueue.allowOvercommit: true)',
    ]);
    expect(errs(definePlatform({ ...PLATFORM, kueue: { ...PLATFORM.kueue, allowOvercommit: true } }), ...ts)).toEqual([]);
  });

  it("the team is the value of the platform's team label (labels.team), whatever its key: budgets, Cohorts and the capacity report follow it", () => {
    const keyed = definePlatform({ ...PLATFORM, labels: { team: 'example.org/team' }, requiredLabels: ['cost-centre', 'compliance-tier'] });
    // `team: fraud` is now just a label; example.org/team picks the team (and so fraud's budget of 12)
    const a = queueTenant('a', { flavors: gpu('a100', 8) }, { labels: { team: 'fraud', 'example.org/team': 'fraud', 'cost-centre': 'cc-1', 'compliance-tier': 'pci' } });
    const b = queueTenant('b', { flavors: gpu('a100', 6) }, { labels: { team: 'research', 'example.org/team': 'fraud', 'cost-centre': 'cc-1', 'compliance-tier': 'pci' } });
    expect(errs(keyed, a, b)).toEqual([
      'platform.ts: kueue.teams["fraud"].budget["a100"]["nvidia.com/gpu"]: Invalid value: "12": team "fraud"\'s tenants are guaranteed 14 nvidia.com/gpu on flavor "a100" together, more than its budget; biggest: a 8 (tenants/a.ts), b 6 (tenants/b.ts); raise the budget or lower a tenant\'s queue nominal',
    ]);
    const c = queueTenant('c', { flavors: gpu('a100', 4) }, { labels: { team: 'fraud', 'example.org/team': 'vision', 'cost-centre': 'cc-1', 'compliance-tier': 'pci' } });
    expect(errs(keyed, a, c)).toEqual([]);
    const r = synthesize([a, c].map((s) => entry(s)), keyed);
    expect(obj(r, 'cluster/ClusterQueue.a.yaml').spec.cohortName).toBe('team-fraud');
    expect(obj(r, 'cluster/ClusterQueue.c.yaml').spec.cohortName).toBe('team-vision');
    expect(quotas(obj(r, 'cluster/Cohort.team-fraud.yaml').spec.resourceGroups).a100).toEqual({ 'nvidia.com/gpu': { nominalQuota: '0', borrowingLimit: '4' } });
    expect(r.capacity.cells.find((x) => x.flavor === 'a100')!.allocations.filter((x) => x.level === 'team').map((x) => x.name)).toEqual(['fraud', 'vision']);
    // without the team label (not required by requiredLabels here) a queue has no team: refused
    const d = queueTenant('d', { flavors: gpu('a100', 1) }, { labels: { team: 'fraud', 'cost-centre': 'cc-1', 'compliance-tier': 'pci' } });
    expect(errs(keyed, d)).toEqual([
      'tenants/d.ts: labels["example.org/team"]: Required value: a tenant with a queue belongs to a team (the platform\'s team label "example.org/team"): its Cohort holds the team\'s budget and fair-sharing weight',
    ]);
  });

  it('a team\'s tenants fit its budget', () => {
    expect(errs(platform, queueTenant('a', { flavors: gpu('a100', 8) }), queueTenant('b', { flavors: gpu('a100', 6) }))).toEqual([
      'platform.ts: kueue.teams["fraud"].budget["a100"]["nvidia.com/gpu"]: Invalid value: "12": team "fraud"\'s tenants are guaranteed 14 nvidia.com/gpu on flavor "a100" together, more than its budget; biggest: a 8 (tenants/a.ts), b 6 (tenants/b.ts); raise the budget or lower a tenant\'s queue nominal',
    ]);
  });

  it('no queue or cohort name collides with another (cluster-wide names)', () => {
    expect(errs(platform, queueTenant('team-fraud', { flavors: gpu('a100', 1) }))).toEqual([
      'tenants/team-fraud.ts: name: Duplicate value: "team-fraud": the shared ClusterQueue of tenant "team-fraud" would be named "team-fraud", which is already the Cohort of team "fraud"; Cohort and ClusterQueue names are cluster-wide: choose another tenant name',
    ]);
  });
});

describe('checks at synth: the platform\'s kueue settings', () => {
  const k = PLATFORM.kueue!;
  it('CPU and memory are covered by a flavor or excluded explicitly', () => {
    expect(platformErrors({ ...PLATFORM, kueue: { ...k, flavors: { a100: { resources: { 'nvidia.com/gpu': 1 } } } } })).toEqual([
      'platform.ts: kueue.flavors: Required value: cpu is neither offered by a flavor nor excluded (kueue.excludeResources): with Kueue\'s default quotaCheckStrategy BlockUndeclared a Job requesting cpu (every pod does, the LimitRange sets a default request) would never be admitted; add cpu to a flavor\'s resources, or list it in kueue.excludeResources to leave it to the ResourceQuota',
      'platform.ts: kueue.flavors: Required value: memory is neither offered by a flavor nor excluded (kueue.excludeResources): with Kueue\'s default quotaCheckStrategy BlockUndeclared a Job requesting memory (every pod does, the LimitRange sets a default request) would never be admitted; add memory to a flavor\'s resources, or list it in kueue.excludeResources to leave it to the ResourceQuota',
    ]);
    expect(platformErrors({ ...PLATFORM, kueue: { ...k, flavors: { a100: { resources: { 'nvidia.com/gpu': 1 } } }, excludeResources: ['cpu', 'memory'] } })).toEqual([]);
    expect(platformErrors({ ...PLATFORM, kueue: { ...k, excludeResources: ['cpu'] } })).toEqual(['platform.ts: kueue.excludeResources[0]: Invalid value: "cpu": offered by a flavor, so queues cover it; remove it from one of the two']);
  });

  it('a flavor in one resource group only (Kueue\'s structural rule)', () => {
    expect(platformErrors({ ...PLATFORM, kueue: { ...k, flavors: { ...k.flavors, h100: { resources: { 'nvidia.com/gpu': 8, cpu: '64' } } } } })).toEqual([
      'platform.ts: kueue.flavors["cpu"]: Invalid value: "cpu": its resources fall into 2 Kueue resource groups: cpu (offered by cpu, h100); memory (offered by cpu); Kueue puts a flavor in one resource group only, and all flavors of a group offer the same resources: give the flavors offering any of these the same resources, or move cpu and memory to a flavor of their own (docs/queues.md "Resource groups")',
      'platform.ts: kueue.flavors["h100"]: Invalid value: "h100": its resources fall into 2 Kueue resource groups: cpu (offered by cpu, h100); nvidia.com/gpu (offered by a100, h100); Kueue puts a flavor in one resource group only, and all flavors of a group offer the same resources: give the flavors offering any of these the same resources, or move cpu and memory to a flavor of their own (docs/queues.md "Resource groups")',
    ]);
  });

  it('at most 16 resource groups', () => {
    const mig = { 'A100-40GB': ['1g.5gb', '2g.10gb', '3g.20gb', '4g.20gb', '7g.40gb'], 'H100-94GB': ['1g.12gb', '1g.24gb', '2g.24gb', '3g.47gb', '4g.47gb', '7g.94gb'], 'H200-141GB': ['1g.18gb', '1g.35gb', '2g.35gb', '3g.71gb', '4g.71gb', '7g.141gb'] } as const;
    const resources = [...new Set(Object.values(mig).flat().map((p) => `nvidia.com/mig-${p}`))];
    const flavors = Object.fromEntries(resources.map((r, i) => [`f${i}`, { resources: { [r]: 1 } }]));
    expect(resources.length).toBeGreaterThan(15);
    expect(platformErrors({ gpu: { vendors: [], mig, timeSliced: [] }, kueue: { flavors: { cpu: { resources: { cpu: '1', memory: '1Gi' } }, ...flavors } } })).toEqual([
      `platform.ts: kueue.flavors: Invalid value: "${resources.length + 1} resource groups": Kueue allows at most 16 resource groups per queue; offer the same resources from more flavors`,
    ]);
  });

  it('names, resources, taints, tolerations, weights and integrations are checked', () => {
    expect(
      platformErrors({
        ...PLATFORM,
        kueue: {
          ...k,
          flavors: {
            ...k.flavors,
            A100_BIG: { resources: { 'nvidia.com/gpu': 1 } },
            odd: { resources: { 'example.com/fpga': 1 }, nodeTaints: [{ key: 'gpu', effect: 'NoStart' as never }], tolerations: [{ value: 'x' }] },
            empty: {},
          },
          teams: { fraud: { weight: 0 } },
          integrations: ['batch/job', 'notebook' as never],
        },
      }),
    ).toEqual([
      'platform.ts: kueue.flavors["A100_BIG"]: Invalid value: "A100_BIG": a flavor name is a ResourceFlavor name: lowercase letters, digits, "-" and ".", e.g. "a100-80gb"',
      'platform.ts: kueue.flavors["odd"].nodeTaints[0].effect: Unsupported value: "NoStart": supported values: NoSchedule, PreferNoSchedule, NoExecute',
      'platform.ts: kueue.flavors["odd"].tolerations[0].key: Required value: a toleration without key must have operator "Exists"',
      'platform.ts: kueue.flavors["odd"].resources["example.com/fpga"]: Unsupported value: "example.com/fpga": not a resource of this platform; valid: cpu, memory, ephemeral-storage, pods, nvidia.com/gpu, nvidia.com/mig-1g.5gb',
      'platform.ts: kueue.flavors["empty"].resources: Required value: what the flavor\'s nodes offer together, e.g. { "nvidia.com/gpu": 16 }',
      'platform.ts: kueue.teams["fraud"].weight: Invalid value: 0: a fair-sharing weight above 0, e.g. 1 or 2.5',
      'platform.ts: kueue.integrations[1]: Unsupported value: "notebook": supported values: batch/job, deployment, jobset.x-k8s.io/jobset, kubeflow.org/jaxjob, kubeflow.org/mpijob, kubeflow.org/paddlejob, kubeflow.org/pytorchjob, kubeflow.org/tfjob, kubeflow.org/xgboostjob, leaderworkerset.x-k8s.io/leaderworkerset, pod, ray.io/raycluster, ray.io/rayjob, statefulset, trainer.kubeflow.org/trainjob',
    ]);
  });

  it('time-sliced resources declare their sharing factor; unknown resources and team budgets are refused', () => {
    expect(platformErrors({ ...PLATFORM, kueue: { ...k, flavors: { ...k.flavors, t4: { resources: { 'nvidia.com/gpu.shared': 8 } } } } })).toEqual([
      'platform.ts: kueue.flavors["t4"].resources["nvidia.com/gpu.shared"]: Invalid value: "nvidia.com/gpu.shared": a time-sliced resource; declare it under kueue.flavors["t4"].timeSliced as { gpus, replicas }, so the sharing factor is explicit',
    ]);
    expect(platformErrors({ ...PLATFORM, kueue: { ...k, teams: { fraud: { budget: { a100: { 'amd.com/gpu': 1 } } } } } })).toEqual([
      'platform.ts: kueue.teams["fraud"].budget["a100"]["amd.com/gpu"]: Unsupported value: "amd.com/gpu": flavor "a100" does not offer it; it offers nvidia.com/gpu',
    ]);
  });
});
