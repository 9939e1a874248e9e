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
const CHECKS: readonly TenantCheck[] = [checkProfile, checkQuota, checkContributors, checkGrants, checkNetwork, checkCredentials, checkDecommissioned, checkCodeOwners, checkAdopt, checkTenantAudit, checkQueue];

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
  const ctx: CheckContext = { platform, tenants, today, ...(groups ? { groups } : {}) };
  const errors: FieldError[] = [];
  for (const e of entries) {
    const errs = new ErrorList(e.file);
    if (!isPlainObject(e.spec)) {
      errs.invalid('(default export)', e.spec, 'the file must `export default tenant({ name, owner, labels, ... })`');
    } else {
      checkKnownKeys(errs, '', e.spec, TENANT_FIELDS);
      for (const check of CHECKS) check(errs, e.spec, ctx);
    }
    errors.push(...errs.errors);
  }
  errors.push(...checkTenantSet(entries, deployed));
  errors.push(...checkGuardNameList(entries, platform));
  errors.push(...checkQueueSet(entries, platform));
  return sortErrors(errors);
}
