// Issue 10.5: the in-cluster guard enforced by the API server itself. The guard's
// ValidatingAdmissionPolicies and bindings are synthesized in-process from a fixture tenant and the
// guard cases' platform (not the repo's tenants/ or platform.ts) and installed; then the real API
// server answers every case of the shared table (test/support/guard-cases.ts), which synth
// validation answers too (test/admission-guard.test.ts): both must give each case's expected
// outcome. Every stored object a case needs (UPDATE, DELETE) is created before the guard, as a
// Profile made before the guard existed would be; requests are dry runs (admission runs, nothing
// is stored or deleted), so each case is asked independently. The guard
// (which suite 1 may have installed from the org's dist/) is removed at the end, before the case
// objects are deleted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAMESPACE_GUARD_POLICY, PROFILE_GUARD_POLICY } from '../../lib/constructs/admission-guard';
import { synthesize } from '../../lib/synth';
import { entry, validSpec } from '../support/fixtures';
import type { GuardCase } from '../support/guard-cases';
import { GUARD_CASES, GUARD_CASES_PLATFORM, GUARD_CASES_TENANTS, guardProfile } from '../support/guard-cases';
import { fixtureInputs } from '../fixture-repo';
import { type KubeObject, type Run, getObject, kubectl, kubectlOk, loadFixtureDist, profiles, reconcileCount, toYamlStream, waitFor } from './helpers';
import { TENANT_LABEL } from '../../lib/meta';
import { App, Chart } from 'cdk8s';
import { AdmissionGuard } from '../../lib/constructs/admission-guard';
import { GUARD_NAME_LIST_LIMIT, guardNameListSize } from '../../lib/validation';

/** The guard of the cases' platform for an org of `names` (the prefix rule's list). */
function guardFor(names: readonly string[]): KubeObject[] {
  const chart = new Chart(new App(), 'guard');
  new AdmissionGuard(chart, 'g', { platform: GUARD_CASES_PLATFORM, labels: {}, tenantNames: names });
  return chart.toJson() as KubeObject[];
}

/** 5,000 tenant names of 13 characters (gb-0000-teams ...), none a prefix of another or of a case's name. */
const MANY = Array.from({ length: 5000 }, (_, i) => `gb-${String(i).padStart(4, '0')}-teams`);

const guard = synthesize(GUARD_CASES_TENANTS.map((n) => entry(validSpec({ name: n }), `tenants/${n}.ts`)), GUARD_CASES_PLATFORM)
  .objects.map((o) => o.manifest as unknown as KubeObject)
  .filter((o) => o.apiVersion === 'admissionregistration.k8s.io/v1');

/** A Profile made before the guard, breaking a rule (no compliance-tier), reconciled after it. */
const LEGACY = guardProfile('gc-legacy-reconcile', { labels: { team: 'guard', 'cost-centre': 'cc-1' } });

/** Each case's stored object, made before the guard: Profiles as given; a tenant namespace through its Profile. */
const storedProfiles = [
  LEGACY,
  ...GUARD_CASES.flatMap((c) => {
    const o = c.oldObject;
    if (!o) return [];
    if (o.kind === 'Profile') return [o];
    const owner = o.metadata.ownerReferences?.find((r) => r.kind === 'Profile');
    return owner ? [guardProfile(owner.name)] : [];
  }),
] as unknown as KubeObject[];
// Namespaces no Profile owns, stored with the case's labels and annotations (an adopted tenant namespace is one: its tenant label is its only mark).
const plainNamespaceObjects = GUARD_CASES.flatMap((c) => (c.oldObject?.kind === 'Namespace' && !c.oldObject.metadata.ownerReferences ? [c.oldObject] : []));
const plainNamespaces = plainNamespaceObjects.map((o) => o.metadata.name);
const annotatedNamespaces = GUARD_CASES.flatMap((c) => (c.oldObject?.kind === 'Namespace' && c.oldObject.metadata.ownerReferences && c.oldObject.metadata.annotations ? [c.oldObject] : []));

/** Asks the API server one case, as a dry run. */
function ask(c: GuardCase): Run {
  if (c.operation === 'CREATE') return kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(c.object));
  const target = (c.object ?? c.oldObject)!;
  const resource = target.kind === 'Profile' ? 'profile' : 'namespace';
  if (c.operation === 'DELETE') return kubectl(['delete', '--dry-run=server', '--wait=false', resource, target.metadata.name]);
  // UPDATE: the stored object (resourceVersion, finalizer, what the controller wrote) with the
  // case's labels, annotations and spec: a PUT, like the Profile controller's.
  const stored = getObject(resource, target.metadata.name)!;
  const body = { ...stored, metadata: { ...stored.metadata, labels: c.object!.metadata.labels, annotations: c.object!.metadata.annotations }, spec: c.object!.spec };
  return kubectl(['replace', '--dry-run=server', '-f', '-'], JSON.stringify(body));
}

const denial = (r: Run): string => `${r.stderr}${r.stdout}`;
const byGuard = /ValidatingAdmissionPolicy '(kubeflow-tenants-[a-z-]+)' with binding '[a-z-]+' denied request/;

