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
