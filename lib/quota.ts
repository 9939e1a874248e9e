/**
 * Quota: the tenant's hard ResourceQuota (carried by the Profile, materialised by the Profile
 * controller as `kf-resource-quota`) and the LimitRange that caps single pods and gives default
 * requests to containers that set none, so quota-constrained namespaces still admit them.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { QuantityInput, QuotaSpec } from './declarations/quota';
import { explainUnknownGpu, inventoryResources } from './gpu';
import type { PlatformSettings } from './declarations/platform';
import { minQuantity, Quantity } from './quantity';
import type { CheckContext, ErrorList } from './validation';
import { at, checkCount, checkObject, checkQuantity, isPlainObject } from './validation';
import type { TenantSpec } from './declarations/tenant';
import { objectMeta } from './meta';

// Declarations live in lib/declarations/ (no import cycles); re-exported so existing imports keep working.
export type { CpuMemory, LimitsSpec, PodCaps, QuantityInput, QuotaSpec } from './declarations/quota';

const QUOTA_FIELDS = ['cpu', 'memory', 'limitsCpu', 'limitsMemory', 'storage', 'persistentVolumeClaims', 'pods', 'gpu'] as const satisfies readonly (keyof QuotaSpec)[];
const QUOTA_QUANTITY_KEYS: Record<string, string> = {
  cpu: 'requests.cpu',
  memory: 'requests.memory',
  limitsCpu: 'limits.cpu',
  limitsMemory: 'limits.memory',
  storage: 'requests.storage',
};
const QUOTA_COUNT_KEYS: Record<string, string> = { persistentVolumeClaims: 'persistentvolumeclaims', pods: 'pods' };

/** `spec.resourceQuotaSpec.hard` of the Profile, keys sorted. Input must be valid. */
export function quotaHard(quota: QuotaSpec | undefined, platform: PlatformSettings): Record<string, string> {
  const hard: Record<string, string> = {};
  const q = quota ?? {};
  for (const [field, key] of Object.entries(QUOTA_QUANTITY_KEYS)) {
    const v = q[field as keyof QuotaSpec] as QuantityInput | undefined;
    if (v !== undefined) hard[key] = String(v);
  }
  for (const [field, key] of Object.entries(QUOTA_COUNT_KEYS)) {
    const v = q[field as keyof QuotaSpec] as number | undefined;
    if (v !== undefined) hard[key] = String(v);
  }
  // Extended resources only support the `requests.` prefix in a ResourceQuota. Every GPU resource
  // the platform has is listed, 0 where undeclared, so a tenant cannot use GPUs it was not given.
  const gpu = (q.gpu ?? {}) as Record<string, number>;
  for (const res of inventoryResources(platform.gpu)) hard[`requests.${res}`] = String(gpu[res] ?? 0);
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
  const defaultLimit = {
    cpu: ctr.defaultLimit?.cpu !== undefined ? Quantity.of(ctr.defaultLimit.cpu) : containerMax.cpu,
    memory: ctr.defaultLimit?.memory !== undefined ? Quantity.of(ctr.defaultLimit.memory) : containerMax.memory,
  };
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
      const parsed = checkQuantity(errs, at.field('quota', f), q[f]);
      if (parsed) quota[f] = parsed;
      else quotaOk = false;
    }
    for (const f of Object.keys(QUOTA_COUNT_KEYS)) {
      if (q[f] !== undefined && checkCount(errs, at.field('quota', f), q[f]) === undefined) quotaOk = false;
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
        const parsed = checkQuantity(errs, `limits.pod.max.${r}`, max[r]);
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
        const parsed = checkQuantity(errs, `limits.container.${section}.${r}`, v[r]);
        if (parsed) target[r] = parsed;
        else limitsOk = false;
      }
    }
  } else if (limits.container !== undefined) limitsOk = false;

  // Relations between caps are only meaningful once every number parsed.
  if (!quotaOk || !limitsOk) return;
  for (const r of ['cpu', 'memory'] as const) {
    const cap = pod[r];
    const q = quota[r];
    if (cap && q && cap.compare(q) > 0) {
      errs.invalid(`limits.pod.max.${r}`, cap.text, `exceeds the tenant quota quota.${r} "${q.text}"; lower the per-pod cap or raise the quota`);
    }
  }
  for (const [res, n] of Object.entries(podGpu)) {
    const q = quotaGpu[res] ?? 0;
    if (n > q) {
      errs.invalid(at.key('limits.pod.max.gpu', res), n, `exceeds the tenant quota quota.gpu["${res}"] (${q}); lower the per-pod cap or raise the quota`);
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
    const dr = ctrReq[r];
    if (dr && dr.compare(eff.defaultLimit[r]) > 0) {
      errs.invalid(`limits.container.defaultRequest.${r}`, dr.text, `exceeds its cap "${eff.defaultLimit[r].text}" (the default limit); lower the default request or raise limits.container.defaultLimit.${r}`);
    }
  }
}

