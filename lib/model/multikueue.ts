/**
 * MultiKueue, resolved (docs/fleet.md "Bursting with MultiKueue"): what a cluster's burst facts
 * (lib/model/fleet.ts `ClusterBurst`) mean in objects. Built by lib/model/kueue.ts `kueueModel`
 * (the burst ClusterQueues) and lib/model/tenant.ts `orgModel` (the guests' tenant models);
 * rendered by lib/constructs/multikueue.ts.
 *
 * On the home cluster (the manager), per tenant that bursts: LocalQueue `burst` -> ClusterQueue
 * `<tenant>-burst` (no cohort, nominal = burst quota) -> AdmissionCheck `<tenant>-burst`
 * (controller `kueue.x-k8s.io/multikueue`) -> MultiKueueConfig `<tenant>-burst` (its workers) ->
 * one MultiKueueCluster per worker, whose kubeconfig Secret in Kueue's namespace comes from a
 * platform ExternalSecret (ClusterSecretStore `fleet.multiKueue.secretStore`, Vault
 * `<vaultPath>/<worker>`, property `kubeconfig`).
 *
 * On a worker, per guest: a tenant model with the owner only, no contributors, grants or personal
 * queues, a ResourceQuota with `persistentvolumeclaims: 0` and the burst quota's GPUs, CPU and
 * memory, and LocalQueue `burst` -> ClusterQueue `<tenant>-burst` in the root Cohort.
 */
import type { PlatformSettings } from '../declarations/platform';
import type { FlavorQuotas } from '../declarations/queues';
import type { QuotaSpec } from '../declarations/quota';
import type { TenantSpec } from '../declarations/tenant';
import type { CellLimits } from '../queues';
import { isGpuResource, quantityOfMilli } from '../queues';
import { Quantity } from '../quantity';
import type { BurstGuest, ClusterBurst } from './fleet';
import {
  burstAdmissionCheckName,
  MULTIKUEUE_CONTROLLER,
  MULTIKUEUE_KUBECONFIG_KEY,
  multiKueueClusterName,
  multiKueueSecretName,
} from './names';

/** The AdmissionCheck of one tenant's burst ClusterQueue. */
export interface AdmissionCheckModel {
  readonly name: string;
  readonly tenant: string;
  /** Always {@link MULTIKUEUE_CONTROLLER}. */
  readonly controllerName: string;
  /** The MultiKueueConfig it names (`parameters`). */
  readonly config: string;
}

/** The MultiKueueConfig of one tenant: the workers its burst work may go to. */
export interface MultiKueueConfigModel {
  readonly name: string;
  readonly tenant: string;
  /** MultiKueueCluster names, sorted. */
  readonly clusters: readonly string[];
}

/** One worker as the manager reaches it. */
export interface MultiKueueClusterModel {
  /** The MultiKueueCluster's name (the worker's fleet name). */
  readonly name: string;
  readonly worker: string;
  /** The kubeconfig Secret in Kueue's namespace (key `kubeconfig`), written by the ExternalSecret of the same name. */
  readonly secret: string;
  /** Vault key of the worker's kubeconfig, relative to the store's mount: `<vaultPath>/<worker>`. */
  readonly vaultKey: string;
  /** Vault property holding it: `kubeconfig`. */
  readonly vaultProperty: string;
}

