/**
 * The fleet plan: which tenants each cluster hosts, with which settings, and where burst work goes
 * (docs/fleet.md). Resolved once, after validation, from platform.ts `fleet` and the tenants'
 * `placement`; the pipeline then builds one org model per cluster (lib/model/tenant.ts `orgModel`)
 * and renders it under the cluster's folder.
 *
 * INTERFACE CONTRACT (issue 14, shared by the fleet pipeline and the MultiKueue work):
 * - `fleetPlan` (lib/model/fleet.ts) fills {@link FleetPlan}.
 * - `orgModel(specs, platform, groups, burst)` receives {@link ClusterBurst} of its cluster.
 */
import type { FlavorQuotas } from '../declarations/queues';
import type { TenantSpec } from '../declarations/tenant';
import type { ClusterSpec, FleetSettings, PlatformSettings } from '../declarations/platform';
import { isFleet, resolveHome } from '../fleet';
import { clusterPlatform } from '../platform';

/** A tenant whose burst work runs on this cluster (a worker), homed elsewhere. */
export interface BurstGuest {
  /** The tenant as declared (name, owner, labels, credentials...). */
  readonly tenant: TenantSpec;
  /** Its home cluster, where the work is submitted. */
  readonly home: string;
  /** Burst quota in flight (`placement.burst.flavors`): the tenant's guaranteed quota on this worker. */
  readonly flavors: FlavorQuotas;
}

/** A tenant homed on this cluster (the MultiKueue manager) that bursts. */
export interface BurstSource {
  readonly tenant: string;
  /** Worker clusters, sorted. */
  readonly workers: readonly string[];
  /** Burst quota in flight: the burst ClusterQueue's nominal quota on the home cluster. */
  readonly flavors: FlavorQuotas;
}

/** MultiKueue facts of one cluster, as manager and as worker. */
export interface ClusterBurst {
  /** Tenants bursting to this cluster, sorted by name. */
  readonly guests: readonly BurstGuest[];
  /** Tenants of this cluster that burst elsewhere, sorted by name. */
  readonly sources: readonly BurstSource[];
  /** The fleet's MultiKueue settings. */
  readonly settings: FleetSettings['multiKueue'];
}

/** One cluster's share of the fleet. */
export interface ClusterPlan {
  /** The cluster's name (`'cluster'` is never used: a single cluster has `fleet: false`). */
  readonly name: string;
  /** As declared; undefined for the implicit single cluster. */
  readonly spec: ClusterSpec | undefined;
  /** The fleet's settings with this cluster's overrides merged in, checked. */
  readonly platform: PlatformSettings;
  /** Folder of this cluster's output inside `dist/`: `clusters/<name>`, or `''` for a single cluster. */
  readonly dir: string;
  /** Tenants homed here, plus tenants migrating away from here (decommissioned here), sorted by name. */
  readonly tenants: readonly TenantSpec[];
  readonly burst: ClusterBurst;
}

export interface FleetPlan {
  /** Whether platform.ts declares `fleet.clusters` (per-cluster layout) or not (today's layout). */
  readonly fleet: boolean;
  /** Sorted by name; exactly one without a fleet. */
  readonly clusters: readonly ClusterPlan[];
  /** Home cluster of every tenant. */
  readonly homeOf: ReadonlyMap<string, string>;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The copy of a tenant that stays on the cluster it is moving away from (`placement.migratingFrom`):
 * decommissioned (lib/model/decommission.ts: no access, Profile, namespace and data kept), without
 * its queue (its work runs at its new home; the old cluster's capacity is freed) and without burst.
 */
export function migratingAwayCopy(spec: TenantSpec): TenantSpec {
  const { queue: _queue, placement, ...rest } = spec;
  const { burst: _burst, ...where } = placement ?? {};
  return { ...rest, placement: where, decommissioned: true };
}

/**
 * The fleet plan of validated tenants (lib/fleet.ts `checkPlacement` has guaranteed every
 * placement): per cluster its merged settings, its tenants (homed there, plus decommissioned copies
 * of tenants migrating away from it) and its MultiKueue facts. Without `fleet.clusters`: one
 * cluster named after nothing (`dir` ''), the platform's own settings, every tenant.
 */
export function fleetPlan(specs: readonly TenantSpec[], platform: PlatformSettings): FleetPlan {
  const sorted = [...specs].sort((a, b) => cmp(a.name, b.name));
  const settings = platform.fleet.multiKueue;
  if (!isFleet(platform)) {
    return {
      fleet: false,
      clusters: [{ name: '', spec: undefined, platform, dir: '', tenants: sorted, burst: { guests: [], sources: [], settings } }],
      homeOf: new Map(),
    };
  }
  const homeOf = new Map<string, string>();
  for (const s of sorted) {
    const home = resolveHome(s, platform);
    if (!home) throw new Error(`tenant "${s.name}" has no home cluster; validation (lib/fleet.ts checkPlacement) should have refused it`);
    homeOf.set(s.name, home.cluster);
  }
  const clusters = [...platform.fleet.clusters].sort((a, b) => cmp(a.name, b.name)).map((spec): ClusterPlan => {
    const tenants: TenantSpec[] = [];
    const guests: BurstGuest[] = [];
    const sources: BurstSource[] = [];
    for (const s of sorted) {
      const home = homeOf.get(s.name)!;
      const burst = s.placement?.burst;
      if (home === spec.name) {
        tenants.push(s);
        if (burst) sources.push({ tenant: s.name, workers: [...burst.clusters].sort(cmp), flavors: burst.flavors });
      } else if (s.placement?.migratingFrom === spec.name) {
        tenants.push(migratingAwayCopy(s));
      }
      if (home !== spec.name && burst?.clusters.includes(spec.name)) guests.push({ tenant: s, home, flavors: burst.flavors });
    }
    return { name: spec.name, spec, platform: clusterPlatform(platform, spec), dir: `clusters/${spec.name}`, tenants, burst: { guests, sources, settings } };
  });
  return { fleet: true, clusters, homeOf };
}
