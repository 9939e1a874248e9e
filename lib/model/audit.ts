/**
 * The audit model: per tenant its tier, level, retention and store id, and the audit Policy's
 * rules in the order the API server evaluates them (first match wins). Built from validated
 * declarations (lib/audit.ts guarantees the invariants, and synth checks them again on these
 * rules); rendered by lib/constructs/audit.ts into `dist/platform/audit/`.
 */
import type { AuditPolicyRule, AuditSettings, TenantAuditLevel } from '../declarations/audit';
import { AUDIT_LEVELS, auditLevelRank, WRITE_VERBS } from '../declarations/audit';
import type { GroupSpec, RoleName } from '../declarations/contributors';
import { roleName } from '../declarations/contributors';
import type { PlatformSettings } from '../declarations/platform';
import type { TenantSpec } from '../declarations/tenant';
import { auditStoreId, complianceTierOf, tenantAuditLevel, tenantAuditRetention, tierAuditLevel } from '../audit';
import { groupEntries, resolveContributors } from '../contributors';
import { isDecommissioned } from './decommission';
import { identityOf } from './identity';

/**
 * The role that reads a tenant's audit stream, decided once: `auditor` only. A `team-admin` covers
 * the auditor's RBAC, but the audit trail records what the team itself did, so the team does not
 * read its own trail unless a tenant file also gives them `auditor` (an explicit or group path).
 */
export const AUDIT_STREAM_READER_ROLE: RoleName = 'auditor';

/** A person who reads a stream: the identity Kubeflow sees (no header prefix), and how they got the reader role. */
export interface AuditUserReader {
  readonly identity: string;
  /** `direct`, `group <name>` (expanded), or `platform.ts audit.read.platformUsers`. */
  readonly via: readonly string[];
}

/** A group that reads a stream as a group (groups header): `groups.mode: 'bind'`, or the platform's list. */
export interface AuditGroupReader {
  /** The group as the groups header (and the AuthorizationPolicies' claim) names it. */
  readonly group: string;
  /** The RBAC `Group` subject of the same group (`groups.subjectPrefix` + name); undefined for the platform's groups. */
  readonly subject?: string;
}

/** Who reads one Loki stream (tenant id). */
export interface AuditStreamReaders {
  readonly storeId: string;
  /** The tenant; undefined for the platform stream. */
  readonly tenant?: string;
  /** A decommissioned tenant's stream stays readable by its auditors (its retention runs on). */
  readonly decommissioned: boolean;
  /** Sorted by identity. */
  readonly users: readonly AuditUserReader[];
  /** Sorted by group. */
  readonly groups: readonly AuditGroupReader[];
}

/** One tenant's audit routing. */
export interface TenantAuditModel {
  readonly name: string;
  /** Its compliance-tier label value; undefined without one. */
  readonly tier?: string;
  /** Level of writes in its namespace (tier level, or its own higher one). */
  readonly level: TenantAuditLevel;
  /** The tier's level, for the record (a raised tenant differs). */
  readonly tierLevel: TenantAuditLevel;
  /** Loki retention of its stream. */
  readonly retention: string;
  /** Loki tenant id and S3 key segment: `kft-<name>`. */
  readonly storeId: string;
}

export interface AuditModel {
  readonly settings: AuditSettings;
  /** Sorted by name. */
  readonly tenants: readonly TenantAuditModel[];
  /** The platform stream's store id. */
  readonly platformStoreId: string;
  /** The highest level any tenant has: the catch-all's level (a tenant added since the last restart is over-logged). */
  readonly catchAllLevel: TenantAuditLevel;
  readonly rules: readonly AuditPolicyRule[];
  /** Every stream's readers (tenants' and the platform's), sorted by store id. */
  readonly readers: readonly AuditStreamReaders[];
}

/**
 * A tenant stream's readers: every path of the tenant file that gives {@link AUDIT_STREAM_READER_ROLE}
 * (the person's own entry, or a group's, expanded or bound as the platform's `groups.mode` says),
 * resolved with the contributors' rules (lib/contributors.ts `resolveContributors`, the identity of
 * lib/model/identity.ts). A covered auditor path still counts (a team-admin also given `auditor`
 * reads); the owner is never a reader by ownership.
 */
export function tenantStreamReaders(spec: TenantSpec, platform: PlatformSettings, groups: ReadonlyMap<string, GroupSpec>): AuditStreamReaders {
  const expand = platform.groups.mode === 'expand';
  const users = resolveContributors(spec, groups, expand)
    .map((c) => ({ identity: identityOf(c.person, platform), via: c.paths.filter((p) => p.role === AUDIT_STREAM_READER_ROLE).map((p) => (p.group === undefined ? 'direct' : `group ${p.group}`)) }))
    .filter((r) => r.via.length > 0)
    .sort((a, b) => cmp(a.identity, b.identity));
  const groupReaders = expand
    ? []
    : groupEntries(spec)
        .filter((g) => roleName(g.role) === AUDIT_STREAM_READER_ROLE)
        .map((g) => ({ group: g.group, subject: `${platform.groups.subjectPrefix}${g.group}` }));
  return { storeId: auditStoreId(spec.name), tenant: spec.name, decommissioned: isDecommissioned(spec), users, groups: groupReaders };
}

