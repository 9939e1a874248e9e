/**
 * Access report for auditors: who can do what in each tenant namespace, computed from the
 * emitted objects (plus what the Profile controller creates for each Profile) with the offline
 * RBAC evaluator, so it shows effective access, not declared intent.
 */
import type { AccessQuestion } from './rbac';
import { KFAM_ANNOTATION, PROFILE_CONTROLLER, RBAC_API_GROUP, SUBJECT_KIND } from './declarations/kubeflow';
import { controllerObjects, rbacModel, serviceAccountUser } from './rbac';

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
  /** Bindings that give it access: `RoleBinding <name> -> ClusterRole <role>`. */
  readonly via: readonly string[];
  /** One boolean per {@link CAPABILITIES} entry. */
  readonly can: readonly boolean[];
  /**
   * Whether the central dashboard's "Manage contributors" page shows the person: it lists only
   * `edit` contributors (and its remove button only removes `edit` bindings), so a `view`
   * contributor exists for RBAC and KFAM's API but not on the page. `-` for ServiceAccounts and groups.
   */
  readonly dashboard: DashboardListing;
}

/** What the dashboard shows of a principal (see {@link AccessRow.dashboard}). */
export type DashboardListing = 'owner' | 'listed' | 'not listed (view)' | 'not listed' | '-';

/** The dashboard's listing of a User, from the KFAM roles of the bindings that name it. */
function dashboardListing(isUser: boolean, roles: ReadonlySet<string>, owner: boolean): DashboardListing {
  if (!isUser) return '-';
  if (owner) return 'owner';
  if (roles.has('edit')) return 'listed';
  return roles.has('view') ? 'not listed (view)' : 'not listed';
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

/** Access per tenant namespace (every Profile), rows sorted by principal. */
export function accessReport(objects: readonly object[], clusterRoles: readonly object[]): NamespaceAccess[] {
  const model = rbacModel(objects, clusterRoles);
  const all = [...objects, ...objects.flatMap((o) => controllerObjects(o))] as Obj[];
  const namespaces = (objects as Obj[]).filter((o) => o.kind === 'Profile').map((o) => String(o.metadata?.name)).sort();
  return namespaces.map((ns) => {
    const principals = new Map<string, { q: Omit<AccessQuestion, 'verb' | 'group' | 'resource' | 'namespace'>; via: Set<string>; isUser: boolean; roles: Set<string>; owner: boolean }>();
    for (const b of all) {
      if (b.kind !== 'RoleBinding' || b.metadata?.namespace !== ns) continue;
      const via = `RoleBinding ${String(b.metadata?.name)} -> ${String(b.roleRef?.kind)} ${String(b.roleRef?.name)}`;
      for (const s of b.subjects ?? []) {
        const name = String(s.name);
        let key: string;
        let q: Omit<AccessQuestion, 'verb' | 'group' | 'resource' | 'namespace'>;
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
        const entry = principals.get(key) ?? { q, via: new Set<string>(), isUser: s.kind === SUBJECT_KIND.user, roles: new Set<string>(), owner: false };
        entry.via.add(via);
        const role = b.metadata?.annotations?.[KFAM_ANNOTATION.role];
        if (typeof role === 'string') entry.roles.add(role);
        if (b.metadata?.name === PROFILE_CONTROLLER.adminBinding) entry.owner = true;
        principals.set(key, entry);
      }
    }
    const rows = [...principals.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([principal, { q, via, isUser, roles, owner }]) => ({
        principal,
        via: [...via].sort(),
        can: CAPABILITIES.map((c) => model.can({ ...q, verb: c.verb, group: c.group, resource: c.resource, namespace: ns })),
        dashboard: dashboardListing(isUser, roles, owner),
      }));
    return { namespace: ns, rows };
  });
}

/** The report as Markdown: one table per namespace. */
export function renderAccessMarkdown(report: readonly NamespaceAccess[]): string {
  const out: string[] = [
    '# Access report',
    '',
    'Effective RBAC in each tenant namespace (emitted objects plus what the Profile controller creates), evaluated offline.',
    'Column "dashboard": whether the central dashboard\'s "Manage contributors" page shows the person; it lists `edit` contributors only, so `view` contributors are "not listed (view)" and cannot be removed there.',
    '',
  ];
  for (const { namespace, rows } of report) {
    out.push(`## ${namespace}`, '', `| principal | ${CAPABILITIES.map((c) => c.title).join(' | ')} | dashboard | via |`, `|---|${CAPABILITIES.map(() => ':-:').join('|')}|---|---|`);
    for (const r of rows) out.push(`| ${r.principal} | ${r.can.map((c) => (c ? 'yes' : '-')).join(' | ')} | ${r.dashboard} | ${r.via.join('<br>')} |`);
    out.push('');
  }
  return out.join('\n');
}
