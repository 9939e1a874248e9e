// Issue 5, check 4: admission in the tenant namespaces of the fixture repository's example tenants
// (applied as fx-<name>, see helpers.ts). The LimitRange and the kf-resource-quota come from its
// synthesized dist/ (LimitRange objects, Profile.spec.resourceQuotaSpec); pods are created for real
// (nothing schedules them, they only count against the quota) and deleted afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeObject, applyFixture, fx, getObject, kubectl, loadFixtureDist, profiles, RESTRICTED_CONTAINER_SECURITY, RESTRICTED_POD_SECURITY, waitFor } from './helpers';
import { normaliseResources, quantityValue } from './quantity';

const emitted = (await loadFixtureDist()).map((e) => e.object);
type Limits = { type: string; max?: Record<string, string>; default?: Record<string, string>; defaultRequest?: Record<string, string> }[];
const limitRangeOf = (ns: string) =>
  emitted.find((o) => o.kind === 'LimitRange' && o.metadata.namespace === ns) as (KubeObject & { spec: { limits: Limits } }) | undefined;
const quotaOf = (ns: string) =>
  ((profiles(emitted).find((p) => p.metadata.name === ns)?.spec as { resourceQuotaSpec?: { hard?: Record<string, string> } })?.resourceQuotaSpec?.hard ??
    {}) as Record<string, string>;

const created: [string, string][] = [];
let seq = 0;

/**
 * Creates a one-container pod; returns kubectl's result (code 0 = admitted). It meets Pod Security
 * `restricted` (pci tenants enforce it), so only the LimitRange and the quota can refuse it.
 */
function createPod(ns: string, resources?: { requests?: Record<string, string>; limits?: Record<string, string> }) {
  const name = `kft-admission-${process.pid}-${++seq}`;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { 'kubeflow-tenants.test/admission': 'true' } },
    spec: {
      securityContext: RESTRICTED_POD_SECURITY,
      containers: [{ name: 'main', image: 'example.invalid/never-pulled:1', securityContext: RESTRICTED_CONTAINER_SECURITY, ...(resources ? { resources } : {}) }],
    },
  };
  const r = kubectl(['create', '-f', '-', '-o', 'json'], JSON.stringify(pod));
  if (r.code === 0) created.push([ns, name]);
  return { ...r, name };
}

function deleteCreated() {
  const byNs = new Map<string, string[]>();
  for (const [ns, n] of created.splice(0)) byNs.set(ns, [...(byNs.get(ns) ?? []), n]);
  for (const [ns, names] of byNs) kubectl(['delete', 'pod', '-n', ns, '--wait=false', '--grace-period=0', ...names]);
}

beforeAll(async () => {
  const r = await applyFixture();
  expect(r.namespaced.apply.code, r.namespaced.apply.stderr).toBe(0);
  // Quota admission refuses pods until the resourcequota controller has computed the status.
  for (const p of profiles(emitted)) {
    await waitFor(`kf-resource-quota status in ${p.metadata.name}`, () => {
      const st = getObject('resourcequota', 'kf-resource-quota', p.metadata.name)?.status as { used?: object } | undefined;
      return st?.used;
    });
  }
});
afterAll(() => deleteCreated());

