/**
 * The CEL of the Kyverno guard (the validations of the emitted ValidatingPolicies, the same as the
 * ValidatingAdmissionPolicies'), evaluated with cel-go (test/kyverno-cel/main.go, built by
 * `npm run build:tools`) on admission requests shaped as Kyverno shapes them: on CREATE `oldObject`
 * is an empty object (not null, as in the API server), on DELETE `object` is null. What the Kyverno
 * CLI (test/kyverno-cli.test.ts) cannot pose is covered here: every case of the shared guard-case
 * table (test/support/guard-cases.ts), the UPDATEs that change the object included, and properties
 * over hundreds of names and label keys, where admission and synth must agree.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { guardRules, NAMESPACE_GUARD_POLICY, PROFILE_GUARD_POLICY } from '../lib/constructs/admission-guard';
import { TENANT_LABEL } from '../lib/meta';
import { DEFAULT_PLATFORM, DEFAULT_RESERVED_LABELS } from '../lib/platform';
import { synthesize } from '../lib/synth';
import { validateTenants } from '../lib/tenant';
import { checkTenantSet, GUARD_NAME_LIST_LIMIT, guardNameListSize, isLabelKey } from '../lib/validation';
import { entry, validSpec } from './support/fixtures';
import type { GuardCase } from './support/guard-cases';
import { GUARD_CASES, GUARD_CASES_PLATFORM, GUARD_CASES_TENANTS } from './support/guard-cases';
import { runTool } from './support/tools';

type Json = Record<string, any>;
type Outcome = boolean | string;
type Operation = 'CREATE' | 'UPDATE' | 'DELETE';
interface Request {
  object: unknown;
  oldObject: unknown;
  request: { operation: Operation; userInfo: { username: string } };
}

function evaluate(expressions: string[], cases: Request[]): Outcome[][] {
  return JSON.parse(runTool('kyverno-cel', [], JSON.stringify({ expressions, cases }))) as Outcome[][];
}

/** An admission request as Kyverno builds it: no old object is `{}`, no new object (DELETE) is null. */
const kyvernoRequest = (operation: Operation, object: unknown, oldObject?: unknown): Request => ({
  object: operation === 'DELETE' ? null : object,
  oldObject: oldObject ?? {},
  request: { operation, userInfo: { username: 'kubernetes-admin' } },
});

/** The guard's ValidatingPolicies as synth emits them for `platform`: per policy, its rule names and expressions. */
function policies(platform = DEFAULT_PLATFORM, tenants: readonly string[] = ['fraud']): Map<string, { names: string[]; expressions: string[]; profile: Json }> {
  const result = synthesize(tenants.map((n) => entry(validSpec({ name: n }), `tenants/${n}.ts`)), platform);
  const profile = result.objects.find((o) => o.manifest.kind === 'Profile')!.manifest as Json;
  const out = new Map<string, { names: string[]; expressions: string[]; profile: Json }>();
  for (const o of result.objects.filter((x) => x.manifest.kind === 'ValidatingPolicy')) {
    const m = o.manifest as Json;
    expect(m.apiVersion).toBe('policies.kyverno.io/v1');
    out.set(m.metadata.name, {
      // Each validation's message starts with its rule's name.
      names: m.spec.validations.map((v: Json) => String(v.message).split(':')[0]),
      expressions: m.spec.validations.map((v: Json) => v.expression),
      profile,
    });
  }
  return out;
}

const failing = (names: string[], row: Outcome[]): string[] => {
  for (const o of row) expect(typeof o, String(o)).toBe('boolean');
  return names.filter((_, j) => row[j] === false);
};

describe('guard cases: the Kyverno ValidatingPolicy CEL through cel-go, with Kyverno\'s request shape', () => {
  const ps = policies(GUARD_CASES_PLATFORM, GUARD_CASES_TENANTS);
  const policyOf = (c: GuardCase) => ps.get((c.object ?? c.oldObject)!.kind === 'Profile' ? PROFILE_GUARD_POLICY : NAMESPACE_GUARD_POLICY)!;
  const asked = GUARD_CASES.filter((c) => !c.notInCluster);
  let outcomes: Outcome[][];
  beforeAll(() => {
    outcomes = asked.map((c) => evaluate(policyOf(c).expressions, [kyvernoRequest(c.operation, c.object, c.oldObject)])[0]!);
  });

  it.each(asked.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
    expect(failing(policyOf(c).names, outcomes[i]!)).toEqual(c.expect === 'deny' ? [c.rule] : []);
  });

  for (const c of GUARD_CASES.filter((x) => x.notInCluster)) it.skip(`${c.name} (not asked: ${c.notInCluster!})`, () => {});

  it('on CREATE, an empty oldObject (Kyverno) and a null one (the API server) give the same outcome', () => {
    const creates = GUARD_CASES.filter((c) => c.operation === 'CREATE');
    const expressions = ps.get(PROFILE_GUARD_POLICY)!.expressions;
    const kyverno = evaluate(expressions, creates.map((c) => kyvernoRequest('CREATE', c.object)));
    const apiServer = evaluate(expressions, creates.map((c) => ({ ...kyvernoRequest('CREATE', c.object), oldObject: null })));
    expect(kyverno).toEqual(apiServer);
  });
});

