// Issue 5, check 3: `kubectl auth can-i --as` for the module's exercises, positive and negative,
// on the example tenants of the fixture repository (test/fixtures/examples, applied as fx-<name>,
// see helpers.ts), with the subjects taken from its synthesized dist/ (Profile owners, contributor
// RoleBindings, cross-tenant grants). Nothing here reads the org's tenants.
import { beforeAll, describe, expect, it } from 'vitest';
import { type AccessQuestion, type KubeObject, applyFixture, fx, kubectl, loadFixtureDist, profiles, subjectAccessReviews } from './helpers';

const emitted = (await loadFixtureDist()).map((e) => e.object);
const tenants = profiles(emitted).map((p) => p.metadata.name);
const ownerOf = (tenant: string) =>
  (profiles(emitted).find((p) => p.metadata.name === tenant)?.spec as { owner: { name: string } } | undefined)?.owner.name;

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}
const bindings = emitted.filter((o) => o.kind === 'RoleBinding') as (KubeObject & {
  roleRef: { kind: string; name: string };
  subjects: Subject[];
})[];
const contributor = (tenant: string, role: string) =>
  bindings
    .filter((b) => b.metadata.namespace === tenant && b.roleRef.name === role)
    .flatMap((b) => b.subjects.filter((s) => s.kind === 'User').map((s) => s.name));

/** `kubectl auth can-i VERB RESOURCE -n NS --as USER`: true for "yes", false for "no". */
function canI(as: string, verb: string, resource: string, namespace: string, subresource?: string): boolean {
  const args = ['auth', 'can-i', verb, resource, '-n', namespace, '--as', as, ...(subresource ? ['--subresource', subresource] : [])];
  const r = kubectl(args);
  const answer = r.stdout.trim().split('\n').pop();
  if (answer !== 'yes' && answer !== 'no') throw new Error(`kubectl ${args.join(' ')}: ${r.code}\n${r.stdout}${r.stderr}`);
  return answer === 'yes';
}

beforeAll(async () => {
  const r = await applyFixture();
  expect(r.namespaced.apply.code, r.namespaced.apply.stderr).toBe(0);
});

describe('3. exercise 3: alice-research', () => {
  const tenant = fx('alice-research');
  const alice = ownerOf(tenant)!;
  const viewers = contributor(tenant, 'kubeflow-view');
  const bob = viewers[0];

  it('dist/ has alice as owner and bob as view contributor', () => {
    expect(alice).toBe('alice@example.com');
    expect(viewers).toContain('bob@example.com');
  });

  it('alice administers alice-research', () => {
    for (const [verb, res] of [
      ['create', 'notebooks.kubeflow.org'],
      ['delete', 'notebooks.kubeflow.org'],
      ['create', 'pods'],
      ['get', 'secrets'],
      ['create', 'rolebindings.rbac.authorization.k8s.io'],
      ['create', 'inferenceservices.serving.kserve.io'],
      ['create', 'poddefaults.kubeflow.org'],
    ]) {
      expect(canI(alice, verb, res, tenant), `${alice} ${verb} ${res}`).toBe(true);
    }
  });

  it('bob can read notebooks there and cannot create, change or delete them', () => {
    for (const verb of ['get', 'list', 'watch']) expect(canI(bob, verb, 'notebooks.kubeflow.org', tenant), verb).toBe(true);
    for (const verb of ['create', 'update', 'patch', 'delete']) expect(canI(bob, verb, 'notebooks.kubeflow.org', tenant), verb).toBe(false);
    expect(canI(bob, 'get', 'secrets', tenant)).toBe(false);
    expect(canI(bob, 'create', 'rolebindings.rbac.authorization.k8s.io', tenant)).toBe(false);
  });

  it('neither alice nor bob reaches fraud-modelling', () => {
    expect(tenants).toContain(fx('fraud-modelling'));
    for (const who of [alice, bob]) {
      for (const [verb, res] of [
        ['get', 'notebooks.kubeflow.org'],
        ['list', 'notebooks.kubeflow.org'],
        ['list', 'pods'],
        ['create', 'pods'],
        ['get', 'secrets'],
      ]) {
        expect(canI(who, verb, res, fx('fraud-modelling')), `${who} ${verb} ${res}`).toBe(false);
      }
    }
  });

  it('no cluster-wide reach: alice cannot list namespaces or profiles, nor create ClusterRoleBindings', () => {
    const r = (args: string[]) => kubectl(['auth', 'can-i', ...args, '--as', alice]).stdout.trim();
    expect(r(['list', 'namespaces'])).toBe('no');
    expect(r(['list', 'profiles.kubeflow.org'])).toBe('no');
    expect(r(['create', 'clusterrolebindings.rbac.authorization.k8s.io'])).toBe('no');
  });
});

