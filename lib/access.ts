/**
 * Access report for auditors: who can do what in each tenant namespace, computed from the
 * emitted objects (plus what the Profile controller creates for each Profile) with the offline
 * RBAC evaluator, so it shows effective access, not declared intent: including what a principal
 * does through the workloads it can create (they run as the namespace's ServiceAccounts).
 */
import type { AccessQuestion } from './rbac';
import { KFAM_ANNOTATION, PROFILE_CONTROLLER, RBAC_API_GROUP, SUBJECT_KIND } from './declarations/kubeflow';
import { CONTRIBUTOR_ANNOTATIONS, QUEUE_USER_ANNOTATIONS } from './model/names';
import type { WorkloadStep } from './rbac';
import { controllerObjects, rbacModel, serviceAccountOf, serviceAccountUser } from './rbac';

/** One capability an auditor asks about, as a SubjectAccessReview question. */
export interface Capability {
  /** Column title. */
  readonly title: string;
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
}

/** The questions the report asks for every principal; chosen for what audits of ML namespaces care about. */
export const CAPABILITIES: readonly Capability[] = [
  { title: 'read notebooks', verb: 'list', group: 'kubeflow.org', resource: 'notebooks' },
  { title: 'create notebooks', verb: 'create', group: 'kubeflow.org', resource: 'notebooks' },
  { title: 'read models', verb: 'list', group: 'serving.kserve.io', resource: 'inferenceservices' },
  { title: 'deploy models', verb: 'create', group: 'serving.kserve.io', resource: 'inferenceservices' },
  { title: 'run pipelines', verb: 'create', group: 'pipelines.kubeflow.org', resource: 'runs' },
  { title: 'read secrets', verb: 'get', group: '', resource: 'secrets' },
  { title: 'exec into pods', verb: 'create', group: '', resource: 'pods/exec' },
  { title: 'grant access', verb: 'create', group: RBAC_API_GROUP, resource: 'rolebindings' },
];

/** A principal with some access to a namespace, and what it can do there. */
export interface AccessRow {
  /** `User alice@example.com`, `ServiceAccount payments-engineering/default-editor`, `Group ...`. */
  readonly principal: string;
  /**
   * Bindings that give it access (`RoleBinding <name> -> ClusterRole <role>`), then the workload
   * chains that add to it (`workload creation as default-editor`,
   * `workload creation in team-b as default-editor, then workload creation as pipeline-runner`).
   */
  readonly via: readonly string[];
  /** One boolean per {@link CAPABILITIES} entry: allowed, by its own bindings or through workloads it can create. */
  readonly can: readonly boolean[];
  /**
   * Per capability, when it is allowed only through workloads: the ServiceAccount they run as
   * (`default-editor` in this namespace, `<namespace>/<name>` in another); undefined otherwise.
   */
  readonly as: readonly (string | undefined)[];
  /**
   * Whether the central dashboard's "Manage contributors" page shows the person: it lists only
   * `edit` contributors (and its remove button only removes `edit` bindings), so a `view`
   * contributor exists for RBAC and KFAM's API but not on the page. `-` for ServiceAccounts and groups.
   */
  readonly dashboard: DashboardListing;
  /**
   * The person's catalogue roles in the namespace and how they got them, from the annotations of
   * their objects: `member (direct, group ml-eng)`; `owner` for the Profile's owner; `-` otherwise.
   * `paths disagree` is added when the paths gave different roles (the union is bound).
   */
  readonly role: string;
  /**
   * The audit stream (Loki tenant id) the principal reads through the read gateway
   * (`dist/platform/audit/readers.json`), `-` for none; absent when audit is off.
   */
  readonly auditStream?: string;
  /**
   * The personal Kueue queue (LocalQueue) only this principal may submit to, by the user-queue
   * admission policy: `user-alice-example-com`; for a person whose API server username differs
   * from their Kubeflow identity (a username prefix), `user-alice-example-com (as oidc:alice@example.com)`
   * on the identity's row and the queue on the username's row; `-` otherwise.
   */
  readonly personalQueue: string;
}

/** What the access report needs of `dist/platform/audit/readers.json` (lib/constructs/audit.ts `readersTable`). */
export interface AuditReadersFile {
  readonly streams: Readonly<
    Record<
      string,
      {
        readonly tenant: string | null;
        readonly users: readonly { readonly identity: string; readonly via: readonly string[] }[];
        readonly groups: readonly { readonly group: string; readonly subject?: string }[];
      }
    >
  >;
}

