/**
 * The Kyverno Profile policies are the admission-time twin of the synth-time checks: their CEL,
 * evaluated with cel-go (test/kyverno-cel/main.go, built by `npm run build:tools`), must accept what synth emits, refuse what the
 * synth checks refuse - for names, reserved names, labels and owner - and refuse deleting a
 * Profile that was not decommissioned.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_DELETION_POLICY, PROFILE_RULES_POLICY } from '../lib/constructs/kyverno';
import { TENANT_LABEL } from '../lib/meta';
import { DECOMMISSIONED_ANNOTATION } from '../lib/model/decommission';
import { DEFAULT_PLATFORM, DEFAULT_RESERVED_LABELS } from '../lib/platform';
import { synthesize } from '../lib/synth';
import { validateTenants } from '../lib/tenant';
import { isLabelKey } from '../lib/validation';
import { entry, validSpec } from './support/fixtures';
import { runTool } from './support/tools';

type Json = Record<string, any>;
type Outcome = boolean | string;

function evaluate(expressions: string[], cases: { object?: unknown; oldObject?: unknown }[]): Outcome[][] {
  return JSON.parse(runTool('kyverno-cel', [], JSON.stringify({ expressions, cases }))) as Outcome[][];
}

const result = synthesize([entry(validSpec({ name: 'fraud' }))], DEFAULT_PLATFORM);
const find = (kind: string, name: string): Json => result.objects.find((o) => o.manifest.kind === kind && o.manifest.metadata.name === name)!.manifest as Json;
const profile = find('Profile', 'fraud');
const rulesPolicy = find('ClusterPolicy', PROFILE_RULES_POLICY);
const deletionPolicy = find('ClusterPolicy', PROFILE_DELETION_POLICY);
const ruleNames: string[] = rulesPolicy.spec.rules.map((r: Json) => r.name);
const ruleExpressions: string[] = rulesPolicy.spec.rules.map((r: Json) => r.validate.cel.expressions[0].expression);
const deletionExpression: string = deletionPolicy.spec.rules[0].validate.cel.expressions[0].expression;

const withMeta = (meta: Json): Json => ({ ...profile, metadata: { ...profile.metadata, ...meta } });
/** Another name, with the tenant label synth would give it (the reserved-label rule binds the two). */
const named = (name: string): Json => withMeta({ name, labels: { ...profile.metadata.labels, [TENANT_LABEL]: name } });
const withOwner = (owner: unknown): Json => ({ ...profile, spec: { ...profile.spec, owner } });

