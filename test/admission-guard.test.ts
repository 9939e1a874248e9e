/**
 * The in-cluster guard (lib/constructs/admission-guard.ts) as synth emits it: schema-valid
 * admissionregistration.k8s.io/v1 objects, chosen by the platform's `guards`; and the shared guard
 * cases (test/support/guard-cases.ts) evaluated by synth validation, which must agree with each
 * case's expected outcome (the real API server answers the same table in
 * test/cluster/7-admission-guard.cluster.test.ts).
 */
import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AdmissionGuard, guardRules, labelKeysRule, NAMESPACE_GUARD_POLICY, PROFILE_GUARD_POLICY } from '../lib/constructs/admission-guard';
import { KyvernoGuard } from '../lib/constructs/kyverno';
import { checkRemovedTenants } from '../lib/deployed';
import { DECOMMISSIONED_ANNOTATION } from '../lib/model/decommission';
import { definePlatform } from '../lib/platform';
import { synthesize } from '../lib/synth';
import { validateTenants } from '../lib/tenant';
import { GUARD_NAME_LIST_LIMIT, guardNameListSize } from '../lib/validation';
import { entry, validSpec } from './support/fixtures';
import type { GuardCase, GuardObject } from './support/guard-cases';
import { GUARD_CASES, GUARD_CASES_PLATFORM, GUARD_CASES_TENANTS } from './support/guard-cases';
import { validateManifest } from './support/schemas';

type Json = Record<string, any>;

const manifests = (platform = GUARD_CASES_PLATFORM): Json[] => synthesize([entry(validSpec({ name: 'fraud' }))], platform).objects.map((o) => o.manifest as Json);
const ofKind = (objs: Json[], kind: string): Json[] => objs.filter((o) => o.kind === kind);

/** Synth's answer to a case: validation of the tenant file the Profile stands for, or the removal guard. */
function synthVerdict(c: GuardCase): 'allow' | 'deny' {
  if (c.operation === 'DELETE') {
    const p = c.oldObject!;
    const deployed = new Map([[p.metadata.name, { name: p.metadata.name, decommissioned: p.metadata.annotations?.[DECOMMISSIONED_ANNOTATION] === 'true' }]]);
    // The Profile disappears from dist/ when its tenant file is deleted.
    return checkRemovedTenants([], deployed).length > 0 ? 'deny' : 'allow';
  }
  const p: GuardObject = c.object!;
  const spec = validSpec({ name: p.metadata.name, labels: p.metadata.labels ?? {}, owner: { email: p.spec?.owner?.name ?? '' } });
  const others = (c.otherTenants ?? []).map((name) => entry(validSpec({ name }), `tenants/${name}.ts`));
  return validateTenants([entry(spec, `tenants/${p.metadata.name}.ts`), ...others], GUARD_CASES_PLATFORM).length > 0 ? 'deny' : 'allow';
}

describe('guard cases: synth validation', () => {
  const asked = GUARD_CASES.filter((c) => c.notInSynth === undefined);
  it('asks synth most cases, and both outcomes', () => {
    expect(asked.length).toBeGreaterThan(GUARD_CASES.length / 2);
    expect(new Set(asked.map((c) => c.expect))).toEqual(new Set(['allow', 'deny']));
  });
  it.each(asked.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(synthVerdict(c)).toBe(c.expect);
  });
});