/** The platform stream's readers: the platform's lists, nobody by default. */
function platformStreamReaders(settings: AuditSettings): AuditStreamReaders {
  const via = ['platform.ts audit.read.platformUsers'];
  return {
    storeId: auditStoreId(settings.loki.platformStream),
    decommissioned: false,
    users: [...new Set(settings.read.platformUsers)].sort(cmp).map((identity) => ({ identity, via })),
    groups: [...new Set(settings.read.platformGroups)].sort(cmp).map((group) => ({ group })),
  };
}

const READ_VERBS = ['get', 'list', 'watch'];
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The noise rules: level None, reads only (a write is never silenced). */
const NOISE_RULES: readonly AuditPolicyRule[] = [
  { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/metrics', '/openapi*', '/readyz*', '/version'], verbs: ['get'] },
  // Named resources only: a rule without `resources` would also match pods/exec (a GET over websockets).
  {
    level: 'None',
    users: ['system:kube-controller-manager', 'system:kube-proxy', 'system:kube-scheduler'],
    verbs: READ_VERBS,
    resources: [{ group: '', resources: ['endpoints', 'namespaces', 'nodes', 'pods', 'services'] }, { group: 'apps' }, { group: 'discovery.k8s.io' }],
  },
  { level: 'None', userGroups: ['system:nodes'], verbs: READ_VERBS, resources: [{ group: '', resources: ['endpoints', 'nodes', 'nodes/status', 'pods', 'services'] }] },
  { level: 'None', resources: [{ group: '', resources: ['events'] }, { group: 'events.k8s.io', resources: ['events'] }, { group: 'coordination.k8s.io', resources: ['leases'] }], verbs: READ_VERBS },
];

/**
 * The rules, in the order: noise off; Secrets, ConfigMaps, token requests and reviews at
 * Metadata; exec, attach and port-forward always logged; each level's tenants (writes at the
 * level, then every read in a tenant namespace at Metadata); Profiles by resource, never by name
 * (names are empty on create, list and watch); the platform's namespaces and cluster-scoped reads
 * at Metadata; a catch-all at the highest level.
 */
export function auditRules(tenants: readonly TenantAuditModel[], settings: AuditSettings, catchAll: TenantAuditLevel): AuditPolicyRule[] {
  const byLevel = new Map<TenantAuditLevel, string[]>();
  for (const t of tenants) byLevel.set(t.level, [...(byLevel.get(t.level) ?? []), t.name]);
  const levels = [...byLevel.keys()].sort((a, b) => auditLevelRank(b) - auditLevelRank(a));
  const names = tenants.map((t) => t.name).sort(cmp);
  return [
    ...NOISE_RULES,
    {
      level: 'Metadata',
      resources: [
        { group: '', resources: ['configmaps', 'secrets', 'serviceaccounts/token'] },
        { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
      ],
    },
    { level: 'Metadata', resources: [{ group: '', resources: ['pods/attach', 'pods/exec', 'pods/portforward'] }] },
    ...levels.map((level): AuditPolicyRule => ({ level, verbs: [...WRITE_VERBS], namespaces: [...byLevel.get(level)!].sort(cmp) })),
    ...(names.length > 0 ? [{ level: 'Metadata', verbs: READ_VERBS, namespaces: names } as AuditPolicyRule] : []),
    { level: catchAll, verbs: [...WRITE_VERBS], resources: [{ group: 'kubeflow.org', resources: ['profiles'] }] },
    ...(settings.platformNamespaces.length > 0 ? [{ level: 'Metadata', namespaces: [...settings.platformNamespaces].sort(cmp) } as AuditPolicyRule] : []),
    { level: 'Metadata', verbs: READ_VERBS, namespaces: [''] },
    { level: catchAll },
  ];
}

/** The audit model of validated tenants (every tenant, decommissioned ones included: their namespace stays). */
export function auditModel(specs: readonly TenantSpec[], platform: PlatformSettings, groups: ReadonlyMap<string, GroupSpec> = new Map()): AuditModel {
  const settings = platform.audit;
  const tenants = [...specs]
    .sort((a, b) => cmp(a.name, b.name))
    .map((s): TenantAuditModel => {
      const tier = complianceTierOf(s, platform);
      return {
        name: s.name,
        ...(tier !== undefined ? { tier } : {}),
        level: tenantAuditLevel(s, platform),
        tierLevel: tierAuditLevel(tier, settings),
        retention: tenantAuditRetention(s, platform),
        storeId: auditStoreId(s.name),
      };
    });
  const used = [settings.level, ...Object.values(settings.levelByComplianceTier), ...tenants.map((t) => t.level)];
  const catchAllLevel = used.reduce<TenantAuditLevel>((m, l) => (auditLevelRank(l) > auditLevelRank(m) ? l : m), 'Metadata');
  const readers = [platformStreamReaders(settings), ...specs.map((s) => tenantStreamReaders(s, platform, groups))].sort((a, b) => cmp(a.storeId, b.storeId));
  return { settings, tenants, platformStoreId: auditStoreId(settings.loki.platformStream), catchAllLevel, rules: auditRules(tenants, settings, catchAllLevel), readers };
}

export { AUDIT_LEVELS };
