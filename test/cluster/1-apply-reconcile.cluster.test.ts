// Issue 5, checks 1 and 2: dist/ is accepted by a real API server (server-side dry run, then
// server-side apply, strict field validation, no warnings), and every Profile reconciles into the
// objects the Profile controller owns, beside ours, without either side changing the other's.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CRDS,
  type DistApplied,
  type KubeObject,
  applyDist,
  getAll,
  getJson,
  getObject,
  kubectl,
  kubectlOk,
  loadDist,
  objectKey,
  profiles,
  reconcileCount,
  toYamlStream,
  waitFor,
} from './helpers';
import { normaliseResources } from './quantity';

const emitted = loadDist();
const profileObjs = profiles(emitted.map((e) => e.object));
const ownNamespaced = emitted.map((e) => e.object).filter((o) => o.metadata.namespace);
const NAMESPACE_LABELS = yaml.load(readFileSync(join(__dirname, 'namespace-labels.yaml'), 'utf8')) as Record<string, string>;

interface Owner {
  apiGroup?: string;
  kind: string;
  name: string;
}
const ownerOf = (p: KubeObject) => (p.spec as { owner: Owner }).owner;
const quotaOf = (p: KubeObject) =>
  ((p.spec as { resourceQuotaSpec?: { hard?: Record<string, string> } }).resourceQuotaSpec?.hard ?? {}) as Record<string, string>;

let result: DistApplied;
beforeAll(async () => {
  result = await applyDist();
});

const warnings = (stderr: string) => stderr.split('\n').filter((l) => /warning/i.test(l));

describe('1. install CRDs and ClusterRoles, apply dist/', () => {
  it('every vendored CRD is established', () => {
    const names = readdirSync(CRDS)
      .filter((f) => f.endsWith('.yaml') && f !== 'kubeflow-clusterroles.yaml')
      .flatMap((f) => yaml.loadAll(readFileSync(join(CRDS, f), 'utf8')) as KubeObject[])
      .filter((d) => d?.kind === 'CustomResourceDefinition')
      .map((d) => d.metadata.name);
    expect(names.length).toBeGreaterThan(0);
    const crds = getJson<{ items: { metadata: { name: string }; status: { conditions?: { type: string; status: string }[] } }[] }>([
      'get',
      'crd',
    ]).items;
    for (const n of names) {
      const c = crds.find((x) => x.metadata.name === n);
      expect(c, n).toBeDefined();
      expect(c!.status.conditions?.find((x) => x.type === 'Established')?.status, n).toBe('True');
    }
  });

  it('the Kubeflow ClusterRoles are installed and kubeflow-admin/edit/view are aggregated', () => {
    for (const r of ['kubeflow-admin', 'kubeflow-edit', 'kubeflow-view']) {
      const role = getJson<{ rules?: unknown[] }>(['get', 'clusterrole', r]);
      expect(role.rules?.length ?? 0, r).toBeGreaterThan(0);
    }
  });

  it('server-side dry run of dist/ succeeds with strict field validation and no warnings', () => {
    for (const [phase, r] of Object.entries(result)) {
      expect(r.dryRun.code, `${phase} dry run:\n${r.dryRun.stderr}`).toBe(0);
      expect(warnings(r.dryRun.stderr), `${phase} dry run`).toEqual([]);
    }
  });

  it('server-side apply of dist/ succeeds with strict field validation and no warnings', () => {
    for (const [phase, r] of Object.entries(result)) {
      expect(r.apply.code, `${phase} apply:\n${r.apply.stderr}`).toBe(0);
      expect(warnings(r.apply.stderr), `${phase} apply`).toEqual([]);
    }
  });

  it('the strict validation has teeth: an unknown field in a Profile or a LimitRange is an error', () => {
    const profile = structuredClone(profileObjs[0]);
    (profile.spec as Record<string, unknown>).contributors = [{ user: 'x@example.com' }];
    const lr = structuredClone(emitted.map((e) => e.object).find((o) => o.kind === 'LimitRange')!);
    (lr.spec as Record<string, unknown>).maxx = {};
    for (const bad of [profile, lr]) {
      const r = kubectl(['apply', '--server-side', '--dry-run=server', '--validate=strict', '--field-manager', 'kubeflow-tenants', '-f', '-'], toYamlStream([bad]));
      expect(r.code, `${bad.kind} with an unknown field was accepted`).not.toBe(0);
      // strict field validation, or (server-side apply) the typed patch of the schema
      expect(r.stderr).toMatch(/unknown field "spec\.(contributors|maxx)"|\.spec\.(contributors|maxx): field not declared in schema/);
    }
  });

  it('every emitted object exists on the server', () => {
    const got = getAll(emitted.map((e) => e.object));
    const missing = emitted.filter((e) => !got.has(objectKey(e.object))).map((e) => e.file);
    expect(missing).toEqual([]);
  });
});