describe('guard cases: the table itself', () => {
  const rules = guardRules(GUARD_CASES_PLATFORM).map((r) => r.name);
  it('names cases and stored objects uniquely, and every refusal by a rule of the guard', () => {
    expect(new Set(GUARD_CASES.map((c) => c.name)).size).toBe(GUARD_CASES.length);
    const stored = GUARD_CASES.filter((c) => c.oldObject).map((c) => c.oldObject!.metadata.name);
    expect(new Set(stored).size).toBe(stored.length);
    for (const c of GUARD_CASES) {
      expect(c.expect === 'deny', c.name).toBe(c.rule !== undefined);
      // A synth-only case names the synth rule; every other refusal is by a rule of the guard.
      if (c.rule && !c.notInCluster) expect(rules, c.name).toContain(c.rule);
      if (c.notInCluster) expect(c.notInSynth, c.name).toBeUndefined();
      expect(c.operation === 'DELETE' ? !c.object && !!c.oldObject : !!c.object, c.name).toBe(true);
      expect(c.operation === 'UPDATE' ? !!c.oldObject : true, c.name).toBe(true);
      // The guard the evaluators synthesize lists every tenant a case names.
      for (const t of c.otherTenants ?? []) expect(GUARD_CASES_TENANTS, c.name).toContain(t);
    }
    // Every rule is exercised by at least one refused case.
    expect([...new Set(GUARD_CASES.filter((c) => !c.notInCluster).map((c) => c.rule).filter(Boolean))].sort()).toEqual([...rules].sort());
    // Every reserved label pattern of the platform is refused by a case (a key it matches).
    const labelKeys = GUARD_CASES.filter((c) => c.rule === 'profile-labels-not-reserved').flatMap((c) => Object.keys(c.object?.metadata.labels ?? {}));
    for (const p of GUARD_CASES_PLATFORM.labels.reserved) {
      const re = new RegExp(`^${p.split('*').map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
      expect(labelKeys.some((k) => re.test(k)), p).toBe(true);
    }
  });
});

describe('the emitted guard', () => {
  it('is two schema-valid ValidatingAdmissionPolicies (v1) with Deny bindings, one validation per rule', () => {
    const objs = manifests();
    const policies = ofKind(objs, 'ValidatingAdmissionPolicy');
    const bindings = ofKind(objs, 'ValidatingAdmissionPolicyBinding');
    expect(policies.map((p) => p.metadata.name).sort()).toEqual([NAMESPACE_GUARD_POLICY, PROFILE_GUARD_POLICY]);
    for (const o of [...policies, ...bindings]) {
      expect(o.apiVersion).toBe('admissionregistration.k8s.io/v1');
      expect(validateManifest(o)).toEqual([]);
    }
    for (const b of bindings) expect(b.spec).toEqual({ policyName: b.metadata.name, validationActions: ['Deny'] });
    const rules = guardRules(GUARD_CASES_PLATFORM, ['fraud']);
    const profile = policies.find((p) => p.metadata.name === PROFILE_GUARD_POLICY)!;
    expect(profile.spec.validations.map((v: Json) => v.expression)).toEqual(rules.filter((r) => r.resource === 'profiles').map((r) => r.expression));
    expect(profile.spec.matchConstraints.resourceRules).toEqual([{ apiGroups: ['kubeflow.org'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE', 'DELETE'], resources: ['profiles'] }]);
  });

  it('the prefix rule lists the org\'s tenants (sorted, each once) in both guards, checked on CREATE only', () => {
    const names = ['zeta', 'alpha', 'mid-team'];
    const objs = synthesize(names.map((n) => entry(validSpec({ name: n }), `tenants/${n}.ts`)), definePlatform({ guards: { admissionPolicy: true, kyverno: true } })).objects.map((o) => o.manifest as Json);
    const prefixRule = (kind: string) =>
      objs.find((o) => o.kind === kind && o.metadata.name === PROFILE_GUARD_POLICY)!.spec.validations.find((v: Json) => String(v.message).startsWith('tenant-name-prefix: '))!.expression;
    for (const kind of ['ValidatingAdmissionPolicy', 'ValidatingPolicy']) {
      const e = prefixRule(kind);
      expect(e, kind).toMatch(/^!\(request\.operation == 'CREATE'\) \|\| /);
      expect(e, kind).toContain("['alpha', 'mid-team', 'zeta'].all(t, ");
    }
    // The same org in another file order: the same guard (deterministic output).
    const again = synthesize([...names].reverse().map((n) => entry(validSpec({ name: n }), `tenants/${n}.ts`)), definePlatform({ guards: { admissionPolicy: true, kyverno: true } })).objects;
    expect(JSON.stringify(again.filter((o) => o.manifest.kind.startsWith('Validating')).map((o) => o.manifest))).toBe(
      JSON.stringify(objs.filter((o) => String(o.kind).startsWith('Validating'))),
    );
  });

  it('synth refuses an org whose names overflow the prefix rule (CEL\'s expression size), only when a guard is on', () => {
    // 4,000 names of 19 characters: 4,000 x 23 = 92,000 characters of list literal.
    const names = Array.from({ length: 4000 }, (_, i) => `team-${String(i).padStart(4, '0')}-analytics`);
    expect(guardNameListSize(names)).toBe(92_000);
    const entries = names.map((n) => entry(validSpec({ name: n }), `tenants/${n}.ts`));
    const errs = validateTenants(entries, GUARD_CASES_PLATFORM).map(String);
    expect(errs).toEqual([
      `platform.ts: guards: Too long: "4000 tenant names": the in-cluster guard's tenant-name prefix rule lists every tenant's name, and 4000 names take 92000 characters of CEL, more than ${GUARD_NAME_LIST_LIMIT} (CEL refuses an expression over 100,000 characters, which would leave the cluster without the Profile guard); shorten tenant names, or turn the in-cluster guards off (guards.admissionPolicy: false, guards.kyverno: false) and rely on synth alone for the prefix rule`,
    ]);
    expect(validateTenants(entries, definePlatform({ guards: { admissionPolicy: false, kyverno: false } }))).toEqual([]);
    // At the limit: accepted, and the whole rule stays within CEL's 100,000 code points.
    const atLimit = names.slice(0, GUARD_NAME_LIST_LIMIT / 23);
    expect(validateTenants(atLimit.map((n) => entry(validSpec({ name: n }), `tenants/${n}.ts`)), GUARD_CASES_PLATFORM)).toEqual([]);
    const rule = guardRules(GUARD_CASES_PLATFORM, atLimit).find((r) => r.name === 'tenant-name-prefix')!;
    expect([...rule.expression].length).toBeLessThan(100_000);
  });

  it('the schema has teeth: an unknown field and a wrong apiVersion are refused', () => {
    const policy = ofKind(manifests(), 'ValidatingAdmissionPolicy')[0]!;
    expect(validateManifest({ ...policy, spec: { ...policy.spec, validationz: [] } }).join('\n')).toMatch(/validationz/);
    expect(validateManifest({ ...policy, apiVersion: 'admissionregistration.k8s.io/v1beta1' })).not.toEqual([]);
  });

  it('takes reserved names, required labels and namespace deleters from the platform', () => {
    const platform = definePlatform({ reservedNames: ['ops', 'sys-*'], requiredLabels: ['owner-team'], guards: { namespaceDeleters: ['system:gc'] } });
    const text = JSON.stringify(guardRules(platform));
    for (const s of ["['ops']", "startsWith('sys-')", "['owner-team']", "['system:gc']"]) expect(text).toContain(s);
    expect(text).not.toContain("'team'");
  });

  it('the platform chooses the guards, and the platform AppProject allows exactly their kinds (and the role catalogue\'s ClusterRole)', () => {
    // Cluster-scoped objects of the cluster bundle (a tenant bundle's Profile and Namespace belong to its own AppProject).
    const kinds = (objs: Json[]) => [...new Set(objs.filter((o) => o.metadata.namespace === undefined && o.kind !== 'Profile' && o.kind !== 'Namespace').map((o) => o.kind))].sort();
    const whitelist = (objs: Json[]) =>
      objs.find((o) => o.kind === 'AppProject' && o.metadata.name === 'kubeflow-tenants')!.spec.clusterResourceWhitelist.map((w: Json) => w.kind).sort();
    for (const [admissionPolicy, kyverno, expected] of [
      [true, true, ['ClusterRole', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingPolicy']],
      [true, false, ['ClusterRole', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']],
      [false, true, ['ClusterRole', 'ValidatingPolicy']],
      [false, false, ['ClusterRole']],
    ] as const) {
      const objs = manifests(definePlatform({ guards: { admissionPolicy, kyverno } }));
      expect(kinds(objs), `${admissionPolicy} ${kyverno}`).toEqual(expected);
      expect(whitelist(objs)).toEqual(expected);
    }
  });

  it('refuses two rules of one name (a reserved-label-keys rule is one more entry)', () => {
    const platform = GUARD_CASES_PLATFORM;
    const extra = labelKeysRule('profile-no-reserved-label-keys', "k.startsWith('kubeflow-tenants/')", 'false', 'reserved');
    const objs = (rules: ReturnType<typeof guardRules>) => {
      const chart = new Chart(new App(), 'c');
      new AdmissionGuard(chart, 'g', { platform, labels: {}, rules });
      return chart.toJson() as Json[];
    };
    const withExtra = objs([...guardRules(platform), extra]);
    expect(withExtra.find((o) => o.metadata.name === PROFILE_GUARD_POLICY)!.spec.validations.at(-1).expression).toBe(extra.expression);
    expect(() => objs([...guardRules(platform), guardRules(platform)[0]!])).toThrow(/defined twice/);
    // The Kyverno twin takes the same list and refuses the same mistake.
    expect(() => new KyvernoGuard(new Chart(new App(), 'k'), 'g', { platform, labels: {}, rules: [...guardRules(platform), guardRules(platform)[0]!] })).toThrow(/defined twice/);
  });
});
