/**
 * Burst checks (docs/fleet.md "Bursting with MultiKueue"): a tenant's `placement.burst` against the
 * fleet plan. Called with the plan once placement is resolved; every error is reported on the
 * tenant file. The capacity a guest takes on a worker is checked with the worker's other queues
 * (lib/queues.ts `checkQueueSet` with {@link burstQueueSet}).
 *
 * - the home cluster has Kueue capacity, and every flavor and resource of `placement.burst.flavors`
 *   (nominal only) is offered there: the burst ClusterQueue on the home cluster is built of them;
 * - each worker exists, is listed once, is not the home (MultiKueue's manager cannot be its own
 *   worker), may host the tenant's compliance tier (the guest bundle carries its credentials), and
 *   has every flavor and resource named: Kueue on the worker admits the dispatched copy under them;
 * - the burst objects' names fit (an AdmissionCheck names its MultiKueueConfig with at most 63
 *   characters) and no personal queue takes the burst LocalQueue's name.
 */
import type { ClusterSpec, PlatformSettings } from './declarations/platform';
import { burstAdmissionCheckName } from './model/names';
import type { BurstCells, BurstQueueSet } from './queues';
import { burstMissingOn, defaultUserQueueName, flavorCapacities, kueueEnabled, parseBurstFlavors } from './queues';
import type { TenantEntry } from './validation';
import { at, ErrorList, FieldError, isPlainObject, Shown } from './validation';

/** The most characters of a name an AdmissionCheck's `parameters.name` may hold (Kueue v1beta2 CRD). */
export const ADMISSION_CHECK_PARAMETER_NAME_MAX = 63;

/**
 * What the burst checks need of the fleet: each cluster with its merged settings, each placeable
 * tenant's home, the burst LocalQueue's name. lib/model/fleet.ts `FleetPlan` has the first two;
 * validation builds it from the clusters' settings before the plan exists.
 */
export interface BurstFleet {
  /** Whether platform.ts declares a fleet. */
  readonly fleet: boolean;
  readonly clusters: readonly { readonly name: string; readonly spec: ClusterSpec | undefined; readonly platform: PlatformSettings }[];
  /** Home cluster by tenant name (tenants nothing places are absent). */
  readonly homeOf: ReadonlyMap<string, string>;
}

const offersText = (c: { readonly platform: PlatformSettings }): string =>
  flavorCapacities(c.platform.kueue)
    .map((f) => `${f.name} (${[...f.resources.keys()].join(', ')})`)
    .join(', ') || 'nothing';

