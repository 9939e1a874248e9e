/**
 * `tenant()` (what a tenant file calls; its `TenantSpec` is in declarations/) and `validateTenants`,
 * which runs every concept's check. The objects are composed by lib/constructs/tenant-bundle.ts
 * from the resolved model (lib/model/).
 */
import { checkContributors } from './contributors';
import { checkGrants } from './grants';
import type { GroupSpec } from './declarations/contributors';
import type { PlatformSettings } from './declarations/platform';
import type { TenantSpec } from './declarations/tenant';
import { checkNetwork } from './network';
import { checkProfile } from './profile';
import { checkQuota } from './quota';
import { checkQueue, checkQueueSet } from './queues';
import { checkCredentials } from './secrets';
import { checkCodeOwners } from './codeowners';
import { checkTenantAudit } from './audit';
import { checkPlacement, isFleet, resolveHome } from './fleet';
import type { BurstFleet } from './burst';
import { burstQueueSet, checkBurst } from './burst';
import { clusterPlatform } from './platform';
import { todayUtc } from './deprecations';
import type { CheckContext, DeployedNames, FieldError, TenantCheck, TenantEntry } from './validation';
import { checkGuardNameList, checkKnownKeys, checkTenantSet, ErrorList, isPlainObject, sortErrors } from './validation';

// Declarations live in lib/declarations/ (no import cycles); re-exported so existing imports keep working.
export type { TenantSpec } from './declarations/tenant';

/** The top-level fields of a TenantSpec, for the unknown-field check. */
export const TENANT_FIELDS = ['name', 'owner', 'labels', 'quota', 'limits', 'contributors', 'grants', 'network', 'credentials', 'decommissioned', 'codeOwners', 'adopt', 'audit', 'queue', 'placement'] as const satisfies readonly (keyof TenantSpec)[];
/**
 * Compile-time check that TENANT_FIELDS names every TenantSpec field: tsc names a field left out,
 * which synth would otherwise refuse as unknown in every tenant file that uses it.
 */
export type TenantFieldsComplete = NoneMissing<Exclude<keyof TenantSpec, (typeof TENANT_FIELDS)[number]>>;
type NoneMissing<Missing extends never> = Missing;

/**
 * Declares a tenant. It returns its argument unchanged; its value is the type check, which catches
 * a misspelled field in the editor. Synth re-checks everything at run time.
 */
export function tenant(spec: TenantSpec): TenantSpec {
  // A non-generic parameter keeps TypeScript's excess-property check on every nested literal.
  return spec;
}

/** `decommissioned` must be a boolean (what it revokes: lib/model/decommission.ts). */
export function checkDecommissioned(errs: ErrorList, spec: TenantSpec, _ctx: CheckContext): void {
  const v = (spec as { decommissioned?: unknown }).decommissioned;
  if (v !== undefined && typeof v !== 'boolean') {
    errs.invalid('decommissioned', v, 'must be true or false; true revokes all access and keeps the namespace and its data (docs/gitops.md "Removing a tenant")');
  }
}

/** `adopt` must be a boolean (what it changes: lib/model/tenant.ts `adopted`, docs/adopt.md). */
export function checkAdopt(errs: ErrorList, spec: TenantSpec, _ctx: CheckContext): void {
  const v = (spec as { adopt?: unknown }).adopt;
  if (v !== undefined && typeof v !== 'boolean') {
    errs.invalid('adopt', v, 'must be true or false; true takes over an existing namespace of this name (docs/adopt.md; check it first with npm run adopt-check)');
  }
}

/** Every per-tenant check, in reporting order. */
const CHECKS: readonly TenantCheck[] = [checkProfile, checkQuota, checkContributors, checkGrants, checkNetwork, checkCredentials, checkDecommissioned, checkCodeOwners, checkAdopt, checkTenantAudit, checkQueue, checkPlacement];

/**
 * Runs every check over every tenant and returns all errors, sorted by file. `deployed` (from
 * lib/deployed.ts) decides which file a clash between two tenants is reported on; `today`
 * (`YYYY-MM-DD`, default today in UTC) is the clock exception expiry dates are compared with;
 * `groups` are the declared groups (lib/groups.ts `groupsByName`) tenants may name.
 */
