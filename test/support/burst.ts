/**
 * The fleet fixture's per-cluster inputs, resolved by hand for the MultiKueue tests (docs/fleet.md):
 * each cluster's platform (its `platform` sections merged over the fleet's, section by section),
 * the tenants homed on it, and its `ClusterBurst`, built from the tenants' `placement` the way the
 * fleet plan does. The tests exercise the burst seam (`orgModel(..., burst)`, lib/burst.ts) on it
 * without the fleet pipeline.
 */
import type { ClusterSpec, PlatformSettings } from '../../lib/declarations/platform';
import { CLUSTER_OVERRIDABLE } from '../../lib/declarations/platform';
import type { TenantSpec } from '../../lib/declarations/tenant';
import type { BurstGuest, BurstSource, ClusterBurst, ClusterPlan, FleetPlan } from '../../lib/model/fleet';
import type { TenantEntry } from '../../lib/validation';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A cluster's settings: each overridable section of `cluster.platform` merged over the fleet's. */
export function clusterPlatform(platform: PlatformSettings, cluster: ClusterSpec): PlatformSettings {
  const merged: Record<string, unknown> = { ...platform };
  const over = (cluster.platform ?? {}) as Record<string, unknown>;
  for (const k of CLUSTER_OVERRIDABLE) {
    const v = over[k];
    if (v === undefined) continue;
    merged[k] = Array.isArray(v) ? v : { ...(platform[k] as object), ...(v as object) };
  }
  return merged as unknown as PlatformSettings;
}

/** Home cluster of a tenant: `placement.cluster`, the tier rule, the default. */
export function homeOf(spec: TenantSpec, platform: PlatformSettings): string {
  const tier = spec.labels[platform.labels.complianceTier];
  return spec.placement?.cluster ?? (tier !== undefined ? platform.fleet.placement.byComplianceTier?.[tier] : undefined) ?? platform.fleet.placement.default!;
}

/** The fleet plan of a fixture's inputs (placement and burst as declared; no migration). */
export function fleetPlanOf(platform: PlatformSettings, specs: readonly TenantSpec[]): FleetPlan {
  const homes = new Map(specs.map((s) => [s.name, homeOf(s, platform)]));
  const settings = platform.fleet.multiKueue;
  const clusters: ClusterPlan[] = [...platform.fleet.clusters]
    .sort((a, b) => cmp(a.name, b.name))
    .map((c) => {
      const tenants = specs.filter((s) => homes.get(s.name) === c.name).sort((a, b) => cmp(a.name, b.name));
      const sources: BurstSource[] = tenants
        .filter((s) => s.placement?.burst !== undefined)
        .map((s) => ({ tenant: s.name, workers: [...s.placement!.burst!.clusters].sort(cmp), flavors: s.placement!.burst!.flavors }));
      const guests: BurstGuest[] = specs
        .filter((s) => s.placement?.burst?.clusters.includes(c.name) && homes.get(s.name) !== c.name)
        .sort((a, b) => cmp(a.name, b.name))
        .map((s) => ({ tenant: s, home: homes.get(s.name)!, flavors: s.placement!.burst!.flavors }));
      const burst: ClusterBurst = { guests, sources, settings };
      return { name: c.name, spec: c, platform: clusterPlatform(platform, c), dir: `clusters/${c.name}`, tenants, burst };
    });
  return { fleet: true, clusters, homeOf: homes };
}

/** Entries of the tenants homed on `cluster`. */
export function entriesOn(plan: FleetPlan, cluster: string, entries: readonly TenantEntry[]): TenantEntry[] {
  return entries.filter((e) => plan.homeOf.get(e.spec.name) === cluster);
}