describe('2. every Profile reconciles', () => {
  it('there are example Profiles', () => {
    expect(profileObjs.length).toBeGreaterThanOrEqual(4);
  });

  describe.each(profileObjs.map((p) => [p.metadata.name, p] as const))('%s', (name, profile) => {
    const owner = ownerOf(profile);

    it('namespace: owner annotation, controller labels, ownerReference to the Profile', async () => {
      const ns = await waitFor(`namespace ${name}`, () => getObject('namespace', name));
      expect(ns.metadata.annotations?.owner).toBe(owner.name);
      expect(ns.metadata.labels).toMatchObject({ 'istio-injection': 'enabled', ...NAMESPACE_LABELS });
      expect(ns.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Profile', name, controller: true })]);
    });

    it('namespaceAdmin binds the owner to kubeflow-admin', async () => {
      const rb = await waitFor(`rolebinding namespaceAdmin in ${name}`, () => getObject('rolebinding', 'namespaceAdmin', name));
      expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeflow-admin' });
      expect(rb.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: owner.kind, name: owner.name }]);
      expect(rb.metadata.annotations).toMatchObject({ user: owner.name, role: 'admin' });
    });

    it('default-editor and default-viewer ServiceAccounts and RoleBindings', async () => {
      for (const [sa, role] of [
        ['default-editor', 'kubeflow-edit'],
        ['default-viewer', 'kubeflow-view'],
      ]) {
        await waitFor(`serviceaccount ${sa} in ${name}`, () => getObject('serviceaccount', sa, name));
        const rb = await waitFor(`rolebinding ${sa} in ${name}`, () => getObject('rolebinding', sa, name));
        expect(rb.roleRef).toMatchObject({ kind: 'ClusterRole', name: role });
        expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: sa, namespace: name }]);
      }
    });

    it('ns-owner-access-istio admits the owner through the kubeflow-userid header, no prefix', async () => {
      const ap = await waitFor(`authorizationpolicy ns-owner-access-istio in ${name}`, () =>
        getObject('authorizationpolicies.v1beta1.security.istio.io', 'ns-owner-access-istio', name),
      );
      expect(ap.metadata.annotations).toMatchObject({ user: owner.name, role: 'admin' });
      const rules = (ap.spec as { rules: { when?: { key: string; values: string[] }[] }[] }).rules;
      expect(rules[0].when).toEqual([{ key: 'request.headers[kubeflow-userid]', values: [owner.name] }]);
    });

    it('kf-resource-quota equals the tenant quota (GPU and MIG keys included) and is enforced', async () => {
      const hard = quotaOf(profile);
      expect(Object.keys(hard).length).toBeGreaterThan(0);
      const rq = await waitFor(`resourcequota kf-resource-quota in ${name}`, () => getObject('resourcequota', 'kf-resource-quota', name));
      const spec = rq.spec as { hard: Record<string, string> };
      expect(normaliseResources(spec.hard)).toEqual(normaliseResources(hard));
      // the resourcequota controller has computed usage for every key: admission can enforce it
      const st = await waitFor(`status of kf-resource-quota in ${name}`, () => {
        const s = getObject('resourcequota', 'kf-resource-quota', name)?.status as { hard?: Record<string, string>; used?: Record<string, string> };
        return s?.used && Object.keys(s.used).length === Object.keys(hard).length ? s : undefined;
      });
      expect(normaliseResources(st.hard)).toEqual(normaliseResources(hard));
    });
  });

  it('the tenants cover GPU and MIG quota keys', () => {
    const keys = profileObjs.flatMap((p) => Object.entries(quotaOf(p)).filter(([, v]) => v !== '0').map(([k]) => k));
    expect(keys).toContain('requests.nvidia.com/gpu');
    expect(keys.some((k) => /nvidia\.com\/mig-/.test(k))).toBe(true);
  });
});