/** The stream a principal reads in `namespace`'s tenant, `-` for none. */
function auditStreamOf(readers: AuditReadersFile, namespace: string, principal: string): string {
  for (const [id, s] of Object.entries(readers.streams)) {
    if (s.tenant !== namespace) continue;
    if (s.users.some((u) => principal === `User ${u.identity}`) || s.groups.some((g) => g.subject !== undefined && principal === `Group ${g.subject}`)) return id;
  }
  return '-';
}

/** What the dashboard shows of a principal (see {@link AccessRow.dashboard}). */
export type DashboardListing = 'owner' | 'listed' | 'not listed (view)' | 'not listed (no KFAM binding)' | 'not listed' | '-';

/** The dashboard's listing of a User, from the KFAM roles of the bindings that name it. */
function dashboardListing(isUser: boolean, roles: ReadonlySet<string>, owner: boolean, contributor: boolean): DashboardListing {
  if (!isUser) return '-';
  if (owner) return 'owner';
  if (roles.has('edit')) return 'listed';
  if (roles.has('view')) return 'not listed (view)';
  return contributor ? 'not listed (no KFAM binding)' : 'not listed';
}

export interface NamespaceAccess {
  readonly namespace: string;
  readonly rows: readonly AccessRow[];
}

interface Obj {
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown; readonly annotations?: Readonly<Record<string, unknown>> };
  readonly roleRef?: { readonly kind?: unknown; readonly name?: unknown };
  readonly subjects?: readonly { readonly kind?: unknown; readonly name?: unknown; readonly namespace?: unknown }[];
}

/** Where the readers list is, for the report's `via`. */
const AUDIT_READERS_FILE = 'dist/platform/audit/readers.json';

type Who = Omit<AccessQuestion, 'verb' | 'group' | 'resource' | 'namespace'>;

/** A ServiceAccount user as the report names it: its name in `namespace`, else `<namespace>/<name>`. */
function saName(user: string, namespace: string): string {
  const sa = serviceAccountOf(user);
  if (!sa) return user;
  return sa.namespace === namespace ? sa.name : `${sa.namespace}/${sa.name}`;
}

/** `<what> creation [in <ns>] as <sa>` (`workload` unless the request names itself, e.g. `KFP Viewer`), one per step, joined by `, then `. */
function describePath(path: readonly WorkloadStep[], namespace: string): string {
  return path.map((s) => `${s.by.what ?? 'workload'} creation${s.namespace === namespace ? '' : ` in ${s.namespace}`} as ${saName(s.as, s.namespace)}`).join(', then ');
}

/**
 * Access per tenant namespace (every Profile), rows sorted by principal: every principal some
 * RoleBinding names, where it has a binding or gains a capability through workloads it can create
 * (lib/rbac.ts `canThroughWorkloads`, chains followed to a fixpoint).
 */
