/**
 * Quota: the checks of `quota` and `limits`, and their resolution into the model: the tenant's hard
 * ResourceQuota (carried by the Profile, materialised by the Profile controller as
 * `kf-resource-quota`) and the caps of the LimitRange (lib/constructs/limit-range.ts).
 */
import type { QuantityInput, QuotaSpec } from './declarations/quota';
import { explainUnknownGpu, inventoryResources } from './gpu';
import { queueQuotaGpu, resolveQueue } from './queues';
import type { PlatformSettings } from './declarations/platform';
import { countProblem, quantityProblem, ZERO_LIMIT } from './platform';
import { canonicalQuantity, minQuantity, Quantity } from './quantity';
import type { CheckContext, ErrorList } from './validation';
import { at, checkCount, checkObject, checkQuantity, isPlainObject } from './validation';
import type { TenantSpec } from './declarations/tenant';

// Declarations live in lib/declarations/ (no import cycles); re-exported so existing imports keep working.
export type { CpuMemory, LimitsSpec, PodCaps, QuantityInput, QuotaSpec } from './declarations/quota';

const QUOTA_FIELDS = ['cpu', 'memory', 'limitsCpu', 'limitsMemory', 'storage', 'persistentVolumeClaims', 'pods', 'loadBalancers', 'nodePorts', 'gpu'] as const satisfies readonly (keyof QuotaSpec)[];
const QUOTA_QUANTITY_KEYS: Record<string, string> = {
  cpu: 'requests.cpu',
  memory: 'requests.memory',
  limitsCpu: 'limits.cpu',
  limitsMemory: 'limits.memory',
  storage: 'requests.storage',
};
const QUOTA_COUNT_KEYS: Record<string, string> = { persistentVolumeClaims: 'persistentvolumeclaims', pods: 'pods' };
/**
 * Services that expose a tenant outside the mesh (a cloud load balancer, a port on every node),
 * past the ingress gateway's authentication: 0 unless the tenant asks (and the diff flags the raise).
 */
const QUOTA_SERVICE_KEYS = { loadBalancers: 'services.loadbalancers', nodePorts: 'services.nodeports' } as const;
/** The sanity bound (platform.ts `quantityBounds`) each quota quantity is held to. */
const QUOTA_RESOURCE: Record<string, 'cpu' | 'memory' | 'storage'> = { cpu: 'cpu', memory: 'memory', limitsCpu: 'cpu', limitsMemory: 'memory', storage: 'storage' };
const LIMITS_QUOTA = { cpu: 'limitsCpu', memory: 'limitsMemory' } as const;

/** `spec.resourceQuotaSpec.hard` of the Profile, keys sorted. Input must be valid. */
export function quotaHard(quota: QuotaSpec | undefined, platform: PlatformSettings): Record<string, string> {
  const hard: Record<string, string> = {};
  const q = quota ?? {};
  for (const [field, key] of Object.entries(QUOTA_QUANTITY_KEYS)) {
    const v = q[field as keyof QuotaSpec] as QuantityInput | undefined;
    if (v !== undefined) hard[key] = canonicalQuantity(v);
  }
  // Counts too: the API server writes 1000 pods as "1k".
  for (const [field, key] of Object.entries(QUOTA_COUNT_KEYS)) {
    const v = q[field as keyof QuotaSpec] as number | undefined;
    if (v !== undefined) hard[key] = canonicalQuantity(v);
  }
  for (const [field, key] of Object.entries(QUOTA_SERVICE_KEYS)) hard[key] = canonicalQuantity(q[field as keyof typeof QUOTA_SERVICE_KEYS] ?? 0);
  // Extended resources only support the `requests.` prefix in a ResourceQuota. Every GPU resource
  // the platform has is listed, 0 where undeclared, so a tenant cannot use GPUs it was not given.
  const gpu = (q.gpu ?? {}) as Record<string, number>;
  for (const res of inventoryResources(platform.gpu)) hard[`requests.${res}`] = canonicalQuantity(gpu[res] ?? 0);
  return sortKeys(hard);
}