function checkGpuCounts(errs: ErrorList, path: string, value: unknown, ctx: CheckContext, out: Record<string, number>): boolean {
  if (!isPlainObject(value)) {
    errs.invalid(path, value, 'must map GPU resource names to counts, e.g. { "nvidia.com/gpu": 2 }');
    return false;
  }
  let ok = true;
  for (const [res, n] of Object.entries(value)) {
    const p = at.key(path, res);
    const why = explainUnknownGpu(res, ctx.platform.gpu);
    if (why) {
      errs.add(p, 'Unsupported value', res, why);
      ok = false;
      continue;
    }
    const count = checkCount(errs, p, n);
    if (count === undefined) ok = false;
    else out[res] = count;
  }
  return ok;
}

/** Props of {@link TenantLimitRange}. */
export interface TenantLimitRangeProps {
  /** Tenant namespace. */
  readonly namespace: string;
  /** Caps after defaults, from {@link effectiveLimits}. */
  readonly limits: EffectiveLimits;
  /** Labels for the object. @default none */
  readonly labels?: Record<string, string>;
}

/**
 * The `LimitRange` named `tenant-limits`. Every value the API server would default is written
 * explicitly (container default limit, default request), so Argo CD sees no drift.
 */
export class TenantLimitRange extends Construct {
  static readonly NAME = 'tenant-limits';

  constructor(scope: Construct, id: string, props: TenantLimitRangeProps) {
    super(scope, id);
    const { podMax, containerMax, defaultLimit, defaultRequest } = props.limits;
    const gpuCaps = Object.keys(podMax.gpu).sort();
    // LimitRanger rejects a pod that sets no limit for a resource with a per-pod max; a 0 default
    // for each capped GPU resource keeps CPU-only pods admissible.
    const zeroGpu = Object.fromEntries(gpuCaps.map((r) => [r, k8s.Quantity.fromString('0')]));
    const q = (x: Quantity) => k8s.Quantity.fromString(x.text);
    new k8s.KubeLimitRange(this, 'Resource', {
      metadata: objectMeta(TenantLimitRange.NAME, props.namespace, props.labels),
      spec: {
        limits: [
          {
            type: 'Pod',
            max: sortKeys({
              cpu: q(podMax.cpu),
              memory: q(podMax.memory),
              ...Object.fromEntries(gpuCaps.map((r) => [r, k8s.Quantity.fromString(String(podMax.gpu[r]))])),
            }),
          },
          {
            type: 'Container',
            max: { cpu: q(containerMax.cpu), memory: q(containerMax.memory) },
            default: sortKeys({ cpu: q(defaultLimit.cpu), memory: q(defaultLimit.memory), ...zeroGpu }),
            defaultRequest: sortKeys({ cpu: q(defaultRequest.cpu), memory: q(defaultRequest.memory), ...zeroGpu }),
          },
        ],
      },
    });
  }
}

export function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
