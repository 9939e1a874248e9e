/**
 * Cross-namespace grants: the tenant that owns the data lets another tenant's workloads read (or
 * do exactly the declared verbs on) exactly the declared kinds of object in its namespace, and
 * optionally read artifact prefixes of its bucket. Consent stays with the owner: the grant is
 * declared in the granting tenant's file and rendered in the granting namespace only.
 *
 * Here: the checks of `grants` and the merge of one tenant's grants per grantee (rules sorted, so
 * the Role is the same whatever the declaration order); they must name the same ServiceAccounts.
 * The model (lib/model/tenant.ts) resolves grants out and in; lib/constructs/grants.ts renders them.
 */
import type { CatalogueEntry, GrantSpec, ReviewedException, VerbClass } from './declarations/grants';
import { GRANT_ROLES, GRANTABLE_RESOURCES } from './declarations/grants';
import { hasS3 } from './declarations/credentials';
import type { TenantSpec } from './declarations/tenant';
import type { GrantRole } from './declarations/grants';
import type { CheckContext, ErrorList } from './validation';
import { at, checkDnsLabel, checkKnownKeys, isPlainObject } from './validation';
import { DEFAULT_GRANTEE_SERVICE_ACCOUNTS, grantObjectName } from './model/names';

// Declarations live in lib/declarations/ (no import cycles); re-exported so existing imports keep working.
export type {
  CatalogueEntry,
  GrantableResource,
  GrantRole,
  GrantSpec,
  GrantVerb,
  PipelinesVerb,
  ReviewedException,
  RunsCodeRequest,
  StandardVerb,
  VerbClass,
  VerbClasses,
} from './declarations/grants';
export { GRANT_ROLES, GRANTABLE_RESOURCES, NON_CATALOGUE_RUNS_CODE, RUNS_CODE_REQUESTS, STANDARD_VERBS } from './declarations/grants';

/** The verbs a catalogue entry offers, in catalogue order. */
export const verbsOf = (e: CatalogueEntry): string[] => Object.keys(e.verbs);

/** Every verb some catalogue resource offers. */
const ALL_VERBS: readonly string[] = [...new Set(Object.values(GRANTABLE_RESOURCES as Record<string, CatalogueEntry>).flatMap(verbsOf))];

const catalogueEntry = (name: string): CatalogueEntry | undefined =>
  Object.prototype.hasOwnProperty.call(GRANTABLE_RESOURCES, name) ? (GRANTABLE_RESOURCES as Record<string, CatalogueEntry>)[name] : undefined;

const GRANT_FIELDS = ['to', 'resources', 'verbs', 'role', 'serviceAccounts', 'artifactPrefixes', 'reviewedException'] as const satisfies readonly (keyof GrantSpec)[];
const EXCEPTION_FIELDS = ['reason', 'expires'] as const satisfies readonly (keyof ReviewedException)[];
const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

const ESCALATING_VERBS = ['escalate', 'bind', 'impersonate'];
const RBAC_RESOURCES = ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'];
const ARTIFACT_PREFIX = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Normalizes an artifact prefix: no leading or trailing slash. */
export const normalizePrefix = (p: string): string => p.replace(/^\/+|\/+$/g, '');

/** The grants of a tenant as declared (after validation). */
export const grantsOf = (spec: TenantSpec): readonly GrantSpec[] => spec.grants ?? [];

/** The reviewed exception of a grant (after validation), trimmed, in the object form. */
export function exceptionOf(g: GrantSpec): ReviewedException | undefined {
  const e = g.reviewedException;
  if (e === undefined) return undefined;
  if (typeof e === 'string') return { reason: e.trim() };
  return e.expires === undefined ? { reason: e.reason.trim() } : { reason: e.reason.trim(), expires: e.expires };
}


/**
 * Why a whole-namespace role needs a reviewed exception: each reaches everything the namespace's
 * ServiceAccounts and Secrets do. `view` because kubeflow-view creates KFP Viewers, whose pod
 * template names its ServiceAccount (lib/declarations/grants.ts KFP_VIEWER_RUNS_CODE).
 */
const WHOLE_NAMESPACE_ROLE_REFUSAL: Readonly<Record<GrantRole, string>> = {
  edit: 'kubeflow-edit on the whole namespace includes reading secrets and exec into pods; grant the resources and verbs needed instead, or, if a platform reviewer approved it, add reviewedException: "<ticket>: <reason>"',
  view: 'kubeflow-view on the whole namespace includes creating Kubeflow Pipelines Viewers, whose pod template runs as any ServiceAccount here (default-editor included) with any Secret here mounted: a grant of everything, like role: \'edit\'; grant get and list on the resources needed instead, or, if a platform reviewer approved it, add reviewedException: "<ticket>: <reason>"',
};