/** The caps the LimitRange enforces, after defaults. Input must be valid. */
export interface EffectiveLimits {
  readonly podMax: { cpu: Quantity; memory: Quantity; gpu: Record<string, number> };
  readonly containerMax: { cpu: Quantity; memory: Quantity };
  readonly defaultLimit: { cpu: Quantity; memory: Quantity };
  readonly defaultRequest: { cpu: Quantity; memory: Quantity };
}

export function effectiveLimits(spec: TenantSpec, platform: PlatformSettings): EffectiveLimits {
  const quota = spec.quota ?? {};
  const pod = spec.limits?.pod?.max ?? {};
  const ctr = spec.limits?.container ?? {};
  const podCap = (r: 'cpu' | 'memory'): Quantity => {
    const declared = pod[r];
    if (declared !== undefined) return Quantity.of(declared);
    const def = Quantity.of(platform.podDefaults.podMax[r]);
    const q = quota[r];
    return q === undefined ? def : minQuantity(def, Quantity.of(q));
  };
  const podMax = { cpu: podCap('cpu'), memory: podCap('memory'), gpu: { ...((pod.gpu ?? {}) as Record<string, number>) } };
  const containerMax = {
    cpu: ctr.max?.cpu !== undefined ? Quantity.of(ctr.max.cpu) : podMax.cpu,
    memory: ctr.max?.memory !== undefined ? Quantity.of(ctr.max.memory) : podMax.memory,
  };
  // A default limit above the quota on limits would make the ResourceQuota refuse every pod that sets none.
  const defLimit = (r: 'cpu' | 'memory'): Quantity => {
    const declared = ctr.defaultLimit?.[r];
    if (declared !== undefined) return Quantity.of(declared);
    const q = quota[LIMITS_QUOTA[r]];
    return q === undefined ? containerMax[r] : minQuantity(containerMax[r], Quantity.of(q));
  };
  const defaultLimit = { cpu: defLimit('cpu'), memory: defLimit('memory') };
  const defReq = (r: 'cpu' | 'memory'): Quantity => {
    const declared = ctr.defaultRequest?.[r];
    if (declared !== undefined) return Quantity.of(declared);
    return minQuantity(Quantity.of(platform.podDefaults.defaultRequest[r]), defaultLimit[r]);
  };
  return { podMax, containerMax, defaultLimit, defaultRequest: { cpu: defReq('cpu'), memory: defReq('memory') } };
}

