// Issue 5, check 5: the offline RBAC evaluation used by the property tests (lib/rbac.ts) agrees
// with the API server on a deterministic sample of (subject, verb, resource, namespace) questions
// drawn from the example tenants of the fixture repository (applied as fx-<name>) and from the org
// tenants suite 1 samples (agreement is an invariant: it holds for any valid input), half allowed
// and half denied by the offline model. The server's answers come from SubjectAccessReviews,
// created in one kubectl call. The model is given what the tenants emit (both dist/ folders) and
// the vendored Kubeflow ClusterRoles, nothing read back from the cluster.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessQuestion as Question } from '../../lib/rbac';
import { can, kubernetesBootstrapRbac, loadKubeflowClusterRoles } from '../../lib/rbac';
import { type KubeObject, applyDist, applyFixture, loadDist, loadFixtureDist, profiles, sampleOf, subjectAccessReviews } from './helpers';

const SAMPLE = Number(process.env.KFT_RBAC_SAMPLE ?? 400);
const fixture = (await loadFixtureDist()).map((e) => e.object);
const org = loadDist().map((e) => e.object);
const clusterRoles = loadKubeflowClusterRoles();
// Questions are asked in every fixture tenant and in a bounded sample of the org's: the sample's
// size, not the org's, sets this suite's time.
const tenants = [...profiles(fixture), ...sampleOf(profiles(org), Number(process.env.KFT_PROFILE_SAMPLE ?? 5))].map((p) => p.metadata.name);
const inSample = new Set(tenants);
// Everything a question's answer depends on: RBAC objects are namespaced, so the sampled namespaces' objects suffice.
const emitted = [...fixture, ...org].filter((o) => (o.kind === 'Profile' ? inSample.has(o.metadata.name) : o.metadata.namespace !== undefined && inSample.has(o.metadata.namespace)));

/** Small deterministic PRNG (mulberry32), so a failure names a reproducible question. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function subjects(): { user: string; groups: string[] }[] {
  const users = new Set<string>();
  for (const p of profiles(emitted)) users.add((p.spec as { owner: { name: string } }).owner.name);
  for (const o of emitted) {
    if (o.kind !== 'RoleBinding') continue;
    for (const s of (o as KubeObject & { subjects?: { kind: string; name: string; namespace?: string }[] }).subjects ?? []) {
      if (s.kind === 'User') users.add(s.name);
    }
  }
  users.add('mallory@example.com'); // a stranger: everything denied
  const out = [...users].sort().map((user) => ({ user, groups: ['system:authenticated'] }));
  const sas = new Set<string>();
  for (const t of tenants) for (const sa of ['default-editor', 'default-viewer']) sas.add(`${t}:${sa}`);
  for (const o of emitted) {
    for (const s of (o as KubeObject & { subjects?: { kind: string; name: string; namespace?: string }[] }).subjects ?? []) {
      if (s.kind === 'ServiceAccount' && s.namespace) sas.add(`${s.namespace}:${s.name}`);
    }
  }
  for (const sa of [...sas].sort()) {
    const ns = sa.split(':')[0];
    out.push({
      user: `system:serviceaccount:${sa}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
    });
  }
  return out;
}

/** (group, resource) pairs named by the Kubeflow roles, plus sensitive core ones. */
function resources(): { group: string; resource: string }[] {
  const seen = new Map<string, { group: string; resource: string }>();
  const add = (group: string, resource: string) => seen.set(`${group}/${resource}`, { group, resource });
  for (const r of clusterRoles) {
    for (const rule of (r as KubeObject & { rules?: { apiGroups?: string[]; resources?: string[] }[] }).rules ?? []) {
      for (const g of rule.apiGroups ?? []) for (const res of rule.resources ?? []) if (g !== '*' && res !== '*') add(g, res);
    }
  }
  for (const res of ['secrets', 'pods', 'configmaps', 'serviceaccounts', 'resourcequotas', 'limitranges']) add('', res);
  add('rbac.authorization.k8s.io', 'rolebindings');
  add('rbac.authorization.k8s.io', 'roles');
  add('networking.k8s.io', 'networkpolicies');
  add('security.istio.io', 'authorizationpolicies');
  return [...seen.values()].sort((a, b) => `${a.group}/${a.resource}`.localeCompare(`${b.group}/${b.resource}`));
}

