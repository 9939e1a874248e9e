/**
 * The resolved model: what synth renders, built once from validated declarations and the
 * platform (see {@link orgModel}). Every default is applied, every identity and name resolved,
 * and every cross-tenant fact (incoming grants, incoming artifact prefixes) attached to the tenant
 * it concerns, so constructs and policy files read one tenant's model and nothing else.
 *
 * The resolvers stay next to the checks of their concept (quota.ts, secrets.ts, grants.ts): a check
 * and the resolution it guarantees are easiest to keep in step side by side.
 */
import type { GroupSpec, RoleName } from '../declarations/contributors';
import { KFAM_RANK, ROLES, roleName } from '../declarations/contributors';
import { groupEntries, resolveContributors } from '../contributors';
import type { GrantRole, GrantSpec, ReviewedException } from '../declarations/grants';
import type { EgressRuleModel, PodSecurityLevel } from '../declarations/network';
import { GRANT_ROLES } from '../declarations/grants';
import type { PlatformSettings } from '../declarations/platform';
import type { Person, TenantSpec } from '../declarations/tenant';
import type { GrantRule } from '../grants';
import { exceptionOf, grantRules, grantsByGrantee, normalizePrefix } from '../grants';
import { podSecurityLevel, resolveEgress } from '../network';
import type { Quantity } from '../quantity';
import { effectiveLimits, quotaHard } from '../quota';
import { queueQuotaGpu, resolveQueue } from '../queues';
import type { KueueModel, LocalQueueModel } from './kueue';
import { kueueModel, localQueuesOf } from './kueue';
import { canonicalQuantity } from '../quantity';
import { KUBEFLOW_CLUSTER_ROLES } from '../declarations/kubeflow';
import type { ResolvedCredentials } from '../secrets';
import { resolveCredentials, tenantBucketPrefix, tenantVaultPrefix } from '../secrets';
import type { AuditModel } from './audit';
import { auditModel } from './audit';
import type { GroupKind } from './catalogue';
import { KUEUE_NAMESPACED_KINDS, TENANT_NAMESPACED_KINDS } from './catalogue';
import { isDecommissioned } from './decommission';
import type { ClusterBurst } from './fleet';
import { guestSpec } from './multikueue';
import { extraBindingName, groupBindingName, identityOf, kfamBindingName } from './identity';
import { DEFAULT_GRANTEE_SERVICE_ACCOUNTS, grantObjectName } from './names';

export type { GrantRule } from '../grants';
export type { ResolvedCredentials } from '../secrets';

/** A contributor, resolved: the identity Kubeflow sees, their roles and how they got them, their objects. */
export interface ContributorModel {
  readonly identity: string;
  /** The catalogue roles bound (union of every path, minus covered ones), highest first. */
  readonly roles: readonly RoleName[];
  /** How: `direct` for the person's own entry, `group <name>` per group, in that order. */
  readonly via: readonly string[];
  /** Whether two paths gave different roles (shown by `npm run access`). */
  readonly disagreement: boolean;
  /** KFAM's role of the one KFAM-shaped binding; undefined when no role has one (auditor). */
  readonly kfamRole?: 'edit' | 'view';
  /**
   * Name of the KFAM-shaped RoleBinding and of the AuthorizationPolicy (lib/model/identity.ts
   * `kfamBindingName`; an auditor's: `extraBindingName` of the auditor role).
   */
  readonly bindingName: string;
  /** Further RoleBindings (no KFAM annotations), sorted by name. */
  readonly extraBindings: readonly { readonly name: string; readonly clusterRole: string }[];
  /** Whether the AuthorizationPolicy admits the ingress gateway (some role has `gateway`). */
  readonly gateway: boolean;
}

/** A group bound as a group (platform `groups.mode: 'bind'`): its RBAC subject, role and objects. */
export interface GroupBindingModel {
  readonly group: string;
  /** The RBAC `Group` subject's name: the platform's `groups.subjectPrefix`, then the group. */
  readonly subject: string;
  readonly role: RoleName;
  /** Name of the base RoleBinding (and of the AuthorizationPolicy); undefined base for an auditor, whose policy takes its auditor binding's name. */
  readonly bindingName: string;
  readonly kfamRole?: 'edit' | 'view';
  readonly extraBindings: readonly { readonly name: string; readonly clusterRole: string }[];
  readonly gateway: boolean;
}