beforeAll(async () => {
  // The org's dist/ (applied by suite 1) may carry the guard, under the same names: remove it,
  // and wait until the API server stops enforcing it, so the stored objects below can break rules.
  kubectl(['delete', '--ignore-not-found', '-f', '-'], toYamlStream(guard));
  const refusedCreate = GUARD_CASES.find((c) => c.operation === 'CREATE' && c.expect === 'deny')!;
  await waitFor('no guard in effect', () => ask(refusedCreate).code === 0, 60_000, 500);
  kubectlOk(['apply', '--server-side', '--field-manager', 'kft-cluster-test', '-f', '-'], toYamlStream([...storedProfiles, ...plainNamespaceObjects.map((o) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.metadata.name, ...(o.metadata.labels ? { labels: o.metadata.labels } : {}), ...(o.metadata.annotations ? { annotations: o.metadata.annotations } : {}) } }))]));
  const tenantNs = storedProfiles.map((p) => p.metadata.name);
  await waitFor(`namespaces of ${tenantNs.length} guard-case Profiles (Profile controller)`, () => tenantNs.every((n) => getObject('namespace', n)?.metadata.ownerReferences?.some((r) => r.kind === 'Profile')), 90_000);
  for (const ns of annotatedNamespaces) {
    kubectlOk(['annotate', '--overwrite', 'namespace', ns.metadata.name, ...Object.entries(ns.metadata.annotations!).map(([k, v]) => `${k}=${v}`)]);
  }
  await waitFor(`first reconcile of ${LEGACY.metadata.name}`, () => reconcileCount(LEGACY.metadata.name) > 0, 60_000);

  const installed = kubectl(['apply', '--server-side', '--field-manager', 'kft-cluster-test', '--validate=strict', '-f', '-'], toYamlStream(guard));
  expect(installed.code, installed.stderr).toBe(0);
  // Policies take effect asynchronously (type-checked, then loaded by the admission plugin):
  // wait until a denied case of each policy is refused by it.
  for (const policy of [PROFILE_GUARD_POLICY, NAMESPACE_GUARD_POLICY]) {
    const probe = GUARD_CASES.find((c) => c.expect === 'deny' && (c.object ?? c.oldObject)!.kind === (policy === PROFILE_GUARD_POLICY ? 'Profile' : 'Namespace'))!;
    await waitFor(`${policy} in effect`, () => denial(ask(probe)).match(byGuard)?.[1] === policy, 60_000, 500);
  }
}, 240_000);

afterAll(async () => {
  // The guard first: it would (rightly) refuse deleting the case Profiles and their namespaces
  // (here the garbage collector runs as the admin user, not an identity of guards.namespaceDeleters).
  kubectl(['delete', '--ignore-not-found', '-f', '-'], toYamlStream(guard));
  const refusedDelete = GUARD_CASES.find((c) => c.operation === 'DELETE' && c.expect === 'deny' && c.oldObject!.kind === 'Namespace')!;
  await waitFor('no guard in effect', () => ask(refusedDelete).code === 0, 60_000, 500);
  kubectl(['delete', 'profile', '--wait=false', '--ignore-not-found', ...storedProfiles.map((p) => p.metadata.name)]);
  kubectl(['delete', 'namespace', '--wait=false', '--ignore-not-found', ...plainNamespaces]);
});

