/**
 * The offline RBAC evaluator (lib/rbac.ts) on hand-built cases, then property tests over random
 * tenants, contributors, grants and credentials: evaluating everything synth emits (with the Profile
 * controller's bindings and the vendored Kubeflow ClusterRoles), nobody reaches a tenant namespace
 * unless they are its owner, a contributor, its own ServiceAccounts or a declared grantee; a grantee
 * gets exactly the declared verbs; and no Vault path or bucket prefix of one tenant is reachable
 * by another tenant's credentials without a grant.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CatalogueEntry, GrantSpec, GrantableResource, GrantVerb, VerbClass } from '../lib/grants';
import { GRANT_ROLES, GRANTABLE_RESOURCES, STANDARD_VERBS } from '../lib/grants';
import { DEFAULT_GRANTEE_SERVICE_ACCOUNTS } from '../lib/model/names';
import { PROFILE_CONTROLLER } from '../lib/declarations/kubeflow';
import { AUDITOR_CLUSTER_ROLE } from '../lib/declarations/contributors';
import { definePlatform, DEFAULT_PLATFORM } from '../lib/platform';
import type { AccessQuestion } from '../lib/rbac';
import { aggregateClusterRoles, can, canThroughWorkloads, controllerObjects, kubernetesBootstrapRbac, loadKubeflowClusterRoles, rbacModel, ruleAllows, serviceAccountUser } from '../lib/rbac';
import { orgModel } from '../lib/model/tenant';
import type { IamPolicy } from '../lib/constructs/platform-files';
import { tenantBucketPrefix } from '../lib/secrets';
import { render, synthesize } from '../lib/synth';
import type { TenantSpec } from '../lib/tenant';
import { validateTenants } from '../lib/tenant';
import type { TenantEntry } from '../lib/validation';
import { clusterRolesOfRole, personEntries } from './support/fixtures';
import { validateManifest } from './support/schemas';

const clusterRoles = loadKubeflowClusterRoles();
const effective = aggregateClusterRoles(clusterRoles);
const roleMemo = new Map<string, boolean>();
const roleAllows = (clusterRole: string, q: Pick<AccessQuestion, 'verb' | 'group' | 'resource'>): boolean => {
  const k = `${clusterRole} ${q.verb} ${q.group} ${q.resource}`;
  let v = roleMemo.get(k);
  if (v === undefined) {
    v = (effective.get(clusterRole) ?? []).some((r) => ruleAllows(r, q));
    roleMemo.set(k, v);
  }
  return v;
};

const rb = (ns: string, name: string, roleRef: { kind: string; name: string }, subjects: object[]): object => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name, namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
  subjects,
});
const role = (ns: string, name: string, rules: object[]): object => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: ns }, rules });
const q = (user: string, verb: string, resource: string, namespace: string, group = '', extra: Partial<AccessQuestion> = {}): AccessQuestion => ({
  user,
  verb,
  group,
  resource,
  namespace,
  ...extra,
});

describe('ClusterRole aggregation of the vendored Kubeflow roles', () => {
  it('loads all 46 ClusterRoles', () => {
    expect(clusterRoles).toHaveLength(46);
  });

  it('resolves chains transitively: view -> edit -> admin, and app roles into each', () => {
    // kubeflow-view <- kubeflow-pipelines-view <- aggregate-to-kubeflow-pipelines-view (two levels).
    expect(roleAllows('kubeflow-view', { verb: 'get', group: 'pipelines.kubeflow.org', resource: 'runs' })).toBe(true);
    expect(roleAllows('kubeflow-view', { verb: 'list', group: 'serving.kserve.io', resource: 'inferenceservices' })).toBe(true);
    expect(roleAllows('kubeflow-view', { verb: 'create', group: 'serving.kserve.io', resource: 'inferenceservices' })).toBe(false);
    expect(roleAllows('kubeflow-view', { verb: 'get', group: '', resource: 'secrets' })).toBe(false);
    // kubeflow-edit includes kubeflow-view (its label) and the edit roles.
    expect(roleAllows('kubeflow-edit', { verb: 'list', group: 'serving.kserve.io', resource: 'inferenceservices' })).toBe(true);
    expect(roleAllows('kubeflow-edit', { verb: 'create', group: 'kubeflow.org', resource: 'notebooks' })).toBe(true);
    expect(roleAllows('kubeflow-edit', { verb: 'get', group: '', resource: 'secrets' })).toBe(true);
    expect(roleAllows('kubeflow-edit', { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings' })).toBe(false);
    // kubeflow-admin: everything of edit, plus RBAC in the namespace.
    expect(roleAllows('kubeflow-admin', { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings' })).toBe(true);
    expect(roleAllows('kubeflow-admin', { verb: 'create', group: 'kubeflow.org', resource: 'notebooks' })).toBe(true);
    expect(roleAllows('kubeflow-admin', { verb: 'get', group: 'pipelines.kubeflow.org', resource: 'runs' })).toBe(true);
    // Nobody gets escalate/bind/impersonate.
    for (const cr of ['kubeflow-admin', 'kubeflow-edit', 'kubeflow-view']) {
      expect(roleAllows(cr, { verb: 'escalate', group: 'rbac.authorization.k8s.io', resource: 'roles' })).toBe(false);
      expect(roleAllows(cr, { verb: 'impersonate', group: '', resource: 'serviceaccounts' })).toBe(false);
    }
  });

  it('is order-independent and handles cycles', () => {
    const shuffled = [...clusterRoles].reverse();
    const again = aggregateClusterRoles(shuffled);
    for (const name of ['kubeflow-admin', 'kubeflow-edit', 'kubeflow-view']) {
      expect(new Set(again.get(name)!.map((r) => JSON.stringify(r)))).toEqual(new Set(effective.get(name)!.map((r) => JSON.stringify(r))));
    }
    const cr = (name: string, labels: Record<string, string>, sel: Record<string, string>, rules: object[] = []) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: sel }] },
      rules,
    });
    const leaf = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'leaf', labels: { a: 'true' } }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] };
    const m = aggregateClusterRoles([cr('x', { b: 'true' }, { a: 'true' }), cr('y', { a: 'true' }, { b: 'true' }), leaf]);
    expect(m.get('x')!.some((r) => ruleAllows(r, { verb: 'get', group: '', resource: 'pods' }))).toBe(true);
    expect(m.get('y')!.some((r) => ruleAllows(r, { verb: 'get', group: '', resource: 'pods' }))).toBe(true);
  });
});

describe('can(): the RBAC authorizer semantics', () => {
  const ns = 'team-a';
  const objects = [
    role(ns, 'r', [
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['settings'] },
      { apiGroups: ['serving.kserve.io'], resources: ['*'], verbs: ['list'] },
      { apiGroups: ['*'], resources: ['*/status'], verbs: ['get'] },
      { apiGroups: ['kubeflow.org'], resources: ['notebooks'], verbs: ['*'] },
    ]),
    rb(ns, 'rb', { kind: 'Role', name: 'r' }, [{ kind: 'User', name: 'u@example.com' }]),
    rb(ns, 'sa', { kind: 'Role', name: 'r' }, [{ kind: 'ServiceAccount', name: 'robot' }]),
    role(ns, 'notebook-lister', [{ apiGroups: ['kubeflow.org'], resources: ['notebooks'], verbs: ['list'] }]),
    rb(ns, 'group', { kind: 'Role', name: 'notebook-lister' }, [{ kind: 'Group', name: 'system:serviceaccounts:team-b' }]),
    rb(ns, 'dangling', { kind: 'Role', name: 'does-not-exist' }, [{ kind: 'User', name: 'dangling@example.com' }]),
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'crb' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeflow-view' }, subjects: [{ kind: 'User', name: 'everywhere@example.com' }] },
  ];
  const u = 'u@example.com';

  it('subresources: a rule on pods/log allows pods/log, not pods; */status allows any status', () => {
    expect(can(objects, clusterRoles, q(u, 'get', 'pods/log', ns))).toBe(true);
    expect(can(objects, clusterRoles, q(u, 'get', 'pods', ns))).toBe(false);
    expect(can(objects, clusterRoles, q(u, 'get', 'pods/exec', ns))).toBe(false);
    expect(can(objects, clusterRoles, q(u, 'get', 'deployments/status', ns, 'apps'))).toBe(true);
    expect(can(objects, clusterRoles, q(u, 'get', 'deployments', ns, 'apps'))).toBe(false);
  });

  it('resourceNames: only the named object, never a list or an unnamed get', () => {
    expect(can(objects, clusterRoles, q(u, 'get', 'configmaps', ns, '', { name: 'settings' }))).toBe(true);
    expect(can(objects, clusterRoles, q(u, 'get', 'configmaps', ns, '', { name: 'other' }))).toBe(false);
    expect(can(objects, clusterRoles, q(u, 'get', 'configmaps', ns))).toBe(false);
    expect(can(objects, clusterRoles, q(u, 'list', 'configmaps', ns))).toBe(false);
  });

  it('wildcards in verbs, resources and apiGroups', () => {
    expect(can(objects, clusterRoles, q(u, 'list', 'inferenceservices', ns, 'serving.kserve.io'))).toBe(true);
    expect(can(objects, clusterRoles, q(u, 'list', 'trainedmodels', ns, 'serving.kserve.io'))).toBe(true);
    expect(can(objects, clusterRoles, q(u, 'get', 'inferenceservices', ns, 'serving.kserve.io'))).toBe(false);
    expect(can(objects, clusterRoles, q(u, 'deletecollection', 'notebooks', ns, 'kubeflow.org'))).toBe(true);
    expect(can(objects, clusterRoles, q(u, 'delete', 'notebooks', 'team-b', 'kubeflow.org'))).toBe(false);
  });

  it('ServiceAccount subjects default to the binding namespace; SA groups come with the SA', () => {
    expect(can(objects, clusterRoles, q(serviceAccountUser(ns, 'robot'), 'get', 'pods/log', ns))).toBe(true);
    expect(can(objects, clusterRoles, q(serviceAccountUser('team-b', 'robot'), 'get', 'pods/log', ns))).toBe(false);
    // Via the group system:serviceaccounts:team-b (added for any SA of team-b).
    expect(can(objects, clusterRoles, q(serviceAccountUser('team-b', 'anything'), 'list', 'notebooks', ns, 'kubeflow.org'))).toBe(true);
    // Explicit groups replace the defaults.
    expect(can(objects, clusterRoles, q(serviceAccountUser('team-b', 'anything'), 'list', 'notebooks', ns, 'kubeflow.org', { groups: [] }))).toBe(false);
  });

  it('a binding to a missing role grants nothing; ClusterRoleBindings apply in every namespace; system:masters is superuser', () => {
    expect(can(objects, clusterRoles, q('dangling@example.com', 'get', 'pods/log', ns))).toBe(false);
    expect(can(objects, clusterRoles, q('everywhere@example.com', 'list', 'notebooks', 'any-namespace', 'kubeflow.org'))).toBe(true);
    expect(can(objects, clusterRoles, q('root', 'delete', 'namespaces', '', '', { groups: ['system:masters'] }))).toBe(true);
    expect(can(objects, clusterRoles, q('nobody@example.com', 'get', 'pods', ns))).toBe(false);
  });

  it('kubernetesBootstrapRbac: any authenticated user may review its own access, in any namespace, and nothing more', () => {
    const objs = kubernetesBootstrapRbac();
    expect(can(objs, clusterRoles, q('anyone@example.com', 'create', 'selfsubjectaccessreviews', 'team-a', 'authorization.k8s.io'))).toBe(true);
    expect(can(objs, clusterRoles, q(serviceAccountUser('x', 'y'), 'create', 'selfsubjectrulesreviews', '', 'authorization.k8s.io'))).toBe(true);
    expect(can(objs, clusterRoles, q('anyone@example.com', 'create', 'subjectaccessreviews', '', 'authorization.k8s.io'))).toBe(false);
    expect(can(objs, clusterRoles, q('anon', 'create', 'selfsubjectaccessreviews', '', 'authorization.k8s.io', { groups: ['system:unauthenticated'] }))).toBe(false);
  });

  it('sees objects added to the same array after an earlier question', () => {
    const objs: object[] = [];
    const who = q('late@example.com', 'get', 'pods/log', ns);
    expect(can(objs, clusterRoles, who)).toBe(false);
    objs.push(...objects, rb(ns, 'late', { kind: 'Role', name: 'r' }, [{ kind: 'User', name: 'late@example.com' }]));
    expect(can(objs, clusterRoles, who)).toBe(true);
  });

  it('models the Profile controller: namespaceAdmin, default-editor, default-viewer', () => {
    const profile = { apiVersion: 'kubeflow.org/v1', kind: 'Profile', metadata: { name: 'team-p' }, spec: { owner: { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'owner@example.com' } } };
    expect(controllerObjects(profile).map((o) => (o.metadata as { name: string }).name)).toEqual(['namespaceAdmin', 'default-editor', 'default-viewer']);
    expect(controllerObjects({ kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual([]);
    const objs = [profile];
    expect(can(objs, clusterRoles, q('owner@example.com', 'create', 'rolebindings', 'team-p', 'rbac.authorization.k8s.io'))).toBe(true);
    expect(can(objs, clusterRoles, q('owner@example.com', 'get', 'pods', 'team-q'))).toBe(false);
    expect(can(objs, clusterRoles, q(serviceAccountUser('team-p', 'default-editor'), 'create', 'inferenceservices', 'team-p', 'serving.kserve.io'))).toBe(true);
    expect(can(objs, clusterRoles, q(serviceAccountUser('team-p', 'default-editor'), 'create', 'rolebindings', 'team-p', 'rbac.authorization.k8s.io'))).toBe(false);
    expect(can(objs, clusterRoles, q(serviceAccountUser('team-p', 'default-viewer'), 'get', 'notebooks', 'team-p', 'kubeflow.org'))).toBe(true);
    expect(can(objs, clusterRoles, q(serviceAccountUser('team-p', 'default-viewer'), 'create', 'notebooks', 'team-p', 'kubeflow.org'))).toBe(false);
    expect(can(objs, clusterRoles, q(serviceAccountUser('team-p', 'default-viewer'), 'get', 'secrets', 'team-p'))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: random tenant sets.

const CATALOGUE = Object.keys(GRANTABLE_RESOURCES).filter((r) => r !== 'secrets') as GrantableResource[];
const entryOf = (name: GrantableResource): CatalogueEntry => GRANTABLE_RESOURCES[name];
const verbsOf = (name: GrantableResource): readonly string[] => Object.keys(entryOf(name).verbs);
/** Whether a grant of these verbs on these resources runs code (and so needs a reviewed exception). */
const runsCode = (rs: readonly GrantableResource[], vs: readonly string[]): boolean =>
  rs.some((r) => vs.some((v) => (entryOf(r).verbs as Partial<Record<string, VerbClass>>)[v] === 'runs-code'));
const REVIEWED = 'SEC-1: approved by platform security for the property test';

const people = ['ana', 'ben', 'chen', 'dara', 'eli', 'fay'].map((p) => `${p}@example.com`);
const extraSa = 'pipeline-runner';

interface World {
  specs: TenantSpec[];
}

const worldArb: fc.Arbitrary<World> = fc
  .uniqueArray(fc.stringMatching(/^[a-z]{2,6}$/), { minLength: 2, maxLength: 5 })
  .map((ns) => ns.map((n) => `${n}-ml`))
  .chain((names) =>
    fc
      .tuple(
        ...names.map((name) =>
          fc.record({
            owner: fc.constantFrom(...people),
            contributors: fc.uniqueArray(fc.record({ user: fc.constantFrom(...people), role: fc.constantFrom('edit' as const, 'view' as const) }), { selector: (c) => c.user, maxLength: 3 }),
            s3: fc.boolean(),
            // One draw per possible grantee: no grant, a resource grant, a view grant, or two grants merged.
            grants: fc.tuple(
              ...names.map(() =>
                fc.record({
                  kind: fc.constantFrom('none', 'none', 'resources', 'resources', 'view', 'two', 'artifacts'),
                  resources: fc.uniqueArray(fc.constantFrom(...CATALOGUE), { minLength: 1, maxLength: 4 }),
                  resources2: fc.uniqueArray(fc.constantFrom(...CATALOGUE), { minLength: 1, maxLength: 3 }),
                  verbs: fc.uniqueArray(fc.constantFrom(...STANDARD_VERBS, 'readArtifact' as const), { minLength: 1, maxLength: 4 }),
                  verbs2: fc.uniqueArray(fc.constantFrom(...STANDARD_VERBS), { minLength: 1, maxLength: 3 }),
                  extraSa: fc.boolean(),
                  prefixes: fc.uniqueArray(fc.stringMatching(/^[a-z]{1,5}(\/[a-z0-9]{1,5})?$/), { minLength: 1, maxLength: 2 }),
                }),
              ),
            ),
          }),
        ),
      )
      .map((drafts) => {
        const s3 = new Map(names.map((n, i) => [n, drafts[i]!.s3]));
        const specs: TenantSpec[] = names.map((name, i) => {
          const d = drafts[i]!;
          const grants: GrantSpec[] = [];
          names.forEach((to, j) => {
            const g = d.grants[j]!;
            if (to === name || g.kind === 'none') return;
            const serviceAccounts = g.extraSa ? ['default-editor', extraSa] : undefined;
            const sa = serviceAccounts ? { serviceAccounts } : {};
            // Only verbs every chosen resource offers (pods/log and events are read-only).
            const valid = (rs: GrantableResource[], vs: readonly string[]) => vs.filter((v) => rs.every((r) => verbsOf(r).includes(v))) as GrantVerb[];
            const v1 = valid(g.resources, g.verbs);
            // Grants that run code are accepted with a reviewed exception only; this test is about what RBAC emits.
            const reviewed = (rs: GrantableResource[], vs: readonly string[]) => (runsCode(rs, vs) ? { reviewedException: REVIEWED } : {});
            // kubeflow-view creates KFP Viewers, which run code: accepted with a reviewed exception only.
            if (g.kind === 'view') grants.push({ to, role: 'view', ...sa, reviewedException: REVIEWED });
            else if (g.kind === 'artifacts') {
              if (s3.get(to)) grants.push({ to, artifactPrefixes: g.prefixes, ...sa });
            } else if (v1.length > 0) {
              grants.push({ to, resources: g.resources, verbs: v1, ...sa, ...(s3.get(to) && g.kind === 'two' ? { artifactPrefixes: g.prefixes } : {}), ...reviewed(g.resources, v1) });
              const v2 = valid(g.resources2, g.verbs2);
              if (g.kind === 'two' && v2.length > 0) grants.push({ to, resources: g.resources2, verbs: v2, ...sa, ...reviewed(g.resources2, v2) });
            }
          });
          return {
            name,
            owner: { email: d.owner },
            labels: { team: name, 'cost-centre': 'cc-1', 'compliance-tier': 'internal' },
            contributors: d.contributors.filter((c) => c.user !== d.owner),
            grants,
            credentials: d.s3 ? { s3: true, git: true, apiKeys: [{ name: 'llm' }] } : { registry: true },
          };
        });
        return { specs };
      }),
  );

const entriesOf = (specs: TenantSpec[]): TenantEntry[] => specs.map((s) => ({ file: `tenants/${s.name}.ts`, spec: s }));

/** Resources asked about: the whole catalogue, secrets, RBAC objects, and a few sensitive subresources. */
const QUESTIONS: { group: string; resource: string }[] = [
  ...Object.values(GRANTABLE_RESOURCES).map((e) => ({ group: e.group, resource: e.resource })),
  { group: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
  { group: 'rbac.authorization.k8s.io', resource: 'roles' },
  { group: '', resource: 'pods/exec' },
  { group: '', resource: 'serviceaccounts' },
  { group: 'external-secrets.io', resource: 'externalsecrets' },
];
const VERBS = [...STANDARD_VERBS, 'readArtifact', 'escalate', 'bind', 'impersonate'];

describe('property: emitted RBAC gives access only to declared principals, and grantees exactly what was granted', () => {
  it('over random tenants, contributors and grants', () => {
    fc.assert(
      fc.property(worldArb, ({ specs }) => {
        const r = synthesize(entriesOf(specs), DEFAULT_PLATFORM);
        const objects = r.objects.map((o) => o.manifest as object);
        for (const m of objects) expect(validateManifest(m)).toEqual([]);
        // No cluster-wide grant; the one ClusterRole is the role catalogue's auditor role, bound only by RoleBindings.
        expect(objects.filter((m) => (m as { kind: string }).kind === 'ClusterRoleBinding' || ((m as { kind: string }).kind === 'ClusterRole' && (m as { metadata: { name: string } }).metadata.name !== AUDITOR_CLUSTER_ROLE))).toEqual([]);
        const model = rbacModel(objects, clusterRoles);
        const names = specs.map((s) => s.name);
        const principals = [
          ...people,
          'mallory@example.com',
          ...names.flatMap((n) => [PROFILE_CONTROLLER.editorServiceAccount, PROFILE_CONTROLLER.viewerServiceAccount, extraSa, 'other'].map((sa) => serviceAccountUser(n, sa))),
        ];
        for (const target of [...names, 'kubeflow', 'kube-system']) {
          const spec = specs.find((s) => s.name === target);
          // The declared access to `target`, per principal: a ClusterRole, or exact (group/resource -> verbs).
          const declared = new Map<string, { clusterRoles: string[]; exact: Map<string, Set<string>> }>();
          const add = (p: string) => declared.get(p) ?? declared.set(p, { clusterRoles: [], exact: new Map() }).get(p)!;
          if (spec) {
            add(spec.owner.email).clusterRoles.push(PROFILE_CONTROLLER.adminClusterRole);
            for (const c of personEntries(spec)) add(c.user).clusterRoles.push(...clusterRolesOfRole(c.role));
            add(serviceAccountUser(target, PROFILE_CONTROLLER.editorServiceAccount)).clusterRoles.push(PROFILE_CONTROLLER.editClusterRole);
            add(serviceAccountUser(target, PROFILE_CONTROLLER.viewerServiceAccount)).clusterRoles.push(PROFILE_CONTROLLER.viewClusterRole);
            for (const g of spec.grants ?? []) {
              for (const sa of g.serviceAccounts ?? DEFAULT_GRANTEE_SERVICE_ACCOUNTS) {
                const d = add(serviceAccountUser(g.to, sa));
                if (g.role) d.clusterRoles.push(GRANT_ROLES[g.role]);
                for (const res of g.resources ?? []) {
                  const e = entryOf(res);
                  const k = `${e.group}/${e.resource}`;
                  const set = d.exact.get(k) ?? new Set<string>();
                  for (const v of g.verbs ?? []) set.add(v);
                  d.exact.set(k, set);
                }
              }
            }
          }
          for (const user of principals) {
            const d = declared.get(user);
            for (const { group, resource } of QUESTIONS) {
              for (const verb of VERBS) {
                const got = model.can({ user, verb, group, resource, namespace: target });
                const want =
                  d !== undefined &&
                  (d.clusterRoles.some((cr) => roleAllows(cr, { verb, group, resource })) || (d.exact.get(`${group}/${resource}`)?.has(verb) ?? false));
                if (got !== want) {
                  throw new Error(`${user} ${verb} ${resource}${group ? `.${group}` : ''} in ${target}: evaluator says ${got}, declarations say ${want}`);
                }
              }
            }
          }
        }
      }),
      { numRuns: 15 },
    );
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// Secrets reach, directly or through workloads.

/** Random orgs whose grants draw from the whole catalogue (secrets and role: 'edit' included), each with or without a reviewed exception. */
const riskyOrgArb: fc.Arbitrary<TenantSpec[]> = fc
  .uniqueArray(fc.stringMatching(/^[a-z]{2,6}$/), { minLength: 2, maxLength: 4 })
  .map((ns) => ns.map((n) => `${n}-ml`))
  .chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc.record({
          owner: fc.constantFrom(...people),
          contributors: fc.uniqueArray(fc.record({ user: fc.constantFrom(...people), role: fc.constantFrom('edit' as const, 'view' as const) }), { selector: (c) => c.user, maxLength: 2 }),
          grants: fc.tuple(
            ...names.map(() =>
              fc.record({
                kind: fc.constantFrom('none', 'resources', 'resources', 'resources', 'view', 'edit'),
                resources: fc.uniqueArray(fc.constantFrom(...(Object.keys(GRANTABLE_RESOURCES) as GrantableResource[])), { minLength: 1, maxLength: 3 }),
                verbs: fc.uniqueArray(fc.constantFrom(...STANDARD_VERBS), { minLength: 1, maxLength: 3 }),
                reviewed: fc.boolean(),
              }),
            ),
          ),
        }),
      ),
    ).map((drafts) =>
      names.map((name, i): TenantSpec => {
        const d = drafts[i]!;
        const grants: GrantSpec[] = [];
        names.forEach((to, j) => {
          const g = d.grants[j]!;
          if (to === name || g.kind === 'none') return;
          const ex = g.reviewed ? { reviewedException: REVIEWED } : {};
          if (g.kind === 'view' || g.kind === 'edit') grants.push({ to, role: g.kind, ...ex });
          else {
            const verbs = g.verbs.filter((v) => g.resources.every((r) => verbsOf(r).includes(v)));
            if (verbs.length > 0) grants.push({ to, resources: g.resources, verbs, ...ex });
          }
        });
        return {
          name,
          owner: { email: d.owner },
          labels: { team: name, 'cost-centre': 'cc-1', 'compliance-tier': 'internal' },
          contributors: d.contributors.filter((c) => c.user !== d.owner),
          grants,
        };
      }),
    ),
  );

/** The org without the grants validation refuses (except those `keep` spares), repeated until nothing more is refused. */
function withoutRefused(specs: readonly TenantSpec[], keep: (error: string) => boolean = () => false): TenantSpec[] {
  let out = [...specs];
  for (;;) {
    const refused = new Map<string, Set<number>>();
    for (const e of validateTenants(entriesOf(out), DEFAULT_PLATFORM)) {
      const m = /^grants\[(\d+)\]/.exec(e.path);
      if (!m) throw new Error(`unexpected error: ${String(e)}`);
      if (keep(String(e))) continue;
      refused.set(e.file, (refused.get(e.file) ?? new Set()).add(Number(m[1])));
    }
    if (refused.size === 0) return out;
    out = out.map((s) => {
      const drop = refused.get(`tenants/${s.name}.ts`);
      return drop ? { ...s, grants: (s.grants ?? []).filter((_, i) => !drop.has(i)) } : s;
    });
  }
}

/**
 * Who of another tenant reads a tenant's Secrets, directly or through workloads they can create
 * (lib/rbac.ts `canThroughWorkloads`), in a tenant that declared no reviewed exception: every
 * person who is not its owner or contributor, and every ServiceAccount of the other tenants.
 */
function secretLeaks(specs: readonly TenantSpec[], objects: readonly object[]): string[] {
  const out: string[] = [];
  const names = specs.map((s) => s.name);
  for (const b of specs) {
    if ((b.grants ?? []).some((g) => g.reviewedException !== undefined)) continue;
    const members = new Set([b.owner.email, ...personEntries(b).map((c) => c.user)]);
    const outsiders = [
      ...people.filter((p) => !members.has(p)),
      ...names.filter((n) => n !== b.name).flatMap((n) => ['default', PROFILE_CONTROLLER.editorServiceAccount, PROFILE_CONTROLLER.viewerServiceAccount].map((sa) => serviceAccountUser(n, sa))),
    ];
    for (const user of outsiders) {
      if (canThroughWorkloads(objects, clusterRoles, { user, verb: 'get', group: '', resource: 'secrets', namespace: b.name })) out.push(`${user} reads secrets of ${b.name}`);
    }
  }
  return out;
}

const RUNS_CODE_REFUSAL = /: grants\[\d+\]\.verbs: Forbidden: /;
const VIEW_REFUSAL = /: grants\[\d+\]\.role: Forbidden: "view": /;

describe('property: no grantee reaches another tenant\'s secrets without a reviewed exception, directly or through workloads', () => {
  it('over random orgs with random grants, as synth accepts them', () => {
    let risky = 0;
    fc.assert(
      fc.property(riskyOrgArb, (specs) => {
        const accepted = withoutRefused(specs);
        // Count orgs where an accepted grant runs code: the property is about them.
        if (accepted.some((s) => (s.grants ?? []).some((g) => g.role !== undefined || runsCode(g.resources ?? [], g.verbs ?? [])))) risky++;
        const objects = synthesize(entriesOf(accepted), DEFAULT_PLATFORM).objects.map((o) => o.manifest as object);
        expect(secretLeaks(accepted, objects)).toEqual([]);
      }),
      { numRuns: 30, seed: 20261127 },
    );
    expect(risky).toBeGreaterThan(5);
  }, 120_000);

  it('fails when the refusal of grants that run code is removed: rendered without it, some org leaks', () => {
    // What synth would emit without the new refusal: the same model, rendered without validation,
    // from grants that only the runs-code refusal would have dropped.
    const result = fc.check(
      fc.property(riskyOrgArb, (specs) => {
        const unrefused = withoutRefused(specs, (e) => RUNS_CODE_REFUSAL.test(e));
        const objects = render(orgModel(unrefused, DEFAULT_PLATFORM)).objects.map((o) => o.manifest as object);
        return secretLeaks(unrefused, objects).length === 0;
      }),
      // No shrinking: any counterexample shows the property can fail.
      { numRuns: 100, seed: 20261127, endOnFailure: true },
    );
    expect(result.failed).toBe(true);
    const leak = (result.counterexample?.[0] ?? []) as TenantSpec[];
    // The counterexample holds a grant that runs code without an exception.
    expect(leak.some((s) => (s.grants ?? []).some((g) => g.reviewedException === undefined && runsCode(g.resources ?? [], g.verbs ?? [])))).toBe(true);
  }, 120_000);

  it('fails when role: \'view\' is accepted without an exception: the grantee\'s KFP Viewers run as the granter\'s default-editor', () => {
    const result = fc.check(
      fc.property(riskyOrgArb, (specs) => {
        const unrefused = withoutRefused(specs, (e) => VIEW_REFUSAL.test(e));
        const objects = render(orgModel(unrefused, DEFAULT_PLATFORM)).objects.map((o) => o.manifest as object);
        return secretLeaks(unrefused, objects).length === 0;
      }),
      { numRuns: 100, seed: 20261127, endOnFailure: true },
    );
    expect(result.failed).toBe(true);
    const leak = (result.counterexample?.[0] ?? []) as TenantSpec[];
    // Only view grants were spared the refusal: one of them, unreviewed, is the leak.
    expect(leak.some((s) => (s.grants ?? []).some((g) => g.role === 'view' && g.reviewedException === undefined))).toBe(true);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// Vault and bucket reach.

/** Vault ACL path match: a trailing `*` is a prefix glob, `+` one segment; otherwise exact. */
function vaultMatches(glob: string, p: string): boolean {
  const re = new RegExp(`^${glob.split('').map((c) => (c === '*' ? '.*' : c === '+' ? '[^/]+' : c.replace(/[.?^${}()|[\]\\/]/g, '\\$&'))).join('')}$`);
  return re.test(p);
}

function vaultPaths(hcl: string): { path: string; caps: string[] }[] {
  return [...hcl.matchAll(/path "([^"]+)" \{\s*capabilities = \[([^\]]*)\]\s*\}/g)].map((m) => ({ path: m[1]!, caps: [...m[2]!.matchAll(/"([^"]+)"/g)].map((c) => c[1]!) }));
}

/** IAM string glob (`*` matches anything, including "/"). */
const globCache = new Map<string, RegExp>();
function glob(g: string, s: string): boolean {
  let re = globCache.get(g);
  if (!re) {
    re = new RegExp(`^${g.split('*').map((x) => x.replace(/[.?^${}()|[\]\\/+]/g, '\\$&')).join('.*')}$`);
    globCache.set(g, re);
  }
  return re.test(s);
}

/** IAM evaluation of an Allow-only policy for an object action on `key` in the bucket. */
function s3Allows(policy: IamPolicy, action: string, bucket: string, key: string): boolean {
  const arn = `arn:aws:s3:::${bucket}/${key}`;
  return policy.Statement.some((st) => st.Action.includes(action) && st.Resource.some((res) => glob(res, arn)));
}
function s3ListAllows(policy: IamPolicy, bucket: string, prefix: string): boolean {
  return policy.Statement.some(
    (st) => st.Action.includes('s3:ListBucket') && st.Resource.includes(`arn:aws:s3:::${bucket}`) && (st.Condition?.StringLike['s3:prefix'] ?? []).some((g) => glob(g, prefix)),
  );
}

/** The default platform, and one with KFP's bucket layout, another KV mount and KV v1. */
const PLATFORMS = [
  DEFAULT_PLATFORM,
  definePlatform({ objectStore: { bucket: 'artifacts', tenantPrefix: 'private-artifacts/{tenant}' }, vault: { mount: 'kv', kvVersion: 'v1', pathPrefix: 'teams' } }),
];

describe('property: no Vault path or bucket prefix of one tenant is reachable by another without a grant', () => {
  it('over random tenants and artifact grants', () => {
    const keyArb = fc.stringMatching(/^[a-z0-9]{1,5}(\/[a-z0-9]{1,5}){0,3}$/);
    fc.assert(
      fc.property(worldArb, fc.array(keyArb, { minLength: 5, maxLength: 15 }), fc.constantFrom(...PLATFORMS), ({ specs }, keys, platform) => {
        const r = synthesize(entriesOf(specs), platform);
        const { mount, pathPrefix } = platform.vault;
        const bucket = platform.objectStore.bucket;
        const area = (t: string) => tenantBucketPrefix(t, platform);
        for (const a of specs) {
          // Vault: every path of A's policy matches only under A's prefix.
          const hcl = r.files.get(`platform/vault/${a.name}.hcl`)!;
          const paths = vaultPaths(hcl);
          expect(paths.length).toBeGreaterThan(0);
          for (const b of specs) {
            for (const k of keys) {
              for (const kind of platform.vault.kvVersion === 'v2' ? ['data/', 'metadata/'] : ['']) {
                const p = `${mount}/${kind}${pathPrefix}/${b.name}/${k}`;
                expect(paths.some((x) => vaultMatches(x.path, p)), `${a.name} policy on ${p}`).toBe(a.name === b.name);
              }
            }
          }
          // Every ExternalSecret of A reads only under A's prefix.
          for (const o of r.objects.filter((x) => x.manifest.kind === 'ExternalSecret' && x.manifest.metadata.namespace === a.name)) {
            for (const d of (o.manifest.spec as { data: { remoteRef: { key: string } }[] }).data) expect(d.remoteRef.key.startsWith(`${pathPrefix}/${a.name}/`)).toBe(true);
          }
          // Bucket: A's key reaches B's objects only under prefixes B granted A, read-only.
          const policyFile = r.files.get(`platform/s3/${a.name}.json`);
          const hasS3 = !!(a.credentials && a.credentials.s3);
          expect(policyFile !== undefined).toBe(hasS3);
          if (!policyFile) continue;
          const policy = JSON.parse(policyFile) as IamPolicy;
          for (const b of specs) {
            const granted = (b.grants ?? []).filter((g) => g.to === a.name).flatMap((g) => g.artifactPrefixes ?? []);
            for (const k of [...keys, ...granted.map((p) => `${p}/x`), ...granted.map((p) => `${p}x/y`)]) {
              const key = `${area(b.name)}/${k}`;
              const inGrant = granted.some((p) => key.startsWith(`${area(b.name)}/${p}/`));
              const own = a.name === b.name;
              expect(s3Allows(policy, 's3:GetObject', bucket, key), `${a.name} get ${key}`).toBe(own || inGrant);
              expect(s3ListAllows(policy, bucket, key), `${a.name} list ${key}`).toBe(own || inGrant);
              for (const w of ['s3:PutObject', 's3:DeleteObject']) expect(s3Allows(policy, w, bucket, key), `${a.name} ${w} ${key}`).toBe(own);
            }
          }
          // Nothing outside any tenant's area.
          expect(s3Allows(policy, 's3:GetObject', bucket, 'shared/x')).toBe(false);
          expect(s3Allows(policy, 's3:GetObject', 'other-bucket', `${area(a.name)}/x`)).toBe(false);
          expect(s3Allows(policy, 's3:GetObject', bucket, `${a.name}x/y`)).toBe(false);
        }
      }),
      { numRuns: 25 },
    );
  });
});
