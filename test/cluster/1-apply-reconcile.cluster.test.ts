// Issue 5, checks 1 and 2, over the org's own dist/ (invariants only: nothing here names a tenant):
// dist/ is accepted by a real API server (server-side dry run, then server-side apply, strict field
// validation, no warnings), and every Profile reconciles into the objects the Profile controller
// owns, beside ours, without either side changing the other's. Every Profile is checked in bulk
// (a few list calls, whatever the org's size); a seeded sample of KFT_PROFILE_SAMPLE (5) is also
// checked one by one.
import type { RoleName } from '../../lib/declarations/contributors';
import { ROLES } from '../../lib/declarations/contributors';
import { CONTRIBUTOR_ANNOTATIONS } from '../../lib/model/names';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformSettings } from '../../lib/platform';
import { loadPlatform } from '../../lib/synth';
import {
  CRDS,
  type DistApplied,
  type KubeObject,
  ROOT,
  SEED,
  applyDist,
  getAll,
  getJson,
  getObject,
  kubectl,
  kubectlAsync,
  kubectlOk,
  listAll,
  loadDist,
  loadFixtureDist,
  objectKey,
  profiles,
  reconcileCounts,
  sampleOf,
  toYamlStream,
  waitFor,
} from './helpers';
import { normaliseResources } from './quantity';

const emitted = loadDist();
const profileObjs = profiles(emitted.map((e) => e.object));
const PROFILE_SAMPLE = Number(process.env.KFT_PROFILE_SAMPLE ?? 5);
const sampled = sampleOf(profileObjs, PROFILE_SAMPLE);
console.log(`org dist/: ${emitted.length} objects, ${profileObjs.length} Profiles; checked one by one (seed ${SEED}): ${sampled.map((p) => p.metadata.name).join(', ') || '(none)'}`);
const ownNamespaced = emitted.map((e) => e.object).filter((o) => o.metadata.namespace);
// The labels file the controller was started with (run.sh: synth's, for the org's platform.ts).
const NAMESPACE_LABELS = yaml.load(readFileSync(process.env.KFT_NAMESPACE_LABELS ?? join(__dirname, 'namespace-labels.yaml'), 'utf8')) as Record<string, string>;
/**
 * The labels a namespace must carry: the controller's (istio-injection, its labels file), then
 * those of the tenant's Namespace object, whose server-side apply takes over a key the file also
 * sets (the Pod Security level of a tier other than the platform's).
 */
const expectedNamespaceLabels = (n: string): Record<string, string> => ({
  'istio-injection': 'enabled',
  ...NAMESPACE_LABELS,
  ...emitted.find((e) => e.object.kind === 'Namespace' && e.object.metadata.name === n)?.object.metadata.labels,
});

interface Owner {
  apiGroup?: string;
  kind: string;
  name: string;
}
const ownerOf = (p: KubeObject) => (p.spec as { owner: Owner }).owner;
const quotaOf = (p: KubeObject) =>
  ((p.spec as { resourceQuotaSpec?: { hard?: Record<string, string> } }).resourceQuotaSpec?.hard ?? {}) as Record<string, string>;

let result: DistApplied;
let platform: PlatformSettings;
beforeAll(async () => {
  platform = await loadPlatform(ROOT);
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

  it('the strict validation has teeth: an unknown field in a Profile or a LimitRange is an error', async () => {
    // The fixture's objects: the org may have no tenant. Dry run only, in a namespace that exists.
    const fixture = (await loadFixtureDist()).map((e) => e.object);
    const profile = structuredClone(profiles(fixture)[0]);
    (profile.spec as Record<string, unknown>).contributors = [{ user: 'x@example.com' }];
    const lr = structuredClone(fixture.find((o) => o.kind === 'LimitRange')!);
    lr.metadata.namespace = 'default';
    (lr.spec as Record<string, unknown>).maxx = {};
    for (const bad of [profile, lr]) {
      const r = kubectl(['apply', '--server-side', '--dry-run=server', '--validate=strict', '--field-manager', 'kubeflow-tenants', '-f', '-'], toYamlStream([bad]));
      expect(r.code, `${bad.kind} with an unknown field was accepted`).not.toBe(0);
      // strict field validation, or (server-side apply) the typed patch of the schema
      expect(r.stderr).toMatch(/unknown field "spec\.(contributors|maxx)"|\.spec\.(contributors|maxx): field not declared in schema/);
    }
  });

  it('every emitted object exists on the server', async () => {
    const got = await getAll(emitted.map((e) => e.object));
    const missing = emitted.filter((e) => !got.has(objectKey(e.object))).map((e) => e.file);
    expect(missing).toEqual([]);
  });
});