export function accessReport(objects: readonly object[], clusterRoles: readonly object[], auditReaders?: AuditReadersFile): NamespaceAccess[] {
  const model = rbacModel(objects, clusterRoles);
  const all = [...objects, ...objects.flatMap((o) => controllerObjects(o))] as Obj[];
  const namespaces = (objects as Obj[]).filter((o) => o.kind === 'Profile').map((o) => String(o.metadata?.name)).sort();
  // Every principal of every RoleBinding, with its bindings per namespace.
  // Per namespace also the KFAM roles of its bindings and whether it is the owner (the dashboard column).
  const principals = new Map<string, { q: Who; isUser: boolean; via: Map<string, Set<string>>; roles: Map<string, Set<string>>; owner: Set<string>; catalogue: Map<string, string> }>();
  for (const b of all) {
    if (b.kind !== 'RoleBinding' || typeof b.metadata?.namespace !== 'string') continue;
    const ns = b.metadata.namespace;
    const via = `RoleBinding ${String(b.metadata?.name)} -> ${String(b.roleRef?.kind)} ${String(b.roleRef?.name)}`;
    for (const s of b.subjects ?? []) {
      const name = String(s.name);
      let key: string;
      let q: Who;
      if (s.kind === SUBJECT_KIND.serviceAccount) {
        const sns = typeof s.namespace === 'string' ? s.namespace : ns;
        key = `ServiceAccount ${sns}/${name}`;
        q = { user: serviceAccountUser(sns, name) };
      } else if (s.kind === SUBJECT_KIND.group) {
        key = `Group ${name}`;
        q = { user: 'audit:any-member', groups: [name] };
      } else {
        key = `User ${name}`;
        q = { user: name };
      }
      const entry = principals.get(key) ?? {
        q,
        isUser: s.kind === SUBJECT_KIND.user,
        via: new Map<string, Set<string>>(),
        roles: new Map<string, Set<string>>(),
        owner: new Set<string>(),
        catalogue: new Map<string, string>(),
      };
      const ours = b.metadata?.annotations;
      const catalogueRoles = ours?.[CONTRIBUTOR_ANNOTATIONS.roles];
      if (typeof catalogueRoles === 'string') {
        const paths = String(ours?.[CONTRIBUTOR_ANNOTATIONS.via] ?? 'direct');
        // Two paths disagree when they gave different roles; the union is what is bound.
        entry.catalogue.set(ns, `${catalogueRoles.split(',').join(' + ')} (${paths.split(',').join(', ')})`);
      }
      entry.via.set(ns, (entry.via.get(ns) ?? new Set<string>()).add(via));
      const role = b.metadata?.annotations?.[KFAM_ANNOTATION.role];
      if (typeof role === 'string') entry.roles.set(ns, (entry.roles.get(ns) ?? new Set<string>()).add(role));
      if (b.metadata?.name === PROFILE_CONTROLLER.adminBinding) entry.owner.add(ns);
      principals.set(key, entry);
    }
  }
  // Where each principal may have anything: its own namespaces and those of every identity it reaches.
  const relevant = new Map<string, Set<string>>();
  for (const [key, { q }] of principals) {
    const out = new Set<string>();
    for (const r of model.reach(q)) {
      for (const ns of model.reachableNamespaces(r.identity)) out.add(ns);
      const last = r.path.at(-1);
      if (last) out.add(last.namespace);
    }
    relevant.set(key, out);
  }
  // Personal queues per namespace, from the LocalQueues' annotations: username -> queue, identity -> queue (as username).
  const queues = new Map<string, Map<string, string>>();
  for (const q of objects as Obj[]) {
    const a = q.metadata?.annotations;
    const username = a?.[QUEUE_USER_ANNOTATIONS.username];
    if (q.kind !== 'LocalQueue' || typeof q.metadata?.namespace !== 'string' || typeof username !== 'string') continue;
    const m = queues.get(q.metadata.namespace) ?? new Map<string, string>();
    const name = String(q.metadata.name);
    m.set(`User ${username}`, name);
    const identity = a?.[QUEUE_USER_ANNOTATIONS.identity];
    if (typeof identity === 'string' && identity !== username) m.set(`User ${identity}`, `${name} (as ${username})`);
    queues.set(q.metadata.namespace, m);
  }
  // A queue user's prefixed username: whose Kubeflow access its bindings mirror (the role column).
  const mirrors = new Map<string, string>();
  for (const b of all) {
    const identity = b.metadata?.annotations?.[QUEUE_USER_ANNOTATIONS.mirrors];
    if (b.kind !== 'RoleBinding' || typeof identity !== 'string' || typeof b.metadata?.namespace !== 'string') continue;
    for (const sub of b.subjects ?? []) mirrors.set(`${b.metadata.namespace}\u0000User ${String(sub.name)}`, identity);
  }
  const keys = [...principals.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return namespaces.map((ns) => {
    const rows: AccessRow[] = [];
    for (const key of keys) {
      if (!relevant.get(key)!.has(ns)) continue;
      const { q, via, isUser, roles, owner, catalogue } = principals.get(key)!;
      const direct = via.get(ns);
      const found = CAPABILITIES.map((c) => model.canThroughWorkloads({ ...q, verb: c.verb, group: c.group, resource: c.resource, namespace: ns }));
      if (!direct && found.every((f) => f === undefined)) continue;
      const chains = [...new Set(found.flatMap((f) => (f && f.path.length > 0 ? [describePath(f.path, ns)] : [])))].sort();
      rows.push({
        principal: key,
        via: [...[...(direct ?? [])].sort(), ...chains],
        can: found.map((f) => f !== undefined),
        as: found.map((f) => (f && f.path.length > 0 ? saName(f.path.at(-1)!.as, ns) : undefined)),
        dashboard: dashboardListing(isUser, roles.get(ns) ?? new Set<string>(), owner.has(ns), catalogue.has(ns)),
        role: owner.has(ns) ? 'owner' : (catalogue.get(ns) ?? (mirrors.has(`${ns}\u0000${key}`) ? `API server username of ${mirrors.get(`${ns}\u0000${key}`)!}` : '-')),
        personalQueue: queues.get(ns)?.get(key) ?? '-',
        ...(auditReaders ? { auditStream: auditStreamOf(auditReaders, ns, key) } : {}),
      });
    }
    // Stream readers without RBAC access (a decommissioned tenant's auditors keep reading its trail).
    for (const [id, s] of Object.entries(auditReaders?.streams ?? {})) {
      if (s.tenant !== ns) continue;
      const principals = [...s.users.map((u) => `User ${u.identity}`), ...s.groups.flatMap((g) => (g.subject !== undefined ? [`Group ${g.subject}`] : []))];
      for (const p of principals) {
        if (rows.some((r) => r.principal === p)) continue;
        rows.push({ principal: p, via: [`audit stream reader (${AUDIT_READERS_FILE})`], can: CAPABILITIES.map(() => false), as: CAPABILITIES.map(() => undefined), dashboard: p.startsWith('User ') ? 'not listed' : '-', role: '-', personalQueue: '-', auditStream: id });
      }
    }
    rows.sort((a, b) => (a.principal < b.principal ? -1 : a.principal > b.principal ? 1 : 0));
    return { namespace: ns, rows };
  });
}

/** The report as Markdown: one table per namespace. */
export function renderAccessMarkdown(report: readonly NamespaceAccess[]): string {
  const out: string[] = [
    '# Access report',
    '',
    'Effective RBAC in each tenant namespace (emitted objects plus what the Profile controller creates), evaluated offline.',
    '`as <ServiceAccount>`: not granted to the principal itself, but it can create workloads that run as that ServiceAccount (via `workload creation ...`), and so do what it does. `KFP Viewer creation`: the only workload it can create is a Kubeflow Pipelines Viewer (`kubeflow-view` allows it), whose pod template names its ServiceAccount.',
    'Column "role": the catalogue roles (docs/roles-and-groups.md) and how the person got them (`direct`, `group <name>`); several roles are their union.',
    'Column "audit stream" (when audit is on): the Loki tenant id of the tenant\'s audit stream the principal reads through the read gateway (`dist/platform/audit/readers.json`; readers hold the `auditor` role), `-` for none.',
    'Column "dashboard": whether the central dashboard\'s "Manage contributors" page shows the person; it lists `kubeflow-edit` contributors only, so `view` contributors (viewers and members) are "not listed (view)" and cannot be removed there; auditors have no KFAM binding.',
  ];
  // Only repositories with personal Kueue queues get the column: the others' report is unchanged.
  const withQueues = report.some((n) => n.rows.some((r) => r.personalQueue !== '-'));
  if (withQueues) {
    out.push(
      'Column "personal queue": the Kueue LocalQueue only this principal may submit to (the user-queue admission policy, docs/queues.md); `(as <username>)` when the API server knows the person by a prefixed username, whose row shows the same access under "role: API server username of ...".',
    );
  }
  out.push('');
  for (const { namespace, rows } of report) {
    const audit = rows.some((r) => r.auditStream !== undefined);
    const q = withQueues ? ' personal queue |' : '';
    out.push(
      `## ${namespace}`,
      '',
      `| principal | ${CAPABILITIES.map((c) => c.title).join(' | ')} | role |${q} dashboard |${audit ? ' audit stream |' : ''} via |`,
      `|---|${CAPABILITIES.map(() => ':-:').join('|')}|---|${withQueues ? '---|' : ''}---|${audit ? '---|' : ''}---|`,
    );
    for (const r of rows) out.push(`| ${r.principal} | ${r.can.map((c, i) => (!c ? '-' : r.as[i] === undefined ? 'yes' : `as ${r.as[i]}`)).join(' | ')} | ${r.role} |${withQueues ? ` ${r.personalQueue} |` : ''} ${r.dashboard} |${audit ? ` ${r.auditStream ?? '-'} |` : ''} ${r.via.join('<br>')} |`);
    out.push('');
  }
  return out.join('\n');
}