describe('Kyverno Profile guard (CEL): CREATE cases beyond the table', () => {
  const { names, expressions, profile } = policies().get(PROFILE_GUARD_POLICY)!;
  const withMeta = (meta: Json): Json => ({ ...profile, metadata: { ...profile.metadata, ...meta } });
  /** Another name, with the tenant label synth would give it (the reserved-label rule binds the two). */
  const named = (name: string): Json => withMeta({ name, labels: { ...profile.metadata.labels, [TENANT_LABEL]: name } });
  const withOwner = (owner: unknown): Json => ({ ...profile, spec: { ...profile.spec, owner } });
  const cases: [string, Json, string[]][] = [
    ['the Profile synth emits', profile, []],
    ['a reserved name', named('kube-public'), ['profile-name-not-reserved']],
    ['a reserved prefix', named('istio-gateways'), ['profile-name-not-reserved']],
    ['not a DNS label', named('Fraud_Team'), ['profile-name-is-a-namespace-name']],
    ['a reserved label prefix', withMeta({ labels: { ...profile.metadata.labels, 'katib.kubeflow.org/metrics-collector-injection': 'enabled' } }), ['profile-labels-not-reserved']],
    ['Argo CD label tracking (the Application name)', withMeta({ labels: { ...profile.metadata.labels, 'app.kubernetes.io/instance': 'tenant-fraud' } }), []],
    ['another Application claiming it', withMeta({ labels: { ...profile.metadata.labels, 'app.kubernetes.io/instance': 'tenant-other' } }), ['profile-labels-not-reserved']],
    ['the tenant label of another tenant', withMeta({ labels: { ...profile.metadata.labels, 'kubeflow-tenants/tenant': 'other' } }), ['profile-labels-not-reserved']],
    ['managed by another tool', withMeta({ labels: { ...profile.metadata.labels, 'app.kubernetes.io/managed-by': 'helm' } }), ['profile-labels-not-reserved']],
    ['an owner without apiGroup', withOwner({ kind: 'User', name: 'a@example.com' }), ['profile-owner-is-a-user']],
    ['no spec', { apiVersion: profile.apiVersion, kind: 'Profile', metadata: profile.metadata }, ['profile-owner-is-a-user']],
  ];
  let outcomes: Outcome[][];
  beforeAll(() => {
    outcomes = evaluate(expressions, cases.map(([, object]) => kyvernoRequest('CREATE', object)));
  });
  it.each(cases.map(([label, , want], i) => [label, want, i] as const))('%s: fails exactly %j', (_label, want, i) => {
    expect(failing(names, outcomes[i]!)).toEqual(want);
  });
});

describe('admission-time and synth-time rules agree (Kyverno guard CEL, CREATE)', () => {
  const { names, expressions, profile } = policies().get(PROFILE_GUARD_POLICY)!;
  const withMeta = (meta: Json): Json => ({ ...profile, metadata: { ...profile.metadata, ...meta } });

  it('for any name, the name rules accept it exactly when synth does', () => {
    const reserved = DEFAULT_PLATFORM.reservedNames.map((p) => p.replace(/\*$/, ''));
    const name = fc.oneof(
      fc.stringMatching(/^[a-z0-9][-a-z0-9]{0,70}$/),
      fc.stringMatching(/^[-A-Za-z0-9_.]{1,12}$/),
      fc.tuple(fc.constantFrom(...reserved), fc.stringMatching(/^[-a-z0-9]{0,6}$/)).map(([r, s]) => `${r}${s}`),
    );
    const sample = [...new Set(fc.sample(name, { numRuns: 300, seed: 42 }))];
    const nameRules = names.map((n, i) => [n, i] as const).filter(([n]) => n.startsWith('profile-name'));
    expect(nameRules.length).toBe(2);
    const out = evaluate(
      nameRules.map(([, i]) => expressions[i]!),
      sample.map((n) => kyvernoRequest('CREATE', withMeta({ name: n }))),
    );
    const disagreements = sample.filter((n, k) => {
      const synthOk = !validateTenants([entry(validSpec({ name: n }))], DEFAULT_PLATFORM).some((e) => e.path === 'name');
      const celOk = out[k]!.every((v) => v === true);
      return synthOk !== celOk;
    });
    expect(sample.length).toBeGreaterThan(100);
    expect(disagreements).toEqual([]);
  });

  it('for any label key, the reserved-label rule refuses it exactly when synth does', () => {
    const segment = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,5}[a-z0-9])?$/);
    const key = fc.oneof(
      // Any label key, mostly free.
      fc.stringMatching(/^([a-z0-9]([-a-z0-9]{0,6}[a-z0-9])?(\.[a-z0-9]{1,4}){0,2}\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?$/),
      // Keys a default pattern reserves, and near misses of them.
      fc
        .tuple(fc.constantFrom(...DEFAULT_RESERVED_LABELS), fc.array(segment, { minLength: 4, maxLength: 4 }), fc.constantFrom('', 'x', 'x.', '.x'), fc.constantFrom('', 'x', '-x'))
        .map(([p, segs, before, after]) => `${before}${p.split('*').map((part, i) => `${i > 0 ? segs[i]! : ''}${part}`).join('')}${after}`),
    );
    const keys = [...new Set(fc.sample(key, { numRuns: 400, seed: 7 }))].filter((k) => isLabelKey(k));
    const reservedRule = names.indexOf('profile-labels-not-reserved');
    expect(reservedRule).toBeGreaterThanOrEqual(0);
    const out = evaluate(
      [expressions[reservedRule]!],
      keys.map((k) => kyvernoRequest('CREATE', withMeta({ labels: { ...profile.metadata.labels, [k]: 'v' } }))),
    );
    const synthRefuses = keys.map((k) =>
      validateTenants([entry(validSpec({ name: 'fraud', labels: { ...validSpec().labels, [k]: 'v' } }))], DEFAULT_PLATFORM).some((e) => e.type === 'Forbidden' && e.path.startsWith('labels[')),
    );
    const disagreements = keys.filter((k, i) => (out[i]![0] === true) === synthRefuses[i]);
    for (const row of out) expect(typeof row[0], String(row[0])).toBe('boolean');
    // Both outcomes occur often enough for the agreement to mean something.
    expect(synthRefuses.filter(Boolean).length).toBeGreaterThan(50);
    expect(synthRefuses.filter((x) => !x).length).toBeGreaterThan(50);
    expect(disagreements).toEqual([]);
  });
});