describe('10.5 the in-cluster guard (ValidatingAdmissionPolicy) on the real API server', () => {
  it('is served as admissionregistration.k8s.io/v1, and every expression type-checks against the Profile CRD and Namespace schemas', async () => {
    expect(guard.map((o) => o.kind).sort()).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingAdmissionPolicyBinding']);
    for (const n of [PROFILE_GUARD_POLICY, NAMESPACE_GUARD_POLICY]) {
      type Status = { typeChecking?: { expressionWarnings?: { fieldRef: string; warning: string }[] } };
      const status = await waitFor(`type checking of ${n}`, () => (getObject('validatingadmissionpolicy', n)?.status as Status | undefined)?.typeChecking, 30_000);
      expect(status.expressionWarnings ?? []).toEqual([]);
    }
  });

  for (const c of GUARD_CASES.filter((x) => x.notInCluster)) it.skip(`${c.name} (not asked: ${c.notInCluster!})`, () => {});

  it.each(GUARD_CASES.filter((c) => !c.notInCluster).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = ask(c);
    if (c.expect === 'allow') {
      expect(r.code, denial(r)).toBe(0);
    } else {
      expect(r.code).not.toBe(0);
      // Refused by the guard, by the rule the table names (not by anything else).
      expect(denial(r)).toMatch(byGuard);
      expect(denial(r)).toContain(`${c.rule}:`);
    }
  });

  it('the prefix rule with 5,000 tenant names: accepted by the API server, type-checked, and enforced on every CREATE within the CEL cost budget', async () => {
    const names = [...GUARD_CASES_TENANTS, ...MANY];
    // Within synth's limit, so an org of these names synthesizes.
    expect(guardNameListSize(names)).toBeLessThanOrEqual(GUARD_NAME_LIST_LIMIT);
    const big = guardFor(names);
    const installed = kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager', 'kft-cluster-test', '--validate=strict', '-f', '-'], toYamlStream(big));
    expect(installed.code, installed.stderr).toBe(0);
    const create = (name: string) => kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(guardProfile(name)));
    // In effect when a name clashing with the last of the list is refused.
    await waitFor('the 5,000-name guard in effect', () => denial(create('gb-4999-teams-x')).includes('tenant-name-prefix:'), 60_000, 500);
    type Status = { typeChecking?: { expressionWarnings?: { fieldRef: string; warning: string }[] } };
    const status = await waitFor('type checking of the 5,000-name guard', () => {
      const p = getObject('validatingadmissionpolicy', PROFILE_GUARD_POLICY);
      return p?.metadata.generation === (p?.status as { observedGeneration?: number } | undefined)?.observedGeneration ? (p?.status as Status | undefined)?.typeChecking : undefined;
    }, 30_000);
    expect(status.expressionWarnings ?? []).toEqual([]);
    expect(denial(create('gb-4999-team'))).toContain('tenant-name-prefix:');
    expect(denial(create('gc-clash-more'))).toContain('tenant-name-prefix:');
    // Admitted: a tenant's own name, a near miss, a name sharing nothing (the whole list evaluated).
    for (const ok of ['gb-4999-teams', 'gb-4999-teamz', 'gc-clash', 'zz-unrelated']) {
      const r = create(ok);
      expect(r.code, `${ok}: ${denial(r)}`).toBe(0);
    }
    // Back to the cases' guard, for the tests after this one.
    kubectlOk(['apply', '--server-side', '--force-conflicts', '--field-manager', 'kft-cluster-test', '-f', '-'], toYamlStream(guard));
    await waitFor("the cases' guard in effect again", () => create('gb-4999-teams-x').code === 0, 60_000, 500);
  }, 180_000);

  it("beyond CEL's expression size (100,000 code points) the API server refuses the policy: synth's limit keeps the guard below it", () => {
    const over = Array.from({ length: 6000 }, (_, i) => `gb-${String(i).padStart(4, '0')}-teams`);
    const policy = guardFor(over).find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === PROFILE_GUARD_POLICY)!;
    const r = kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify({ ...policy, metadata: { name: 'kft-test-oversized-guard' } }));
    expect(r.code).not.toBe(0);
    expect(denial(r)).toMatch(/exceeds limit/);
  });

  it("admits every Profile of the examples fixture's dist (created again under other names)", async () => {
    const { platform } = await fixtureInputs('examples');
    // The fixture platform's rules are the cases' rules: the same guard applies to both.
    expect([platform.reservedNames, platform.requiredLabels]).toEqual([GUARD_CASES_PLATFORM.reservedNames, GUARD_CASES_PLATFORM.requiredLabels]);
    const ps = profiles((await loadFixtureDist()).map((e) => e.object));
    expect(ps.length).toBeGreaterThan(3);
    // Renamed as synth would name them: the tenant label carries the Profile's name (the guard admits
    // that label only with the Profile's own name).
    const renamed = ps.map((p) => {
      const name = `gx-${p.metadata.name}`;
      const labels = { ...(p.metadata.labels ?? {}), ...(p.metadata.labels?.[TENANT_LABEL] !== undefined ? { [TENANT_LABEL]: name } : {}) };
      return { ...p, metadata: { ...p.metadata, name, labels } };
    });
    const r = kubectl(['create', '--dry-run=server', '-f', '-'], toYamlStream(renamed));
    expect(r.code, denial(r)).toBe(0);
  });

  it('a legacy Profile (made before the guard, breaking a rule) still reconciles: a human edit of its quota and the controller PUT are admitted', async () => {
    const name = LEGACY.metadata.name;
    expect(getObject('profile', name)?.metadata.labels?.['compliance-tier']).toBeUndefined();
    const before = reconcileCount(name);
    // Not canonical: the controller's typed round trip rewrites 8000m to 8 with a PUT.
    kubectlOk(['patch', 'profile', name, '--type', 'merge', '-p', JSON.stringify({ spec: { resourceQuotaSpec: { hard: { 'requests.cpu': '8000m' } } } })]);
    const hard = await waitFor(
      `the controller's PUT of ${name}`,
      () => {
        const h = (getObject('profile', name)?.spec as { resourceQuotaSpec?: { hard?: Record<string, string> } } | undefined)?.resourceQuotaSpec?.hard;
        return h?.['requests.cpu'] === '8' && reconcileCount(name) > before ? h : undefined;
      },
      60_000,
    );
    expect(hard).toEqual({ 'requests.cpu': '8' });
    // And the rule still holds for what changes: removing another required label is refused.
    const stored = getObject('profile', name)!;
    const r = kubectl(['replace', '--dry-run=server', '-f', '-'], JSON.stringify({ ...stored, metadata: { ...stored.metadata, labels: { 'cost-centre': 'cc-1' } } }));
    expect(denial(r)).toContain('profile-has-required-labels:');
  });
});
