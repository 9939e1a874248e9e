/**
 * The Kueue model: every Kueue object synth emits, resolved from the platform's capacity and the
 * tenants' validated queues (lib/queues.ts). Built once by `orgModel`; the constructs
 * (lib/constructs/kueue.ts) only render it, and the capacity report (lib/capacity/build.ts) reads its
 * numbers. The tree (docs/queues.md):
 *
 *   root Cohort (unallocated capacity as nominal quota)
 *     team Cohort per team (borrowingLimit = budget - the team's guaranteed quota)
 *       tenant ClusterQueue `<tenant>`                     (tenant without users)
 *       tenant Cohort `tenant-<tenant>` (tenant's limits)  (tenant with users)
 *         ClusterQueue `<tenant>` (the shared rest), ClusterQueue `<tenant>-<user queue>` per user
 */
import type { PlatformSettings } from '../declarations/platform';
import type { FlavorTaint, FlavorToleration, KueueSettings } from '../declarations/queues';
import type { TenantSpec } from '../declarations/tenant';
import type { CellLimits, ResourceGroup, TenantQueue } from '../queues';
import {
  DEFAULT_LOCAL_QUEUE,
  flavorCapacities,
  isGpuResource,
  kueueEnabled,
  quantityOfMilli,
  resourceGroups,
  sharedClusterQueueName,
  teamCohortName,
  tenantCohortName,
  teamOf,
  tenantQueues,
  userClusterQueueName,
} from '../queues';
import { Quantity } from '../quantity';
import type { ClusterBurst } from './fleet';
import { identityOf } from './identity';
import type { MultiKueueModel } from './multikueue';
import { burstCellsOf, multiKueueModel } from './multikueue';
import { burstAdmissionCheckName, burstClusterQueueName } from './names';

export type { CellLimits, ResourceGroup, TenantQueue } from '../queues';

/** One resource of one flavor in a queue or cohort, as Kueue takes it. */
export interface KueueQuotaModel {
  readonly name: string;
  readonly nominalQuota: string;
  /** Absent: unlimited. */
  readonly borrowingLimit?: string;
  /** Absent: all of the nominal quota may be lent. */
  readonly lendingLimit?: string;
}

/** A `resourceGroups` entry: every flavor lists every covered resource, in order. */
export interface KueueGroupModel {
  readonly coveredResources: readonly string[];
  readonly flavors: readonly { readonly name: string; readonly resources: readonly KueueQuotaModel[] }[];
}

export interface FlavorModel {
  readonly name: string;
  readonly nodeLabels: Readonly<Record<string, string>>;
  readonly nodeTaints: readonly FlavorTaint[];
  readonly tolerations: readonly FlavorToleration[];
}

export interface CohortModel {
  readonly name: string;
  /** Absent for the root. */
  readonly parent?: string;
  readonly level: 'root' | 'team' | 'tenant';
  /** Fair-sharing weight; absent: Kueue's default (1). */
  readonly weight?: number;
  readonly resourceGroups: readonly KueueGroupModel[];
}

export interface ClusterQueueModel {
  readonly name: string;
  /** Absent for a burst ClusterQueue on the home cluster (MultiKueue dispatches it; nothing to borrow or lend). */
  readonly cohort?: string;
  /** The one namespace whose LocalQueues may point at it. */
  readonly namespace: string;
  /** The user's e-mail, for a user's queue. */
  readonly user?: string;
  /**
   * A burst ClusterQueue (docs/fleet.md): `manager` on the tenant's home cluster, carrying the
   * MultiKueue AdmissionCheck; `worker` on a worker cluster, where the dispatched copy is admitted.
   */
  readonly burst?: 'manager' | 'worker';
  /** Home cluster of a worker burst ClusterQueue's tenant. */
  readonly guestOf?: string;
  /** AdmissionChecks listed under `admissionChecksStrategy.admissionChecks`; only a manager burst queue has one. */
  readonly admissionChecks?: readonly string[];
  readonly resourceGroups: readonly KueueGroupModel[];
}

/** A burst guest's quota on this worker (docs/fleet.md): nominal only, never borrowing. */
export interface GuestQueue extends TenantQueue {
  /** The guest's home cluster. */
  readonly home: string;
}