describe('2b. our objects and the controller\'s coexist', () => {
  type Snapshot = Map<string, string>;
  const CONTROLLER_CHILDREN: [string, string, string][] = [
    ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'namespaceAdmin'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'default-editor'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'default-viewer'],
    ['v1', 'ServiceAccount', 'default-editor'],
    ['v1', 'ServiceAccount', 'default-viewer'],
    ['security.istio.io/v1beta1', 'AuthorizationPolicy', 'ns-owner-access-istio'],
    ['v1', 'ResourceQuota', 'kf-resource-quota'],
  ];
  const controllerObjs: KubeObject[] = profileObjs.flatMap((p) =>
    CONTROLLER_CHILDREN.map(([apiVersion, kind, name]) => ({ apiVersion, kind, metadata: { name, namespace: p.metadata.name } })),
  );
  // resourceVersion of each object (a ResourceQuota's status changes with usage: its spec instead)
  const snapshot = (objs: KubeObject[]): Snapshot => {
    const got = getAll(objs);
    return new Map(
      objs.map((o) => {
        const g = got.get(objectKey(o));
        return [objectKey(o), !g ? 'missing' : g.kind === 'ResourceQuota' ? JSON.stringify(g.spec) : (g.metadata.resourceVersion ?? '')];
      }),
    );
  };
  const snapshotOurs = () => snapshot(ownNamespaced);
  const snapshotController = () => snapshot(controllerObjs);

  it('our contributor AuthorizationPolicies admit through the same principals and header as the controller\'s', () => {
    type Rule = { from?: { source?: { principals?: string[] } }[]; when?: { key: string; values: string[] }[] };
    const ours = ownNamespaced.filter((o) => o.kind === 'AuthorizationPolicy' && /^user-.*-clusterrole-(edit|view)$/.test(o.metadata.name));
    expect(ours.length).toBeGreaterThan(0);
    const theirs = getAll(
      profileObjs.map((p) => ({ apiVersion: 'security.istio.io/v1beta1', kind: 'AuthorizationPolicy', metadata: { name: 'ns-owner-access-istio', namespace: p.metadata.name } })),
    );
    for (const ap of ours) {
      const ctrl = theirs.get(`AuthorizationPolicy/${ap.metadata.namespace}/ns-owner-access-istio`);
      expect(ctrl, ap.metadata.namespace).toBeDefined();
      const ownerRule = (ctrl!.spec as { rules: Rule[] }).rules[0];
      const rule = (ap.spec as { rules: Rule[] }).rules[0];
      const name = `${ap.metadata.namespace}/${ap.metadata.name}`;
      expect(rule.from?.[0]?.source?.principals, name).toEqual(ownerRule.from?.[0]?.source?.principals);
      expect(rule.when?.map((w) => w.key), name).toEqual(ownerRule.when?.map((w) => w.key));
      expect(rule.when?.[0]?.values, name).toEqual([ap.metadata.annotations?.user]);
    }
  });

  it('no name clash: none of our namespaced objects is one the controller creates', () => {
    const theirs = new Set(controllerObjs.map(objectKey));
    expect(ownNamespaced.filter((o) => theirs.has(objectKey(o))).map(objectKey)).toEqual([]);
  });

  it('after a controller resync of every Profile, nothing of ours (and nothing of the controller\'s) changed', async () => {
    const oursBefore = snapshotOurs();
    const theirsBefore = snapshotController();
    expect([...oursBefore.values()]).not.toContain('missing');
    expect([...theirsBefore.values()]).not.toContain('missing');
    const counts = new Map(profileObjs.map((p) => [p.metadata.name, reconcileCount(p.metadata.name)]));
    // A Profile update event makes the controller reconcile it (a cheap stand-in for its periodic resync).
    const stamp = `${Date.now()}`;
    kubectlOk(['annotate', 'profile', ...profileObjs.map((p) => p.metadata.name), `kubeflow-tenants.test/resync=${stamp}`, '--overwrite']);
    try {
      if (process.env.KFT_PROFILE_CONTROLLER_LOG) {
        await waitFor('a reconcile of every Profile', () =>
          profileObjs.every((p) => reconcileCount(p.metadata.name) > (counts.get(p.metadata.name) ?? 0)),
        );
      }
      await new Promise((r) => setTimeout(r, 1000)); // let any late writes land
      expect(snapshotOurs()).toEqual(oursBefore);
      expect(snapshotController()).toEqual(theirsBefore);
    } finally {
      kubectl(['annotate', 'profile', ...profileObjs.map((p) => p.metadata.name), 'kubeflow-tenants.test/resync-']);
    }
  });

  it('re-applying dist/ is a no-op: no object changes, so there is no fight with the controller', () => {
    const all = emitted.map((e) => e.object);
    const before = snapshot(all);
    const theirsBefore = snapshotController();
    const r = kubectl(['apply', '--server-side', '--field-manager', 'kubeflow-tenants', '--validate=strict', '-f', '-'], toYamlStream(all));
    expect(r.code, r.stderr).toBe(0);
    expect(snapshot(all)).toEqual(before);
    expect(snapshotController()).toEqual(theirsBefore);
  });
});