describe('4. admission in fraud-modelling (exercise 1)', () => {
  const ns = fx('fraud-modelling');
  const lr = limitRangeOf(ns);
  const podMax = lr?.spec.limits.find((l) => l.type === 'Pod')?.max ?? {};
  const container = lr?.spec.limits.find((l) => l.type === 'Container');

  it('dist/ caps a pod at 8 CPU / 32Gi / 1 GPU and the tenant at 8 GPUs', () => {
    expect(quantityValue(podMax.cpu)).toBe(8);
    expect(quantityValue(podMax.memory)).toBe(32 * 2 ** 30);
    expect(quantityValue(podMax['nvidia.com/gpu'])).toBe(1);
    expect(quantityValue(quotaOf(ns)['requests.nvidia.com/gpu'])).toBe(8);
  });

  it('a Pod requesting 16 CPU is rejected by the LimitRange', () => {
    const r = createPod(ns, { requests: { cpu: '16', memory: '1Gi' }, limits: { cpu: '16', memory: '1Gi' } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/forbidden: .*maximum cpu usage per (Pod|Container) is 8, but limit is 16/);
  });

  it('a Pod asking for 2 GPUs is rejected by the LimitRange (1 GPU per pod)', () => {
    const r = createPod(ns, { requests: { 'nvidia.com/gpu': '2' }, limits: { 'nvidia.com/gpu': '2' } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/maximum nvidia.com\/gpu usage per Pod is 1, but limit is 2/);
  });

  it('a Pod with no requests receives the default requests and limits', () => {
    const r = createPod(ns);
    expect(r.code, r.stderr).toBe(0);
    const res = (JSON.parse(r.stdout) as { spec: { containers: { resources: { requests: Record<string, string>; limits: Record<string, string> } }[] } })
      .spec.containers[0].resources;
    expect(normaliseResources(res.requests)).toEqual(normaliseResources(container?.defaultRequest));
    expect(normaliseResources(res.limits)).toEqual(normaliseResources(container?.default));
  });

  it('GPU pods beyond the quota are rejected by the ResourceQuota', () => {
    const hard = quantityValue(quotaOf(ns)['requests.nvidia.com/gpu']);
    const gpu = { 'nvidia.com/gpu': '1' };
    for (let i = 0; i < hard; i++) {
      const r = createPod(ns, { requests: { ...gpu, cpu: '1', memory: '1Gi' }, limits: { ...gpu, cpu: '1', memory: '1Gi' } });
      expect(r.code, `GPU pod ${i + 1} of ${hard}: ${r.stderr}`).toBe(0);
    }
    const r = createPod(ns, { requests: { ...gpu, cpu: '1', memory: '1Gi' }, limits: { ...gpu, cpu: '1', memory: '1Gi' } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/exceeded quota: kf-resource-quota, requested: requests.nvidia.com\/gpu=1, used: requests.nvidia.com\/gpu=8, limited: requests.nvidia.com\/gpu=8/);
  });
});

describe('4. GPU and MIG quota keys are enforced in every tenant', () => {
  // A GPU-like key the tenant is given 0 of: one pod asking for 1 must be refused by the quota.
  const cases = profiles(emitted).flatMap((p) => {
    const hard = quotaOf(p.metadata.name);
    const zero = Object.keys(hard).find((k) => /^requests\.nvidia\.com\//.test(k) && quantityValue(hard[k]) === 0);
    return zero ? [[p.metadata.name, zero.slice('requests.'.length)] as const] : [];
  });

  it('there is at least one MIG tenant and one case to check', () => {
    expect(cases.length).toBeGreaterThan(0);
    expect(profiles(emitted).some((p) => Object.keys(quotaOf(p.metadata.name)).some((k) => /mig-/.test(k) && quantityValue(quotaOf(p.metadata.name)[k]) > 0))).toBe(true);
  });

  it.each(cases)('%s: a pod asking for one %s (quota 0) is rejected by the ResourceQuota', (ns, res) => {
    const r = createPod(ns, { requests: { [res]: '1' }, limits: { [res]: '1' } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`exceeded quota: kf-resource-quota, requested: requests.${res}=1`);
  });

  const migTenant = profiles(emitted)
    .map((p) => p.metadata.name)
    .find((t) => Object.entries(quotaOf(t)).some(([k, v]) => /mig-/.test(k) && quantityValue(v) > 0));

  it(`${migTenant ?? 'the MIG tenant'}: MIG slices are admitted up to the quota, then rejected`, () => {
    expect(migTenant, 'a tenant with a non-zero MIG quota').toBeDefined();
    const ns = migTenant!;
    const hard = quotaOf(ns);
    const key = Object.keys(hard).find((k) => /mig-/.test(k) && quantityValue(hard[k]) > 0);
    expect(key, 'a MIG profile with a non-zero quota').toBeDefined();
    const res = key!.slice('requests.'.length);
    const n = quantityValue(hard[key!]);
    const spec = { requests: { [res]: '1', cpu: '250m', memory: '512Mi' }, limits: { [res]: '1', cpu: '250m', memory: '512Mi' } };
    for (let i = 0; i < n; i++) {
      const r = createPod(ns, spec);
      expect(r.code, `${res} pod ${i + 1} of ${n}: ${r.stderr}`).toBe(0);
    }
    const r = createPod(ns, spec);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`exceeded quota: kf-resource-quota, requested: requests.${res}=1`);
  });
});
