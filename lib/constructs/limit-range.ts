/**
 * The LimitRange that caps single pods and gives default requests to containers that set none, so
 * quota-constrained namespaces still admit them. Caps come resolved from the model (lib/quota.ts
 * `effectiveLimits`).
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { objectMeta } from '../meta';
import type { Quantity } from '../quantity';
import { canonicalQuantity } from '../quantity';
import type { TenantLimits } from '../model/tenant';

const sortKeys = <T>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Props of {@link TenantLimitRange}. */
export interface TenantLimitRangeProps {
  /** Tenant namespace. */
  readonly namespace: string;
  /** Caps after defaults (the model's `limits`). */
  readonly limits: TenantLimits;
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
    // Canonical form, as the API server returns it: otherwise Argo CD sees a diff on every sync.
    const q = (x: Quantity | number) => k8s.Quantity.fromString(canonicalQuantity(typeof x === 'number' ? x : x.text));
    new k8s.KubeLimitRange(this, 'Resource', {
      metadata: objectMeta(TenantLimitRange.NAME, props.namespace, props.labels),
      spec: {
        limits: [
          {
            type: 'Pod',
            max: sortKeys({
              cpu: q(podMax.cpu),
              memory: q(podMax.memory),
              ...Object.fromEntries(gpuCaps.map((r) => [r, q(podMax.gpu[r] ?? 0)])),
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