/** Checks `quota` and `limits` of one tenant. */
export function checkQuota(errs: ErrorList, spec: TenantSpec, ctx: CheckContext): void {
  const quota: Record<string, Quantity | undefined> = {};
  const quotaGpu: Record<string, number> = {};
  let quotaOk = true;
  if (spec.quota !== undefined && checkObject(errs, 'quota', spec.quota, QUOTA_FIELDS)) {
    const q = spec.quota as Record<string, unknown>;
    for (const f of Object.keys(QUOTA_QUANTITY_KEYS)) {
      if (q[f] === undefined) continue;
      // A CPU or memory quota of 0 lowers the default limit to 0 (see effectiveLimits).
      const zero = f === 'storage' ? undefined : `${ZERO_LIMIT}, or leave quota.${f} unset for no cap`;
      const parsed = checkAmount(errs, at.field('quota', f), q[f], QUOTA_RESOURCE[f]!, ctx, zero);
      if (parsed) quota[f] = parsed;
      else quotaOk = false;
    }
    for (const f of ['persistentVolumeClaims', 'pods'] as const) {
      if (q[f] === undefined) continue;
      const path = at.field('quota', f);
      const n = checkCount(errs, path, q[f]);
      const why = n === undefined ? undefined : countProblem(n, f, ctx.platform.quantityBounds);
      if (why) errs.invalid(path, n, why);
      else if (f === 'pods' && n === 0) {
        // Refused rather than read as "frozen tenant": synth guarantees that every tenant namespace admits a pod that sets no resources.
        errs.invalid(path, n, 'no pod could run in the namespace, not even one that sets no resources; write at least 1, or leave quota.pods unset for no cap');
      }
      if (n === undefined || why || (f === 'pods' && n === 0)) quotaOk = false;
    }
    for (const f of Object.keys(QUOTA_SERVICE_KEYS)) {
      if (q[f] === undefined) continue;
      const path = at.field('quota', f);
      const n = checkCount(errs, path, q[f]);
      // Above the pods bound is a typo: a namespace has no more services than that.
      const why = n === undefined ? undefined : countProblem(n, 'pods', ctx.platform.quantityBounds);
      if (why) errs.invalid(path, n, why);
      if (n === undefined || why) quotaOk = false;
    }
    if (q.gpu !== undefined) {
      const ok = checkGpuCounts(errs, 'quota.gpu', q.gpu, ctx, quotaGpu);
      quotaOk = quotaOk && ok;
    }
  } else if (spec.quota !== undefined) {
    quotaOk = false;
  }

  const limits = spec.limits as unknown;
  if (limits === undefined) return;
  if (!checkObject(errs, 'limits', limits, ['pod', 'container'])) return;
  const pod: Record<string, Quantity | undefined> = {};
  const podGpu: Record<string, number> = {};
  let limitsOk = true;
  if (limits.pod !== undefined && checkObject(errs, 'limits.pod', limits.pod, ['max'])) {
    const max = limits.pod.max;
    if (max !== undefined && checkObject(errs, 'limits.pod.max', max, ['cpu', 'memory', 'gpu'])) {
      for (const r of ['cpu', 'memory'] as const) {
        if (max[r] === undefined) continue;
        const parsed = checkAmount(errs, `limits.pod.max.${r}`, max[r], r, ctx, ZERO_LIMIT);
        if (parsed) pod[r] = parsed;
        else limitsOk = false;
      }
      if (max.gpu !== undefined && !checkGpuCounts(errs, 'limits.pod.max.gpu', max.gpu, ctx, podGpu)) limitsOk = false;
    } else if (max !== undefined) limitsOk = false;
  } else if (limits.pod !== undefined) limitsOk = false;

  const ctrMax: Record<string, Quantity | undefined> = {};
  const ctrLim: Record<string, Quantity | undefined> = {};
  const ctrReq: Record<string, Quantity | undefined> = {};
  if (limits.container !== undefined && checkObject(errs, 'limits.container', limits.container, ['max', 'defaultLimit', 'defaultRequest'])) {
    for (const [section, target] of [['max', ctrMax], ['defaultLimit', ctrLim], ['defaultRequest', ctrReq]] as const) {
      const v = (limits.container as Record<string, unknown>)[section];
      if (v === undefined) continue;
      if (!checkObject(errs, `limits.container.${section}`, v, ['cpu', 'memory'])) {
        limitsOk = false;
        continue;
      }
      for (const r of ['cpu', 'memory'] as const) {
        if (v[r] === undefined) continue;
        // A default request of 0 is fine (a request is not a limit); caps and limits of 0 are not.
        const parsed = checkAmount(errs, `limits.container.${section}.${r}`, v[r], r, ctx, section === 'defaultRequest' ? undefined : ZERO_LIMIT);
        if (parsed) target[r] = parsed;
        else limitsOk = false;
      }
    }
  } else if (limits.container !== undefined) limitsOk = false;

  // Relations between caps are only meaningful once every number parsed.
  // Together with the derivations in effectiveLimits they make the README's guarantee true (a pod
  // that sets no resources is admitted into an empty namespace): default request <= default limit
  // <= container cap <= pod cap <= quota.cpu / quota.memory, default limit <= quota.limitsCpu /
  // quota.limitsMemory, and quota.pods >= 1 (above). test/admission.property.test.ts checks it.
  if (!quotaOk || !limitsOk) return;
  for (const r of ['cpu', 'memory'] as const) {
    const cap = pod[r];
    const q = quota[r];
    if (cap && q && cap.compare(q) > 0) {
      errs.invalid(`limits.pod.max.${r}`, cap.text, `exceeds the tenant quota quota.${r} "${q.text}"; lower the per-pod cap or raise the quota`);
    }
  }
  // With a queue the ResourceQuota's GPU values are derived from it (lib/queues.ts queueQuotaGpu).
  const queue = spec.queue === undefined ? undefined : resolveQueue(spec, ctx.platform);
  const derived = queue ? queueQuotaGpu(queue, ctx.platform) : {};
  for (const [res, n] of Object.entries(podGpu)) {
    const fromQueue = derived[res];
    const q = fromQueue ?? quotaGpu[res] ?? 0;
    if (n > q) {
      errs.invalid(
        at.key('limits.pod.max.gpu', res),
        n,
        fromQueue !== undefined
          ? `exceeds the tenant's GPU quota requests.${res} (${q}, derived from its queue: nominal + borrowingLimit + outsideKueue); lower the per-pod cap or raise the queue's quota`
          : `exceeds the tenant quota quota.gpu["${res}"] (${q}); lower the per-pod cap or raise the quota`,
      );
    }
  }
  const eff = effectiveLimits(spec, ctx.platform);
  for (const r of ['cpu', 'memory'] as const) {
    const cm = ctrMax[r];
    if (cm && cm.compare(eff.podMax[r]) > 0) {
      errs.invalid(`limits.container.max.${r}`, cm.text, `exceeds the per-pod cap "${eff.podMax[r].text}"; a container cannot be larger than its pod`);
    }
    const dl = ctrLim[r];
    if (dl && dl.compare(eff.containerMax[r]) > 0) {
      errs.invalid(`limits.container.defaultLimit.${r}`, dl.text, `exceeds its cap "${eff.containerMax[r].text}" (the per-container maximum); lower the default limit or raise limits.container.max.${r}`);
    }
    const lq = quota[LIMITS_QUOTA[r]];
    if (dl && lq && dl.compare(lq) > 0) {
      errs.invalid(
        `limits.container.defaultLimit.${r}`,
        dl.text,
        `exceeds the tenant quota quota.${LIMITS_QUOTA[r]} "${lq.text}": the ResourceQuota would refuse every pod that sets no limits; lower the default limit or raise the quota`,
      );
    }
    const dr = ctrReq[r];
    if (dr && dr.compare(eff.defaultLimit[r]) > 0) {
      errs.invalid(`limits.container.defaultRequest.${r}`, dr.text, `exceeds its cap "${eff.defaultLimit[r].text}" (the default limit); lower the default request or raise limits.container.defaultLimit.${r}`);
    }
  }
}

