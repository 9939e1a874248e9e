/**
 * `tenant()` (what a tenant file calls; its `TenantSpec` is in declarations/) and `TenantBundle`, the root
 * construct that composes one tenant's objects. Each concept lives in its own module; this file
 * only wires them together.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { checkContributors, Contributors } from './contributors';
import { checkGrants, Grants } from './grants';
import { checkDecommissioned } from './gitops';
import { tenantLabels } from './meta';
import { TenantIsolation } from './network';
import type { PlatformSettings } from './declarations/platform';
import type { TenantSpec } from './declarations/tenant';
import { checkProfile, identityOf, TenantProfile } from './profile';
import { checkQuota, effectiveLimits, quotaHard, TenantLimitRange } from './quota';
import { checkCredentials, Credentials, resolveCredentials } from './secrets';
import { checkCodeOwners } from './codeowners';
import type { CheckContext, DeployedNames, FieldError, TenantCheck, TenantEntry } from './validation';
import { checkKnownKeys, checkTenantSet, ErrorList, isPlainObject, sortErrors } from './validation';

// Declarations live in lib/declarations/ (no import cycles); re-exported so existing imports keep working.
export type { TenantSpec } from './declarations/tenant';

/** The top-level fields of a TenantSpec, for the unknown-field check. */
export const TENANT_FIELDS = ['name', 'owner', 'labels', 'quota', 'limits', 'contributors', 'grants', 'credentials', 'decommissioned', 'codeOwners'] as const satisfies readonly (keyof TenantSpec)[];
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

/** Every per-tenant check, in reporting order. */
const CHECKS: readonly TenantCheck[] = [checkProfile, checkQuota, checkContributors, checkGrants, checkCredentials, checkDecommissioned, checkCodeOwners];

/**
 * Runs every check over every tenant and returns all errors, sorted by file. `deployed` (from
 * lib/deployed.ts) decides which file a clash between two tenants is reported on.
 */
export function validateTenants(entries: readonly TenantEntry[], platform: PlatformSettings, deployed?: DeployedNames): FieldError[] {
  const tenants = new Map<string, TenantSpec>();
  for (const e of entries) if (isPlainObject(e.spec) && typeof e.spec.name === 'string' && !tenants.has(e.spec.name)) tenants.set(e.spec.name, e.spec);
  const ctx: CheckContext = { platform, tenants };
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
  return sortErrors(errors);
}

/** Props of {@link TenantBundle}. */
export interface TenantBundleProps {
  /** A declaration that passed {@link validateTenants}. */
  readonly spec: TenantSpec;
  readonly platform: PlatformSettings;
}

/** Everything one tenant needs on the shared cluster: one chart, one namespace (plus its Profile). */
export class TenantBundle extends Chart {
  constructor(scope: Construct, props: TenantBundleProps) {
    super(scope, props.spec.name, { disableResourceNameHashes: true });
    const { spec, platform } = props;
    const ns = spec.name;
    const common = tenantLabels(ns);
    new TenantProfile(this, 'Profile', {
      name: ns,
      owner: identityOf(spec.owner, platform),
      labels: { ...spec.labels, ...common },
      hard: quotaHard(spec.quota, platform),
    });
    new TenantLimitRange(this, 'LimitRange', { namespace: ns, limits: effectiveLimits(spec, platform), labels: common });
    new Contributors(this, 'Contributors', { namespace: ns, contributors: spec.contributors ?? [], platform, labels: common });
    new Grants(this, 'Grants', { namespace: ns, grants: spec.grants ?? [], labels: common });
    const credentials = resolveCredentials(spec, platform);
    if (credentials) new Credentials(this, 'Credentials', { tenant: ns, credentials, platform, labels: common });
    new TenantIsolation(this, 'Isolation', {
      namespace: ns,
      allowIngressFromNamespaces: platform.network.allowIngressFromNamespaces,
      labels: common,
    });
  }
}
