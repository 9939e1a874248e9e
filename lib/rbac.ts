/**
 * An offline Kubernetes RBAC evaluator: answers "may this user do this verb on this resource in
 * this namespace?" from manifests alone, the way the API server's RBAC authorizer does
 * (k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac). Auditors and tests use it to check what
 * `dist/` grants without a cluster; the real-cluster tier compares it with `kubectl auth can-i`.
 *
 * Modelled: RoleBindings (to Roles in the same namespace or to ClusterRoles), ClusterRoleBindings,
 * ClusterRole aggregation (`aggregationRule.clusterRoleSelectors`, transitively), `*` in verbs,
 * apiGroups and resources, `*\/<subresource>`, resourceNames, ServiceAccount users and their
 * implicit groups, the `system:masters` superuser group, and the bindings the Kubeflow Profile
 * controller creates for each Profile ({@link controllerObjects}).
 * Not modelled: non-resource URLs, other authorizers (Node, webhook), and the bootstrap
 * ClusterRoleBindings of a real cluster (pass them in `objects` if a question depends on them).
 *
 * Beyond RBAC ({@link RbacModel.reach}, {@link RbacModel.canThroughWorkloads}): whoever may create
 * a workload in a namespace (lib/declarations/grants.ts `RUNS_CODE_REQUESTS`, KFP Viewers included:
 * `kubeflow-view` creates them and their pod template names its ServiceAccount) runs it as any
 * ServiceAccount there and mounts any Secret there, so it can do whatever they can; followed to a
 * fixpoint (A's workloads run as B's ServiceAccount, which creates workloads in C).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';
import type { RunsCodeRequest } from './declarations/grants';
import { RUNS_CODE_REQUESTS } from './declarations/grants';
import { KFAM_ANNOTATION, PROFILE_CONTROLLER, RBAC_API_GROUP, SUBJECT_KIND } from './declarations/kubeflow';

/** One access question, in the terms of a SubjectAccessReview. */
export interface AccessQuestion {
  /** User name; a ServiceAccount is `system:serviceaccount:<namespace>:<name>`. */
  readonly user: string;
  /**
   * Groups of the user. @default the groups the API server gives an impersonated user:
   * `system:authenticated`, plus `system:serviceaccounts` and `system:serviceaccounts:<ns>` for a ServiceAccount
   */
  readonly groups?: readonly string[];
  readonly verb: string;
  /** API group; `''` for the core group. */
  readonly group: string;
  /** Plural resource, optionally with a subresource: `pods`, `pods/log`. */
  readonly resource: string;
  /** Namespace of the request; `''` for a cluster-scoped request. */
  readonly namespace: string;
  /** Object name; requests without one (list, create) only match rules without resourceNames. @default none */
  readonly name?: string;
}

/** Who asks: a user and, optionally, its groups (as in {@link AccessQuestion}). */
export type Principal = Pick<AccessQuestion, 'user' | 'groups'>;

/** One step of an escalation: creating a workload in `namespace` that runs as ServiceAccount `as`. */
export interface WorkloadStep {
  readonly namespace: string;
  /** User name of the ServiceAccount (`system:serviceaccount:<namespace>:<name>`). */
  readonly as: string;
  /** The request that lets the step's principal run code there: the first of `RUNS_CODE_REQUESTS` it may make. */
  readonly by: RunsCodeRequest;
}

/** An identity a principal can act as, and the shortest chain of workload steps that gets there (empty: itself). */
export interface Reached {
  readonly identity: Principal;
  readonly path: readonly WorkloadStep[];
}

/** The ServiceAccount every namespace has: it carries the namespace's ServiceAccount groups, whatever its bindings. */
const DEFAULT_SERVICE_ACCOUNT = 'default';

/** A PolicyRule as it appears in Roles and ClusterRoles. */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

interface RoleRef {
  readonly kind: string;
  readonly name: string;
}

interface Binding {
  /** Namespace of a RoleBinding; undefined for a ClusterRoleBinding. */
  readonly namespace?: string;
  readonly roleRef: RoleRef;
  readonly subjects: readonly Subject[];
}

interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] }[];
}

interface ClusterRoleDoc {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly rules: readonly PolicyRule[];
  readonly selectors?: readonly LabelSelector[];
}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const metaOf = (o: Json): Json => (isObj(o.metadata) ? o.metadata : {});
const isRbac = (o: Json, kind: string): boolean =>
  o.kind === kind && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('rbac.authorization.k8s.io/');

