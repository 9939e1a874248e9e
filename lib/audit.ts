/**
 * Per-tenant audit logging: the checks of the platform's `audit` settings and of a tenant's
 * `audit` field, the resolvers they guarantee (a tenant's level and retention, its store id), and
 * the invariants of the generated audit policy (checked again at synth on the policy itself).
 * Declarations: lib/declarations/audit.ts; policy and collector: lib/model/audit.ts,
 * lib/constructs/audit.ts.
 */
import type { AuditPolicyRule, AuditSettings, TenantAuditLevel, TenantAuditSpec } from './declarations/audit';
import { AUDIT_LEVELS, AUDIT_STORE_PREFIX, auditLevelRank, WRITE_VERBS } from './declarations/audit';
import type { PlatformSettings } from './declarations/platform';
import type { TenantSpec } from './declarations/tenant';
import type { CheckContext, ErrorList } from './validation';
import { at, checkObject } from './validation';

export type { AuditPolicyRule, AuditSettings, TenantAuditLevel, TenantAuditSpec } from './declarations/audit';

/** The defaults of `platform.ts` `audit` (documented on {@link AuditSettings}). */
export const DEFAULT_AUDIT: AuditSettings = {
  enabled: false,
  levelByComplianceTier: { public: 'Metadata', internal: 'Request', confidential: 'Request', pci: 'RequestResponse' },
  level: 'Metadata',
  retentionByComplianceTier: { pci: '2555d' },
  retention: '400d',
  collector: { source: 'file', path: '/var/log/kubernetes/audit/audit.log' },
  loki: { endpoint: 'http://loki-gateway.loki.svc:80', platformStream: '_platform' },
  read: { groupsHeader: 'kubeflow-groups', platformUsers: [], platformGroups: [], port: 8080 },
  platformNamespaces: ['argocd', 'auth', 'cert-manager', 'istio-system', 'knative-serving', 'kube-node-lease', 'kube-public', 'kube-system', 'kubeflow'],
};

/** Input of `audit` in `definePlatform`: nested sections are merged over their defaults too. */
export type AuditInput = Partial<Omit<AuditSettings, 'loki' | 'read'>> & { readonly loki?: Partial<AuditSettings['loki']>; readonly read?: Partial<AuditSettings['read']> };

/** `audit` of `definePlatform`: the overrides over {@link DEFAULT_AUDIT}, `loki` merged field by field. */
export function mergeAudit(input: AuditInput | undefined): AuditSettings {
  const over = input ?? {};
  return { ...DEFAULT_AUDIT, ...over, loki: { ...DEFAULT_AUDIT.loki, ...(over.loki ?? {}) }, read: { ...DEFAULT_AUDIT.read, ...(over.read ?? {}) } } as AuditSettings;
}

const TENANT_LEVELS: readonly TenantAuditLevel[] = ['Metadata', 'Request', 'RequestResponse'];
const TENANT_AUDIT_FIELDS = ['level'] as const satisfies readonly (keyof TenantAuditSpec)[];
const LEVELS_SHOWN = TENANT_LEVELS.map((l) => `"${l}"`).join(', ');

