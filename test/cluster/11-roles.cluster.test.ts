// Issue 11: the role-guarantee matrix (lib/role-matrix.ts) asked of the API server. The `roles`
// fixture repository (every catalogue role, the aliases, three groups, one person in two groups) is
// applied as fx-ml-platform and fx-serving, with the catalogue's ClusterRole; every matrix question
// for its people is answered by batched SubjectAccessReviews (group members ask with their group in
// `groups`, as `kubectl auth can-i --as ... --as-group ...` does) and must agree with the offline
// evaluator; the cells the roles' documentation decides must agree with the documentation.
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDITOR_CLUSTER_ROLE, AUDITOR_RULES } from '../../lib/declarations/contributors';
import type { RoleName } from '../../lib/declarations/contributors';
import type { AccessQuestion as Question } from '../../lib/rbac';
import { kubernetesBootstrapRbac, loadKubeflowClusterRoles, rbacModel } from '../../lib/rbac';
import { matrixCells, MATRIX_RESOURCES, MATRIX_VERBS } from '../../lib/role-matrix';
import { type KubeObject, applyFixture, applyObjects, fx, loadFixtureDist, subjectAccessReviews } from './helpers';

const clusterRoles = loadKubeflowClusterRoles();
const auditorRole: KubeObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: AUDITOR_CLUSTER_ROLE },
  rules: AUDITOR_RULES.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
} as KubeObject;
const fixture = (await loadFixtureDist('roles')).map((e) => e.object);
const objects = [...fixture, auditorRole, ...kubernetesBootstrapRbac()];
const model = rbacModel(objects, clusterRoles);
const ML = fx('ml-platform');
const SERVING = fx('serving');

/** One person per role, asked every matrix question in fx-ml-platform with the role's documented expectation. */
const single: [RoleName, string][] = [
  ['team-admin', 'admin@example.com'],
  ['editor', 'editor@example.com'],
  ['member', 'member@example.com'],
  ['viewer', 'viewer@example.com'],
  ['auditor', 'auditor@example.com'],
];
/** People reached through groups (their group in the request's groups), asked everything in both namespaces. */
const viaGroups: [string, string[]][] = [
  ['ds2@example.com', ['data-science']],
  ['both@example.com', ['compliance', 'data-science']],
  ['audit1@example.com', ['compliance']],
  ['lead1@example.com', ['ml-leads']],
  ['old-view@example.com', []],
  ['mallory@example.com', []],
];

/** Fewer verbs for the group paths: one read, one create, one change (the single-role people get all of them). */
const GROUP_VERBS = ['get', 'create', 'patch'].filter((v) => (MATRIX_VERBS as readonly string[]).includes(v));

interface Asked {
  readonly q: Question;
  readonly expected?: boolean;
  readonly label: string;
}

function questions(): Asked[] {
  const out: Asked[] = [];
  for (const [role, user] of single) {
    for (const c of matrixCells([role])) {
      out.push({
        q: { user, groups: ['system:authenticated'], verb: c.verb, group: c.resource.group, resource: c.resource.resource, namespace: ML },
        ...(c.direct !== undefined ? { expected: c.direct } : {}),
        label: `${role} ${user}`,
      });
    }
  }
  for (const [user, groups] of viaGroups) {
    for (const namespace of [ML, SERVING]) {
      for (const verb of GROUP_VERBS) {
        for (const r of MATRIX_RESOURCES) out.push({ q: { user, groups: [...groups, 'system:authenticated'], verb, group: r.group, resource: r.resource, namespace }, label: `${user} (${groups.join(', ') || 'no group'})` });
      }
    }
  }
  return out;
}

beforeAll(async () => {
  const r = await applyFixture('roles');
  expect(r.namespaced.apply.code, r.namespaced.apply.stderr).toBe(0);
  const cr = await applyObjects([auditorRole]);
  expect(cr.apply.code, cr.apply.stderr).toBe(0);
});

describe('issue 11: the role-guarantee matrix agrees with the API server', () => {
  const asked = questions();

  it('asks at least 500 questions over every role and group of the fixture', () => {
    expect(asked.length).toBeGreaterThanOrEqual(500);
  });

  it('every answer agrees with the offline evaluator and with the documented guarantees, with at least 50 allowed and 50 denied', () => {
    const server = subjectAccessReviews(asked.map((a) => a.q));
    const allowed = server.filter(Boolean).length;
    console.log(`role matrix: ${asked.length} questions, ${allowed} allowed and ${asked.length - allowed} denied by the API server; ${asked.filter((a) => a.expected !== undefined).length} decided by the roles' documentation`);
    expect(allowed).toBeGreaterThanOrEqual(50);
    expect(asked.length - allowed).toBeGreaterThanOrEqual(50);
    const wrong = asked.flatMap((a, i) => {
      const offline = model.can(a.q);
      const out: string[] = [];
      const what = `${a.label} ${a.q.verb} ${a.q.group || 'core'}/${a.q.resource} -n ${a.q.namespace}`;
      if (offline !== server[i]) out.push(`${what}: server=${String(server[i])} offline=${String(offline)}`);
      if (a.expected !== undefined && a.expected !== server[i]) out.push(`${what}: server=${String(server[i])}, the role's documentation says ${String(a.expected)}`);
      return out;
    });
    expect(wrong).toEqual([]);
  });
});