function rulesOf(v: unknown): PolicyRule[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObj).map((r) => {
    const rule: { apiGroups?: string[]; resources?: string[]; verbs: string[]; resourceNames?: string[]; nonResourceURLs?: string[] } = {
      verbs: strings(r.verbs),
    };
    if (r.apiGroups !== undefined) rule.apiGroups = strings(r.apiGroups);
    if (r.resources !== undefined) rule.resources = strings(r.resources);
    if (r.resourceNames !== undefined) rule.resourceNames = strings(r.resourceNames);
    if (r.nonResourceURLs !== undefined) rule.nonResourceURLs = strings(r.nonResourceURLs);
    return rule;
  });
}

// Defined in lib/declarations/kubeflow.ts; re-exported so existing imports keep working.
export { PROFILE_CONTROLLER };

/**
 * The RBAC objects the Kubeflow Profile controller creates for a Profile (it emits more - the
 * Namespace, ServiceAccounts, an Istio policy, the quota - but these are all that RBAC reads):
 * RoleBinding `namespaceAdmin` (owner -> kubeflow-admin), `default-editor` (ServiceAccount ->
 * kubeflow-edit) and `default-viewer` (ServiceAccount -> kubeflow-view), in the Profile's namespace.
 * Returns nothing for an object that is not a Profile.
 */
export function controllerObjects(profile: object): Json[] {
  const p = profile as Json;
  if (p.kind !== 'Profile' || typeof p.apiVersion !== 'string' || !p.apiVersion.startsWith('kubeflow.org/')) return [];
  const ns = metaOf(p).name;
  if (typeof ns !== 'string') return [];
  const spec = isObj(p.spec) ? p.spec : {};
  const owner = isObj(spec.owner) ? spec.owner : undefined;
  const rb = (name: string, clusterRole: string, subjects: Json[], annotations?: Record<string, string>): Json => ({
    apiVersion: `${RBAC_API_GROUP}/v1`,
    kind: 'RoleBinding',
    metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) },
    roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: clusterRole },
    subjects,
  });
  const sa = (name: string): Json => ({ kind: SUBJECT_KIND.serviceAccount, name, namespace: ns });
  const out: Json[] = [];
  if (owner && typeof owner.name === 'string') {
    out.push(rb(PROFILE_CONTROLLER.adminBinding, PROFILE_CONTROLLER.adminClusterRole, [{ ...owner }], { [KFAM_ANNOTATION.role]: 'admin', [KFAM_ANNOTATION.user]: owner.name }));
  }
  out.push(rb(PROFILE_CONTROLLER.editorServiceAccount, PROFILE_CONTROLLER.editClusterRole, [sa(PROFILE_CONTROLLER.editorServiceAccount)]));
  out.push(rb(PROFILE_CONTROLLER.viewerServiceAccount, PROFILE_CONTROLLER.viewClusterRole, [sa(PROFILE_CONTROLLER.viewerServiceAccount)]));
  return out;
}

function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const vals = e.values ?? [];
    if (e.operator === 'In' && !(has && vals.includes(labels[e.key]!))) return false;
    if (e.operator === 'NotIn' && has && vals.includes(labels[e.key]!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  // An empty selector selects nothing in aggregation (the controller skips it).
  return Object.keys(sel.matchLabels ?? {}).length > 0 || (sel.matchExpressions ?? []).length > 0;
}

const ruleKey = (r: PolicyRule): string => JSON.stringify([r.apiGroups ?? [], r.resources ?? [], r.verbs, r.resourceNames ?? [], r.nonResourceURLs ?? []]);

/**
 * Effective rules of every ClusterRole: an aggregated role gets the union of the (effective) rules
 * of every other role its selectors match, as the clusterrole-aggregation controller writes them,
 * iterated to a fixpoint so chains (view -> edit -> admin) resolve whatever their order.
 */
export function aggregateClusterRoles(clusterRoles: readonly object[]): Map<string, PolicyRule[]> {
  const docs: ClusterRoleDoc[] = [];
  for (const raw of clusterRoles) {
    const o = raw as Json;
    if (!isRbac(o, 'ClusterRole')) continue;
    const meta = metaOf(o);
    if (typeof meta.name !== 'string') continue;
    const labels = isObj(meta.labels) ? (Object.fromEntries(Object.entries(meta.labels).filter(([, v]) => typeof v === 'string')) as Record<string, string>) : {};
    const agg = isObj(o.aggregationRule) && Array.isArray(o.aggregationRule.clusterRoleSelectors) ? o.aggregationRule.clusterRoleSelectors.filter(isObj) : undefined;
    const doc: ClusterRoleDoc = {
      name: meta.name,
      labels,
      rules: rulesOf(o.rules),
      ...(agg ? { selectors: agg.map((s) => s as LabelSelector) } : {}),
    };
    docs.push(doc);
  }
  const effective = new Map<string, PolicyRule[]>(docs.map((d) => [d.name, [...d.rules]]));
  const members = new Map<string, ClusterRoleDoc[]>();
  for (const d of docs) {
    if (!d.selectors) continue;
    members.set(d.name, docs.filter((c) => c.name !== d.name && d.selectors!.some((s) => selectorMatches(s, c.labels))));
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, ms] of members) {
      const seen = new Set<string>();
      const union: PolicyRule[] = [];
      for (const m of ms) {
        for (const r of effective.get(m.name) ?? []) {
          const k = ruleKey(r);
          if (!seen.has(k)) {
            seen.add(k);
            union.push(r);
          }
        }
      }
      // Compared as sets: they only grow, so the loop ends even with cycles of aggregated roles.
      const before = new Set(effective.get(name)!.map(ruleKey));
      if (union.length !== before.size || union.some((r) => !before.has(ruleKey(r)))) {
        effective.set(name, union);
        changed = true;
      }
    }
  }
  return effective;
}