/** Why `profile` has not (yet) reconciled, given bulk listings of the cluster; empty when it has. */
function reconcileProblems(profile: KubeObject, got: Record<'ns' | 'rb' | 'sa' | 'ap' | 'rq', Map<string, KubeObject>>): string[] {
  const n = profile.metadata.name;
  const owner = ownerOf(profile);
  const out: string[] = [];
  const eq = (what: string, a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b) && out.push(`${n}: ${what}: ${JSON.stringify(a)}, want ${JSON.stringify(b)}`);
  const ns = got.ns.get(`/${n}`);
  if (!ns) return [`${n}: no namespace`];
  eq('namespace owner annotation', ns.metadata.annotations?.owner, owner.name);
  for (const [k, v] of Object.entries(expectedNamespaceLabels(n))) eq(`namespace label ${k}`, ns.metadata.labels?.[k], v);
  eq('namespace controller', ns.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [['Profile', n, true]]);
  const admin = got.rb.get(`${n}/namespaceAdmin`);
  eq('namespaceAdmin', admin && [admin.roleRef, admin.subjects], [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeflow-admin' }, [{ apiGroup: 'rbac.authorization.k8s.io', kind: owner.kind, name: owner.name }]]);
  for (const [sa, role] of [['default-editor', 'kubeflow-edit'], ['default-viewer', 'kubeflow-view']]) {
    if (!got.sa.has(`${n}/${sa}`)) out.push(`${n}: no ServiceAccount ${sa}`);
    const rb = got.rb.get(`${n}/${sa}`);
    eq(`RoleBinding ${sa}`, rb && [(rb.roleRef as { name: string }).name, rb.subjects], [role, [{ kind: 'ServiceAccount', name: sa, namespace: n }]]);
  }
  const ap = got.ap.get(`${n}/ns-owner-access-istio`);
  eq('ns-owner-access-istio', (ap?.spec as { rules?: { when?: unknown }[] } | undefined)?.rules?.[0]?.when, [{ key: `request.headers[${platform.identity.header}]`, values: [`${platform.identity.prefix}${owner.name}`] }]);
  const hard = quotaOf(profile);
  const rq = got.rq.get(`${n}/kf-resource-quota`);
  if (Object.keys(hard).length === 0) {
    if (rq) out.push(`${n}: kf-resource-quota exists for an empty quota`);
  } else {
    eq('kf-resource-quota spec', normaliseResources((rq?.spec as { hard?: Record<string, string> } | undefined)?.hard), normaliseResources(hard));
    const st = rq?.status as { hard?: Record<string, string>; used?: Record<string, string> } | undefined;
    eq('kf-resource-quota status computed', [normaliseResources(st?.hard), Object.keys(st?.used ?? {}).length], [normaliseResources(hard), Object.keys(hard).length]);
  }
  return out;
}

const listCluster = () => ({
  ns: listAll('namespaces'),
  rb: listAll('rolebindings'),
  sa: listAll('serviceaccounts'),
  ap: listAll('authorizationpolicies.v1beta1.security.istio.io'),
  rq: listAll('resourcequotas'),
});

describe('2. every Profile reconciles', () => {
  it(`all ${profileObjs.length} Profiles (bulk): namespace, namespaceAdmin, default-editor/viewer, ns-owner-access-istio with the platform's header and prefix, kf-resource-quota enforced`, async () => {
    let problems: string[] = [];
    await waitFor(
      'every Profile reconciled',
      () => {
        const got = listCluster();
        problems = profileObjs.flatMap((p) => reconcileProblems(p, got));
        return problems.length === 0;
      },
      60_000 + 300 * profileObjs.length,
      1000,
    ).catch(() => undefined);
    expect(problems).toEqual([]);
  });

  describe.each(sampled.map((p) => [p.metadata.name, p] as const))('%s (sampled, one by one)', (name, profile) => {
    const owner = ownerOf(profile);

    it('namespace: owner annotation, controller labels, ownerReference to the Profile', async () => {
      const ns = await waitFor(`namespace ${name}`, () => getObject('namespace', name));
      expect(ns.metadata.annotations?.owner).toBe(owner.name);
      expect(ns.metadata.labels).toMatchObject(expectedNamespaceLabels(name));
      expect(ns.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Profile', name, controller: true })]);
    });

    it('namespaceAdmin binds the owner to kubeflow-admin', async () => {
      const rb = await waitFor(`rolebinding namespaceAdmin in ${name}`, () => getObject('rolebinding', 'namespaceAdmin', name));
      expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeflow-admin' });
      expect(rb.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: owner.kind, name: owner.name }]);
      expect(rb.metadata.annotations).toMatchObject({ user: owner.name, role: 'admin' });
    });

    it('ns-owner-access-istio admits the owner through the platform\'s identity header and prefix', async () => {
      const ap = await waitFor(`authorizationpolicy ns-owner-access-istio in ${name}`, () =>
        getObject('authorizationpolicies.v1beta1.security.istio.io', 'ns-owner-access-istio', name),
      );
      expect(ap.metadata.annotations).toMatchObject({ user: owner.name, role: 'admin' });
      const rules = (ap.spec as { rules: { when?: { key: string; values: string[] }[] }[] }).rules;
      expect(rules[0].when).toEqual([{ key: `request.headers[${platform.identity.header}]`, values: [`${platform.identity.prefix}${owner.name}`] }]);
    });

    it('kf-resource-quota equals the tenant quota (GPU and MIG keys included) and is enforced', async () => {
      const hard = quotaOf(profile);
      if (Object.keys(hard).length === 0) return; // no quota declared and no GPU on the platform: nothing to enforce
      const st = await waitFor(`status of kf-resource-quota in ${name}`, () => {
        const s = getObject('resourcequota', 'kf-resource-quota', name)?.status as { hard?: Record<string, string>; used?: Record<string, string> };
        return s?.used && Object.keys(s.used).length === Object.keys(hard).length ? s : undefined;
      });
      expect(normaliseResources(st.hard)).toEqual(normaliseResources(hard));
    });
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
  const snapshot = async (objs: KubeObject[]): Promise<Snapshot> => {
    const got = await getAll(objs);
    return new Map(
      objs.map((o) => {
        const g = got.get(objectKey(o));
        return [objectKey(o), !g ? 'missing' : g.kind === 'ResourceQuota' ? JSON.stringify(g.spec) : (g.metadata.resourceVersion ?? '')];
      }),
    );
  };
  // Per-tenant observations are made on the sampled tenants only: getAll costs one GET per object.
  const sampledNames = new Set(sampled.map((p) => p.metadata.name));
  const inSample = (o: KubeObject) => (o.kind === 'Profile' ? sampledNames.has(o.metadata.name) : sampledNames.has(o.metadata.namespace ?? ''));
  const snapshotOurs = () => snapshot(ownNamespaced.filter(inSample));
  const snapshotController = () => snapshot(controllerObjs.filter(inSample));

  it('our contributor AuthorizationPolicies admit through the same principals and header as the controller\'s (viewers and auditors: without the ingress gateway)', () => {
    type Rule = { from?: { source?: { principals?: string[] } }[]; when?: { key: string; values: string[] }[] };
    const ours = ownNamespaced.filter((o) => o.kind === 'AuthorizationPolicy' && /^user-.*-clusterrole-(edit|view)$/.test(o.metadata.name));
    const theirs = listAll('authorizationpolicies.v1beta1.security.istio.io');
    for (const ap of ours) {
      const ctrl = theirs.get(`${ap.metadata.namespace}/ns-owner-access-istio`);
      expect(ctrl, ap.metadata.namespace).toBeDefined();
      const ownerRule = (ctrl!.spec as { rules: Rule[] }).rules[0];
      const rule = (ap.spec as { rules: Rule[] }).rules[0];
      const name = `${ap.metadata.namespace}/${ap.metadata.name}`;
      // Roles without browser access to the namespace's services (viewer, auditor) lose the gateway (issue 11).
      const gateway = (ap.metadata.annotations?.[CONTRIBUTOR_ANNOTATIONS.roles] ?? '').split(',').some((r) => ROLES[r as RoleName]?.gateway);
      expect(rule.from?.[0]?.source?.principals, name).toEqual(ownerRule.from?.[0]?.source?.principals?.filter((p) => gateway || p !== platform.istio.ingressGatewayPrincipal));
      expect(rule.when?.map((w) => w.key), name).toEqual(ownerRule.when?.map((w) => w.key));
      expect(rule.when?.[0]?.values, name).toEqual([`${platform.identity.prefix}${ap.metadata.annotations?.user}`]);
    }
  });

  it('no name clash: none of our namespaced objects is one the controller creates', () => {
    const theirs = new Set(controllerObjs.map(objectKey));
    expect(ownNamespaced.filter((o) => theirs.has(objectKey(o))).map(objectKey)).toEqual([]);
  });

  it('after a controller resync of the sampled Profiles, nothing of ours (and nothing of the controller\'s) changed', async () => {
    const oursBefore = await snapshotOurs();
    const theirsBefore = await snapshotController();
    expect([...oursBefore.values()]).not.toContain('missing');
    expect([...theirsBefore.values()]).not.toContain('missing');
    if (sampled.length === 0) return; // an org without tenants: nothing to resync
    const counts = reconcileCounts();
    // A Profile update event makes the controller reconcile it (a cheap stand-in for its periodic resync).
    const stamp = `${Date.now()}`;
    kubectlOk(['annotate', 'profile', ...sampledNames, `kubeflow-tenants.test/resync=${stamp}`, '--overwrite']);
    try {
      if (process.env.KFT_PROFILE_CONTROLLER_LOG) {
        await waitFor(
          'a reconcile of every sampled Profile',
          () => {
            const now = reconcileCounts();
            return sampled.every((p) => (now.get(p.metadata.name) ?? 0) > (counts.get(p.metadata.name) ?? 0));
          },
        );
      }
      await new Promise((r) => setTimeout(r, 1000)); // let any late writes land
      expect(await snapshotOurs()).toEqual(oursBefore);
      expect(await snapshotController()).toEqual(theirsBefore);
    } finally {
      kubectl(['annotate', 'profile', ...sampledNames, 'kubeflow-tenants.test/resync-']);
    }
  });

  it('re-applying dist/ is a no-op (the sampled tenants and the cluster-level objects): no fight with the controller', async () => {
    // Per object, so a sample shows it; a full re-apply would cost as much as the first apply.
    // cluster/: the ApplicationSet, Kyverno policies and platform objects, and the sampled tenants' AppProjects
    const observed = emitted
      .filter((e) => (e.file.startsWith('cluster/') ? !/^cluster\/AppProject\.tenant-/.test(e.file) || sampledNames.has(e.file.slice('cluster/AppProject.tenant-'.length, -'.yaml'.length)) : inSample(e.object)))
      .map((e) => e.object);
    // The controller manager's policy status controller writes each ValidatingAdmissionPolicy's
    // status (type checking) once per generation, with server-side apply, whenever it gets to it.
    // The first apply of ours after that write rewrites our managedFields entry once (measured:
    // resourceVersion bumps, spec and generation unchanged; later re-applies change nothing).
    // Wait for the write and settle that once, so the check below still catches a real fight.
    const policies = observed.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
    for (const p of policies) {
      await waitFor(`status of ValidatingAdmissionPolicy ${p.metadata.name}`, () => {
        const live = getObject('validatingadmissionpolicy', p.metadata.name);
        return live !== undefined && (live.status as { observedGeneration?: number } | undefined)?.observedGeneration === live.metadata.generation;
      });
    }
    if (policies.length > 0) {
      const settle = await kubectlAsync(['apply', '--server-side', '--field-manager', 'kubeflow-tenants', '--validate=strict', '-f', '-'], toYamlStream(policies));
      expect(settle.code, settle.stderr).toBe(0);
    }
    const before = await snapshot(observed);
    const theirsBefore = await snapshotController();
    const r = await kubectlAsync(['apply', '--server-side', '--field-manager', 'kubeflow-tenants', '--validate=strict', '-f', '-'], toYamlStream(observed));
    expect(r.code, r.stderr).toBe(0);
    expect(await snapshot(observed)).toEqual(before);
    expect(await snapshotController()).toEqual(theirsBefore);
  });
});

// The org's admission guard (dist/cluster/) enforces the org's platform rules (required labels,
// reserved names); the suites after this one apply fixture tenants synthesized with the fixture's
// platform, and suite 7 installs and tests the guard itself. Remove the org's guard once its own
// checks above are done, so no later suite depends on the org's settings or on the file order.
afterAll(() => {
  kubectl(['delete', 'validatingadmissionpolicybinding,validatingadmissionpolicy', '-l', 'app.kubernetes.io/part-of=kubeflow-tenants', '--ignore-not-found', '--wait=true']);
});
