/** Quota and limits as a tenant file declares them. Defaults and checks: lib/quota.ts. */
import type { GpuCounts } from './gpu';

/** A Kubernetes quantity: `'500m'`, `'32Gi'`, or a plain number of units (`50`). */
export type QuantityInput = string | number;

/** The tenant's namespace-wide hard limits. Every unset field is uncapped, except GPUs, load balancers and node ports (0). */
export interface QuotaSpec {
  /** Sum of CPU requests (`requests.cpu`). @default uncapped */
  readonly cpu?: QuantityInput;
  /** Sum of memory requests (`requests.memory`). @default uncapped */
  readonly memory?: QuantityInput;
  /** Sum of CPU limits (`limits.cpu`). @default uncapped */
  readonly limitsCpu?: QuantityInput;
  /** Sum of memory limits (`limits.memory`). @default uncapped */
  readonly limitsMemory?: QuantityInput;
  /** Sum of PVC storage requests (`requests.storage`). @default uncapped */
  readonly storage?: QuantityInput;
  /** Number of PVCs (`persistentvolumeclaims`). @default uncapped */
  readonly persistentVolumeClaims?: number;
  /** Number of pods (`pods`); at least 1, so the namespace admits a pod. @default uncapped */
  readonly pods?: number;
  /**
   * Services of type LoadBalancer (`services.loadbalancers`): each one is a cloud load balancer
   * reachable from outside the mesh, bypassing the ingress gateway's authentication. @default 0
   */
  readonly loadBalancers?: number;
  /** Services of type NodePort (`services.nodeports`): a port on every node, outside the mesh. @default 0 */
  readonly nodePorts?: number;
  /**
   * GPUs by resource: whole devices, MIG slices, time-sliced shares (`requests.<resource>`). With a
   * `queue`, every GPU resource a Kueue flavor offers is derived from it instead (nominal +
   * borrowingLimit + `queue.outsideKueue`); a value written here must then equal it.
   * @default 0 for every GPU resource of the platform inventory: a tenant gets only the GPUs it declares
   */
  readonly gpu?: GpuCounts;
}

/** CPU and memory, e.g. `{ cpu: '8', memory: '32Gi' }`. */
export interface CpuMemory {
  /** @default platform or derived value, see the field that uses it */
  readonly cpu?: QuantityInput;
  /** @default platform or derived value, see the field that uses it */
  readonly memory?: QuantityInput;
}

/** Caps for one pod: the sum over its containers. */
export interface PodCaps extends CpuMemory {
  /** GPUs one pod may take, per resource. @default uncapped per pod (the quota still applies) */
  readonly gpu?: GpuCounts;
}

/** What one pod or container may take; becomes the tenant's LimitRange. */
export interface LimitsSpec {
  readonly pod?: {
    /** @default the platform's `podDefaults.podMax`, lowered to the quota where the quota is smaller */
    readonly max?: PodCaps;
  };
  readonly container?: {
    /** Cap for one container. @default the per-pod cap */
    readonly max?: CpuMemory;
    /** Limit given to a container that sets none. @default the container cap, lowered to `quota.limitsCpu` / `quota.limitsMemory` where smaller */
    readonly defaultLimit?: CpuMemory;
    /** Request given to a container that sets none. @default the platform's `podDefaults.defaultRequest`, lowered to the default limit */
    readonly defaultRequest?: CpuMemory;
  };
}