/** Whether one rule allows a resource request (rbac.RuleAllows). */
export function ruleAllows(rule: PolicyRule, q: Pick<AccessQuestion, 'verb' | 'group' | 'resource' | 'name'>): boolean {
  if (!rule.verbs.includes('*') && !rule.verbs.includes(q.verb)) return false;
  const groups = rule.apiGroups ?? [];
  if (!groups.includes('*') && !groups.includes(q.group)) return false;
  const slash = q.resource.indexOf('/');
  const sub = slash >= 0 ? q.resource.slice(slash + 1) : '';
  const resources = rule.resources ?? [];
  const resOk = resources.some((r) => r === '*' || r === q.resource || (sub !== '' && r === `*/${sub}`));
  if (!resOk) return false;
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  return q.name !== undefined && q.name !== '' && names.includes(q.name);
}

/** Parses `system:serviceaccount:<ns>:<name>`. */
export function serviceAccountOf(user: string): { namespace: string; name: string } | undefined {
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user);
  return m ? { namespace: m[1]!, name: m[2]! } : undefined;
}

/** The user name of a ServiceAccount. */
export const serviceAccountUser = (namespace: string, name: string): string => `system:serviceaccount:${namespace}:${name}`;

/** Groups of a user when none are given, as the API server's impersonation filter adds them. */
export function defaultGroups(user: string): string[] {
  const sa = serviceAccountOf(user);
  return sa ? ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`, 'system:authenticated'] : ['system:authenticated'];
}

function subjectMatches(s: Subject, bindingNamespace: string | undefined, user: string, groups: readonly string[]): boolean {
  switch (s.kind) {
    case SUBJECT_KIND.user:
      return s.name === user;
    case SUBJECT_KIND.group:
      return groups.includes(s.name);
    case SUBJECT_KIND.serviceAccount: {
      // A ServiceAccount subject without a namespace means the binding's own (appliesToUser).
      const ns = s.namespace && s.namespace !== '' ? s.namespace : bindingNamespace;
      return ns !== undefined && user === serviceAccountUser(ns, s.name);
    }
    default:
      return false;
  }
}

/** A compiled RBAC state: the bindings, Roles and aggregated ClusterRoles of one set of objects. */
export class RbacModel {
  private readonly bindings: Binding[] = [];
  /** RoleBindings by namespace, and ClusterRoleBindings under '' (every question reads two lists). */
  private readonly byNamespace = new Map<string, Binding[]>();
  private readonly clusterBindings: Binding[] = [];
  private readonly roles = new Map<string, PolicyRule[]>();
  private readonly clusterRoles: Map<string, PolicyRule[]>;

  constructor(objects: readonly object[], clusterRoles: readonly object[]) {
    const all: Json[] = [];
    const profiles: Json[] = [];
    for (const raw of objects) {
      const o = raw as Json;
      all.push(o);
      if (o.kind === 'Profile') profiles.push(o);
    }
    // What the Profile controller creates exists as soon as the Profile does; an object of the same
    // kind and name passed explicitly (e.g. read back from a cluster) wins.
    const byKey = new Map<string, Json>();
    for (const o of [...profiles.flatMap(controllerObjects), ...all]) {
      const meta = metaOf(o);
      byKey.set(`${String(o.kind)}/${String(meta.namespace ?? '')}/${String(meta.name)}`, o);
    }
    const extraClusterRoles: Json[] = [];
    for (const o of byKey.values()) {
      const meta = metaOf(o);
      const ns = typeof meta.namespace === 'string' ? meta.namespace : undefined;
      if (isRbac(o, 'Role') && ns && typeof meta.name === 'string') {
        this.roles.set(`${ns}/${meta.name}`, rulesOf(o.rules));
      } else if (isRbac(o, 'ClusterRole')) {
        extraClusterRoles.push(o);
      } else if ((isRbac(o, 'RoleBinding') && ns) || isRbac(o, 'ClusterRoleBinding')) {
        const ref = isObj(o.roleRef) ? o.roleRef : {};
        if (typeof ref.kind !== 'string' || typeof ref.name !== 'string') continue;
        const subjects = Array.isArray(o.subjects)
          ? o.subjects.filter(isObj).filter((s) => typeof s.kind === 'string' && typeof s.name === 'string').map((s) => s as unknown as Subject)
          : [];
        const b: Binding = { ...(o.kind === 'RoleBinding' ? { namespace: ns } : {}), roleRef: { kind: ref.kind, name: ref.name }, subjects };
        this.bindings.push(b);
        if (b.namespace === undefined) this.clusterBindings.push(b);
        else this.byNamespace.set(b.namespace, [...(this.byNamespace.get(b.namespace) ?? []), b]);
      }
    }
    this.clusterRoles = aggregateClusterRoles([...clusterRoles, ...extraClusterRoles]);
  }

  /** The rules a binding grants (empty when its role does not exist, as on a real cluster). */
  private rulesOf(b: Binding): readonly PolicyRule[] {
    if (b.roleRef.kind === 'ClusterRole') return this.clusterRoles.get(b.roleRef.name) ?? [];
    if (b.roleRef.kind === 'Role' && b.namespace) return this.roles.get(`${b.namespace}/${b.roleRef.name}`) ?? [];
    return [];
  }

  // Aggregated Kubeflow roles have 100+ rules; audits ask the same question of the same role often.
  private readonly memo = new Map<string, boolean>();
  private allows(b: Binding, q: AccessQuestion): boolean {
    const key = `${b.roleRef.kind}\u0000${b.roleRef.kind === 'Role' ? b.namespace : ''}\u0000${b.roleRef.name}\u0000${q.verb}\u0000${q.group}\u0000${q.resource}\u0000${q.name ?? ''}`;
    let v = this.memo.get(key);
    if (v === undefined) {
      v = this.rulesOf(b).some((r) => ruleAllows(r, q));
      this.memo.set(key, v);
    }
    return v;
  }

  can(q: AccessQuestion): boolean {
    const groups = q.groups ? withAuthenticated(q.groups) : defaultGroups(q.user);
    if (groups.includes('system:masters')) return true;
    // A RoleBinding only applies inside its namespace; a ClusterRoleBinding everywhere.
    for (const b of [...this.clusterBindings, ...(this.byNamespace.get(q.namespace) ?? [])]) {
      if (!b.subjects.some((s) => subjectMatches(s, b.namespace, q.user, groups))) continue;
      if (this.allows(b, q)) return true;
    }
    return false;
  }

  /**
   * The rules that apply to the principal's requests in `namespace` (its RoleBindings there and its
   * ClusterRoleBindings), with the binding each came from, as `kubectl auth can-i --list` lists them.
   */
  rulesFor(p: Principal, namespace: string): { rule: PolicyRule; binding: string }[] {
    const groups = p.groups ? withAuthenticated(p.groups) : defaultGroups(p.user);
    const out: { rule: PolicyRule; binding: string }[] = [];
    for (const b of [...this.clusterBindings, ...(this.byNamespace.get(namespace) ?? [])]) {
      if (!b.subjects.some((s) => subjectMatches(s, b.namespace, p.user, groups))) continue;
      for (const rule of this.rulesOf(b)) out.push({ rule, binding: `${b.namespace === undefined ? 'ClusterRoleBinding' : 'RoleBinding'} -> ${b.roleRef.kind} ${b.roleRef.name}` });
    }
    return out;
  }

  /** Every binding (namespace, roleRef) whose subjects include the user, for explanations. */
  bindingsOf(user: string, groups?: readonly string[]): { namespace?: string; roleRef: RoleRef }[] {
    const gs = groups ? withAuthenticated(groups) : defaultGroups(user);
    return this.bindings
      .filter((b) => b.subjects.some((s) => subjectMatches(s, b.namespace, user, gs)))
      .map((b) => ({ ...(b.namespace !== undefined ? { namespace: b.namespace } : {}), roleRef: b.roleRef }));
  }

  /** Namespaces where some RoleBinding names the user (directly, by group, or as a ServiceAccount). */
  namespacesOf(user: string, groups?: readonly string[]): string[] {
    return [...new Set(this.bindingsOf(user, groups).flatMap((b) => (b.namespace ? [b.namespace] : [])))].sort();
  }

  // ServiceAccount subjects by namespace, computed on first use (escalation questions only).
  private saNames?: Map<string, Set<string>>;
  private serviceAccountNames(): Map<string, Set<string>> {
    if (!this.saNames) {
      this.saNames = new Map();
      for (const ns of this.byNamespace.keys()) this.saNames.set(ns, new Set());
      for (const b of this.bindings) {
        for (const s of b.subjects) {
          const ns = s.kind === SUBJECT_KIND.serviceAccount ? s.namespace || b.namespace : undefined;
          if (ns) this.saNames.set(ns, (this.saNames.get(ns) ?? new Set()).add(s.name));
        }
      }
    }
    return this.saNames;
  }

  /** Every namespace some RoleBinding lives in or some ServiceAccount subject belongs to, sorted. */
  namespaces(): string[] {
    return [...this.serviceAccountNames().keys()].sort();
  }

  /**
   * ServiceAccounts of a namespace, as users, sorted: those some binding names, and `default`
   * (every namespace has it, and bindings to the namespace's ServiceAccount groups reach it).
   */
  serviceAccountsOf(namespace: string): string[] {
    return [...new Set([DEFAULT_SERVICE_ACCOUNT, ...(this.serviceAccountNames().get(namespace) ?? [])])].sort().map((n) => serviceAccountUser(namespace, n));
  }

  /** Whether the principal may create or change code that runs in the namespace. */
  runsCodeIn(p: Principal, namespace: string): boolean {
    return this.runsCodeBy(p, namespace) !== undefined;
  }

  /**
   * The first request of `RUNS_CODE_REQUESTS` (catalogue workloads first, KFP Viewers last) the
   * principal may make in the namespace, undefined when it may make none.
   */
  runsCodeBy(p: Principal, namespace: string): RunsCodeRequest | undefined {
    return RUNS_CODE_REQUESTS.find((r) => this.can({ ...p, group: r.group, resource: r.resource, verb: r.verb, namespace }));
  }

  /** Namespaces where some binding gives the principal anything: all of them for a ClusterRoleBinding. */
  reachableNamespaces(p: Principal): string[] {
    const gs = p.groups ? withAuthenticated(p.groups) : defaultGroups(p.user);
    if (this.clusterBindings.some((b) => b.subjects.some((s) => subjectMatches(s, undefined, p.user, gs)))) return this.namespaces();
    return this.namespacesOf(p.user, p.groups);
  }

  private readonly reachMemo = new Map<string, Reached[]>();
  /**
   * Every identity the principal can act as, itself first, then breadth-first (shortest chains
   * first; namespaces and ServiceAccounts in name order): where it may create workloads, it runs
   * them as any ServiceAccount of that namespace, and so on to a fixpoint.
   */
  reach(p: Principal): readonly Reached[] {
    const key = `${p.user}\u0000${(p.groups ?? []).join(',')}\u0000${p.groups === undefined}`;
    const memo = this.reachMemo.get(key);
    if (memo) return memo;
    const out: Reached[] = [{ identity: p, path: [] }];
    const seen = new Set([p.groups === undefined ? p.user : key]);
    for (let i = 0; i < out.length; i++) {
      const { identity, path } = out[i]!;
      for (const ns of this.reachableNamespaces(identity)) {
        const by = this.runsCodeBy(identity, ns);
        if (!by) continue;
        for (const as of this.serviceAccountsOf(ns)) {
          if (seen.has(as)) continue;
          seen.add(as);
          out.push({ identity: { user: as }, path: [...path, { namespace: ns, as, by }] });
        }
      }
    }
    this.reachMemo.set(key, out);
    return out;
  }

  /**
   * Whether the principal may make the request itself or through the workloads it can create:
   * the first identity of {@link reach} that may (its path empty when the principal itself may),
   * undefined when none may. A workload also mounts any Secret of its namespace by name, whatever
   * its ServiceAccount may do: `get` on secrets is allowed wherever a reached identity runs code.
   */
  canThroughWorkloads(q: AccessQuestion): Reached | undefined {
    const principal: Principal = q.groups === undefined ? { user: q.user } : { user: q.user, groups: q.groups };
    const reached = this.reach(principal);
    // A reached ServiceAccount asks with its own groups (undefined: the defaults), not the principal's.
    for (const r of reached) if (this.can({ ...q, user: r.identity.user, groups: r.identity.groups })) return r;
    // Every ServiceAccount of the namespace is reached exactly when some reached identity runs code there.
    if (q.group === '' && q.resource === 'secrets' && q.verb === 'get') return reached.find((r) => r.path.at(-1)?.namespace === q.namespace);
    return undefined;
  }
}

// Impersonation adds system:authenticated unless the caller claims to be unauthenticated.
function withAuthenticated(groups: readonly string[]): string[] {
  return groups.includes('system:authenticated') || groups.includes('system:unauthenticated') ? [...groups] : [...groups, 'system:authenticated'];
}

// Compiling is linear in the objects; cache per (objects, clusterRoles) array pair so a test asking
// thousands of questions about one synth compiles once. An array that grew or shrank since is
// recompiled; replacing elements in place is not detected (pass a new array instead).
const cache = new WeakMap<readonly object[], WeakMap<readonly object[], { sizes: string; model: RbacModel }>>();

/** Compiles (or returns the cached) model of `objects` with the given ClusterRoles. */
export function rbacModel(objects: readonly object[], clusterRoles: readonly object[]): RbacModel {
  let inner = cache.get(objects);
  if (!inner) {
    inner = new WeakMap();
    cache.set(objects, inner);
  }
  const sizes = `${objects.length}/${clusterRoles.length}`;
  let hit = inner.get(clusterRoles);
  if (!hit || hit.sizes !== sizes) {
    hit = { sizes, model: new RbacModel(objects, clusterRoles) };
    inner.set(clusterRoles, hit);
  }
  return hit.model;
}

/**
 * Whether RBAC allows the request. `objects` are emitted manifests (Profiles are expanded with
 * {@link controllerObjects}; Roles, RoleBindings, ClusterRoleBindings and extra ClusterRoles are
 * read; everything else is ignored); `clusterRoles` are the vendored Kubeflow ClusterRoles
 * ({@link loadKubeflowClusterRoles}).
 */
export function can(objects: readonly object[], clusterRoles: readonly object[], q: AccessQuestion): boolean {
  return rbacModel(objects, clusterRoles).can(q);
}

/**
 * Whether the principal may make the request itself or through workloads it can create
 * ({@link RbacModel.canThroughWorkloads}).
 */
export function canThroughWorkloads(objects: readonly object[], clusterRoles: readonly object[], q: AccessQuestion): boolean {
  return rbacModel(objects, clusterRoles).canThroughWorkloads(q) !== undefined;
}

/**
 * The resource rules every Kubernetes cluster grants by default (the bootstrap policy of
 * k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac/bootstrappolicy): `system:basic-user`, bound to
 * `system:authenticated`, lets anyone ask about their own access. Pass these objects to {@link can}
 * to answer like a real API server on those questions; the other bootstrap roles only have
 * non-resource URLs or are bound to control-plane identities.
 */
export function kubernetesBootstrapRbac(): Json[] {
  return [
    {
      apiVersion: `${RBAC_API_GROUP}/v1`,
      kind: 'ClusterRole',
      metadata: { name: 'system:basic-user' },
      rules: [{ apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] }, { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] }],
    },
    {
      apiVersion: `${RBAC_API_GROUP}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:basic-user' },
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: 'system:basic-user' },
      subjects: [{ apiGroup: RBAC_API_GROUP, kind: SUBJECT_KIND.group, name: 'system:authenticated' }],
    },
  ];
}

/** The repository root (this file is `<root>/lib/rbac.ts`). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Loads the vendored Kubeflow ClusterRoles (`crds/kubeflow-clusterroles.yaml`, or another file). */
export function loadKubeflowClusterRoles(file: string = path.join(REPO_ROOT, 'crds', 'kubeflow-clusterroles.yaml')): Json[] {
  return (yaml.loadAll(fs.readFileSync(file, 'utf8')) as unknown[]).filter((d): d is Json => isObj(d) && d.kind === 'ClusterRole');
}
