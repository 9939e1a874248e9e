/**
 * One table of guard cases, evaluated by every evaluator of the Profile rules, which must agree
 * with `expect` case by case: synth validation (test/admission-guard.test.ts), the
 * ValidatingAdmissionPolicy on the real API server (test/cluster/7-admission-guard.cluster.test.ts),
 * the Kyverno ValidatingPolicy through the Kyverno CLI (test/kyverno-cli.test.ts), and its CEL
 * through cel-go (test/kyverno-cel.test.ts). Pure data; the rules are those of {@link GUARD_CASES_PLATFORM}
 * for an org of {@link GUARD_CASES_TENANTS}.
 *
 * A case is one admission request, shaped like the AdmissionReview's: `object` is the object as it
 * would be stored (CREATE, UPDATE), `oldObject` the stored one (UPDATE, DELETE). Every case has
 * its own object names (`gc-…`), so an evaluator that needs the stored objects to exist (the real
 * API server) can create every `oldObject` once, before the guard, and ask each case independently.
 */
import { DECOMMISSIONED_ANNOTATION } from '../../lib/model/decommission';
import { definePlatform } from '../../lib/platform';

/** The platform the cases are written against: the defaults. */
export const GUARD_CASES_PLATFORM = definePlatform({});

/**
 * The org the guard of the cases is synthesized for (its tenants' names are the prefix rule's list):
 * every case's `otherTenants`, and the fixture tenant.
 */
export const GUARD_CASES_TENANTS: readonly string[] = ['gc-clash', 'gc-fixture'];

export interface GuardObject {
  apiVersion: string;
  kind: 'Profile' | 'Namespace';
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  };
  spec?: { owner?: Owner };
}

export interface Owner {
  apiGroup?: string;
  kind?: string;
  name?: string;
}

export interface GuardCase {
  readonly name: string;
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
  /** The new object (CREATE, UPDATE). */
  readonly object?: GuardObject;
  /** The stored object (UPDATE, DELETE). */
  readonly oldObject?: GuardObject;
  readonly expect: 'allow' | 'deny';
  /** The guard rule that refuses it (a `deny` refused by the API server must name this rule). */
  readonly rule?: string;
  /**
   * Why synth validation has no counterpart to this case (it is then not asked): synth reads
   * tenant files, not Profiles, and checks every file in full on every run.
   */
  readonly notInSynth?: string;
  /**
   * Why the in-cluster guard has no counterpart (the admission evaluators then list the case as
   * skipped with this reason): a rule synth alone enforces. `rule` then names the synth rule.
   */
  readonly notInCluster?: string;
  /** Tenants that already exist, by name, when synth judges the case (a rule across tenants); each is in {@link GUARD_CASES_TENANTS}. */
  readonly otherTenants?: readonly string[];
}

const LABELS = { team: 'guard', 'cost-centre': 'cc-1', 'compliance-tier': 'internal' };
const USER = { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'lead@example.com' };

/** A Profile as synth emits one (owner a User, the required labels), with overrides. */
export function guardProfile(name: string, o: { labels?: Record<string, string>; annotations?: Record<string, string>; owner?: Owner } = {}): GuardObject {
  return {
    apiVersion: 'kubeflow.org/v1',
    kind: 'Profile',
    metadata: { name, labels: o.labels ?? { ...LABELS }, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: { owner: o.owner ?? { ...USER } },
  };
}

const without = (labels: Record<string, string>, key: string): Record<string, string> => Object.fromEntries(Object.entries(labels).filter(([k]) => k !== key));

/** The namespace the Profile controller made for Profile `name` (controller ownerReference). */
export function tenantNamespace(name: string, annotations?: Record<string, string>): GuardObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      ...(annotations ? { annotations } : {}),
      ownerReferences: [{ apiVersion: 'kubeflow.org/v1', kind: 'Profile', name, uid: '00000000-0000-0000-0000-000000000000', controller: true }],
    },
  };
}