// what every cluster grants (system:basic-user), so that questions on self reviews agree too
const objects = [...emitted, ...kubernetesBootstrapRbac()];

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** The sample: every subject against the key exercises, then seeded random questions. */
function sample(): Question[] {
  const rnd = prng(20261127);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const subs = subjects();
  const res = resources();
  const qs = new Map<string, Question>();
  const add = (q: Question) => qs.set(`${q.user}|${q.verb}|${q.group}|${q.resource}|${q.namespace}`, q);
  // Each subject in its "home" namespaces (where it is bound), so allowed answers are frequent.
  const home = (user: string) =>
    tenants.filter(
      (t) =>
        user.startsWith(`system:serviceaccount:${t}:`) ||
        (profiles(emitted).find((p) => p.metadata.name === t)?.spec as { owner: { name: string } }).owner.name === user ||
        emitted.some(
          (o) =>
            o.kind === 'RoleBinding' &&
            o.metadata.namespace === t &&
            ((o as KubeObject & { subjects?: { name: string }[] }).subjects ?? []).some((s) => s.name === user || user.endsWith(`:${s.name}`)),
        ),
    );
  // Stratified by the offline answer, half allowed and half denied, whatever the org's shape (in
  // a large org most random questions are denials); the server must then agree on each.
  const left = new Map([
    [true, Math.ceil(SAMPLE / 2)],
    [false, Math.floor(SAMPLE / 2)],
  ]);
  for (let tries = 0; qs.size < SAMPLE && tries < SAMPLE * 500; tries++) {
    const s = pick(subs);
    const r = pick(res);
    const homes = home(s.user);
    const ns = homes.length > 0 && rnd() < 0.6 ? pick(homes) : pick(tenants);
    const q = { user: s.user, groups: s.groups, verb: pick(VERBS), group: r.group, resource: r.resource, namespace: ns };
    const offline = can(objects, clusterRoles, q);
    if (left.get(offline)! === 0 || qs.has(`${q.user}|${q.verb}|${q.group}|${q.resource}|${q.namespace}`)) continue;
    left.set(offline, left.get(offline)! - 1);
    add(q);
  }
  return [...qs.values()];
}

beforeAll(async () => {
  for (const r of [await applyDist(), await applyFixture()]) expect(r.namespaced.apply.code, r.namespaced.apply.stderr).toBe(0);
});

describe('5. offline RBAC evaluation agrees with the API server', () => {
  const qs = sample();

  it(`the sample has at least 200 questions over every tenant`, () => {
    expect(qs.length).toBeGreaterThanOrEqual(200);
    expect(new Set(qs.map((q) => q.namespace))).toEqual(new Set(tenants));
  });

  it('every answer agrees, and the sample has both allowed and denied questions', () => {
    const server = subjectAccessReviews(qs);
    const allowed = server.filter(Boolean).length;
    console.log(`RBAC sample: ${qs.length} questions, ${allowed} allowed and ${qs.length - allowed} denied by the API server`);
    expect(allowed, 'allowed answers in the sample').toBeGreaterThanOrEqual(50);
    expect(qs.length - allowed, 'denied answers in the sample').toBeGreaterThanOrEqual(50);
    const disagreements = qs
      .map((q, i) => ({ q, server: server[i], offline: can(objects, clusterRoles, q) }))
      .filter((d) => d.server !== d.offline)
      .map((d) => `${d.q.user} ${d.q.verb} ${d.q.group || 'core'}/${d.q.resource} -n ${d.q.namespace}: server=${d.server} offline=${d.offline}`);
    expect(disagreements).toEqual([]);
  });
});