export interface LocalQueueModel {
  readonly name: string;
  readonly clusterQueue: string;
  /** The burst LocalQueue (docs/fleet.md): its ClusterQueue is a burst ClusterQueue. */
  readonly burst?: boolean;
  /** The user's e-mail, for a user's queue. */
  readonly user?: string;
  /** For a user's queue: the identity Kubeflow sees and the API server username the policy admits. */
  readonly identity?: string;
  readonly username?: string;
}

/** Who may submit to a user's queue: the user-queue admission policy's map. */
export interface UserQueueModel {
  readonly namespace: string;
  readonly queue: string;
  /** The user's e-mail, as declared. */
  readonly email: string;
  /** The identity Kubeflow sees (lib/model/identity.ts `identityOf`), whose bindings the username's mirror. */
  readonly identity: string;
  /** The person's API server username (platform `kueue.apiServerUsernamePrefix` + identity). */
  readonly username: string;
}

export interface KueueModel {
  readonly settings: KueueSettings;
  /** Sorted by name. */
  readonly flavors: readonly FlavorModel[];
  /** The resource groups, flavors in declaration order. */
  readonly groups: readonly ResourceGroup[];
  /** Capacity per flavor and resource, milli-units, flavors in declaration order. */
  readonly capacity: readonly { readonly flavor: string; readonly resource: string; readonly milli: bigint }[];
  /** Sorted by name. */
  readonly cohorts: readonly CohortModel[];
  /** Sorted by name. */
  readonly clusterQueues: readonly ClusterQueueModel[];
  /** Sorted by namespace, then queue. */
  readonly userQueues: readonly UserQueueModel[];
  /** Every tenant's parsed queue (numbers for the capacity report), sorted by tenant. */
  readonly tenants: readonly TenantQueue[];
  /** Burst guests on this worker, their burst quota as a queue (capacity report), sorted by tenant. */
  readonly guests: readonly GuestQueue[];
  /** Tenants of this cluster that burst (a LocalQueue `burst` to their manager burst ClusterQueue), sorted. */
  readonly burstSources: readonly string[];
  /** The fleet's burst LocalQueue name (`fleet.multiKueue.localQueue`). */
  readonly burstLocalQueue: string;
  /** Namespaces Kueue manages here: tenants with a queue, tenants that burst, guests; sorted. */
  readonly managedNamespaces: readonly string[];
  /** The MultiKueue manager objects of this cluster (lib/model/multikueue.ts); undefined when no tenant bursts from here. */
  readonly multiKueue?: MultiKueueModel;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

type CellOut = { nominal: bigint; borrowingLimit?: bigint; lendingLimit?: bigint };

/** `resourceGroups` over the flavors `include` keeps, each cell from `cell`. */
function groupsFor(groups: readonly ResourceGroup[], include: (flavor: string) => boolean, cell: (flavor: string, resource: string) => CellOut): KueueGroupModel[] {
  const out: KueueGroupModel[] = [];
  for (const g of groups) {
    const flavors = g.flavors.filter(include);
    if (flavors.length === 0) continue;
    out.push({
      coveredResources: g.resources,
      flavors: flavors.map((f) => ({
        name: f,
        resources: g.resources.map((r) => {
          const c = cell(f, r);
          return {
            name: r,
            nominalQuota: quantityOfMilli(c.nominal, r),
            ...(c.borrowingLimit !== undefined ? { borrowingLimit: quantityOfMilli(c.borrowingLimit, r) } : {}),
            ...(c.lendingLimit !== undefined ? { lendingLimit: quantityOfMilli(c.lendingLimit, r) } : {}),
          };
        }),
      })),
    });
  }
  return out;
}

const max0 = (n: bigint): bigint => (n < 0n ? 0n : n);

/**
 * The Kueue model; undefined when the platform declares no capacity. Input must be valid. With
 * `burst` (a fleet cluster, docs/fleet.md): a manager burst ClusterQueue per tenant bursting from
 * here (no cohort, the MultiKueue AdmissionCheck) and the MultiKueue objects; a worker burst
 * ClusterQueue per guest, in the root Cohort, its nominal quota taken from the unallocated capacity.
 */
export function kueueModel(specs: readonly TenantSpec[], platform: PlatformSettings, burst?: ClusterBurst): KueueModel | undefined {
  if (!kueueEnabled(platform)) return undefined;
  const k = platform.kueue;
  const caps = flavorCapacities(k);
  const groups = resourceGroups(caps);
  const tenants = tenantQueues(specs, platform);
  const guests: GuestQueue[] = (burst?.guests ?? [])
    .map((g) => ({ tenant: g.tenant.name, file: '', team: teamOf(g.tenant, platform), home: g.home, queue: { cells: burstCellsOf(g.flavors, platform, true), users: [], outsideKueue: {} } }))
    .sort((a, b) => cmp(a.tenant, b.tenant));
  const sources = [...(burst?.sources ?? [])].sort((a, b) => cmp(a.tenant, b.tenant));
  const gpu = (r: string): boolean => isGpuResource(r, platform);
  // Undeclared cells of a flavor in a queue: nothing guaranteed; GPUs never borrowed (the
  // ResourceQuota mirrors them), CPU and memory borrowed freely within the limits above.
  const undeclared = (r: string): CellOut => (gpu(r) ? { nominal: 0n, borrowingLimit: 0n } : { nominal: 0n });
  const nominalOf = (t: TenantQueue, f: string, r: string): bigint => t.queue.cells.get(f)?.get(r)?.nominal ?? 0n;
  const sum = (ts: readonly TenantQueue[], f: string, r: string): bigint => ts.reduce((s, t) => s + nominalOf(t, f, r), 0n);
  const capOf = (f: string, r: string): bigint => caps.find((c) => c.name === f)?.resources.get(r) ?? 0n;

  // Guests are guaranteed their burst quota here: it is not unallocated capacity any more.
  const cohorts: CohortModel[] = [
    { name: k.rootCohort, level: 'root', resourceGroups: groupsFor(groups, () => true, (f, r) => ({ nominal: max0(capOf(f, r) - sum(tenants, f, r) - sum(guests, f, r)) })) },
  ];
  for (const team of [...new Set(tenants.map((t) => t.team))].sort(cmp)) {
    const spec = k.teams[team];
    const mine = tenants.filter((t) => t.team === team);
    const budget = spec?.budget ?? {};
    cohorts.push({
      name: teamCohortName(team),
      parent: k.rootCohort,
      level: 'team',
      ...(spec?.weight !== undefined ? { weight: spec.weight } : {}),
      resourceGroups: groupsFor(
        groups,
        (f) => budget[f] !== undefined,
        (f, r) => {
          const b = budget[f]?.[r];
          if (b === undefined) return { nominal: 0n };
          const milli = gpu(r) ? BigInt(b as number) * 1000n : Quantity.of(b).milli;
          return { nominal: 0n, borrowingLimit: max0(milli - sum(mine, f, r)) };
        },
      ),
    });
  }
  const clusterQueues: ClusterQueueModel[] = [];
  const userQueues: UserQueueModel[] = [];
  for (const t of tenants) {
    const declared = (f: string): boolean => t.queue.cells.has(f);
    const cellOf = (f: string, r: string): CellLimits | undefined => t.queue.cells.get(f)?.get(r);
    const teamCohort = teamCohortName(t.team);
    if (t.queue.users.length === 0) {
      clusterQueues.push({ name: sharedClusterQueueName(t.tenant), cohort: teamCohort, namespace: t.tenant, resourceGroups: groupsFor(groups, declared, (f, r) => cellOf(f, r) ?? undeclared(r)) });
      continue;
    }
    const cohort = tenantCohortName(t.tenant);
    cohorts.push({
      name: cohort,
      parent: teamCohort,
      level: 'tenant',
      resourceGroups: groupsFor(groups, declared, (f, r) => {
        const c = cellOf(f, r) ?? undeclared(r);
        return { nominal: 0n, ...(c.borrowingLimit !== undefined ? { borrowingLimit: c.borrowingLimit } : {}), ...(c.lendingLimit !== undefined ? { lendingLimit: c.lendingLimit } : {}) };
      }),
    });
    const usersNominal = (f: string, r: string): bigint => t.queue.users.reduce((s, u) => s + (u.cells.get(f)?.get(r)?.nominal ?? 0n), 0n);
    clusterQueues.push({
      name: sharedClusterQueueName(t.tenant),
      cohort,
      namespace: t.tenant,
      resourceGroups: groupsFor(groups, declared, (f, r) => ({ nominal: max0((cellOf(f, r)?.nominal ?? 0n) - usersNominal(f, r)) })),
    });
    for (const u of t.queue.users) {
      clusterQueues.push({
        name: userClusterQueueName(t.tenant, u.queueName),
        cohort,
        namespace: t.tenant,
        user: u.email,
        resourceGroups: groupsFor(groups, declared, (f, r) => u.cells.get(f)?.get(r) ?? undeclared(r)),
      });
      const identity = identityOf(u.subject === undefined ? { email: u.email } : { email: u.email, subject: u.subject }, platform);
      userQueues.push({ namespace: t.tenant, queue: u.queueName, email: u.email, identity, username: `${k.apiServerUsernamePrefix}${identity}` });
    }
  }
  for (const src of sources) {
    // The manager side: no cohort (it would lend quota that is not on this cluster), and the
    // check that makes MultiKueue dispatch whatever it admits.
    const cells = burstCellsOf(src.flavors, platform, false);
    clusterQueues.push({
      name: burstClusterQueueName(src.tenant),
      namespace: src.tenant,
      burst: 'manager',
      admissionChecks: [burstAdmissionCheckName(src.tenant)],
      resourceGroups: groupsFor(groups, (f) => cells.has(f), (f, r) => cells.get(f)?.get(r) ?? { nominal: 0n }),
    });
  }
  for (const g of guests) {
    // The worker side: in the root Cohort, so its idle quota serves the worker's own tenants (taken
    // back by preemption); never borrowing, so the guest's ResourceQuota mirrors what is admitted.
    clusterQueues.push({
      name: burstClusterQueueName(g.tenant),
      cohort: k.rootCohort,
      namespace: g.tenant,
      burst: 'worker',
      guestOf: g.home,
      resourceGroups: groupsFor(groups, (f) => g.queue.cells.has(f), (f, r) => g.queue.cells.get(f)?.get(r) ?? { nominal: 0n, borrowingLimit: 0n }),
    });
  }
  const flavors: FlavorModel[] = Object.entries(k.flavors)
    .map(([name, f]) => ({ name, nodeLabels: f.nodeLabels ?? {}, nodeTaints: f.nodeTaints ?? [], tolerations: f.tolerations ?? [] }))
    .sort((a, b) => cmp(a.name, b.name));
  return {
    settings: k,
    flavors,
    groups,
    capacity: caps.flatMap((c) => [...c.resources].map(([resource, milli]) => ({ flavor: c.name, resource, milli }))),
    cohorts: cohorts.sort((a, b) => cmp(a.name, b.name)),
    clusterQueues: clusterQueues.sort((a, b) => cmp(a.name, b.name)),
    userQueues: userQueues.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.queue, b.queue)),
    tenants,
    guests,
    burstSources: sources.map((s) => s.tenant),
    burstLocalQueue: burst?.settings.localQueue ?? 'burst',
    managedNamespaces: [...new Set([...tenants.map((t) => t.tenant), ...sources.map((s) => s.tenant), ...guests.map((g) => g.tenant)])].sort(cmp),
    ...(sources.length > 0 && burst ? { multiKueue: multiKueueModel(burst, platform) } : {}),
  };
}

