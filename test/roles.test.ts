/**
 * The role catalogue and groups (issue 11): the objects each role gets, the combination rules, the
 * role-guarantee matrix against the offline RBAC evaluator, the errors with their messages, and
 * the properties that hold however groups and roles combine. Runs on the `roles` fixture repository.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDITOR_CLUSTER_ROLE, ROLE_NAMES, ROLES } from '../lib/declarations/contributors';
import type { GroupSpec, RoleName } from '../lib/declarations/contributors';
import { KUBEFLOW_APP_EDIT_ROLES } from '../lib/declarations/kubeflow';
import { checkGroups } from '../lib/groups';
import type { GroupEntry } from '../lib/groups';
import { resolveContributors } from '../lib/contributors';
import { definePlatform, DEFAULT_PLATFORM } from '../lib/platform';
import type { AccessQuestion } from '../lib/rbac';
import { loadKubeflowClusterRoles, rbacModel } from '../lib/rbac';
import { isReadVerb, matrixCells, MATRIX_RESOURCES, MATRIX_VERBS } from '../lib/role-matrix';
import type { Manifest } from '../lib/synth';
import { synthesize } from '../lib/synth';
import { validateTenants } from '../lib/tenant';
import { accessReport } from '../lib/access';
import { diffTrees, renderMarkdown, renderText } from '../lib/diff';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixtureRepo, makeRepo, removeRepo, synthFixture } from './fixture-repo';
import { entry, validSpec } from './support/fixtures';
import { validateManifest } from './support/schemas';

const clusterRoles = loadKubeflowClusterRoles();
let objects: Manifest[];
let files: { file: string; manifest: Manifest }[];
beforeAll(async () => {
  const dir = fixtureRepo('roles');
  try {
    const r = await synthFixture(dir);
    files = [...r.result.objects];
    objects = files.map((o) => o.manifest);
  } finally {
    removeRepo(dir);
  }
}, 120_000);

const ofUser = (ns: string, user: string): Manifest[] =>
  objects.filter((o) => o.metadata.namespace === ns && (o.metadata.annotations?.['kubeflow-tenants/contributor'] === user));
const bindingsOf = (ns: string, user: string) => ofUser(ns, user).filter((o) => o.kind === 'RoleBinding');
const kfamBindings = (ns: string, user: string) => bindingsOf(ns, user).filter((o) => o.metadata.annotations?.user !== undefined || o.metadata.annotations?.role !== undefined);
const roleRefs = (ns: string, user: string) => bindingsOf(ns, user).map((b) => (b.roleRef as { name: string }).name).sort();
const principals = (ap: Manifest) => ((ap.spec as { rules: { from: { source: { principals: string[] } }[] }[] }).rules[0]!.from[0]!.source.principals);
const GATEWAY = DEFAULT_PLATFORM.istio.ingressGatewayPrincipal;

describe('role catalogue: the objects of each role', () => {
  it('the auditor ClusterRole is emitted once, in dist/cluster/, read-only and without Secrets', () => {
    const crs = files.filter((f) => f.manifest.kind === 'ClusterRole');
    expect(crs.map((f) => f.file)).toEqual([`cluster/ClusterRole.${AUDITOR_CLUSTER_ROLE}.yaml`]);
    const rules = crs[0]!.manifest.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    for (const r of rules) expect(r.verbs.every((v) => isReadVerb(v) || v === 'readArtifact')).toBe(true);
    expect(rules.some((r) => r.apiGroups.includes('') && (r.resources.includes('secrets') || r.resources.includes('*')))).toBe(false);
  });

  it('every person has exactly one KFAM-shaped binding (one subject, user/role annotations, kubeflow-edit or kubeflow-view); an auditor has none', () => {
    const expectKfam: [string, string | undefined][] = [
      ['admin@example.com', 'kubeflow-edit'],
      ['editor@example.com', 'kubeflow-edit'],
      ['old-edit@example.com', 'kubeflow-edit'],
      ['member@example.com', 'kubeflow-view'],
      ['viewer@example.com', 'kubeflow-view'],
      ['old-view@example.com', 'kubeflow-view'],
      ['auditor@example.com', undefined],
      ['audit1@example.com', undefined],
      ['lead1@example.com', 'kubeflow-edit'],
    ];
    for (const [user, ref] of expectKfam) {
      const k = kfamBindings('ml-platform', user);
      expect(k.map((b) => (b.roleRef as { name: string }).name), user).toEqual(ref ? [ref] : []);
      for (const b of k) {
        expect(b.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }]);
        expect(b.metadata.annotations).toMatchObject({ user, role: ref === 'kubeflow-edit' ? 'edit' : 'view' });
      }
      // Further bindings carry no KFAM annotation.
      for (const b of bindingsOf('ml-platform', user).filter((x) => !k.includes(x))) expect(b.metadata.annotations?.user ?? b.metadata.annotations?.role).toBeUndefined();
    }
  });

  it("a member's base is kubeflow-view plus the per-application edit roles, never serving and never kubeflow-kubernetes-edit", () => {
    expect(roleRefs('ml-platform', 'member@example.com')).toEqual(['kubeflow-view', ...KUBEFLOW_APP_EDIT_ROLES].sort());
    expect(roleRefs('ml-platform', 'member@example.com').some((r) => /kserve|kubernetes-edit|^kubeflow-edit$/.test(r))).toBe(false);
  });

  it('aliases bind exactly what their catalogue names bind', () => {
    expect(roleRefs('ml-platform', 'old-edit@example.com')).toEqual(roleRefs('ml-platform', 'editor@example.com'));
    expect(roleRefs('ml-platform', 'old-view@example.com')).toEqual(roleRefs('ml-platform', 'viewer@example.com'));
  });

  it('Istio: member, editor and team-admin policies admit the ingress gateway; viewer and auditor policies do not', () => {
    const want: [string, boolean][] = [
      ['admin@example.com', true],
      ['editor@example.com', true],
      ['member@example.com', true],
      ['viewer@example.com', false],
      ['old-view@example.com', false],
      ['auditor@example.com', false],
    ];
    for (const [user, gateway] of want) {
      const aps = ofUser('ml-platform', user).filter((o) => o.kind === 'AuthorizationPolicy');
      expect(aps, user).toHaveLength(1);
      expect(principals(aps[0]!).includes(GATEWAY), user).toBe(gateway);
      expect(principals(aps[0]!)).toContain(DEFAULT_PLATFORM.istio.pipelineUiPrincipal);
    }
  });

  it('groups expand into each member\'s own bindings; a person in two groups gets the union, and the paths are recorded', () => {
    expect(roleRefs('ml-platform', 'ds2@example.com')).toEqual(roleRefs('ml-platform', 'member@example.com'));
    expect(roleRefs('serving', 'ds2@example.com')).toEqual(['kubeflow-view']);
    const both = bindingsOf('ml-platform', 'both@example.com');
    expect(both[0]!.metadata.annotations).toMatchObject({ 'kubeflow-tenants/roles': 'member,auditor', 'kubeflow-tenants/via': 'group compliance,group data-science' });
    expect(roleRefs('ml-platform', 'both@example.com')).toEqual([AUDITOR_CLUSTER_ROLE, 'kubeflow-view', ...KUBEFLOW_APP_EDIT_ROLES].sort());
    // ds1 is a member directly and through data-science: one set of bindings.
    expect(roleRefs('ml-platform', 'ds1@example.com')).toEqual(roleRefs('ml-platform', 'member@example.com'));
    expect(bindingsOf('ml-platform', 'ds1@example.com')[0]!.metadata.annotations?.['kubeflow-tenants/via']).toBe('direct,group data-science');
  });

  it('npm run access shows the roles, "group X" paths and the dashboard listing', () => {
    const rows = accessReport(objects, clusterRoles).find((n) => n.namespace === 'ml-platform')!.rows;
    const row = (u: string) => rows.find((r) => r.principal === `User ${u}`)!;
    expect(row('both@example.com').role).toBe('member + auditor (group compliance, group data-science)');
    expect(row('both@example.com').dashboard).toBe('not listed (view)');
    expect(row('admin@example.com')).toMatchObject({ role: 'team-admin (direct)', dashboard: 'listed' });
    expect(row('member@example.com').dashboard).toBe('not listed (view)');
    expect(row('auditor@example.com').dashboard).toBe('not listed (no KFAM binding)');
    expect(row('owner@example.com')).toMatchObject({ role: 'owner', dashboard: 'owner' });
  });

  it('every object of the catalogue (bindings, policies, the ClusterRole) is schema-valid', () => {
    // The other kinds are the examples' (test/schema.test.ts); compiling their schemas here would only cost time.
    const ours = objects.filter((m) => ['RoleBinding', 'AuthorizationPolicy', 'ClusterRole'].includes(m.kind));
    expect(ours.length).toBeGreaterThan(40);
    expect(ours.flatMap((m) => validateManifest(m))).toEqual([]);
  });

  it('roles cover what their definitions say: a covering role is allowed every matrix question the covered one is', () => {
    const base = validSpec({ contributors: ROLE_NAMES.map((r) => ({ user: `${r}@example.com`, role: r })) });
    const objs = synthesize([entry(base)], DEFAULT_PLATFORM).objects.map((o) => o.manifest);
    const model = rbacModel(objs, clusterRoles);
    const ask = (r: RoleName, verb: string, group: string, resource: string) => model.can({ user: `${r}@example.com`, verb, group, resource, namespace: 'fraud' });
    for (const r of ROLE_NAMES) {
      for (const covered of ROLES[r].covers) {
        for (const verb of MATRIX_VERBS) for (const res of MATRIX_RESOURCES) if (ask(covered, verb, res.group, res.resource)) expect(ask(r, verb, res.group, res.resource), `${r} covers ${covered}: ${verb} ${res.resource}`).toBe(true);
      }
    }
  });
});

describe('role-guarantee matrix', () => {
  const single: [RoleName, string][] = [
    ['team-admin', 'admin@example.com'],
    ['editor', 'editor@example.com'],
    ['member', 'member@example.com'],
    ['viewer', 'viewer@example.com'],
    ['auditor', 'auditor@example.com'],
  ];

  it('the offline evaluator gives every role what its documentation guarantees, directly and through workloads', () => {
    const model = rbacModel(objects, clusterRoles);
    const wrong: string[] = [];
    let decided = 0;
    for (const [role, user] of single) {
      for (const c of matrixCells([role])) {
        const q: AccessQuestion = { user, verb: c.verb, group: c.resource.group, resource: c.resource.resource, namespace: 'ml-platform' };
        if (c.direct !== undefined) {
          decided++;
          if (model.can(q) !== c.direct) wrong.push(`${role} ${c.verb} ${c.resource.resource}: direct ${String(!c.direct)}`);
        }
        if (c.throughWorkloads !== undefined && (model.canThroughWorkloads(q) !== undefined) !== c.throughWorkloads) wrong.push(`${role} ${c.verb} ${c.resource.resource}: through workloads ${String(!c.throughWorkloads)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(decided).toBeGreaterThan(500);
  });

  it('a viewer runs code as default-editor through the KFP Viewers kubeflow-view lets it create; an auditor, without kubeflow-view, reaches nobody', () => {
    const model = rbacModel(objects, clusterRoles);
    const q = (user: string, verb: string, group: string, resource: string): AccessQuestion => ({ user, verb, group, resource, namespace: 'ml-platform' });
    expect(model.can(q('viewer@example.com', 'create', 'kubeflow.org', 'viewers'))).toBe(true);
    expect(model.can(q('viewer@example.com', 'create', 'serving.kserve.io', 'inferenceservices'))).toBe(false);
    expect(model.canThroughWorkloads(q('viewer@example.com', 'create', 'serving.kserve.io', 'inferenceservices'))?.path).toEqual([
      { namespace: 'ml-platform', as: 'system:serviceaccount:ml-platform:default-editor', by: { group: 'kubeflow.org', resource: 'viewers', verb: 'create', what: 'KFP Viewer' } },
    ]);
    expect(model.canThroughWorkloads(q('viewer@example.com', 'get', '', 'secrets'))).toBeDefined();
    // The matrix says so for viewer (and, as before, member, editor and team-admin); not for auditor.
    const cell = (role: RoleName, verb: string, resource: string) => matrixCells([role]).find((c) => c.verb === verb && c.resource.resource === resource)!;
    for (const role of ['team-admin', 'editor', 'member', 'viewer'] as const) {
      expect(cell(role, 'get', 'secrets').throughWorkloads, role).toBe(true);
      expect(cell(role, 'create', 'inferenceservices').throughWorkloads, role).toBe(true);
      expect(cell(role, 'create', 'viewers').direct, role).toBe(true);
    }
    expect(cell('auditor', 'create', 'viewers').direct).toBe(false);
    expect(cell('auditor', 'get', 'secrets').throughWorkloads).toBe(false);
    expect(ROLES.auditor.kfam).toBeUndefined();
    expect(model.can(q('auditor@example.com', 'create', 'kubeflow.org', 'viewers'))).toBe(false);
    expect(model.reach({ user: 'auditor@example.com' }).map((r) => r.identity.user)).toEqual(['auditor@example.com']);
  });

  it('the matrix can fail: a member given kubeflow-edit breaks the serving guarantee', () => {
    const widened = objects.map((o) =>
      o.kind === 'RoleBinding' && o.metadata.name === 'user-member-example-com-clusterrole-view' ? { ...o, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeflow-edit' } } : o,
    );
    expect(rbacModel(widened, clusterRoles).can({ user: 'member@example.com', verb: 'create', group: 'serving.kserve.io', resource: 'inferenceservices', namespace: 'ml-platform' })).toBe(true);
    expect(matrixCells(['member']).find((c) => c.verb === 'create' && c.resource.resource === 'inferenceservices')!.direct).toBe(false);
  });
});

const tenantErrors = (specs: unknown[], groups: Record<string, GroupSpec> = {}): string[] =>
  validateTenants(specs.map((s) => entry(s)), DEFAULT_PLATFORM, undefined, undefined, new Map(Object.entries(groups))).map(String);
const groupErrors = (entries: GroupEntry[]): string[] => checkGroups(entries, DEFAULT_PLATFORM).map(String);
const ds: GroupSpec = { name: 'data-science', members: [{ email: 'ds1@example.com' }, { email: 'bob@example.com' }] };

describe('errors, each with its message', () => {
  it('unknown role', () => {
    expect(tenantErrors([validSpec({ contributors: [{ user: 'bob@example.com', role: 'owner' }] })])).toEqual([
      'tenants/fraud.ts: contributors[0].role: Unsupported value: "owner": supported values: "team-admin", "editor", "member", "viewer", "auditor", "edit", "view" (the owner already has admin)',
    ]);
  });

  it('unknown group', () => {
    expect(tenantErrors([validSpec({ contributors: [{ group: 'data-sci', role: 'member' }] })], { 'data-science': ds })).toEqual([
      'tenants/fraud.ts: contributors[0].group: Not found: "data-sci": no group "data-sci" in groups/; declared groups: data-science; add groups/data-sci.ts or correct the name',
    ]);
    expect(tenantErrors([validSpec({ contributors: [{ group: 'x', role: 'member' }] })])).toEqual([
      'tenants/fraud.ts: contributors[0].group: Not found: "x": no group "x" in groups/; no group is declared; add groups/x.ts or correct the name',
    ]);
  });

  it('a group listed twice in one tenant', () => {
    expect(tenantErrors([validSpec({ contributors: [{ group: 'data-science', role: 'member' }, { group: 'data-science', role: 'viewer' }] })], { 'data-science': ds })).toEqual([
      'tenants/fraud.ts: contributors[1].group: Duplicate value: "data-science": already listed at contributors[0]; keep one entry with the highest role needed',
    ]);
  });

  it('a group entry with a person field', () => {
    expect(tenantErrors([validSpec({ contributors: [{ group: 'data-science', user: 'x@example.com', role: 'member' }] })], { 'data-science': ds })).toEqual([
      'tenants/fraud.ts: contributors[0].user: Unsupported value: "user": unknown field; supported fields: group, role',
    ]);
  });

  it('a group that shadows a person\'s explicit role: more than the explicit role', () => {
    expect(tenantErrors([validSpec({ contributors: [{ user: 'Bob@example.com', role: 'viewer' }, { group: 'data-science', role: 'member' }] })], { 'data-science': ds })).toEqual([
      'tenants/fraud.ts: contributors[0].role: Invalid value: "viewer": Bob@example.com is also in group "data-science" (contributors[1]), which gives "member", more than "viewer": the explicit entry would no longer say what they can do; raise this entry to "member", remove it so the group decides, or take them out of the group',
    ]);
  });

  it('a group that would let an explicit auditor write', () => {
    expect(tenantErrors([validSpec({ contributors: [{ user: 'bob@example.com', role: 'auditor' }, { group: 'data-science', role: 'viewer' }] })], { 'data-science': ds })).toEqual([
      'tenants/fraud.ts: contributors[0].role: Invalid value: "auditor": bob@example.com is also in group "data-science" (contributors[1]), which gives "viewer": an auditor writes nothing, and the group would let them; raise this entry to "viewer", remove it so the group decides, or take them out of the group',
    ]);
  });

  it('combinations that are not errors: a group giving less, or auditor on top of another role', () => {
    expect(tenantErrors([validSpec({ contributors: [{ user: 'bob@example.com', role: 'member' }, { group: 'data-science', role: 'viewer' }] })], { 'data-science': ds })).toEqual([]);
    expect(tenantErrors([validSpec({ contributors: [{ user: 'bob@example.com', role: 'member' }, { group: 'data-science', role: 'auditor' }] })], { 'data-science': ds })).toEqual([]);
  });

  it('group files: name not a DNS label, name not the file name, empty, a member twice (case-insensitive), unknown field', () => {
    expect(groupErrors([{ file: 'groups/Data_Sci.ts', spec: { name: 'Data_Sci', members: [{ email: 'a@example.com' }] } }])).toEqual([
      `groups/Data_Sci.ts: name: Invalid value: "Data_Sci": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')`,
    ]);
    expect(groupErrors([{ file: 'groups/ds.ts', spec: { name: 'data-science', members: [{ email: 'a@example.com' }] } }])).toEqual([
      'groups/ds.ts: name: Invalid value: "data-science": must equal the file\'s name (ds); rename the file to groups/data-science.ts or the group to "ds"',
    ]);
    expect(groupErrors([{ file: 'groups/empty.ts', spec: { name: 'empty', members: [] } }])).toEqual([
      'groups/empty.ts: members: Invalid value: []: an empty group gives nobody anything and hides a mistake; add its members, or remove the group and every tenant entry naming it',
    ]);
    expect(groupErrors([{ file: 'groups/twice.ts', spec: { name: 'twice', members: [{ email: 'a@example.com' }, { email: 'A@Example.com' }] } }])).toEqual([
      'groups/twice.ts: members[1].email: Duplicate value: "A@Example.com": already listed at members[0] (e-mails compare case-insensitively); remove this entry',
    ]);
    expect(groupErrors([{ file: 'groups/x.ts', spec: { name: 'x', members: [{ email: 'a@example.com', role: 'edit' }] } as unknown as GroupSpec }])).toEqual([
      'groups/x.ts: members[0].role: Unsupported value: "role": unknown field; supported fields: email, subject',
    ]);
  });
});

describe('properties: however groups and roles combine', () => {
  const people = ['p1@example.com', 'p2@example.com', 'P3@example.com', 'p4@example.com'];
  const role = fc.constantFrom<string>(...ROLE_NAMES, 'edit', 'view');
  const arb = fc.record({
    direct: fc.array(fc.record({ user: fc.constantFrom(...people), role }), { maxLength: 4 }),
    groups: fc.array(fc.record({ members: fc.subarray(people, { minLength: 1 }), role }), { minLength: 0, maxLength: 3 }),
  });
  const SERVING = MATRIX_RESOURCES.filter((r) => r.kind === 'serving');
  const WRITES = MATRIX_VERBS.filter((v) => !isReadVerb(v));

  it('a member never gets direct create/update on serving objects; an auditor never a direct write verb or Secret contents', () => {
    fc.assert(
      fc.property(arb, ({ direct, groups }) => {
        const seen = new Set<string>();
        const contributors: object[] = direct.filter((d) => !seen.has(d.user.toLowerCase()) && seen.add(d.user.toLowerCase()));
        const defs = new Map<string, GroupSpec>();
        groups.forEach((g, i) => {
          defs.set(`g${i}`, { name: `g${i}`, members: g.members.map((email) => ({ email })) });
          contributors.push({ group: `g${i}`, role: g.role });
        });
        const spec = validSpec({ contributors });
        if (validateTenants([entry(spec)], DEFAULT_PLATFORM, undefined, undefined, defs).length > 0) return; // a refused combination renders nothing
        const objs = synthesize([entry(spec)], DEFAULT_PLATFORM, { groups: [...defs.values()].map((g) => ({ file: `groups/${g.name}.ts`, spec: g })) }).objects.map((o) => o.manifest);
        const model = rbacModel(objs, clusterRoles);
        for (const c of resolveContributors(spec, defs)) {
          const user = c.person.email;
          const ask = (verb: string, group: string, resource: string) => model.can({ user, verb, group, resource, namespace: 'fraud' });
          // A person whose every path is member, viewer or auditor: no direct serving change.
          if (c.paths.every((p) => ['member', 'viewer', 'auditor'].includes(p.role))) {
            for (const r of SERVING) for (const v of ['create', 'update', 'patch']) expect(ask(v, r.group, r.resource), `${user} ${v} ${r.resource}`).toBe(false);
          }
          // A person named as auditor (their own entry, or every path): no write, no Secret.
          const own = c.paths.find((p) => p.group === undefined);
          if (own?.role === 'auditor' || c.paths.every((p) => p.role === 'auditor')) {
            for (const r of MATRIX_RESOURCES) for (const v of WRITES) expect(ask(v, r.group, r.resource), `${user} ${v} ${r.resource}`).toBe(false);
            for (const v of ['get', 'list', 'watch']) expect(ask(v, '', 'secrets')).toBe(false);
            for (const r of ['pods/exec', 'pods/attach', 'pods/portforward']) expect(ask('create', '', r)).toBe(false);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('the diff of a group membership change', () => {
  it('shows, per tenant naming the group, the people it adds and removes; an added person is flagged', () => {
    const tenants = [
      entry(validSpec({ contributors: [{ group: 'data-science', role: 'member' }] })),
      entry(validSpec({ name: 'serving', owner: { email: 's@example.com' }, contributors: [{ group: 'data-science', role: 'viewer' }] })),
    ];
    const side = (members: string[]) =>
      synthesize(tenants, DEFAULT_PLATFORM, { groups: [{ file: 'groups/data-science.ts', spec: { name: 'data-science', members: members.map((email) => ({ email })) } }] }).files;
    const r = diffTrees(side(['a@example.com', 'b@example.com']), side(['a@example.com', 'c@example.com']));
    expect(Object.fromEntries(r.people!)).toEqual({
      fraud: { added: ['c@example.com as member (via group data-science)'], removed: ['b@example.com (was member (via group data-science))'], changed: [] },
      serving: { added: ['c@example.com as viewer (via group data-science)'], removed: ['b@example.com (was viewer (via group data-science))'], changed: [] },
    });
    expect(r.flags.map((f) => `${f.kind} ${f.group}: ${f.message}`)).toEqual([
      'contributor-added fraud: c@example.com as member (via group data-science); runs code as default-editor (Secrets, models) through notebooks and runs',
      'contributor-added serving: c@example.com as viewer (via group data-science); runs code as default-editor (Secrets, models) through KFP Viewers',
    ]);
    const text = renderText(r);
    expect(text).toContain('\nfraud (changed)\n  people added: c@example.com as member (via group data-science)\n  people removed: b@example.com (was member (via group data-science))\n');
    expect(renderMarkdown(r)).toContain('- people removed: b@example.com (was viewer (via group data-science))');
  });

  it('a role raised through a group is flagged with the group', () => {
    const spec = (role: string) => [entry(validSpec({ contributors: [{ group: 'data-science', role }] }))];
    const groups = [{ file: 'groups/data-science.ts', spec: { name: 'data-science', members: [{ email: 'a@example.com' }] } }];
    const r = diffTrees(synthesize(spec('viewer'), DEFAULT_PLATFORM, { groups }).files, synthesize(spec('member'), DEFAULT_PLATFORM, { groups }).files);
    expect(r.flags.map((f) => `${f.kind} ${f.group}: ${f.message}`)).toEqual(['contributor-role-raised fraud: a@example.com: viewer → member (via group data-science); runs code as default-editor (Secrets, models) through notebooks and runs']);
  });
});

describe("platform groups.mode 'bind': the group itself is bound", () => {
  const platform = definePlatform({ groups: { mode: 'bind', subjectPrefix: 'oidc:' } });
  const ds2: GroupSpec = { name: 'data-science', members: [{ email: 'ds1@example.com' }, { email: 'ds2@example.com' }] };
  const groupFiles = [{ file: 'groups/data-science.ts', spec: ds2 }];
  const spec = validSpec({ contributors: [{ user: 'ds1@example.com', role: 'member' }, { group: 'data-science', role: 'member' }] });
  const objs = () => synthesize([entry(spec)], platform, { groups: groupFiles }).objects.map((o) => o.manifest);

  it('RBAC Group subjects with the API server prefix, an AuthorizationPolicy on the groups claim, no per-member objects', () => {
    const o = objs();
    const groupRbs = o.filter((m) => m.kind === 'RoleBinding' && m.metadata.name.startsWith('group-data-science-'));
    expect(groupRbs.map((b) => (b.roleRef as { name: string }).name).sort()).toEqual(['kubeflow-view', ...KUBEFLOW_APP_EDIT_ROLES].sort());
    for (const b of groupRbs) expect(b.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'oidc:data-science' }]);
    expect(groupRbs.find((b) => b.metadata.name === 'group-data-science-clusterrole-view')!.metadata.annotations).not.toHaveProperty('user');
    const ap = o.find((m) => m.kind === 'AuthorizationPolicy' && m.metadata.name === 'group-data-science-clusterrole-view')!;
    expect(ap.spec).toEqual({
      rules: [{ from: [{ source: { principals: [platform.istio.ingressGatewayPrincipal, platform.istio.pipelineUiPrincipal] } }], when: [{ key: 'request.auth.claims[groups]', values: ['data-science'] }] }],
    });
    // ds2 has nothing of their own; ds1 keeps their own entry.
    expect(o.filter((m) => m.metadata.annotations?.['kubeflow-tenants/contributor'] === 'ds2@example.com')).toEqual([]);
    expect(o.filter((m) => m.metadata.annotations?.['kubeflow-tenants/contributor'] === 'ds1@example.com').length).toBeGreaterThan(0);
    expect(o.flatMap((m) => validateManifest(m))).toEqual([]);
  });

  it('the API server answers for the group: can-i with --as-group', () => {
    const model = rbacModel(objs(), clusterRoles);
    const q = { verb: 'create', group: 'kubeflow.org', resource: 'notebooks', namespace: 'fraud' };
    expect(model.can({ ...q, user: 'ds2@example.com', groups: ['oidc:data-science'] })).toBe(true);
    expect(model.can({ ...q, user: 'ds2@example.com' })).toBe(false);
    expect(model.can({ ...q, verb: 'create', group: 'serving.kserve.io', resource: 'inferenceservices', user: 'ds2@example.com', groups: ['oidc:data-science'] })).toBe(false);
  });

  it('the same checks apply: a group may not give more than a member\'s explicit role', () => {
    const bad = validSpec({ contributors: [{ user: 'ds1@example.com', role: 'viewer' }, { group: 'data-science', role: 'editor' }] });
    expect(validateTenants([entry(bad)], platform, undefined, undefined, new Map([['data-science', ds2]])).map(String)).toEqual([
      'tenants/fraud.ts: contributors[0].role: Invalid value: "viewer": ds1@example.com is also in group "data-science" (contributors[1]), which gives "editor", more than "viewer": the explicit entry would no longer say what they can do; raise this entry to "editor", remove it so the group decides, or take them out of the group',
    ]);
  });

  it('platform errors: an unknown mode', () => {
    expect(() => definePlatform({ groups: { mode: 'nested' as 'bind' } })).toThrow('platform.ts: groups.mode: Unsupported value: "nested": supported values: "expand", "bind"');
  });
});

describe('groups/ through the pipeline (synthRepo)', () => {
  it('loads group files; a stray file, a group error and a tenant naming an unknown group are reported together', async () => {
    const tenantSrc = (contributors: object[]) =>
      `import { tenant } from '../lib/tenant';\nexport default tenant(${JSON.stringify({ name: 'fraud', owner: { email: 'lead@example.com' }, labels: { team: 'fraud', 'cost-centre': 'cc-1', 'compliance-tier': 'internal' }, contributors })});\n`;
    const repo = makeRepo({ 'fraud.ts': tenantSrc([{ group: 'data-science', role: 'member' }, { group: 'nobody', role: 'viewer' }]) });
    try {
      fs.mkdirSync(path.join(repo, 'groups'));
      fs.writeFileSync(path.join(repo, 'groups', 'data-science.ts'), "import { group } from '../lib/groups';\nexport default group({ name: 'data-science', members: [{ email: 'a@example.com' }] });\n");
      fs.writeFileSync(path.join(repo, 'groups', 'empty.ts'), "import { group } from '../lib/groups';\nexport default group({ name: 'empty', members: [] });\n");
      fs.writeFileSync(path.join(repo, 'groups', 'team.yaml'), 'members: []\n');
      const err = await synthFixture(repo).then(
        () => undefined,
        (e: unknown) => e as { errors?: unknown[] },
      );
      expect((err?.errors ?? []).map(String)).toEqual([
        'groups/empty.ts: members: Invalid value: []: an empty group gives nobody anything and hides a mistake; add its members, or remove the group and every tenant entry naming it',
        'groups/team.yaml: (file): Invalid value: "team.yaml": not a group file: each group is declared in TypeScript as groups/<name>.ts; remove it, or rename it to _team.yaml if group files read it',
        'tenants/fraud.ts: contributors[1].group: Not found: "nobody": no group "nobody" in groups/; declared groups: data-science, empty; add groups/nobody.ts or correct the name',
      ]);
      fs.rmSync(path.join(repo, 'groups', 'empty.ts'));
      fs.rmSync(path.join(repo, 'groups', 'team.yaml'));
      fs.writeFileSync(path.join(repo, 'tenants', 'fraud.ts'), tenantSrc([{ group: 'data-science', role: 'member' }]));
      const ok = await synthFixture(repo);
      expect(ok.groups.map((g) => g.file)).toEqual(['groups/data-science.ts']);
      expect(ok.result.objects.some((o) => o.manifest.metadata.annotations?.['kubeflow-tenants/via'] === 'group data-science')).toBe(true);
    } finally {
      removeRepo(repo);
    }
  }, 120_000);
});
