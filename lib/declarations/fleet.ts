/**
 * A fleet: one repository delivering to several Kubeflow clusters (docs/fleet.md). Declared in
 * platform.ts `fleet`; a tenant says where it lives with `placement`. Checks: lib/fleet.ts;
 * resolution (which tenants each cluster hosts, with which settings): lib/model/fleet.ts.
 *
 * Without `fleet.clusters` the repository is one cluster, exactly as before: same settings, same
 * `dist/` layout.
 */
import type { FlavorQuotas } from './queues';

/** A tenant's place in the fleet (`tenant({ placement })`). */
export interface PlacementSpec {
  /** Home cluster: where its Profile, namespace, data and `default` queue live. @default the platform's rule (`fleet.placement`) */
  readonly cluster?: string;
  /**
   * Batch work that may run on other clusters (MultiKueue). Work submitted to the tenant's burst
   * LocalQueue (`burst`) is dispatched to one of `clusters`; work submitted to `default` never
   * leaves home. Only Jobs without volumes can burst: volumes do not follow (docs/fleet.md).
   * @default none
   */
  readonly burst?: BurstSpec;
  /**
   * Migration state: the tenant is moving from this cluster to its home. While set, the old
   * cluster keeps the tenant decommissioned (access revoked, Profile, namespace and data kept for
   * the move); removing it afterwards is removing a decommissioned tenant (docs/fleet.md "Moving a tenant").
   * @default none
   */
  readonly migratingFrom?: string;
}

/** Burst: where, and how much may be in flight at once. */
export interface BurstSpec {
  /** Worker clusters, each with the flavors `flavors` names. */
  readonly clusters: readonly string[];
  /**
   * Quota of burst work in flight, per flavor and resource (`nominal` only): the burst
   * ClusterQueue's quota on the home cluster, and the tenant's guaranteed quota on each worker.
   */
  readonly flavors: FlavorQuotas;
}
