/**
 * The tenant declaration (`TenantSpec`, what a tenant file exports) and `TenantBundle`, the root
 * construct that composes one tenant's objects. Each concept lives in its own module; this file
 * only wires them together.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { ContributorSpec } from './contributors';
import { checkContributors, Contributors } from './contributors';
import type { GrantSpec } from './grants';
import { checkGrants, Grants } from './grants';
import { checkDecommissioned } from './gitops';
import { tenantLabels } from './meta';
import { TenantIsolation } from './network';
import type { PlatformSettings } from './platform';
import type { Person } from './profile';
import { checkProfile, identityOf, TenantProfile } from './profile';
import type { LimitsSpec, QuotaSpec } from './quota';
import { checkQuota, effectiveLimits, quotaHard, TenantLimitRange } from './quota';
import type { CredentialsSpec } from './secrets';
import { checkCredentials, Credentials, resolveCredentials } from './secrets';
import { checkCodeOwners } from './codeowners';
import type { CheckContext, DeployedNames, FieldError, TenantCheck, TenantEntry } from './validation';
import { checkKnownKeys, checkTenantSet, ErrorList, isPlainObject, sortErrors } from './validation';

/** One ML team on the shared cluster. Export it as the default of `tenants/<team>.ts`. */
export interface TenantSpec {
  /** Profile name and namespace name: a DNS-1123 label, at most 63 characters, not reserved. */
  readonly name: string;
  /** Owner of the Profile (Kubeflow admin of the namespace). */
  readonly owner: Person;
  /** Labels of the Profile; must include the platform's required labels (`team`, `cost-centre`, `compliance-tier`). */
  readonly labels: Readonly<Record<string, string>>;
  /** Namespace-wide hard quota. @default no CPU/memory/storage caps, and no GPUs */
  readonly quota?: QuotaSpec;
  /** Per-pod and per-container caps and default requests. @default the platform's `podDefaults` */
  readonly limits?: LimitsSpec;
  /** People besides the owner, with `edit` or `view`. @default none */
  readonly contributors?: readonly ContributorSpec[];
  /** Access this tenant gives other tenants' workloads in its namespace and bucket area. @default none */
  readonly grants?: readonly GrantSpec[];
  /** Credentials delivered from Vault by External Secrets (S3, registry, git, API keys). @default none */
  readonly credentials?: CredentialsSpec;
  /**
   * Step 1 of removing a tenant: revokes every access (contributors, grants, credentials) and keeps
   * the Profile, namespace, data, quota and isolation. Only a tenant that is decommissioned in the
   * committed dist/ may have its file deleted (docs/gitops.md "Removing a tenant"). @default false
   */
  readonly decommissioned?: boolean;
  /**
   * Who must approve changes to this tenant file: GitHub users (`@user`), teams (`@org/team`) or
   * e-mail addresses. Synth writes them into the generated block of `.github/CODEOWNERS`
   * (lib/codeowners.ts); without it the file keeps the repository's default owners.
   * @default none (the repository's default owners review the file)
   */
  readonly codeOwners?: readonly string[];
}

/** The top-level fields of a TenantSpec, for the unknown-field check. */
export const TENANT_FIELDS: readonly string[] = ['name', 'owner', 'labels', 'quota', 'limits', 'contributors', 'grants', 'credentials', 'decommissioned', 'codeOwners'];

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