export function validateTenants(
  entries: readonly TenantEntry[],
  platform: PlatformSettings,
  deployed?: DeployedNames,
  today: string = todayUtc(),
  groups?: ReadonlyMap<string, GroupSpec>,
): FieldError[] {
  const tenants = new Map<string, TenantSpec>();
  for (const e of entries) if (isPlainObject(e.spec) && typeof e.spec.name === 'string' && !tenants.has(e.spec.name)) tenants.set(e.spec.name, e.spec);
  // In a fleet each tenant is checked with its home cluster's settings (its capacity, identity,
  // GPUs...), and the checks over a set of tenants run per cluster (docs/fleet.md).
  const homeSettings = homePlatforms(entries, platform);
  const ctxOf = (p: PlatformSettings): CheckContext => ({ platform: p, tenants, today, ...(groups ? { groups } : {}) });
  const errors: FieldError[] = [];
  for (const e of entries) {
    const errs = new ErrorList(e.file);
    if (!isPlainObject(e.spec)) {
      errs.invalid('(default export)', e.spec, 'the file must `export default tenant({ name, owner, labels, ... })`');
    } else {
      checkKnownKeys(errs, '', e.spec, TENANT_FIELDS);
      const ctx = ctxOf(homeSettings.byEntry.get(e)?.platform ?? platform);
      for (const check of CHECKS) check(errs, e.spec, ctx);
    }
    errors.push(...errs.errors);
  }
  errors.push(...checkTenantSet(entries, deployed));
  if (homeSettings.clusters.length === 0) {
    errors.push(...checkGuardNameList(entries, platform));
    errors.push(...checkQueueSet(entries, platform));
  } else {
    // Bursting (docs/fleet.md "Bursting with MultiKueue"): flavors on the home and the workers;
    // a guest's burst quota counts against its worker's capacity.
    const fleet: BurstFleet = {
      fleet: true,
      clusters: homeSettings.clusters.map((c) => ({ name: c.name, spec: platform.fleet.clusters.find((x) => x.name === c.name), platform: c.platform })),
      homeOf: new Map([...homeSettings.byEntry].map(([e, h]) => [e.spec.name, h.cluster])),
    };
    errors.push(...checkBurst(entries, fleet, platform.fleet.multiKueue.localQueue));
    for (const c of homeSettings.clusters) {
      const mine = entries.filter((e) => homeSettings.byEntry.get(e)?.cluster === c.name);
      // The cluster's guard lists every Profile the cluster holds: its homes, the decommissioned
      // copies of tenants moving away, and burst guests.
      errors.push(...checkGuardNameList(entries.filter((e) => mine.includes(e) || holdsCopy(e.spec, c.name)), c.platform, { index: platform.fleet.clusters.findIndex((x) => x.name === c.name), name: c.name }));
      errors.push(...checkQueueSet(mine, c.platform, burstQueueSet(c.name, entries, fleet)));
    }
  }
  return sortErrors(errors);
}

/** Whether a cluster holds a Profile of a tenant homed elsewhere: the copy it moves away from, or its burst guest. */
function holdsCopy(spec: TenantSpec, cluster: string): boolean {
  if (!isPlainObject(spec) || !isPlainObject(spec.placement)) return false;
  const pl = spec.placement;
  return pl.migratingFrom === cluster || (isPlainObject(pl.burst) && Array.isArray(pl.burst.clusters) && pl.burst.clusters.includes(cluster));
}

/**
 * In a fleet: each cluster's merged settings, and each placeable tenant's home cluster. Tenants
 * nothing places (an error of lib/fleet.ts `checkPlacement`) are checked with the fleet's settings.
 */
function homePlatforms(
  entries: readonly TenantEntry[],
  platform: PlatformSettings,
): { clusters: { name: string; platform: PlatformSettings }[]; byEntry: Map<TenantEntry, { cluster: string; platform: PlatformSettings }> } {
  const byEntry = new Map<TenantEntry, { cluster: string; platform: PlatformSettings }>();
  if (!isFleet(platform)) return { clusters: [], byEntry };
  const clusters = platform.fleet.clusters.map((c) => ({ name: c.name, platform: clusterPlatform(platform, c) }));
  const byName = new Map(clusters.map((c) => [c.name, c]));
  for (const e of entries) {
    if (!isPlainObject(e.spec)) continue;
    const home = resolveHome(e.spec, platform);
    const c = home && byName.get(home.cluster);
    if (c) byEntry.set(e, { cluster: c.name, platform: c.platform });
  }
  return { clusters, byEntry };
}