describe('the tenant-name prefix rule agrees with synth (Kyverno guard CEL, CREATE)', () => {
  it("for any org and any new name, the rule refuses the name exactly when synth's prefix check does", () => {
    // Short names over few letters, so clashes (both ways), near misses and equal names are common.
    const name = fc.stringMatching(/^[ab][-ab]{0,4}[ab]$/);
    const sample = fc.sample(fc.tuple(fc.uniqueArray(name, { minLength: 1, maxLength: 5 }), name), { numRuns: 200, seed: 11 });
    // The org itself passes synth (its names are a valid tenant set): the guard is only emitted for such an org.
    const orgs = sample.filter(([org]) => checkTenantSet(org.map((n) => entry(validSpec({ name: n }), `tenants/${n}.ts`))).length === 0);
    const rows = orgs.map(([org, n]) => {
      const rule = guardRules(DEFAULT_PLATFORM, org).find((r) => r.name === 'tenant-name-prefix')!;
      return { org, n, expression: rule.expression };
    });
    const out = rows.map((r) => evaluate([r.expression], [kyvernoRequest('CREATE', { metadata: { name: r.n } })])[0]![0]);
    const synthRefuses = rows.map(({ org, n }) => {
      // The new name as one more tenant file (unless it is an org tenant's own name: its own Profile).
      const files = [...new Set([...org, n])].map((x) => entry(validSpec({ name: x }), `tenants/${x}.ts`));
      return checkTenantSet(files).some((e) => e.file === `tenants/${n}.ts`);
    });
    for (const o of out) expect(typeof o, String(o)).toBe('boolean');
    const disagreements = rows.filter((_, i) => (out[i] === false) !== synthRefuses[i]).map((r) => `${r.n} in [${r.org.join(', ')}]`);
    expect(rows.length).toBeGreaterThan(60);
    expect(synthRefuses.filter(Boolean).length).toBeGreaterThan(20);
    expect(synthRefuses.filter((x) => !x).length).toBeGreaterThan(20);
    expect(disagreements).toEqual([]);
  });

  it("fits Kyverno's CEL at synth's limit on the names, and CEL's parser refuses beyond it", () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `team-${String(i).padStart(4, '0')}-analytics`);
    // 23 characters of list literal per name.
    const atLimit = names(Math.floor(GUARD_NAME_LIST_LIMIT / 23));
    expect(guardNameListSize(atLimit)).toBeGreaterThan(GUARD_NAME_LIST_LIMIT - 23);
    expect(guardNameListSize(atLimit)).toBeLessThanOrEqual(GUARD_NAME_LIST_LIMIT);
    const rule = (ns: string[]) => guardRules(DEFAULT_PLATFORM, ns).find((r) => r.name === 'tenant-name-prefix')!.expression;
    const ask = (ns: string[], n: string) => evaluate([rule(ns)], [kyvernoRequest('CREATE', { metadata: { name: n } })])[0]![0];
    const last = atLimit.at(-1)!;
    expect([ask(atLimit, `${last}-x`), ask(atLimit, last), ask(atLimit, 'zz-unrelated')]).toEqual([false, true, true]);
    // Beyond CEL's 100,000 code points: an error (the policy would refuse every request), which synth's limit prevents.
    expect(String(ask(names(4500), 'zz-unrelated'))).toMatch(/expression code point size exceeds limit/);
  });
});