describe('3. exercise 4: cross-tenant inference access', () => {
  const risk = fx('risk-modeling');
  const payments = fx('payments-engineering');
  const sa = `system:serviceaccount:${payments}:default-editor`;
  const grants = bindings.filter(
    (b) => b.metadata.namespace === risk && b.subjects.some((s) => s.kind === 'ServiceAccount' && s.namespace === payments && s.name === 'default-editor'),
  );

  it('dist/ grants payments-engineering/default-editor access in risk-modeling', () => {
    expect(grants.map((g) => g.metadata.name), 'a RoleBinding in dist/tenants/risk-modeling for that ServiceAccount').not.toEqual([]);
  });

  it('the ServiceAccount can get and list InferenceServices in risk-modeling', () => {
    expect(canI(sa, 'get', 'inferenceservices.serving.kserve.io', risk)).toBe(true);
    expect(canI(sa, 'list', 'inferenceservices.serving.kserve.io', risk)).toBe(true);
  });

  it('and nothing more there: no secrets, no writes', () => {
    expect(canI(sa, 'list', 'secrets', risk)).toBe(false);
    expect(canI(sa, 'get', 'secrets', risk)).toBe(false);
    for (const verb of ['create', 'update', 'patch', 'delete']) {
      expect(canI(sa, verb, 'inferenceservices.serving.kserve.io', risk), verb).toBe(false);
    }
  });

  it('it cannot read InferenceServices in any other tenant', () => {
    const others = tenants.filter((t) => t !== risk && t !== payments);
    expect(others.length).toBeGreaterThan(0);
    for (const t of others) {
      expect(canI(sa, 'get', 'inferenceservices.serving.kserve.io', t), t).toBe(false);
      expect(canI(sa, 'list', 'inferenceservices.serving.kserve.io', t), t).toBe(false);
    }
  });

  it('in its own namespace it is the Profile controller\'s kubeflow-edit default-editor', () => {
    expect(canI(sa, 'create', 'inferenceservices.serving.kserve.io', payments)).toBe(true);
  });
});

describe('3. every contributor and owner, per dist/', () => {
  it('owners administer only their own tenant; contributors get exactly their role', () => {
    // [question, expected] pairs, answered by the API server in one batch of SubjectAccessReviews
    const cases: [AccessQuestion, boolean][] = [];
    const ask = (user: string, verb: string, group: string, resource: string, namespace: string, expected: boolean) =>
      cases.push([{ user, verb, group, resource, namespace }, expected]);
    for (const t of tenants) {
      const owner = ownerOf(t)!;
      ask(owner, 'create', 'rbac.authorization.k8s.io', 'rolebindings', t, true);
      ask(owner, 'delete', 'kubeflow.org', 'notebooks', t, true);
      const contributesTo = (x: string) => [...contributor(x, 'kubeflow-edit'), ...contributor(x, 'kubeflow-view')].includes(owner);
      for (const other of tenants.filter((x) => x !== t && ownerOf(x) !== owner && !contributesTo(x))) {
        ask(owner, 'get', 'kubeflow.org', 'notebooks', other, false);
        ask(owner, 'list', '', 'pods', other, false);
      }
      for (const u of contributor(t, 'kubeflow-edit')) {
        ask(u, 'create', 'kubeflow.org', 'notebooks', t, true);
        ask(u, 'create', 'rbac.authorization.k8s.io', 'rolebindings', t, false);
      }
      for (const u of contributor(t, 'kubeflow-view')) {
        ask(u, 'list', 'kubeflow.org', 'notebooks', t, true);
        ask(u, 'create', 'kubeflow.org', 'notebooks', t, false);
        ask(u, 'get', '', 'secrets', t, false);
      }
    }
    const answers = subjectAccessReviews(cases.map(([q]) => q));
    const wrong = cases
      .map(([q, expected], i) => ({ q, expected, got: answers[i] }))
      .filter((c) => c.got !== c.expected)
      .map((c) => `${c.q.user} ${c.q.verb} ${c.q.group || 'core'}/${c.q.resource} -n ${c.q.namespace}: server=${c.got}, expected ${c.expected}`);
    expect(cases.length).toBeGreaterThan(20);
    expect(wrong).toEqual([]);
  });
});
