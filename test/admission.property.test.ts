/**
 * The guarantee synth gives every tenant: a pod that sets no resources is admitted into its empty
 * namespace. For random tenants (valid or not) and platform defaults, every tenant that passes
 * validation is synthesized, and what LimitRanger and the ResourceQuota admission plugin would do
 * to a one-container pod without resources is computed from the emitted LimitRange and Profile
 * quota, following the plugins' rules (k8s.io/kubernetes plugin/pkg/admission/limitranger and
 * pkg/quota/v1/evaluator/core/pods.go). The real plugins are asked the same question for edge
 * shapes in test/cluster/5-no-resources-pod.cluster.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePlatform } from '../lib/platform';
import type { PlatformSettings } from '../lib/platform';
import { Quantity } from '../lib/quantity';
import { synthesize } from '../lib/synth';
import type { Manifest } from '../lib/synth';
import { validateTenants } from '../lib/tenant';
import { entry, validSpec } from './support/fixtures';

type ResourceList = Record<string, string>;
interface LimitItem {
  type: 'Pod' | 'Container';
  max?: ResourceList;
  default?: ResourceList;
  defaultRequest?: ResourceList;
}

const q = (s: string) => Quantity.of(s);
const gt = (a: string, b: string) => q(a).compare(q(b)) > 0;

/**
 * Why the API server would refuse a one-container pod that sets no resources in a namespace holding
 * only `limits` (the LimitRange) and `hard` (the ResourceQuota, nothing used yet); [] = admitted.
 * Also refuses a LimitRange the API server would not store, a value it would round, and a default
 * limit of 0 (no limit at all to the container runtime: admitted, but not what a cap means).
 */
function refusals(limits: LimitItem[], hard: ResourceList): string[] {
  const out: string[] = [];
  // The API server keeps thousandths and rounds the rest up: the objects would not say what synth meant.
  for (const v of [...limits.flatMap((l) => [l.max, l.default, l.defaultRequest].flatMap((x) => Object.values(x ?? {}))), ...Object.values(hard)]) {
    if (!q(v).milliExact) out.push(`${v} would be rounded up by the API server`);
  }
  const containerItems = limits.filter((l) => l.type === 'Container');
  // LimitRange validation (ValidateLimitRange): defaultRequest <= default <= max per resource.
  for (const l of containerItems) {
    for (const [r, d] of Object.entries(l.default ?? {})) if (l.max?.[r] !== undefined && gt(d, l.max[r]!)) out.push(`LimitRange: default ${r} ${d} > max ${l.max[r]}`);
    for (const [r, d] of Object.entries(l.defaultRequest ?? {})) {
      if (l.default?.[r] !== undefined && gt(d, l.default[r]!)) out.push(`LimitRange: defaultRequest ${r} ${d} > default ${l.default[r]}`);
      if (l.max?.[r] !== undefined && gt(d, l.max[r]!)) out.push(`LimitRange: defaultRequest ${r} ${d} > max ${l.max[r]}`);
    }
  }
  // LimitRanger mutation: a resource the container does not set gets the Container item's default.
  const requests: ResourceList = {};
  const lims: ResourceList = {};
  for (const l of containerItems) {
    Object.assign(requests, l.defaultRequest ?? {});
    Object.assign(lims, l.default ?? {});
  }
  // LimitRanger validation: every max needs a limit at or under it, and the request under it too.
  // One container: the pod's sums are the container's values.
  for (const l of limits) {
    for (const [r, max] of Object.entries(l.max ?? {})) {
      if (lims[r] === undefined) out.push(`maximum ${r} usage per ${l.type} is ${max}. No limit is specified`);
      else if (gt(lims[r]!, max)) out.push(`maximum ${r} usage per ${l.type} is ${max}, but limit is ${lims[r]}`);
      if (requests[r] !== undefined && gt(requests[r]!, max)) out.push(`maximum ${r} usage per ${l.type} is ${max}, but request is ${requests[r]}`);
    }
  }
  // ResourceQuota: a quota on CPU or memory requires every container to state it; usage <= hard.
  for (const [key, limit] of Object.entries(hard)) {
    let used: string | undefined;
    if (key === 'pods') used = '1';
    else if (key.startsWith('requests.') && key !== 'requests.storage') used = requests[key.slice('requests.'.length)];
    else if (key.startsWith('limits.')) used = lims[key.slice('limits.'.length)];
    else continue; // requests.storage, persistentvolumeclaims: a pod without volumes uses none
    const resource = key.replace(/^(requests|limits)\./, '');
    if (used === undefined) {
      if (resource === 'cpu' || resource === 'memory') out.push(`must specify ${key}`);
      continue;
    }
    if (gt(used, limit)) out.push(`exceeded quota: requested ${key}=${used}, limited ${key}=${limit}`);
  }
  for (const r of ['cpu', 'memory']) if (lims[r] === undefined || q(lims[r]!).milli === 0n) out.push(`default ${r} limit is ${lims[r] ?? 'missing'}: no limit at all`);
  return out;
}