/**
 * Checks `grants`: grantee references, catalogue names, verbs, escalation, secrets, verbs that run
 * code, reviewed exceptions (reason, platform pattern, expiry), duplicates.
 */
export function checkGrants(errs: ErrorList, spec: TenantSpec, ctx: CheckContext): void {
  const list = spec.grants as unknown;
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    errs.invalid('grants', list, 'must be a list such as [{ to: "payments-engineering", resources: ["inferenceservices"], verbs: ["get", "list"] }]');
    return;
  }
  // Grants to one grantee share one Role and RoleBinding: remember the first for consistency checks.
  const firstTo = new Map<string, { index: number; sas: string; role: unknown }>();
  list.forEach((g: unknown, i) => {
    const p = at.index('grants', i);
    if (!isPlainObject(g)) {
      errs.invalid(p, g, 'must be an object { to, resources, verbs } or { to, role }');
      return;
    }
    checkKnownKeys(errs, p, g, GRANT_FIELDS);
    const exception = checkException(errs, at.field(p, 'reviewedException'), g.reviewedException, ctx);

    // Grantee.
    const to = g.to;
    if (to === undefined) errs.required(at.field(p, 'to'), 'the name of the tenant that gets access, e.g. "payments-engineering"');
    else if (checkDnsLabel(errs, at.field(p, 'to'), to)) {
      if (to === spec.name) {
        errs.invalid(at.field(p, 'to'), to, 'a tenant cannot grant to itself: its own workloads already have access; remove this grant');
      } else if (ctx.tenants.get(to)?.decommissioned === true) {
        errs.invalid(at.field(p, 'to'), to, `tenant "${to}" is decommissioned: all its access is revoked, including access granted by other tenants; remove this grant`);
      } else if (!ctx.tenants.has(to)) {
        const near = [...ctx.tenants.keys()].filter((n) => n !== spec.name && editDistance(to, n) <= 3).sort();
        errs.invalid(
          at.field(p, 'to'),
          to,
          `no tenant is named "${to}"; a grant names another tenant by the name in its tenants/<name>.ts${near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(', ')}?)` : ''}`,
        );
      }
    }

    // What: resources + verbs, or a namespace-wide role, or only artifact prefixes.
    const hasRes = g.resources !== undefined;
    const hasVerbs = g.verbs !== undefined;
    const hasRole = g.role !== undefined;
    if (hasRole && (hasRes || hasVerbs)) {
      errs.invalid(at.field(p, 'role'), g.role, 'a grant gives either a namespace-wide role or resources with verbs, not both; split it into two grants or drop one');
    }
    if (hasRes && !hasVerbs) errs.required(at.field(p, 'verbs'), 'the verbs allowed on the resources, e.g. ["get", "list"]');
    if (hasVerbs && !hasRes) errs.required(at.field(p, 'resources'), `the resources the verbs apply to, e.g. ["inferenceservices"]; known: ${Object.keys(GRANTABLE_RESOURCES).join(', ')}`);
    if (!hasRes && !hasVerbs && !hasRole && g.artifactPrefixes === undefined) {
      errs.required(p, 'a grant needs resources and verbs, a role, or artifactPrefixes; it grants nothing as written');
    }
    const resources = hasRes ? checkResources(errs, at.field(p, 'resources'), g.resources, exception) : [];
    const verbs = hasVerbs ? checkVerbs(errs, at.field(p, 'verbs'), g.verbs, resources.map((r) => r.entry)) : [];
    if (exception === undefined) checkRunsCode(errs, at.field(p, 'verbs'), resources, verbs);
    if (hasRole) {
      if (typeof g.role !== 'string' || !Object.prototype.hasOwnProperty.call(GRANT_ROLES, g.role)) {
        errs.add(at.field(p, 'role'), 'Unsupported value', g.role, 'supported values: "view" (kubeflow-view), "edit" (kubeflow-edit)');
      } else if (exception === undefined) {
        errs.add(at.field(p, 'role'), 'Forbidden', g.role, WHOLE_NAMESPACE_ROLE_REFUSAL[g.role as GrantRole]);
      }
    }

    // Who in the grantee namespace.
    let sas: string[] = [...DEFAULT_GRANTEE_SERVICE_ACCOUNTS];
    if (g.serviceAccounts !== undefined) {
      const sp = at.field(p, 'serviceAccounts');
      if (!Array.isArray(g.serviceAccounts) || g.serviceAccounts.length === 0) {
        errs.invalid(sp, g.serviceAccounts, 'must be a non-empty list of ServiceAccount names in the grantee namespace, e.g. ["default-editor"]; leave it out for default-editor');
      } else {
        const seen = new Set<string>();
        g.serviceAccounts.forEach((sa: unknown, j) => {
          if (!checkDnsLabel(errs, at.index(sp, j), sa)) return;
          if (seen.has(sa)) errs.add(at.index(sp, j), 'Duplicate value', sa, 'listed twice; remove one');
          seen.add(sa);
        });
        sas = [...seen].sort();
      }
    }

    if (g.artifactPrefixes !== undefined) {
      checkArtifactPrefixes(errs, at.field(p, 'artifactPrefixes'), g.artifactPrefixes);
      const grantee = typeof to === 'string' ? ctx.tenants.get(to) : undefined;
      if (grantee && !hasS3(grantee)) {
        errs.invalid(
          at.field(p, 'artifactPrefixes'),
          g.artifactPrefixes,
          `tenant "${String(to)}" declares no credentials.s3, so it has no S3 key to read these prefixes with; ask its owner to add credentials: { s3: true }, or drop artifactPrefixes`,
        );
      }
    }

    if (typeof to === 'string') {
      const key = sas.join(',');
      const first = firstTo.get(to);
      if (!first) firstTo.set(to, { index: i, sas: key, role: g.role });
      else {
        if (first.sas !== key) {
          errs.invalid(
            at.field(p, 'serviceAccounts'),
            sas,
            `grants[${first.index}] also grants to "${to}" with serviceAccounts [${first.sas}]; grants to one tenant share one RoleBinding (${grantObjectName(to)}), so list the same ServiceAccounts or merge the grants`,
          );
        }
        if ((first.role !== undefined) !== hasRole || (hasRole && first.role !== g.role)) {
          errs.invalid(
            p,
            to,
            `grants[${first.index}] also grants to "${to}"; a namespace-wide role cannot be combined with other grants to the same tenant (they share the RoleBinding ${grantObjectName(to)}); merge them into one grant`,
          );
        }
      }
    }
  });
}

function checkException(errs: ErrorList, path: string, v: unknown, ctx: CheckContext): ReviewedException | undefined {
  if (v === undefined) return undefined;
  let reason: unknown = v;
  let reasonPath = path;
  let expires: string | undefined;
  let ok = true;
  if (isPlainObject(v)) {
    checkKnownKeys(errs, path, v, EXCEPTION_FIELDS);
    reason = v.reason;
    reasonPath = at.field(path, 'reason');
    if (v.expires !== undefined) {
      expires = checkExpiry(errs, at.field(path, 'expires'), v.expires, ctx.today);
      ok = expires !== undefined;
    }
  }
  if (reason === undefined) {
    errs.required(reasonPath, 'who reviewed the exception and why, e.g. "SEC-123: approved by platform security for the shared feature store"');
    return undefined;
  }
  if (typeof reason !== 'string' || reason.trim().length < 10) {
    errs.invalid(reasonPath, reason, 'must say who reviewed the exception and why, e.g. "SEC-123: approved by platform security for the shared feature store" (at least 10 characters)');
    return undefined;
  }
  const pattern = ctx.platform.grants.exceptionReasonPattern;
  if (pattern !== undefined && !matches(pattern, reason.trim())) {
    errs.invalid(
      reasonPath,
      reason,
      `must match ${pattern} (platform.ts grants.exceptionReasonPattern), so that every exception names its review, e.g. a ticket id first; write the reason that way`,
    );
    return undefined;
  }
  if (!ok) return undefined;
  return expires === undefined ? { reason: reason.trim() } : { reason: reason.trim(), expires };
}

/** Whether `text` matches the platform's pattern; an invalid pattern is platform.ts's error, reported there. */
function matches(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    return true;
  }
}

/** A valid, not yet passed `YYYY-MM-DD` (the exception holds through that day, UTC). */
function checkExpiry(errs: ErrorList, path: string, v: unknown, today: string): string | undefined {
  const m = typeof v === 'string' ? ISO_DATE.exec(v) : null;
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (typeof v !== 'string' || !d || d.toISOString().slice(0, 10) !== v) {
    errs.invalid(path, v, 'must be the last day the exception holds, as a date YYYY-MM-DD, e.g. "2027-03-31"');
    return undefined;
  }
  if (v < today) {
    errs.invalid(path, v, `the reviewed exception expired on ${v} (today is ${today}); have it reviewed again and set a new date, or remove the access it allowed`);
    return undefined;
  }
  return v;
}

/** A resource of a grant that passed its checks: the catalogue name as written, and its entry. */
interface GrantedResource {
  readonly name: string;
  readonly entry: CatalogueEntry;
}

function checkResources(errs: ErrorList, path: string, v: unknown, exception: ReviewedException | undefined): GrantedResource[] {
  if (!Array.isArray(v) || v.length === 0) {
    errs.invalid(path, v, `must be a non-empty list of resource names; known: ${Object.keys(GRANTABLE_RESOURCES).join(', ')}`);
    return [];
  }
  const out: GrantedResource[] = [];
  const seen = new Set<string>();
  v.forEach((r: unknown, j) => {
    const p = at.index(path, j);
    if (r === '*' || (typeof r === 'string' && r.includes('*'))) {
      errs.add(p, 'Forbidden', r, 'wildcards grant every resource, including ones installed later; list the resources needed, e.g. ["inferenceservices"]');
      return;
    }
    if (typeof r === 'string' && RBAC_RESOURCES.includes(r.split('.')[0]!)) {
      errs.add(p, 'Forbidden', r, 'access to RBAC objects lets the grantee give itself any permission (privilege escalation); grant the Kubeflow resources it needs instead');
      return;
    }
    const entry = typeof r === 'string' ? catalogueEntry(r) : undefined;
    if (!entry) {
      const hint = typeof r === 'string' ? suggest(r) : undefined;
      errs.add(p, 'Unsupported value', r, `${hint ? `did you mean "${hint}"? ` : ''}grantable resources: ${Object.keys(GRANTABLE_RESOURCES).join(', ')}`);
      return;
    }
    if (seen.has(r as string)) {
      errs.add(p, 'Duplicate value', r, 'listed twice; remove one');
      return;
    }
    seen.add(r as string);
    if (entry.resource === 'secrets' && exception === undefined) {
      errs.add(
        p,
        'Forbidden',
        r,
        'secrets hold credentials (S3 keys, registry and git tokens); another tenant should get its own through credentials, not read these. If a platform reviewer approved this, add reviewedException: "<ticket>: <reason>" to the grant',
      );
      return;
    }
    out.push({ name: r as string, entry });
  });
  return out;
}

/** Checks the verbs and returns those every listed resource offers. */
function checkVerbs(errs: ErrorList, path: string, v: unknown, resources: readonly CatalogueEntry[]): string[] {
  if (!Array.isArray(v) || v.length === 0) {
    errs.invalid(path, v, 'must be a non-empty list of verbs, e.g. ["get", "list"]');
    return [];
  }
  const out: string[] = [];
  const seen = new Set<string>();
  v.forEach((verb: unknown, j) => {
    const p = at.index(path, j);
    if (typeof verb !== 'string' || verb === '') {
      errs.invalid(p, verb, 'must be a verb such as "get"');
      return;
    }
    if (verb.includes('*')) {
      errs.add(p, 'Forbidden', verb, 'wildcards grant every verb, including delete and any added later; list the verbs needed, e.g. ["get", "list"]');
      return;
    }
    if (ESCALATING_VERBS.includes(verb)) {
      errs.add(p, 'Forbidden', verb, `"${verb}" lets the grantee gain permissions it was not given (privilege escalation); it is never granted across tenants`);
      return;
    }
    if (seen.has(verb)) {
      errs.add(p, 'Duplicate value', verb, 'listed twice; remove one');
      return;
    }
    seen.add(verb);
    const lacking = resources.find((r) => !verbsOf(r).includes(verb));
    if (lacking) {
      errs.add(p, 'Unsupported value', verb, `not a verb of ${lacking.resource}${lacking.group ? `.${lacking.group}` : ''}; supported: ${verbsOf(lacking).join(', ')}`);
    } else if (!ALL_VERBS.includes(verb)) {
      errs.add(p, 'Unsupported value', verb, `supported verbs: ${ALL_VERBS.join(', ')}`);
    } else out.push(verb);
  });
  return out;
}

/**
 * Verbs that run code in the granting namespace (the catalogue's classification), refused without a
 * reviewed exception: one error per resource, so each says why that kind of object runs code.
 */
function checkRunsCode(errs: ErrorList, path: string, resources: readonly GrantedResource[], verbs: readonly string[]): void {
  for (const { name, entry } of resources) {
    const classes: Readonly<Partial<Record<string, VerbClass>>> = entry.verbs;
    const running = verbs.filter((v) => classes[v] === 'runs-code');
    if (running.length === 0) continue;
    const safe = verbsOf(entry).filter((v) => classes[v] === 'data');
    errs.add(
      path,
      'Forbidden',
      running,
      `${running.join(', ')} on ${name} ${running.length === 1 ? 'runs' : 'run'} code in this namespace: ${entry.runsCode ?? 'it is classified so in the catalogue'}. ` +
        `Whoever can do that runs as any ServiceAccount here (default-editor included) with any Secret here mounted: a grant of everything, like secrets or role: 'edit'. ` +
        `${safe.length > 0 ? `Grant only verbs that run no code (${safe.join(', ')})` : `No verb of ${name} is free of that: remove it`}, or, if a platform reviewer approved it, add reviewedException: "<ticket>: <reason>"`,
    );
  }
}

function checkArtifactPrefixes(errs: ErrorList, path: string, v: unknown): void {
  if (!Array.isArray(v) || v.length === 0) {
    errs.invalid(path, v, 'must be a non-empty list of prefixes inside this tenant\'s bucket area, e.g. ["models/fraud-v3"]');
    return;
  }
  const seen = new Set<string>();
  v.forEach((raw: unknown, j) => {
    const p = at.index(path, j);
    const s = typeof raw === 'string' ? normalizePrefix(raw) : '';
    if (typeof raw !== 'string' || s === '') {
      errs.invalid(p, raw, 'must name a prefix inside this tenant\'s bucket area, e.g. "models/fraud-v3"; sharing the whole area is not a prefix grant');
      return;
    }
    if (!ARTIFACT_PREFIX.test(s) || s.split('/').some((seg) => seg === '.' || seg === '..')) {
      errs.invalid(p, raw, 'a prefix is path segments of letters, digits, ".", "_" or "-" separated by "/", without "*", ".." or spaces, e.g. "models/fraud-v3"');
      return;
    }
    if (seen.has(s)) errs.add(p, 'Duplicate value', raw, 'listed twice; remove one');
    seen.add(s);
  });
}

/** The closest catalogue name (edit distance at most 3), for "did you mean". */
function suggest(name: string): string | undefined {
  let best: { n: string; d: number } | undefined;
  for (const n of Object.keys(GRANTABLE_RESOURCES)) {
    const d = editDistance(name.toLowerCase(), n);
    if (d <= 3 && (!best || d < best.d)) best = { n, d };
  }
  // A plural resource of the catalogue spelled with its group (`inferenceservices.serving.kserve.io`).
  if (!best) {
    const base = name.split('.')[0]!;
    for (const [n, e] of Object.entries(GRANTABLE_RESOURCES) as [string, CatalogueEntry][]) if (e.resource === base) return n;
  }
  return best?.n;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** An RBAC rule as emitted. */
export interface GrantRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The rules of the grants to one grantee: resources grouped by API group and verb set, everything
 * sorted, so the Role is the same whatever the declaration order.
 */
export function grantRules(grants: readonly GrantSpec[]): GrantRule[] {
  const perResource = new Map<string, { group: string; resource: string; verbs: Set<string> }>();
  for (const g of grants) {
    for (const name of g.resources ?? []) {
      const e = catalogueEntry(name)!;
      const key = `${e.group}/${e.resource}`;
      const cur = perResource.get(key) ?? { group: e.group, resource: e.resource, verbs: new Set<string>() };
      for (const v of g.verbs ?? []) cur.verbs.add(v);
      perResource.set(key, cur);
    }
  }
  const rules = new Map<string, GrantRule>();
  for (const r of perResource.values()) {
    const verbs = [...r.verbs].sort(cmp);
    const key = `${r.group}\u0000${verbs.join(',')}`;
    const rule = rules.get(key) ?? { apiGroups: [r.group], resources: [], verbs };
    rule.resources.push(r.resource);
    rules.set(key, rule);
  }
  return [...rules.entries()].sort(([a], [b]) => cmp(a, b)).map(([, r]) => ({ ...r, resources: [...r.resources].sort(cmp) }));
}

/** Grants of one tenant grouped by grantee, in grantee order. */
export function grantsByGrantee(grants: readonly GrantSpec[]): Map<string, GrantSpec[]> {
  const by = new Map<string, GrantSpec[]>();
  for (const g of [...grants].sort((a, b) => cmp(a.to, b.to))) by.set(g.to, [...(by.get(g.to) ?? []), g]);
  return by;
}