/** Everything one tenant grants one grantee, merged (one Role and RoleBinding per grantee). */
export interface GrantOut {
  readonly grantee: string;
  /** Name of the Role and RoleBinding. */
  readonly objectName: string;
  /** Merged, sorted rules; empty for a namespace-wide role or an artifact-only grant. */
  readonly rules: readonly GrantRule[];
  /** The ClusterRole of a namespace-wide `role` grant. */
  readonly clusterRole?: string;
  /** The grantee's ServiceAccounts the binding names, sorted. */
  readonly serviceAccounts: readonly string[];
  /** Reviewed exceptions (reason trimmed, expiry as declared), deduplicated, sorted by reason then expiry. */
  readonly exceptions: readonly ReviewedException[];
  /** Normalized artifact prefixes, in declaration order. */
  readonly artifactPrefixes: readonly string[];
}

/** An artifact prefix another tenant granted: `<bucket>/<from's area>/<prefix>/*`. */
export interface ArtifactGrantIn {
  readonly from: string;
  /** As granted, normalized. */
  readonly prefix: string;
  /** The bucket key prefix it grants: the granter's area, then `prefix`. */
  readonly key: string;
}

/** The caps the LimitRange enforces, after defaults (structurally lib/quota.ts `EffectiveLimits`). */
export interface TenantLimits {
  readonly podMax: { readonly cpu: Quantity; readonly memory: Quantity; readonly gpu: Readonly<Record<string, number>> };
  readonly containerMax: { readonly cpu: Quantity; readonly memory: Quantity };
  readonly defaultLimit: { readonly cpu: Quantity; readonly memory: Quantity };
  readonly defaultRequest: { readonly cpu: Quantity; readonly memory: Quantity };
}

/** One tenant, resolved. */
export interface TenantModel {
  /** Tenant name = namespace = Profile name = Vault role. */
  readonly name: string;
  /** The owner's identity (lib/model/identity.ts `identityOf`). */
  readonly owner: string;
  /** The labels the tenant declared (the Profile carries them plus the tool's own). */
  readonly labels: Readonly<Record<string, string>>;
  /** `spec.resourceQuotaSpec.hard` of the Profile, keys sorted; every platform GPU resource listed. */
  readonly quotaHard: Readonly<Record<string, string>>;
  readonly limits: TenantLimits;
  /** The Pod Security level enforced in its namespace (tier entry or platform level). */
  readonly podSecurity: PodSecurityLevel;
  /** Where its pods may connect besides their own namespace (platform openings, then its own). */
  readonly egress: readonly EgressRuleModel[];
  /** Sorted by binding name; empty when decommissioned. */
  readonly contributors: readonly ContributorModel[];
  /** Groups bound as groups (platform `groups.mode: 'bind'`), by name; empty otherwise and when decommissioned. */
  readonly groupBindings: readonly GroupBindingModel[];
  /** Sorted by grantee; empty when decommissioned. */
  readonly grantsOut: readonly GrantOut[];
  /** Tenants whose grants name this one, sorted (their objects live in their namespaces). */
  readonly grantsIn: readonly string[];
  /** Sorted by granter then prefix, deduplicated; empty when decommissioned. */
  readonly artifactGrantsIn: readonly ArtifactGrantIn[];
  /** Undefined without credentials, and when decommissioned. */
  readonly credentials?: ResolvedCredentials;
  readonly decommissioned: boolean;
  /**
   * The tenant takes over an existing namespace (`adopt: true`): the Profile carries
   * `ADOPTED_ANNOTATION` and the bundle's Namespace object sets `istio-injection: enabled`, which
   * the Profile controller sets only on namespaces it creates (docs/adopt.md).
   */
  readonly adopted: boolean;
  /** The tenant's area of the bucket, no trailing slash. */
  readonly bucketPrefix: string;
  /** The tenant's Vault prefix, relative to the KV mount. */
  readonly vaultPrefix: string;
  /** Its Kueue LocalQueues (`default` and one per user), sorted by name; empty without a queue. */
  readonly localQueues: readonly LocalQueueModel[];
  /**
   * On a worker cluster, a burst guest (docs/fleet.md "Bursting with MultiKueue"): its home
   * cluster. The Profile carries `BURST_GUEST_ANNOTATION`; the model has no contributors, grants or
   * personal queues, and the quota of the burst (no volumes). Undefined for a tenant homed here.
   */
  readonly burstGuestOf?: string;
  /**
   * With a non-empty `kueue.apiServerUsernamePrefix`: the RoleBindings that give a person with a
   * personal queue, under their API server username, the ClusterRoles their Kubeflow identity has
   * here (docs/queues.md "API server usernames"); sorted by name; empty otherwise.
   */
  readonly queueUserBindings: readonly QueueUserBindingModel[];
}

