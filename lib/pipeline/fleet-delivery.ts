/**
 * The props of `FleetDelivery` (lib/constructs/fleet-delivery.ts) from a fleet's plan: what each
 * cluster's folder holds (its bundles: tenants homed there, decommissioned copies of tenants moving
 * away, burst guests; its guards, Kueue and MultiKueue facts from its org model) and where each
 * tenant's declaration says its bundles must be. The construct refuses the two disagreeing, so a
 * project admitting a cluster without a bundle, or a bundle no project admits, fails synth.
 * Whether render wrote every planned folder is checked by test/argocd-fleet.test.ts.
 */
import type { FleetDeliveryProps } from '../constructs/fleet-delivery';
import { singleLayoutCluster } from '../deployed';
import type { PlatformSettings } from '../declarations/platform';
import type { GroupKind } from '../model/catalogue';
import type { FleetPlan } from '../model/fleet';
import type { OrgModel } from '../model/tenant';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `platform`: the fleet's settings; `models`: each cluster's org model by cluster name. */
export function fleetDeliveryProps(plan: FleetPlan, platform: PlatformSettings, models: ReadonlyMap<string, OrgModel>): FleetDeliveryProps {
  const kinds = new Map<string, GroupKind>();
  const clusters = plan.clusters.map((c) => {
    const model = models.get(c.name);
    if (!c.spec || !model) throw new Error(`fleet delivery: cluster ${c.name} has no declaration or no model`);
    for (const k of model.namespacedKinds) kinds.set(`${k.group}/${k.kind}`, k);
    return {
      name: c.name,
      destination: c.spec.destination,
      dir: c.dir,
      bundles: [...new Set([...c.tenants.map((t) => t.name), ...c.burst.guests.map((g) => g.tenant.name)])].sort(cmp),
      guards: c.platform.guards,
      namespace: c.platform.kueue.namespace,
      ...(model.kueue ? { kueue: { userQueues: model.kueue.userQueues.length > 0 } } : {}),
      multiKueue: c.burst.sources.length > 0,
    };
  });
  // Placement as declared (home from the plan, workers and the cluster left from the tenant file).
  const tenants = [...plan.homeOf].sort(([a], [b]) => cmp(a, b)).map(([name, home]) => {
    // The declaration as its home cluster has it (a migrating-away copy elsewhere has lost its burst).
    const placement = plan.clusters.find((c) => c.name === home)?.tenants.find((t) => t.name === name)?.placement;
    return {
      name,
      home,
      workers: [...(placement?.burst?.clusters ?? [])].sort(cmp),
      ...(placement?.migratingFrom !== undefined ? { migratingFrom: placement.migratingFrom } : {}),
    };
  });
  const namespacedKinds = [...kinds.values()].sort((a, b) => cmp(a.group, b.group) || cmp(a.kind, b.kind));
  const inheriting = singleLayoutCluster(platform);
  return { platform, clusters, tenants, namespacedKinds, ...(inheriting !== undefined ? { singleLayoutCluster: inheriting } : {}) };
}