function emitted(spec: unknown, platform: PlatformSettings): { limits: LimitItem[]; hard: ResourceList } {
  const objects = synthesize([entry(spec)], platform).objects.map((o) => o.manifest);
  const lr = objects.find((m) => m.kind === 'LimitRange') as (Manifest & { spec: { limits: LimitItem[] } }) | undefined;
  const profile = objects.find((m) => m.kind === 'Profile') as (Manifest & { spec: { resourceQuotaSpec: { hard: ResourceList } } }) | undefined;
  if (!lr || !profile) throw new Error('synth emitted no LimitRange or no Profile');
  return { limits: lr.spec.limits, hard: profile.spec.resourceQuotaSpec.hard };
}

// Few distinct values, so that equal and crossing caps are common; '0' and sub-milli values too.
const cpu = fc.constantFrom('0', '0.0005', '50m', '100m', '250m', '500m', '1', '2', '4', '8', '16', '32');
const mem = fc.constantFrom(0, '64Mi', '256Mi', '512Mi', '1Gi', '4Gi', '16Gi', '64Gi', '128Gi');
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
const cpuMem = fc.record({ cpu: opt(cpu), memory: opt(mem) }, { requiredKeys: [] });
const gpuCounts = fc.dictionary(fc.constantFrom('nvidia.com/gpu', 'nvidia.com/mig-1g.5gb'), fc.integer({ min: 0, max: 3 }), { maxKeys: 2 });

const specArb = fc
  .record(
    {
      quota: fc.record(
        { cpu: opt(cpu), memory: opt(mem), limitsCpu: opt(cpu), limitsMemory: opt(mem), pods: opt(fc.constantFrom(0, 1, 2, 50)), gpu: opt(gpuCounts) },
        { requiredKeys: [] },
      ),
      pod: fc.record({ cpu: opt(cpu), memory: opt(mem), gpu: opt(gpuCounts) }, { requiredKeys: [] }),
      max: cpuMem,
      defaultLimit: cpuMem,
      defaultRequest: cpuMem,
    },
    { requiredKeys: ['quota'] },
  )
  .map(({ quota, pod, max, defaultLimit, defaultRequest }) =>
    validSpec({
      quota,
      limits: { ...(pod ? { pod: { max: pod } } : {}), container: { ...(max ? { max } : {}), ...(defaultLimit ? { defaultLimit } : {}), ...(defaultRequest ? { defaultRequest } : {}) } },
    }),
  );

const platformArb = fc
  .record({ podCpu: fc.constantFrom('2', '16'), podMem: fc.constantFrom('4Gi', '64Gi'), reqCpu: fc.constantFrom('100m', '1'), reqMem: fc.constantFrom('256Mi', '2Gi') })
  .map(({ podCpu, podMem, reqCpu, reqMem }) => definePlatform({ podDefaults: { podMax: { cpu: podCpu, memory: podMem }, defaultRequest: { cpu: reqCpu, memory: reqMem } } }));

describe('a pod that sets no resources is admitted into an empty tenant namespace', () => {
  it('the admission model refuses what the API server refuses (so the property below can fail)', () => {
    const lr: LimitItem[] = [
      { type: 'Pod', max: { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': '1' } },
      { type: 'Container', max: { cpu: '2', memory: '4Gi' }, default: { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': '0' }, defaultRequest: { cpu: '100m', memory: '256Mi', 'nvidia.com/gpu': '0' } },
    ];
    expect(refusals(lr, { 'requests.cpu': '1', 'limits.cpu': '2', 'requests.nvidia.com/gpu': '0', 'requests.storage': '0', pods: '1' })).toEqual([]);
    expect(refusals(lr, { 'limits.cpu': '1' })).toEqual(['exceeded quota: requested limits.cpu=2, limited limits.cpu=1']);
    expect(refusals(lr, { 'requests.memory': '128Mi' })).toEqual(['exceeded quota: requested requests.memory=256Mi, limited requests.memory=128Mi']);
    expect(refusals(lr, { pods: '0' })).toEqual(['exceeded quota: requested pods=1, limited pods=0']);
    const noGpuDefault = lr.map((l) => (l.type === 'Container' ? { ...l, default: { cpu: '2', memory: '4Gi' } } : l));
    expect(refusals(noGpuDefault, {})).toEqual(['maximum nvidia.com/gpu usage per Pod is 1. No limit is specified']);
    expect(refusals(lr, { 'requests.cpu': '0.0001' })).toEqual(['0.0001 would be rounded up by the API server', 'exceeded quota: requested requests.cpu=100m, limited requests.cpu=0.0001']);
  });

  it('for every valid tenant and platform defaults, by the emitted LimitRange and ResourceQuota', () => {
    let valid = 0;
    let refusedBySynth = 0;
    fc.assert(
      fc.property(specArb, platformArb, (spec, platform) => {
        if (validateTenants([entry(spec)], platform).length > 0) {
          refusedBySynth++;
          return;
        }
        valid++;
        const { limits, hard } = emitted(spec, platform);
        expect(refusals(limits, hard), JSON.stringify({ spec: { quota: spec.quota, limits: spec.limits }, limits, hard })).toEqual([]);
      }),
      { numRuns: 1500 },
    );
    // Both sides of validation must be exercised, or the property says nothing.
    expect(valid).toBeGreaterThan(100);
    expect(refusedBySynth).toBeGreaterThan(100);
  });
});