describe('Kyverno Profile rules (CEL)', () => {
  const cases: [string, Json, string[]][] = [
    ['the Profile synth emits', profile, []],
    ['a reserved name', named('kube-public'), ['profile-name-not-reserved']],
    ['a reserved exact name', named('kubeflow'), ['profile-name-not-reserved']],
    ['a reserved prefix', named('istio-gateways'), ['profile-name-not-reserved']],
    ['not a DNS label', named('Fraud_Team'), ['profile-name-is-a-namespace-name']],
    ['too long', named('a'.repeat(64)), ['profile-name-is-a-namespace-name']],
    ['a required label missing', withMeta({ labels: { team: 'x', 'cost-centre': 'cc' } }), ['profile-has-required-labels']],
    ['a required label empty', withMeta({ labels: { team: 'x', 'cost-centre': 'cc', 'compliance-tier': '' } }), ['profile-has-required-labels']],
    ['no labels', { ...profile, metadata: { name: 'fraud' } }, ['profile-has-required-labels']],
    ['a reserved label key', withMeta({ labels: { ...profile.metadata.labels, 'istio-injection': 'disabled' } }), ['profile-labels-not-reserved']],
    ['a reserved label prefix', withMeta({ labels: { ...profile.metadata.labels, 'katib.kubeflow.org/metrics-collector-injection': 'enabled' } }), ['profile-labels-not-reserved']],
    ['Argo CD label tracking (the Application name)', withMeta({ labels: { ...profile.metadata.labels, 'app.kubernetes.io/instance': 'tenant-fraud' } }), []],
    ['another Application claiming it', withMeta({ labels: { ...profile.metadata.labels, 'app.kubernetes.io/instance': 'tenant-other' } }), ['profile-labels-not-reserved']],
    ['the tenant label of another tenant', withMeta({ labels: { ...profile.metadata.labels, 'kubeflow-tenants/tenant': 'other' } }), ['profile-labels-not-reserved']],
    ['managed by another tool', withMeta({ labels: { ...profile.metadata.labels, 'app.kubernetes.io/managed-by': 'helm' } }), ['profile-labels-not-reserved']],
    ['a Group owner', withOwner({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ml' }), ['profile-owner-is-a-user']],
    ['an owner without apiGroup', withOwner({ kind: 'User', name: 'a@example.com' }), ['profile-owner-is-a-user']],
    ['no spec', { apiVersion: profile.apiVersion, kind: 'Profile', metadata: profile.metadata }, ['profile-owner-is-a-user']],
  ];
  let outcomes: Outcome[][];
  beforeAll(() => {
    outcomes = evaluate(ruleExpressions, cases.map(([, object]) => ({ object })));
  });

  it.each(cases.map(([label, , failing], i) => [label, failing, i] as const))('%s: fails exactly %j', (_label, failing, i) => {
    const row = outcomes[i]!;
    for (const o of row) expect(typeof o, String(o)).toBe('boolean');
    expect(ruleNames.filter((_, j) => row[j] === false)).toEqual(failing);
  });
});

describe('Kyverno Profile deletion guard (CEL)', () => {
  it('allows deleting only a Profile marked decommissioned', () => {
    const old = (annotations?: Record<string, string>): Json => (annotations ? withMeta({ annotations }) : { ...profile, metadata: { name: 'fraud' } });
    const out = evaluate(
      [deletionExpression],
      [
        { oldObject: old({ ...profile.metadata.annotations, [DECOMMISSIONED_ANNOTATION]: 'true' }) },
        { oldObject: profile },
        { oldObject: old({ [DECOMMISSIONED_ANNOTATION]: 'false' }) },
        { oldObject: old() },
      ],
    );
    expect(out.map((r) => r[0])).toEqual([true, false, false, false]);
  });
});

describe('admission-time and synth-time name rules agree', () => {
  it('for any name, the Kyverno name rules accept it exactly when synth does', () => {
    const reserved = DEFAULT_PLATFORM.reservedNames.map((p) => p.replace(/\*$/, ''));
    const name = fc.oneof(
      fc.stringMatching(/^[a-z0-9][-a-z0-9]{0,70}$/),
      fc.stringMatching(/^[-A-Za-z0-9_.]{1,12}$/),
      fc.tuple(fc.constantFrom(...reserved), fc.stringMatching(/^[-a-z0-9]{0,6}$/)).map(([r, s]) => `${r}${s}`),
    );
    const names = [...new Set(fc.sample(name, { numRuns: 300, seed: 42 }))];
    const nameRules = ruleNames.map((n, i) => [n, i] as const).filter(([n]) => n.startsWith('profile-name'));
    const out = evaluate(
      nameRules.map(([, i]) => ruleExpressions[i]!),
      names.map((n) => ({ object: withMeta({ name: n }) })),
    );
    const disagreements = names.filter((n, k) => {
      const synthOk = !validateTenants([entry(validSpec({ name: n }))], DEFAULT_PLATFORM).some((e) => e.path === 'name');
      const celOk = out[k]!.every((v) => v === true);
      return synthOk !== celOk;
    });
    expect(names.length).toBeGreaterThan(100);
    expect(disagreements).toEqual([]);
  });
});

describe('admission-time and synth-time reserved-label rules agree', () => {
  it('for any label key, the Kyverno rule refuses it exactly when synth does', () => {
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
    const reservedRule = ruleNames.indexOf('profile-labels-not-reserved');
    const out = evaluate(
      [ruleExpressions[reservedRule]!],
      keys.map((k) => ({ object: withMeta({ labels: { ...profile.metadata.labels, [k]: 'v' } }) })),
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