/**
 * The LocalQueues of one tenant: `default` (the shared quota) and one per user; none without a
 * queue; plus `burst` for a tenant bursting from here. A guest has `burst` only: personal queues
 * and the shared queue stay home, so nothing but dispatched burst work is queued on a worker.
 */
export function localQueuesOf(tenant: string, model: KueueModel | undefined): LocalQueueModel[] {
  if (!model) return [];
  const burst: LocalQueueModel[] =
    model.burstSources.includes(tenant) || model.guests.some((g) => g.tenant === tenant) ? [{ name: model.burstLocalQueue, clusterQueue: burstClusterQueueName(tenant), burst: true }] : [];
  if (model.guests.some((g) => g.tenant === tenant)) return burst;
  const t = model.tenants.find((x) => x.tenant === tenant);
  if (!t) return burst;
  return [
    ...burst,
    { name: DEFAULT_LOCAL_QUEUE, clusterQueue: sharedClusterQueueName(tenant) },
    ...t.queue.users.map((u) => {
      const who = model!.userQueues.find((x) => x.namespace === tenant && x.queue === u.queueName)!;
      return { name: u.queueName, clusterQueue: userClusterQueueName(tenant, u.queueName), user: u.email, identity: who.identity, username: who.username };
    }),
  ].sort((a, b) => cmp(a.name, b.name));
}
