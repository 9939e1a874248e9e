/** The tenant declaration: what `tenants/<team>.ts` exports. Checks and composition: lib/tenant.ts. */
import type { TenantAuditSpec } from './audit';
import type { ContributorSpec } from './contributors';
import type { CredentialsSpec } from './credentials';
import type { PlacementSpec } from './fleet';
import type { GrantSpec } from './grants';
import type { TenantNetworkSpec } from './network';
import type { LimitsSpec, QuotaSpec } from './quota';
import type { TenantQueueSpec } from './queues';

/** A person: the e-mail, and optionally the stable IdP subject (`sub` claim). */
export interface Person {
  /** E-mail address, as the auth proxy puts it in the identity header. */
  readonly email: string;
  /**
   * Stable IdP subject; required when the platform identifies users by subject.
   * @default none (the e-mail is the identity)
   */
  readonly subject?: string;
}

/** One ML team on the shared cluster. Export it as the default of `tenants/<team>.ts`. */
export interface TenantSpec {
  /** Profile name and namespace name: a DNS-1123 label, at most 63 characters, not reserved. */
  readonly name: string;
  /** Owner of the Profile (Kubeflow admin of the namespace). */
  readonly owner: Person;
  /**
   * Labels of the Profile; must include the platform's required labels (`team`, `cost-centre`,
   * `compliance-tier`), and may not use a key the platform reserves (`platform.ts` `labels.reserved`:
   * `istio-injection`, `pod-security.kubernetes.io/*`, `*.kubeflow.org/*`, ...).
   */
  readonly labels: Readonly<Record<string, string>>;
  /** Namespace-wide hard quota. @default no CPU/memory/storage caps, and no GPUs */
  readonly quota?: QuotaSpec;
  /**
   * Kueue quota per flavor and resource, with optional per-user sub-quotas (docs/queues.md); the
   * ResourceQuota's GPU values are derived from it. @default none (no queue)
   */
  readonly queue?: TenantQueueSpec;
  /** Per-pod and per-container caps and default requests. @default the platform's `podDefaults` */
  readonly limits?: LimitsSpec;
  /** People and groups (`groups/<name>.ts`) besides the owner, each with a catalogue role (`team-admin`, `editor`, `member`, `viewer`, `auditor`; `edit`/`view` aliases): docs/roles-and-groups.md. @default none */
  readonly contributors?: readonly ContributorSpec[];
  /** Access this tenant gives other tenants' workloads in its namespace and bucket area. @default none */
  readonly grants?: readonly GrantSpec[];
  /** Where the tenant's pods may connect besides the platform's openings (egress is default-deny). @default the platform's openings only */
  readonly network?: TenantNetworkSpec;
  /** Credentials delivered from Vault by External Secrets (S3, registry, git, API keys). @default none */
  readonly credentials?: CredentialsSpec;
  /**
   * Step 1 of removing a tenant: revokes every access (contributors, grants, credentials) and keeps
   * the Profile, namespace, data, quota and isolation. Only a tenant that is decommissioned in the
   * committed dist/ may have its file deleted (docs/gitops.md "Removing a tenant"). @default false
   */
  readonly decommissioned?: boolean;
  /**
   * The namespace exists already and the Profile takes it over (docs/adopt.md). The Profile
   * controller adopts it only when its `owner` annotation equals the owner's identity, and then sets
   * no ownerReference on it (deleting the Profile does not delete it) and no `istio-injection`
   * label, so the bundle labels the namespace `istio-injection: enabled` itself and marks the
   * Profile. Check the namespace first: `npm run adopt-check -- <dump>`. @default false
   */
  readonly adopt?: boolean;
  /**
   * Who must approve changes to this tenant file: GitHub users (`@user`), teams (`@org/team`) or
   * e-mail addresses. Synth writes them into the generated block of `.github/CODEOWNERS`
   * (lib/codeowners.ts); without it the file keeps the repository's default owners.
   * @default none (the repository's default owners review the file)
   */
  readonly codeOwners?: readonly string[];
  /**
   * The tenant's audit logging (platform.ts `audit`): `level` may raise the level of writes in its
   * namespace above its compliance tier's, never lower it. @default the tier's level
   */
  readonly audit?: TenantAuditSpec;
  /**
   * Where the tenant lives in a fleet (platform.ts `fleet`): its home cluster, the clusters its
   * batch work may burst to, a move in progress (docs/fleet.md). @default the platform's placement rule; no burst
   */
  readonly placement?: PlacementSpec;
}

/**
 * Why one tenant name may not start with another (lib/validation.ts `checkTenantSet`); the
 * in-cluster guard's prefix rule (lib/constructs/admission-guard.ts) says it too.
 */
export const PREFIX_SCOPED = 'prefix-scoped policies (bucket prefixes, Vault paths, audit filters) would match both';