/** Loki's tenant id rule: at most 150 bytes of alphanumerics and `!-_.*'()`, never `.` or `..`. */
export function lokiTenantIdProblem(id: string): string | undefined {
  if (id.length > 150) return `is ${id.length} characters long; Loki allows at most 150`;
  if (!/^[A-Za-z0-9!._*'()-]+$/.test(id)) return 'has a character Loki does not allow in a tenant id (allowed: letters, digits, and ! - _ . * \' ( ))';
  if (id === '.' || id === '..') return 'is "." or "..", which Loki refuses';
  return undefined;
}

/** The Loki tenant id (and S3 key prefix) of a tenant's audit stream. */
export const auditStoreId = (tenant: string): string => `${AUDIT_STORE_PREFIX}${tenant}`;

/** A tenant's tier: the value of the platform's compliance-tier label. */
export const complianceTierOf = (spec: Pick<TenantSpec, 'labels'>, platform: PlatformSettings): string | undefined =>
  spec.labels?.[platform.labels.complianceTier];

/** The level its tier gives a tenant (the tier's entry, or the platform's `audit.level`). */
export function tierAuditLevel(tier: string | undefined, audit: AuditSettings): TenantAuditLevel {
  return (tier !== undefined ? audit.levelByComplianceTier[tier] : undefined) ?? audit.level;
}

/** The level of a tenant's writes: its tier's level, or the higher one it declares. */
export function tenantAuditLevel(spec: Pick<TenantSpec, 'labels' | 'audit'>, platform: PlatformSettings): TenantAuditLevel {
  const own = tierAuditLevel(complianceTierOf(spec, platform), platform.audit);
  const raised = spec.audit?.level;
  return raised !== undefined && auditLevelRank(raised) > auditLevelRank(own) ? raised : own;
}

/** The Loki retention of a tenant's stream (by its tier). */
export function tenantAuditRetention(spec: Pick<TenantSpec, 'labels'>, platform: PlatformSettings): string {
  const tier = complianceTierOf(spec, platform);
  return (tier !== undefined ? platform.audit.retentionByComplianceTier[tier] : undefined) ?? platform.audit.retention;
}

const RETENTION = /^[1-9][0-9]{0,5}(h|d|w|y)$/;
const RETENTION_HINT = 'a Loki retention period: a whole number and h, d, w or y, e.g. "400d" or "7y"';

/** Checks `platform.ts` `audit` into `out` (reported against platform.ts). */
export function checkAuditSettings(out: ErrorList, p: PlatformSettings): void {
  const a = p.audit;
  if (typeof a.enabled !== 'boolean') out.invalid('audit.enabled', a.enabled, 'must be true or false');
  const tiers = p.labels.complianceTiers;
  const levelProblem = (path: string, level: unknown): void => {
    if (!(TENANT_LEVELS as readonly unknown[]).includes(level)) {
      out.add(path, 'Unsupported value', level, `supported values: ${LEVELS_SHOWN}${level === 'None' ? ' (None would drop every write of the tier\'s tenants from the audit log)' : ''}`);
    }
  };
  levelProblem('audit.level', a.level);
  // A tier key must be a tier, when the platform wrote the table: the defaults name the default
  // tiers, which a platform with its own tiers simply does not use.
  const checkTiers = (table: object, def: object): boolean => a.enabled === true && table !== def;
  for (const [tier, level] of Object.entries(a.levelByComplianceTier)) {
    if (checkTiers(a.levelByComplianceTier, DEFAULT_AUDIT.levelByComplianceTier) && !tiers.includes(tier)) out.add(at.key('audit.levelByComplianceTier', tier), 'Unsupported value', tier, `not a compliance tier (labels.complianceTiers: ${tiers.join(', ')})`);
    levelProblem(at.key('audit.levelByComplianceTier', tier), level);
  }
  if (typeof a.retention !== 'string' || !RETENTION.test(a.retention)) out.invalid('audit.retention', a.retention, RETENTION_HINT);
  for (const [tier, r] of Object.entries(a.retentionByComplianceTier)) {
    if (checkTiers(a.retentionByComplianceTier, DEFAULT_AUDIT.retentionByComplianceTier) && !tiers.includes(tier)) out.add(at.key('audit.retentionByComplianceTier', tier), 'Unsupported value', tier, `not a compliance tier (labels.complianceTiers: ${tiers.join(', ')})`);
    else if (typeof r !== 'string' || !RETENTION.test(r)) out.invalid(at.key('audit.retentionByComplianceTier', tier), r, RETENTION_HINT);
  }
  const c = a.collector as { source?: unknown; path?: unknown; address?: unknown };
  if (c.source === 'file') {
    if (typeof c.path !== 'string' || !/^\/[^\s'"]*[^/\s'"]$/.test(c.path)) out.invalid('audit.collector.path', c.path, 'an absolute file path without spaces or quotes, the API server\'s --audit-log-path, e.g. "/var/log/kubernetes/audit/audit.log"');
  } else if (c.source === 'webhook') {
    if (typeof c.address !== 'string' || !/^[A-Za-z0-9.:[\]-]+:[0-9]{1,5}$/.test(c.address)) out.invalid('audit.collector.address', c.address, 'host:port Vector listens on for the API server\'s audit webhook, e.g. "0.0.0.0:8686"');
  } else {
    out.add('audit.collector.source', 'Unsupported value', c.source, 'supported values: "file" (the API server\'s --audit-log-path), "webhook" (--audit-webhook-config-file)');
  }
  if (typeof a.loki.endpoint !== 'string' || !/^https?:\/\/[^\s'"{}]+$/.test(a.loki.endpoint)) out.invalid('audit.loki.endpoint', a.loki.endpoint, 'an http(s) URL of Loki\'s push endpoint base, e.g. "http://loki-gateway.loki.svc:80"');
  const stream = a.loki.platformStream;
  const streamWhy = typeof stream !== 'string' || stream === '' ? 'must be a non-empty string' : lokiTenantIdProblem(auditStoreId(stream)) ?? (/^[A-Za-z0-9_.-]+$/.test(stream) ? undefined : 'only letters, digits, "_", "." and "-" (it is also an S3 key segment)');
  if (streamWhy) out.invalid('audit.loki.platformStream', stream, `${streamWhy}; its store id is "${AUDIT_STORE_PREFIX}<platformStream>"; the default "_platform" cannot be a tenant name`);
  if (a.archive !== undefined) {
    const ar = a.archive as { bucket?: unknown; region?: unknown; keyPrefix?: unknown };
    if (typeof ar.bucket !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(ar.bucket)) out.invalid('audit.archive.bucket', ar.bucket, 'an S3 bucket name: 3-63 lowercase letters, digits, "." and "-"');
    if (ar.region !== undefined && (typeof ar.region !== 'string' || !/^[a-z0-9-]+$/.test(ar.region))) out.invalid('audit.archive.region', ar.region, 'an S3 region, e.g. "us-east-1"');
    if (ar.keyPrefix !== undefined && (typeof ar.keyPrefix !== 'string' || !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(ar.keyPrefix))) out.invalid('audit.archive.keyPrefix', ar.keyPrefix, 'a key prefix without leading or trailing "/", e.g. "audit"');
  }
  checkAuditRead(out, a.read);
  a.platformNamespaces.forEach((ns, i) => {
    if (typeof ns !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(ns)) out.invalid(at.index('audit.platformNamespaces', i), ns, 'a namespace name (exact: the audit policy\'s namespaces field has no wildcards)');
    else if (a.platformNamespaces.indexOf(ns) !== i) out.add(at.index('audit.platformNamespaces', i), 'Duplicate value', ns, `already listed at audit.platformNamespaces[${a.platformNamespaces.indexOf(ns)}]`);
  });
}

/** An HTTP header name nginx can read as `$http_<name>`. */
const HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;
/** A reader identity or group as a header carries it: no control characters or spaces; a group has no comma (the header's separator). */
const READER_NAME = /^[^\s\u0000-\u001f\u007f]+$/;

/** Checks `audit.read` (the read gateway's settings). */
function checkAuditRead(out: ErrorList, r: AuditSettings['read']): void {
  if (typeof r.groupsHeader !== 'string' || !HEADER_NAME.test(r.groupsHeader)) out.invalid('audit.read.groupsHeader', r.groupsHeader, 'an HTTP header name (letters, digits and "-"), e.g. "kubeflow-groups"');
  if (!Number.isInteger(r.port) || r.port < 1 || r.port > 65535) out.invalid('audit.read.port', r.port, 'a TCP port, 1-65535');
  const names = (field: 'platformUsers' | 'platformGroups', what: string): void => {
    const list = r[field] as unknown;
    if (!Array.isArray(list)) {
      out.invalid(`audit.read.${field}`, list, `must be a list of ${what}`);
      return;
    }
    list.forEach((n: unknown, i) => {
      if (typeof n !== 'string' || !READER_NAME.test(n) || (field === 'platformGroups' && n.includes(','))) out.invalid(at.index(`audit.read.${field}`, i), n, `${what}: non-empty, without spaces or control characters${field === 'platformGroups' ? ' or commas (the groups header\'s separator)' : ''}`);
      else if (list.indexOf(n) !== i) out.add(at.index(`audit.read.${field}`, i), 'Duplicate value', n, `already listed at audit.read.${field}[${list.indexOf(n)}]`);
    });
  };
  names('platformUsers', 'an identity as the identity header carries it, without its prefix');
  names('platformGroups', 'a group as the groups header names it');
}

/**
 * A tenant's `audit`: a known level, never below its tier's; and, when the platform enables audit,
 * a tenant that lands in exactly one tier rule (not a platform namespace) with a store id of its
 * own (not the platform stream's).
 */
export function checkTenantAudit(errs: ErrorList, spec: TenantSpec, ctx: CheckContext): void {
  const { platform } = ctx;
  const audit = (spec as { audit?: unknown }).audit;
  if (audit !== undefined && checkObject(errs, 'audit', audit, TENANT_AUDIT_FIELDS)) {
    const level = audit.level;
    if (level !== undefined) {
      if (!(TENANT_LEVELS as readonly unknown[]).includes(level)) {
        errs.add('audit.level', 'Unsupported value', level, `supported values: ${LEVELS_SHOWN}`);
      } else {
        const tier = complianceTierOf(spec, platform);
        const own = tierAuditLevel(tier, platform.audit);
        if (auditLevelRank(level as string) < auditLevelRank(own)) {
          errs.invalid(
            'audit.level',
            level,
            `below ${own}, the audit level of its compliance tier ${tier === undefined ? '(none: platform.ts audit.level)' : `"${tier}"`}; a tenant may raise its audit level, never lower it: write "${own}" or higher, or remove the field`,
          );
        }
      }
    }
  }
  if (!platform.audit.enabled || typeof spec.name !== 'string') return;
  if (platform.audit.platformNamespaces.includes(spec.name)) {
    errs.invalid('name', spec.name, `is listed in platform.ts audit.platformNamespaces, so its namespace would be in two rules of the audit policy (the platform's at Metadata and its tier's); every tenant is in exactly one tier rule: remove "${spec.name}" from audit.platformNamespaces`);
  }
  const id = auditStoreId(spec.name);
  const why = lokiTenantIdProblem(id);
  if (why) errs.invalid('name', spec.name, `its audit store id "${id}" ${why}; rename the tenant`);
  if (spec.name === platform.audit.loki.platformStream) {
    errs.invalid('name', spec.name, `its audit store id "${id}" is the platform stream's (platform.ts audit.loki.platformStream), so its events would mix with every other tenant's unassigned events; rename the tenant or change audit.loki.platformStream`);
  }
}

/** Levels as written in the policy, for comparisons. */
const rank = auditLevelRank;
const READ_VERBS: readonly string[] = ['get', 'list', 'watch'];
const readsOnly = (r: AuditPolicyRule): boolean => r.verbs !== undefined && r.verbs.length > 0 && r.verbs.every((v) => READ_VERBS.includes(v));

/** Whether `rule` can match a request on `resource` (`group`/`resource[/subresource]`). */
function matchesResource(rule: AuditPolicyRule, group: string, resource: string): boolean {
  if (rule.nonResourceURLs !== undefined && rule.resources === undefined) return false;
  if (rule.resources === undefined) return true;
  return rule.resources.some(
    (g) =>
      (g.group ?? '') === group &&
      (g.resources === undefined || g.resources.length === 0 || g.resources.some((r) => r === resource || r === '*' || r === `${resource.split('/')[0]}/*` || (r === `*/${resource.split('/')[1]}` && resource.includes('/')))),
  );
}

/** Resources no rule before theirs may log above Metadata (bodies are credentials or may hold them). */
export const AUDIT_SENSITIVE_RESOURCES: readonly (readonly [string, string])[] = [
  ['', 'secrets'],
  ['', 'configmaps'],
  ['', 'serviceaccounts/token'],
  ['authentication.k8s.io', 'tokenreviews'],
];

/** Subresources no rule before theirs may silence. */
export const AUDIT_ALWAYS_LOGGED: readonly (readonly [string, string])[] = [
  ['', 'pods/exec'],
  ['', 'pods/attach'],
  ['', 'pods/portforward'],
];

/**
 * What is wrong with an audit policy's rules (first match wins), as sentences; empty when nothing.
 * `tenants`: every tenant must be in exactly one rule listing namespaces at a write level (its tier
 * rule). Run at synth over the generated policy, so a change to the generator cannot break them.
 */
export function auditPolicyProblems(rules: readonly AuditPolicyRule[], tenants: readonly string[]): string[] {
  const out: string[] = [];
  rules.forEach((r, i) => {
    if (r.level === 'None' && !readsOnly(r)) out.push(`rules[${i}]: level None without a verbs list of reads only (get, list, watch) would silence writes (${WRITE_VERBS.join(', ')}) or other actions; list the read verbs it silences`);
  });
  for (const [group, resource] of AUDIT_SENSITIVE_RESOURCES) {
    for (const [i, r] of rules.entries()) {
      if (!matchesResource(r, group, resource)) continue;
      if (rank(r.level) > rank('Metadata')) out.push(`rules[${i}]: logs ${group || 'core'}/${resource} at ${r.level} before any rule caps it at Metadata; ${resource} bodies must never reach the audit log`);
      // Only a rule that matches every request on the resource ends the search.
      if (r.verbs === undefined && r.namespaces === undefined && r.users === undefined && r.userGroups === undefined) break;
    }
  }
  for (const [group, resource] of AUDIT_ALWAYS_LOGGED) {
    for (const [i, r] of rules.entries()) {
      if (!matchesResource(r, group, resource)) continue;
      if (r.level === 'None') out.push(`rules[${i}]: silences ${resource} (level None); exec, attach and port-forward must always be logged`);
      if (r.verbs === undefined && r.namespaces === undefined && r.users === undefined && r.userGroups === undefined) break;
    }
  }
  for (const t of tenants) {
    const hits = rules.flatMap((r, i) => (r.namespaces?.includes(t) && r.verbs?.some((v) => WRITE_VERBS.includes(v)) ? [i] : []));
    if (hits.length !== 1) out.push(`tenant "${t}" is in ${hits.length} tier rules (${hits.map((i) => `rules[${i}]`).join(', ') || 'none'}); every tenant must be in exactly one`);
  }
  return out;
}

export { AUDIT_LEVELS };