/** Every burst error of every tenant, in entry order (the caller sorts). `localQueue`: platform.ts `fleet.multiKueue.localQueue`. */
export function checkBurst(entries: readonly TenantEntry[], plan: BurstFleet, localQueue: string): FieldError[] {
  const out: FieldError[] = [];
  const byName = new Map(plan.clusters.map((c) => [c.name, c]));
  for (const e of entries) {
    const spec = e.spec as unknown;
    if (!isPlainObject(spec) || !isPlainObject(spec.placement) || spec.placement.burst === undefined || typeof spec.name !== 'string') continue;
    const errs = new ErrorList(e.file);
    const burst = spec.placement.burst;
    const name = spec.name;
    if (!isPlainObject(burst)) {
      errs.invalid('placement.burst', burst, 'must be { clusters, flavors }, e.g. { clusters: ["gpu-west"], flavors: { "a100-80gb": { "nvidia.com/gpu": { nominal: 8 } } } }');
      out.push(...errs.errors);
      continue;
    }
    if (!plan.fleet) {
      errs.add('placement.burst', 'Forbidden', new Shown('{...}'), 'bursting sends work to other clusters of a fleet, and platform.ts declares none (fleet.clusters); remove placement.burst, or declare the fleet');
      out.push(...errs.errors);
      continue;
    }
    const homeName = plan.homeOf.get(name);
    const home = homeName === undefined ? undefined : byName.get(homeName);
    if (!home) continue; // placement itself is wrong: reported by the placement checks
    const fields = Object.keys(burst).filter((k) => k !== 'clusters' && k !== 'flavors');
    for (const k of fields) errs.add(at.field('placement.burst', k), 'Unsupported value', k, 'supported fields: clusters, flavors');
    const objectName = burstAdmissionCheckName(name);
    if (objectName.length > ADMISSION_CHECK_PARAMETER_NAME_MAX) {
      errs.add(
        'placement.burst',
        'Too long',
        objectName,
        `the tenant's burst AdmissionCheck names its MultiKueueConfig "${objectName}", and Kueue allows at most ${ADMISSION_CHECK_PARAMETER_NAME_MAX} characters there (is ${objectName.length}); a tenant that bursts needs a name of at most ${ADMISSION_CHECK_PARAMETER_NAME_MAX - (objectName.length - name.length)} characters`,
      );
    }
    let cells: BurstCells | undefined;
    if (!kueueEnabled(home.platform)) {
      errs.add(
        'placement.burst',
        'Forbidden',
        homeName,
        `the home cluster "${homeName}" declares no Kueue capacity (kueue.flavors): burst work is queued by the home cluster's Kueue, which MultiKueue dispatches from; ask the platform team for capacity there, or remove placement.burst`,
      );
    } else cells = parseBurstFlavors(errs, burst.flavors, home.platform, home.name);

    const clusters = burst.clusters as unknown;
    if (!Array.isArray(clusters) || clusters.length === 0) {
      errs.required('placement.burst.clusters', `the worker clusters burst work may run on, e.g. ["${plan.clusters.find((c) => c.name !== homeName)?.name ?? 'gpu-west'}"]`);
    } else {
      const seen = new Map<string, number>();
      const tierKey = home.platform.labels.complianceTier;
      const tier = isPlainObject(spec.labels) ? spec.labels[tierKey] : undefined;
      clusters.forEach((w: unknown, i: number) => {
        const wp = at.index('placement.burst.clusters', i);
        if (typeof w !== 'string' || w === '') {
          errs.invalid(wp, w, 'the name of a cluster of the fleet (fleet.clusters[*].name)');
          return;
        }
        if (w === homeName) {
          errs.invalid(
            wp,
            w,
            "the tenant's home cluster: MultiKueue's manager cannot be its own worker (a ClusterQueue carrying the MultiKueue check sends everything it admits away); work meant to run at home goes to the default queue, so list other clusters only",
          );
          return;
        }
        const first = seen.get(w);
        if (first !== undefined) {
          errs.add(wp, 'Duplicate value', w, `already listed at placement.burst.clusters[${first}]; each worker once`);
          return;
        }
        seen.set(w, i);
        const worker = byName.get(w);
        if (!worker) {
          errs.add(wp, 'Unsupported value', w, `not a cluster of the fleet; valid: ${plan.clusters.map((c) => c.name).filter((c) => c !== homeName).join(', ') || '(none but the home)'}`);
          return;
        }
        const tiers = worker.spec?.complianceTiers;
        if (tiers !== undefined && typeof tier === 'string' && !tiers.includes(tier)) {
          errs.invalid(
            wp,
            w,
            `cluster "${w}" may not host compliance tier "${tier}" (its complianceTiers: ${tiers.join(', ') || 'none'}), and burst work runs there with the tenant's credentials; burst only to clusters allowed to host the tier`,
          );
          return;
        }
        if (!kueueEnabled(worker.platform)) {
          errs.invalid(wp, w, `worker cluster "${w}" declares no Kueue capacity (kueue.flavors), so it cannot admit burst work; burst only to clusters offering the flavors of placement.burst.flavors`);
          return;
        }
        if (!cells) return;
        const missing = burstMissingOn(cells, worker.platform);
        if (missing.length > 0) {
          errs.invalid(
            wp,
            w,
            `worker cluster "${w}" lacks what placement.burst.flavors names: ${missing.join('; ')}; it offers ${offersText(worker)}; Kueue on the worker admits the dispatched work under the same flavors: add them to that cluster's kueue.flavors, or burst elsewhere`,
          );
        }
      });
    }

    // The burst LocalQueue shares the namespace with the personal queues.
    const lq = localQueue;
    const queue = spec.queue;
    if (isPlainObject(queue) && isPlainObject(queue.users)) {
      for (const [email, u] of Object.entries(queue.users)) {
        const qn = isPlainObject(u) && typeof u.queueName === 'string' ? u.queueName : defaultUserQueueName(email);
        if (qn === lq) errs.invalid(`${at.key('queue.users', email)}.queueName`, qn, `"${lq}" is the tenant's burst LocalQueue (platform.ts fleet.multiKueue.localQueue); choose another queueName`);
      }
    }
    out.push(...errs.errors);
  }
  return out;
}

/**
 * The burst facts of one cluster for lib/queues.ts `checkQueueSet`: the tenants homed here that
 * burst, and the guests bursting here with their burst quota (parsed against their home cluster;
 * invalid ones are left out, {@link checkBurst} reports them).
 */
export function burstQueueSet(cluster: string, entries: readonly TenantEntry[], plan: BurstFleet): BurstQueueSet {
  const byName = new Map(plan.clusters.map((c) => [c.name, c]));
  const sources: BurstQueueSet['sources'][number][] = [];
  const guests: BurstQueueSet['guests'][number][] = [];
  for (const e of entries) {
    const spec = e.spec as unknown;
    if (!isPlainObject(spec) || typeof spec.name !== 'string' || !isPlainObject(spec.placement) || !isPlainObject(spec.placement.burst)) continue;
    const homeName = plan.homeOf.get(spec.name);
    const home = homeName === undefined ? undefined : byName.get(homeName);
    if (!home) continue;
    if (home.name === cluster) {
      sources.push({ tenant: spec.name, file: e.file });
      continue;
    }
    const workers = spec.placement.burst.clusters;
    if (!Array.isArray(workers) || !workers.includes(cluster) || !kueueEnabled(home.platform)) continue;
    const cells = parseBurstFlavors(new ErrorList(''), spec.placement.burst.flavors, home.platform, home.name);
    if (cells) guests.push({ tenant: spec.name, file: e.file, home: home.name, cells });
  }
  const byTenant = (a: { tenant: string }, b: { tenant: string }): number => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0);
  return { sources: sources.sort(byTenant), guests: guests.sort(byTenant) };
}