/** A RoleBinding of a personal queue's user under their API server username (prefix + identity). */
export interface QueueUserBindingModel {
  /** `user-<username>-clusterrole-<role>`, the name KFAM's scheme gives that subject's binding. */
  readonly name: string;
  /** The API server username bound. */
  readonly username: string;
  /** The identity Kubeflow sees, whose access is mirrored. */
  readonly identity: string;
  /** The user's e-mail, as the queue declares it. */
  readonly email: string;
  /** Their personal LocalQueue. */
  readonly queue: string;
  readonly clusterRole: string;
}

/** Every tenant, resolved, and the org-wide facts. */
export interface OrgModel {
  readonly platform: PlatformSettings;
  /** Sorted by name. */
  readonly tenants: readonly TenantModel[];
  /** Every tenant name, sorted. */
  readonly names: readonly string[];
  /** Namespaced kinds tenant bundles emit (the catalogue), for the AppProject whitelists. */
  readonly namespacedKinds: readonly GroupKind[];
  /** Per-tenant audit logging: levels, store ids, the audit Policy's rules (lib/model/audit.ts). */
  readonly audit: AuditModel;
  /** The Kueue objects; undefined when the platform declares no capacity (lib/model/kueue.ts). */
  readonly kueue?: KueueModel;
  /**
   * In a fleet, this cluster's MultiKueue facts (lib/model/fleet.ts `fleetPlan`): tenants bursting
   * here, tenants of this cluster bursting elsewhere. Stored as given; the MultiKueue model reads it.
   * @default undefined (one cluster, or a cluster model built without the plan)
   */
  readonly burst?: ClusterBurst;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function groupBindingModel(group: string, role: RoleName, platform: PlatformSettings): GroupBindingModel {
  const r = ROLES[role];
  const extraBindings = [...r.extraClusterRoles].sort(cmp).map((clusterRole) => ({ name: groupBindingName(group, clusterRole), clusterRole }));
  return {
    group,
    subject: `${platform.groups.subjectPrefix}${group}`,
    role,
    ...(r.kfam ? { kfamRole: r.kfam } : {}),
    bindingName: r.kfam ? groupBindingName(group, r.kfam) : extraBindings[0]!.name,
    extraBindings,
    gateway: r.gateway,
  };
}

/** A person's objects from their resolved roles (the union semantics of lib/contributors.ts). */
export function contributorModel(person: Person, roles: readonly RoleName[], via: readonly string[], disagreement: boolean, platform: PlatformSettings): ContributorModel {
  const identity = identityOf(person, platform);
  const kfams = roles.map((r) => ROLES[r].kfam).filter((k): k is 'edit' | 'view' => k !== undefined);
  const kfamRole = kfams.sort((a, b) => KFAM_RANK[b] - KFAM_RANK[a])[0];
  const extra = [...new Set(roles.flatMap((r) => ROLES[r].extraClusterRoles))].sort(cmp);
  const extraBindings = extra.map((clusterRole) => ({ name: extraBindingName(identity, clusterRole), clusterRole })).sort((a, b) => cmp(a.name, b.name));
  return {
    identity,
    roles,
    via,
    disagreement,
    ...(kfamRole ? { kfamRole } : {}),
    bindingName: kfamRole ? kfamBindingName(identity, kfamRole) : extraBindings[0]!.name,
    extraBindings,
    gateway: roles.some((r) => ROLES[r].gateway),
  };
}

function exceptionsOf(grants: readonly GrantSpec[]): ReviewedException[] {
  const byKey = new Map<string, ReviewedException>();
  for (const g of grants) {
    const e = exceptionOf(g);
    if (e) byKey.set(`${e.reason}\u0000${e.expires ?? ''}`, e);
  }
  return [...byKey.values()].sort((a, b) => cmp(a.reason, b.reason) || cmp(a.expires ?? '', b.expires ?? ''));
}

function grantOut(grantee: string, grants: readonly GrantSpec[]): GrantOut {
  const role: GrantRole | undefined = grants.find((g) => g.role !== undefined)?.role;
  return {
    grantee,
    objectName: grantObjectName(grantee),
    rules: grantRules(grants),
    ...(role === undefined ? {} : { clusterRole: GRANT_ROLES[role] }),
    serviceAccounts: [...new Set(grants.flatMap((g) => g.serviceAccounts ?? DEFAULT_GRANTEE_SERVICE_ACCOUNTS))].sort(cmp),
    exceptions: exceptionsOf(grants),
    artifactPrefixes: grants.flatMap((g) => (g.artifactPrefixes ?? []).map(normalizePrefix)),
  };
}

/** One tenant without its incoming facts; decommissioning is applied here and nowhere else. */
function ownModel(spec: TenantSpec, platform: PlatformSettings, groups: ReadonlyMap<string, GroupSpec>): TenantModel {
  const decommissioned = isDecommissioned(spec);
  const credentials = decommissioned ? undefined : resolveCredentials(spec, platform);
  const contributors = decommissioned
    ? []
    : resolveContributors(spec, groups, platform.groups.mode === 'expand')
        .map((c) =>
          contributorModel(
            c.person,
            c.roles,
            c.paths.map((p) => (p.group === undefined ? 'direct' : `group ${p.group}`)),
            new Set(c.paths.map((p) => p.role)).size > 1,
            platform,
          ),
        )
        .sort((a, b) => cmp(a.bindingName, b.bindingName));
  return {
    name: spec.name,
    owner: identityOf(spec.owner, platform),
    labels: spec.labels,
    quotaHard: withQueueGpu(quotaHard(spec.quota, platform), spec, platform),
    limits: effectiveLimits(spec, platform),
    podSecurity: podSecurityLevel(spec.labels, platform),
    egress: resolveEgress(spec, platform),
    contributors,
    groupBindings: decommissioned || platform.groups.mode !== 'bind' ? [] : groupEntries(spec).map((g) => groupBindingModel(g.group, roleName(g.role), platform)),
    grantsOut: decommissioned ? [] : [...grantsByGrantee(spec.grants ?? [])].map(([to, gs]) => grantOut(to, gs)),
    grantsIn: [],
    artifactGrantsIn: [],
    ...(credentials ? { credentials } : {}),
    decommissioned,
    adopted: spec.adopt === true,
    bucketPrefix: tenantBucketPrefix(spec.name, platform),
    vaultPrefix: tenantVaultPrefix(spec.name, platform),
    localQueues: [],
    queueUserBindings: [],
  };
}

/**
 * The RoleBindings mirroring, for each person with a personal queue in `t`, their Kubeflow access
 * (the owner's kubeflow-admin, a contributor's KFAM role and extra roles) onto their API server
 * username. Only with a username prefix: without one the username is the identity Kubeflow's
 * bindings already name. A queue user has such access (lib/queues.ts `checkQueueUsers`).
 */
function queueUserBindings(t: TenantModel, kueue: KueueModel | undefined, platform: PlatformSettings): QueueUserBindingModel[] {
  if (!kueue || platform.kueue.apiServerUsernamePrefix === '' || t.decommissioned) return [];
  const out: QueueUserBindingModel[] = [];
  for (const u of kueue.userQueues.filter((x) => x.namespace === t.name)) {
    const id = u.identity.toLowerCase();
    const c = t.contributors.find((x) => x.identity.toLowerCase() === id);
    const roles =
      t.owner.toLowerCase() === id
        ? [KUBEFLOW_CLUSTER_ROLES.admin]
        : c
          ? [...(c.kfamRole ? [KUBEFLOW_CLUSTER_ROLES[c.kfamRole]] : []), ...c.extraBindings.map((x) => x.clusterRole)]
          : [];
    for (const clusterRole of roles) out.push({ name: extraBindingName(u.username, clusterRole), username: u.username, identity: u.identity, email: u.email, queue: u.queue, clusterRole });
  }
  return out.sort((a, b) => cmp(a.name, b.name));
}

/**
 * The ResourceQuota with the GPU values a queue derives (nominal + borrowingLimit + allowance
 * outside Kueue, lib/queues.ts `queueQuotaGpu`), so it never rejects the pods of admitted Jobs.
 */
function withQueueGpu(hard: Record<string, string>, spec: TenantSpec, platform: PlatformSettings): Record<string, string> {
  const q = resolveQueue(spec, platform);
  if (!q) return hard;
  const out = { ...hard };
  for (const [r, n] of Object.entries(queueQuotaGpu(q, platform))) out[`requests.${r}`] = canonicalQuantity(n);
  return out;
}

/**
 * The resolved model of validated declarations (lib/tenant.ts `validateTenants` found no error).
 * Deterministic: tenants sorted by name, whatever the input order. `burst`: this cluster's
 * MultiKueue facts in a fleet (lib/model/fleet.ts `ClusterBurst`): guests become tenant models
 * here, and tenants that burst get their burst queue (lib/model/kueue.ts, lib/model/multikueue.ts).
 */
export function orgModel(specs: readonly TenantSpec[], platform: PlatformSettings, groups: ReadonlyMap<string, GroupSpec> = new Map(), burst?: ClusterBurst): OrgModel {
  // Burst guests (docs/fleet.md): a tenant model of their own on this worker, from the guest
  // declaration (owner only, the burst quota), never from the home cluster's model.
  const guests = (burst?.guests ?? []).map((g) => ({ ...ownModel(guestSpec(g, platform), platform, groups), burstGuestOf: g.home }));
  const own = [...[...specs].map((s) => ownModel(s, platform, groups)), ...guests].sort((a, b) => cmp(a.name, b.name));
  const kueue = kueueModel(specs, platform, burst);
  const grantsIn = new Map<string, Set<string>>();
  const artifactsIn = new Map<string, ArtifactGrantIn[]>();
  // A decommissioned granter has no grantsOut: its grants leave the grantees' policies with it.
  for (const t of own) {
    for (const g of t.grantsOut) {
      grantsIn.set(g.grantee, (grantsIn.get(g.grantee) ?? new Set()).add(t.name));
      for (const prefix of g.artifactPrefixes) artifactsIn.set(g.grantee, [...(artifactsIn.get(g.grantee) ?? []), { from: t.name, prefix, key: `${t.bucketPrefix}/${prefix}` }]);
    }
  }
  const tenants = own.map((t): TenantModel => {
    const seen = new Set<string>();
    // The other half of decommissioning (lib/model/decommission.ts): a decommissioned grantee is given nothing.
    // A guest's S3 key is its home's: the key's policy (and what others granted it) is the home's file.
    const artifactGrantsIn = t.decommissioned || t.burstGuestOf !== undefined
      ? []
      : [...(artifactsIn.get(t.name) ?? [])]
          .sort((a, b) => cmp(a.from, b.from) || cmp(a.prefix, b.prefix))
          .filter((x) => {
            const k = `${x.from}/${x.prefix}`;
            if (seen.has(k)) return false;
            seen.add(k);
            return true;
          });
    return { ...t, grantsIn: [...(grantsIn.get(t.name) ?? [])].sort(cmp), artifactGrantsIn, localQueues: localQueuesOf(t.name, kueue), queueUserBindings: queueUserBindings(t, kueue, platform) };
  });
  // Kueue kinds join the whitelists only where Kueue is used: repositories without it stay unchanged.
  const namespacedKinds = kueue ? [...TENANT_NAMESPACED_KINDS, ...KUEUE_NAMESPACED_KINDS].sort((a, b) => cmp(a.group, b.group) || cmp(a.kind, b.kind)) : TENANT_NAMESPACED_KINDS;
  return { platform, tenants, names: tenants.map((t) => t.name), namespacedKinds, audit: auditModel(specs, platform, groups), ...(kueue ? { kueue } : {}), ...(burst ? { burst } : {}) };
}