const NOT_A_TENANT_FILE = 'the owner of a tenant file is an e-mail, always rendered as a User: synth cannot express another owner';
const SYNTH_CHECKS_IN_FULL = 'synth checks every tenant file in full on every run: a tenant breaking a newer rule fails synth until fixed';
const NO_NAMESPACE_IN_SYNTH = 'synth never deletes a namespace; it only stops rendering a Profile (the removal guard covers that)';
const LEGACY = without(LABELS, 'compliance-tier');

/** A label key the reserved pattern matches: each `*` replaced by `gc`. */
const keyOf = (pattern: string): string => pattern.replace(/\*/g, 'gc');
/** Patterns the hand-written cases below already exercise. */
const COVERED_PATTERNS = ['istio-injection', 'pod-security.kubernetes.io/*'];
const DECOMMISSIONED = { [DECOMMISSIONED_ANNOTATION]: 'true' };

export const GUARD_CASES: readonly GuardCase[] = [
  // Names (CREATE only: a name cannot change).
  { name: 'a Profile as synth emits it', operation: 'CREATE', object: guardProfile('gc-valid'), expect: 'allow' },
  // A DNS subdomain but not a DNS label: the API server's own name validation lets it through.
  { name: 'a name with a dot', operation: 'CREATE', object: guardProfile('gc.dotted'), expect: 'deny', rule: 'profile-name-is-a-namespace-name' },
  { name: 'a name of 64 characters', operation: 'CREATE', object: guardProfile(`gc-${'a'.repeat(61)}`), expect: 'deny', rule: 'profile-name-is-a-namespace-name' },
  { name: 'a name of 63 characters', operation: 'CREATE', object: guardProfile(`gc-${'a'.repeat(60)}`), expect: 'allow' },
  { name: 'a reserved name', operation: 'CREATE', object: guardProfile('kubeflow'), expect: 'deny', rule: 'profile-name-not-reserved' },
  { name: 'a reserved prefix', operation: 'CREATE', object: guardProfile('kube-gc'), expect: 'deny', rule: 'profile-name-not-reserved' },
  { name: 'a name that only contains a reserved one', operation: 'CREATE', object: guardProfile('gc-kubeflow'), expect: 'allow' },
  // Required labels.
  ...Object.keys(LABELS).map(
    (l): GuardCase => ({ name: `without the required label ${l}`, operation: 'CREATE', object: guardProfile(`gc-no-${l}`, { labels: without(LABELS, l) }), expect: 'deny', rule: 'profile-has-required-labels' }),
  ),
  { name: 'a required label empty', operation: 'CREATE', object: guardProfile('gc-empty-label', { labels: { ...LABELS, team: '' } }), expect: 'deny', rule: 'profile-has-required-labels' },
  { name: 'without any label', operation: 'CREATE', object: { ...guardProfile('gc-no-labels'), metadata: { name: 'gc-no-labels' } }, expect: 'deny', rule: 'profile-has-required-labels' },
  // Reserved label keys (platform.ts labels.reserved): synth, the admission policy and Kyverno agree.
  { name: 'a reserved label key (istio-injection)', operation: 'CREATE', object: guardProfile('gc-istio-off', { labels: { ...LABELS, 'istio-injection': 'disabled' } }), expect: 'deny', rule: 'profile-labels-not-reserved' },
  {
    name: 'a reserved label key (pod-security.kubernetes.io/enforce)',
    operation: 'CREATE',
    object: guardProfile('gc-privileged', { labels: { ...LABELS, 'pod-security.kubernetes.io/enforce': 'privileged' } }),
    expect: 'deny',
    rule: 'profile-labels-not-reserved',
  },
  // One case for every other reserved pattern of the platform.
  ...GUARD_CASES_PLATFORM.labels.reserved
    .filter((p) => !COVERED_PATTERNS.includes(p))
    .map(
      (p, i): GuardCase => ({
        name: `a reserved label key (${keyOf(p)}, pattern ${p})`,
        operation: 'CREATE',
        object: guardProfile(`gc-reserved-${i}`, { labels: { ...LABELS, [keyOf(p)]: 'gc' } }),
        expect: 'deny',
        rule: 'profile-labels-not-reserved',
      }),
    ),
  { name: 'an unreserved label key of the team', operation: 'CREATE', object: guardProfile('gc-own-label', { labels: { ...LABELS, 'example.com/project': 'x' } }), expect: 'allow' },
  // The prefix rule: the org's tenants (GUARD_CASES_TENANTS) are written into the guard.
  { name: 'a name that starts with a tenant\'s (prefix clash)', operation: 'CREATE', object: guardProfile('gc-clash-more'), otherTenants: ['gc-clash'], expect: 'deny', rule: 'tenant-name-prefix' },
  { name: 'a name that is a prefix of a tenant\'s (reverse prefix clash)', operation: 'CREATE', object: guardProfile('gc-clas'), otherTenants: ['gc-clash'], expect: 'deny', rule: 'tenant-name-prefix' },
  { name: 'a name sharing a beginning with a tenant\'s, neither a prefix of the other', operation: 'CREATE', object: guardProfile('gc-clasp'), otherTenants: ['gc-clash'], expect: 'allow' },
  // The org's own Profile: its name is in the list, and passes.
  { name: 'a tenant\'s own Profile (its name in the guard\'s list)', operation: 'CREATE', object: guardProfile('gc-clash'), expect: 'allow' },
  // Owner.
  {
    name: 'a Group owner',
    operation: 'CREATE',
    object: guardProfile('gc-group-owner', { owner: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ml' } }),
    expect: 'deny',
    rule: 'profile-owner-is-a-user',
    notInSynth: NOT_A_TENANT_FILE,
  },
  // Updates: only what changed is checked.
  {
    name: 'an update that removes a required label',
    operation: 'UPDATE',
    oldObject: guardProfile('gc-upd-remove'),
    object: guardProfile('gc-upd-remove', { labels: without(LABELS, 'team') }),
    expect: 'deny',
    rule: 'profile-has-required-labels',
  },
  {
    name: 'an update that empties a required label',
    operation: 'UPDATE',
    oldObject: guardProfile('gc-upd-empty'),
    object: guardProfile('gc-upd-empty', { labels: { ...LABELS, 'cost-centre': '' } }),
    expect: 'deny',
    rule: 'profile-has-required-labels',
  },
  {
    name: "an update that changes a required label's value",
    operation: 'UPDATE',
    oldObject: guardProfile('gc-upd-change'),
    object: guardProfile('gc-upd-change', { labels: { ...LABELS, 'cost-centre': 'cc-2' } }),
    expect: 'allow',
  },
  {
    name: 'a legacy Profile (missing a required label) updated without touching its labels',
    operation: 'UPDATE',
    oldObject: guardProfile('gc-legacy', { labels: LEGACY }),
    object: guardProfile('gc-legacy', { labels: LEGACY, annotations: { 'example.com/note': 'edited' } }),
    expect: 'allow',
    notInSynth: SYNTH_CHECKS_IN_FULL,
  },
  {
    name: 'a legacy Profile updated with another label, the missing one still missing',
    operation: 'UPDATE',
    oldObject: guardProfile('gc-legacy-more', { labels: LEGACY }),
    object: guardProfile('gc-legacy-more', { labels: { ...LEGACY, extra: 'x' } }),
    expect: 'allow',
    notInSynth: SYNTH_CHECKS_IN_FULL,
  },
  {
    name: 'a legacy Profile updated with the missing label empty',
    operation: 'UPDATE',
    oldObject: guardProfile('gc-legacy-empty', { labels: LEGACY }),
    object: guardProfile('gc-legacy-empty', { labels: { ...LEGACY, 'compliance-tier': '' } }),
    expect: 'deny',
    rule: 'profile-has-required-labels',
  },
  // The Profile controller PUTs every Profile back on every reconcile, unchanged: a Profile made
  // before a rule (or before the guard) must stay writable.
  { name: 'a Profile as synth emits it, PUT back unchanged', operation: 'UPDATE', oldObject: guardProfile('gc-reput'), object: guardProfile('gc-reput'), expect: 'allow' },
  {
    name: 'a legacy Profile (missing a required label) PUT back unchanged',
    operation: 'UPDATE',
    oldObject: guardProfile('gc-legacy-reput', { labels: LEGACY }),
    object: guardProfile('gc-legacy-reput', { labels: LEGACY }),
    expect: 'allow',
    notInSynth: SYNTH_CHECKS_IN_FULL,
  },
  {
    name: 'a legacy Profile (with a reserved label key) PUT back unchanged',
    operation: 'UPDATE',
    oldObject: guardProfile('gc-legacy-reserved', { labels: { ...LABELS, 'istio-injection': 'disabled' } }),
    object: guardProfile('gc-legacy-reserved', { labels: { ...LABELS, 'istio-injection': 'disabled' } }),
    expect: 'allow',
    notInSynth: SYNTH_CHECKS_IN_FULL,
  },
  {
    name: 'an update that makes the owner a Group',
    operation: 'UPDATE',
    oldObject: guardProfile('gc-upd-owner'),
    object: guardProfile('gc-upd-owner', { owner: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ml' } }),
    expect: 'deny',
    rule: 'profile-owner-is-a-user',
    notInSynth: NOT_A_TENANT_FILE,
  },
  // Deletion.
  { name: 'deleting a Profile not decommissioned', operation: 'DELETE', oldObject: guardProfile('gc-del-live'), expect: 'deny', rule: 'profile-deletion-requires-decommission' },
  {
    name: 'deleting a Profile marked decommissioned "false"',
    operation: 'DELETE',
    oldObject: guardProfile('gc-del-false', { annotations: { [DECOMMISSIONED_ANNOTATION]: 'false' } }),
    expect: 'deny',
    rule: 'profile-deletion-requires-decommission',
  },
  { name: 'deleting a decommissioned Profile', operation: 'DELETE', oldObject: guardProfile('gc-del-decom', { annotations: DECOMMISSIONED }), expect: 'allow' },
  {
    name: 'deleting a tenant namespace not decommissioned',
    operation: 'DELETE',
    oldObject: tenantNamespace('gc-ns-live'),
    expect: 'deny',
    rule: 'tenant-namespace-deletion-requires-decommission',
    notInSynth: NO_NAMESPACE_IN_SYNTH,
  },
  { name: 'deleting a tenant namespace marked decommissioned', operation: 'DELETE', oldObject: tenantNamespace('gc-ns-decom', DECOMMISSIONED), expect: 'allow', notInSynth: NO_NAMESPACE_IN_SYNTH },
  {
    name: 'deleting an adopted tenant namespace (tenant label, no ownerReference) not decommissioned',
    operation: 'DELETE',
    oldObject: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gc-ns-adopted', labels: { 'kubeflow-tenants/tenant': 'gc-ns-adopted' } } },
    expect: 'deny',
    rule: 'tenant-namespace-deletion-requires-decommission',
    notInSynth: NO_NAMESPACE_IN_SYNTH,
  },
  {
    name: 'deleting an adopted tenant namespace marked decommissioned',
    operation: 'DELETE',
    oldObject: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gc-ns-adopted-decom', labels: { 'kubeflow-tenants/tenant': 'gc-ns-adopted-decom' }, annotations: DECOMMISSIONED } },
    expect: 'allow',
    notInSynth: NO_NAMESPACE_IN_SYNTH,
  },
  {
    name: 'deleting a namespace no Profile owns',
    operation: 'DELETE',
    oldObject: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gc-ns-plain' } },
    expect: 'allow',
    notInSynth: NO_NAMESPACE_IN_SYNTH,
  },
];