/** The MultiKueue manager objects of one cluster. */
export interface MultiKueueModel {
  /** Kueue's namespace: where the kubeconfig Secrets and their ExternalSecrets live. */
  readonly namespace: string;
  /** The platform's ClusterSecretStore the ExternalSecrets read through. */
  readonly secretStore: string;
  /** Sorted by name. */
  readonly admissionChecks: readonly AdmissionCheckModel[];
  /** Sorted by name. */
  readonly configs: readonly MultiKueueConfigModel[];
  /** One per worker any tenant bursts to, sorted by name. */
  readonly clusters: readonly MultiKueueClusterModel[];
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const trimSlashes = (s: string): string => s.replace(/^\/+|\/+$/g, '');

/** The manager objects of a cluster some tenants burst from; undefined when none does. */
export function multiKueueModel(burst: ClusterBurst, platform: PlatformSettings): MultiKueueModel | undefined {
  if (burst.sources.length === 0) return undefined;
  const workers = [...new Set(burst.sources.flatMap((s) => s.workers))].sort(cmp);
  const sources = [...burst.sources].sort((a, b) => cmp(a.tenant, b.tenant));
  return {
    namespace: platform.kueue.namespace,
    secretStore: burst.settings.secretStore,
    admissionChecks: sources.map((s) => ({ name: burstAdmissionCheckName(s.tenant), tenant: s.tenant, controllerName: MULTIKUEUE_CONTROLLER, config: burstAdmissionCheckName(s.tenant) })),
    configs: sources.map((s) => ({ name: burstAdmissionCheckName(s.tenant), tenant: s.tenant, clusters: [...s.workers].sort(cmp).map(multiKueueClusterName) })),
    clusters: workers.map((w) => ({
      name: multiKueueClusterName(w),
      worker: w,
      secret: multiKueueSecretName(w),
      vaultKey: `${trimSlashes(burst.settings.vaultPath)}/${w}`,
      vaultProperty: MULTIKUEUE_KUBECONFIG_KEY,
    })),
  };
}

/**
 * Burst quota as queue cells (milli-units): nominal only; on a worker (`worker`) with
 * borrowingLimit 0, so the guest never takes more than its ResourceQuota mirrors. Input must be valid.
 */
export function burstCellsOf(flavors: FlavorQuotas, platform: PlatformSettings, worker: boolean): Map<string, Map<string, CellLimits>> {
  const out = new Map<string, Map<string, CellLimits>>();
  for (const [flavor, rs] of Object.entries(flavors)) {
    const row = new Map<string, CellLimits>();
    for (const [r, lim] of Object.entries(rs)) {
      const nominal = isGpuResource(r, platform) ? BigInt(lim.nominal as number) * 1000n : Quantity.of(lim.nominal).milli;
      row.set(r, worker ? { nominal, borrowingLimit: 0n } : { nominal });
    }
    out.set(flavor, row);
  }
  return out;
}

/** Sum of the burst quota's nominal of `resource` over its flavors; undefined when no flavor names it. */
function burstTotal(flavors: FlavorQuotas, resource: string, platform: PlatformSettings): bigint | undefined {
  let total: bigint | undefined;
  for (const cell of burstCellsOf(flavors, platform, true).values()) {
    const c = cell.get(resource);
    if (c) total = (total ?? 0n) + c.nominal;
  }
  return total;
}

/**
 * The declaration a guest is rendered from on a worker: the tenant's name, owner, labels, limits,
 * network and credentials; no contributors, grants, queue, adoption or decommissioning; its quota
 * is the burst quota's: `persistentvolumeclaims: 0` (volumes do not follow the work), GPUs and
 * (where the burst quota names them) CPU and memory requests = the burst nominal, so the
 * ResourceQuota admits exactly the pods Kueue admits; no load balancers or node ports; the
 * tenant's pod count and limits caps kept.
 */
export function guestSpec(g: BurstGuest, platform: PlatformSettings): TenantSpec {
  const t = g.tenant;
  const declared: QuotaSpec = t.quota ?? {};
  const gpu: Record<string, number> = {};
  for (const rs of Object.values(g.flavors)) {
    for (const [r, lim] of Object.entries(rs)) if (isGpuResource(r, platform)) gpu[r] = (gpu[r] ?? 0) + Number(lim.nominal);
  }
  const cpu = burstTotal(g.flavors, 'cpu', platform);
  const memory = burstTotal(g.flavors, 'memory', platform);
  const quota: QuotaSpec = {
    ...(cpu !== undefined ? { cpu: quantityOfMilli(cpu, 'cpu') } : declared.cpu !== undefined ? { cpu: declared.cpu } : {}),
    ...(memory !== undefined ? { memory: quantityOfMilli(memory, 'memory') } : declared.memory !== undefined ? { memory: declared.memory } : {}),
    ...(declared.limitsCpu !== undefined ? { limitsCpu: declared.limitsCpu } : {}),
    ...(declared.limitsMemory !== undefined ? { limitsMemory: declared.limitsMemory } : {}),
    ...(declared.pods !== undefined ? { pods: declared.pods } : {}),
    persistentVolumeClaims: 0,
    gpu,
  };
  return {
    name: t.name,
    owner: t.owner,
    labels: t.labels,
    quota,
    ...(t.limits !== undefined ? { limits: t.limits } : {}),
    ...(t.network !== undefined ? { network: t.network } : {}),
    // Decommissioning revokes credentials everywhere (lib/model/decommission.ts), guests included.
    ...(t.credentials !== undefined && t.decommissioned !== true ? { credentials: t.credentials } : {}),
    ...(t.audit !== undefined ? { audit: t.audit } : {}),
  };
}