/**
 * A quantity of `resource` the API server stores as written and within the platform's sanity bound;
 * `zero` is the reason 0 is refused, when it is.
 */
function checkAmount(errs: ErrorList, path: string, value: unknown, resource: 'cpu' | 'memory' | 'storage', ctx: CheckContext, zero?: string): Quantity | undefined {
  const q = checkQuantity(errs, path, value);
  if (!q) return undefined;
  const why = quantityProblem(q, resource, ctx.platform.quantityBounds) ?? (zero !== undefined && q.milli === 0n ? zero : undefined);
  if (why) {
    errs.invalid(path, value, why);
    return undefined;
  }
  return q;
}

function checkGpuCounts(errs: ErrorList, path: string, value: unknown, ctx: CheckContext, out: Record<string, number>): boolean {
  if (!isPlainObject(value)) {
    errs.invalid(path, value, 'must map GPU resource names to counts, e.g. { "nvidia.com/gpu": 2 }');
    return false;
  }
  let ok = true;
  for (const [res, n] of Object.entries(value)) {
    const p = at.key(path, res);
    const unknown = explainUnknownGpu(res, ctx.platform.gpu);
    if (unknown) {
      errs.add(p, 'Unsupported value', res, unknown);
      ok = false;
      continue;
    }
    const count = checkCount(errs, p, n);
    const why = count === undefined ? undefined : countProblem(count, { gpu: res }, ctx.platform.quantityBounds);
    if (why) errs.invalid(p, count, why);
    if (count === undefined || why) ok = false;
    else out[res] = count;
  }
  return ok;
}

export function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
