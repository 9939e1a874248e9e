/**
 * The in-cluster guard enforced by the API server itself: two ValidatingAdmissionPolicies with
 * their bindings (`admissionregistration.k8s.io/v1`, `validationActions: [Deny]`), built from one
 * list of rule definitions ({@link guardRules}). Part of the cluster bundle when the platform's
 * `guards.admissionPolicy` is on (lib/constructs/cluster-bundle.ts); docs/gitops.md "The in-cluster
 * guard" says what it covers and what it cannot.
 *
 * - Profiles: the synth checks of a Profile made outside GitOps (name, reserved names, required
 *   labels, owner), and deletion only of a Profile marked decommissioned.
 * - Tenant namespaces (owned by a Profile, or labelled with the tenant by the bundle's Namespace
 *   object, which is how an adopted namespace without ownerReference is recognised): deleting one
 *   destroys the data as surely as deleting the Profile, so only a namespace marked decommissioned
 *   itself, or the garbage collector's cascade of an admitted Profile deletion, may delete it.
 *
 * Why "on UPDATE only what changed": the Profile controller PUTs every Profile on every reconcile.
 * A rule checked on every UPDATE would stop the reconcile of a Profile created before the rule
 * (or before the guard) existed. So each rule is checked in full on CREATE, and on UPDATE only
 * against what the update changes: a label that was already there, unchanged, passes.
 */
import { Construct } from 'constructs';
import {
  KubeValidatingAdmissionPolicy,
  KubeValidatingAdmissionPolicyBinding,
} from '../../imports/admissionregistration.k8s.io';
import type { PlatformSettings } from '../declarations/platform';
import { objectMeta, TENANT_LABEL } from '../meta';
import { DECOMMISSIONED_ANNOTATION } from '../model/decommission';
import { SYNC_WAVE_ANNOTATION } from './argocd';
import { reservedLabelRegex } from '../declarations/labels';
import { PREFIX_SCOPED } from '../declarations/tenant';
import { ADMITTED_OWN_LABELS, celList, celString, nameNoPrefixClashCel, nameNotReservedCel, reservedLabelsMessage } from './profile-cel';

/** Names of the two policies; each binding has its policy's name. */
export const PROFILE_GUARD_POLICY = 'kubeflow-tenants-profile-guard';
export const NAMESPACE_GUARD_POLICY = 'kubeflow-tenants-namespace-guard';

/** What a rule guards: Profiles (create, update, delete) or tenant namespaces (delete). */
export type GuardResource = 'profiles' | 'namespaces';

/**
 * One rule of the guard. The expression is CEL over the admission request (`object`,
 * `oldObject`, `request`), true = allowed; it is evaluated for every operation its resource's
 * policy matches, so it says itself which operations it checks (the builders below do).
 * Kyverno's ValidatingPolicy (lib/constructs/kyverno.ts) takes the same definitions.
 */
export interface GuardRule {
  /** Stable name, unique in the list (shown in no message; used by tests and docs). */
  readonly name: string;
  readonly resource: GuardResource;
  readonly expression: string;
  /** The denial message: what is wrong and how to fix it. */
  readonly message: string;
}


const IS_CREATE = "request.operation == 'CREATE'";
const IS_UPDATE = "request.operation == 'UPDATE'";
const IS_DELETE = "request.operation == 'DELETE'";

/** Checked on CREATE only: for what an update cannot change (the name). */
export const onCreate = (valid: string): string => `!(${IS_CREATE}) || (${valid})`;

/** Checked on CREATE, and on UPDATE unless `unchanged` holds (the update leaves the rule's input alone). */
export const onWrite = (valid: string, unchanged: string): string => `${IS_DELETE} || (${valid}) || (${IS_UPDATE} && (${unchanged}))`;

/** Checked on DELETE only, against the stored object. */
export const onDelete = (valid: string): string => `!(${IS_DELETE}) || (${valid})`;

const hasLabel = (o: string, key: string): string => `(has(${o}.metadata.labels) && ${key} in ${o}.metadata.labels)`;
/** The label `key` (a CEL expression) is the same before and after the update: both absent, or both present and equal. */
export const labelUnchanged = (key: string): string =>
  `(${hasLabel('oldObject', key)} ? (${hasLabel('object', key)} && object.metadata.labels[${key}] == oldObject.metadata.labels[${key}]) : !${hasLabel('object', key)})`;

const annotationTrue = (o: string, key: string): string =>
  `(has(${o}.metadata.annotations) && ${celString(key)} in ${o}.metadata.annotations && ${o}.metadata.annotations[${celString(key)}] == 'true')`;

/**
 * A rule over label keys, per key: each label of `object` whose key `matches` (CEL over `k`) must
 * satisfy `valid` (CEL over `k`) on CREATE, and on UPDATE only when that label changed. The shape
 * of a reserved-label-keys rule: `labelKeysRule(name, <key matcher>, 'false', message)`.
 */
export function labelKeysRule(name: string, matches: string, valid: string, message: string): GuardRule {
  return {
    name,
    resource: 'profiles',
    expression: `${IS_DELETE} || !has(object.metadata.labels) || object.metadata.labels.all(k, !(${matches}) || (${valid}) || (${IS_UPDATE} && ${labelUnchanged('k')}))`,
    message,
  };
}

/**
 * The rules of the guard, from the platform settings and the org's tenant names: the synth-time
 * Profile checks (lib/profile.ts `checkProfile`) as CEL with the update semantics above, the
 * tenant-name prefix rule (lib/validation.ts `checkTenantSet`) against `tenantNames` (admission CEL
 * sees only the object under review, so the other tenants are written into the rule; synth keeps
 * the list within CEL's expression size, lib/validation.ts `checkGuardNameList`), and the two
 * deletion guards.
 */
export function guardRules(platform: PlatformSettings, tenantNames: readonly string[] = []): GuardRule[] {
  const required = platform.requiredLabels;
  const ownerOk = (o: string): string =>
    `has(${o}.spec) && has(${o}.spec.owner) && has(${o}.spec.owner.kind) && ${o}.spec.owner.kind == 'User' && ` +
    `has(${o}.spec.owner.apiGroup) && ${o}.spec.owner.apiGroup == 'rbac.authorization.k8s.io' && has(${o}.spec.owner.name) && ${o}.spec.owner.name != ''`;
  const hasOwner = (o: string): string => `(has(${o}.spec) && has(${o}.spec.owner))`;
  // The ownerReference the controller sets on namespaces it creates, or the tenant label the bundle's
  // Namespace object sets on every tenant namespace: an adopted namespace has only the label.
  const isTenantNamespace =
    "(has(oldObject.metadata.ownerReferences) && oldObject.metadata.ownerReferences.exists(r, r.kind == 'Profile' && r.apiVersion.startsWith('kubeflow.org/')))" +
    ` || (has(oldObject.metadata.labels) && ${celString(TENANT_LABEL)} in oldObject.metadata.labels)`;
  return [
    {
      name: 'profile-name-is-a-namespace-name',
      resource: 'profiles',
      // Names are immutable: CREATE only.
      expression: onCreate(`size(object.metadata.name) <= 63 && object.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')`),
      message: 'a Profile name is its namespace name: a lowercase RFC 1123 label of at most 63 characters',
    },
    {
      name: 'profile-name-not-reserved',
      resource: 'profiles',
      expression: onCreate(nameNotReservedCel(platform.reservedNames)),
      message: `this name is reserved for the platform (${platform.reservedNames.join(', ')}); choose another name`,
    },
    {
      name: 'tenant-name-prefix',
      resource: 'profiles',
      // CREATE only (names are immutable). A tenant's own name is in the list and passes, so the
      // org's Profiles are admitted; the list is the org's tenants as of the last sync of dist/cluster/.
      expression: onCreate(nameNoPrefixClashCel(tenantNames)),
      message: `this name starts with the name of one of the org's tenants, or is a prefix of one; ${PREFIX_SCOPED}; choose a name that neither starts with nor is a prefix of a tenant's name`,
    },
    // The same reserved label keys as synth (lib/profile.ts) and Kyverno, with the labels synth
    // and Argo CD set themselves admitted at their exact values; an unchanged label passes updates.
    labelKeysRule(
      'profile-labels-not-reserved',
      `k.matches(${celString(reservedLabelRegex(platform.labels.reserved))})`,
      ADMITTED_OWN_LABELS.map(([key, value]) => `(k == ${celString(key)} && object.metadata.labels[k] == ${value})`).join(' || ') || 'false',
      reservedLabelsMessage(platform),
    ),
    {
      name: 'profile-has-required-labels',
      resource: 'profiles',
      expression:
        required.length > 0
          ? `${IS_DELETE} || ${celList(required)}.all(l, (${hasLabel('object', 'l')} && object.metadata.labels[l] != '') || (${IS_UPDATE} && ${labelUnchanged('l')}))`
          : 'true',
      message: `every Profile must carry the labels ${required.join(', ')} (non-empty); an update may not remove or empty one`,
    },
    {
      name: 'profile-owner-is-a-user',
      resource: 'profiles',
      expression: onWrite(
        ownerOk('object'),
        `${hasOwner('oldObject')} ? (${hasOwner('object')} && object.spec.owner == oldObject.spec.owner) : !${hasOwner('object')}`,
      ),
      message: "spec.owner must be { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: <user> } (the Profile controller compares it with the owner's RoleBinding subject)",
    },
    {
      name: 'profile-deletion-requires-decommission',
      resource: 'profiles',
      expression: onDelete(annotationTrue('oldObject', DECOMMISSIONED_ANNOTATION)),
      message: `deleting a Profile deletes its namespace and every notebook, volume and model in it; decommission the tenant first (decommissioned: true in its tenant file, which sets the ${DECOMMISSIONED_ANNOTATION} annotation), then delete it`,
    },
    {
      name: 'tenant-namespace-deletion-requires-decommission',
      resource: 'namespaces',
      expression: `!(${isTenantNamespace}) || ${annotationTrue('oldObject', DECOMMISSIONED_ANNOTATION)} || request.userInfo.username in ${celList(platform.guards.namespaceDeleters)}`,
      message:
        `this namespace belongs to a tenant (a Profile owns it, or it carries the ${TENANT_LABEL} label): deleting it deletes every notebook, volume and model in it (and the Profile controller recreates it empty); ` +
        `remove the tenant instead (docs/gitops.md "Removing a tenant": deleting the decommissioned Profile deletes its namespace), ` +
        `or mark the namespace itself: kubectl annotate namespace <name> ${DECOMMISSIONED_ANNOTATION}=true`,
    },
  ];
}

/** Props of {@link AdmissionGuard}. */
export interface AdmissionGuardProps {
  /** Labels of the policies and bindings (the cluster bundle's). */
  readonly labels: Record<string, string>;
  /** The rules. @default guardRules(platform) */
  readonly rules?: readonly GuardRule[];
  /** Reserved names, required labels and the namespace deleters come from here. */
  readonly platform: PlatformSettings;
  /** The org's tenant names, for the prefix rule (the cluster bundle passes its model's). @default [] (no names: the rule admits any) */
  readonly tenantNames?: readonly string[];
}

/**
 * Per guarded resource: the policy's name and the requests it matches. Both engines use it (the
 * Kyverno ValidatingPolicies of lib/constructs/kyverno.ts take the same names and matches).
 */
export const GUARD_MATCH: Readonly<Record<GuardResource, { policy: string; apiGroups: string[]; apiVersions: string[]; operations: ('CREATE' | 'UPDATE' | 'DELETE')[] }>> = {
  // Every served Profile version; status is a subresource and not matched (the controller writes it).
  profiles: { policy: PROFILE_GUARD_POLICY, apiGroups: ['kubeflow.org'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE', 'DELETE'] },
  namespaces: { policy: NAMESPACE_GUARD_POLICY, apiGroups: [''], apiVersions: ['v1'], operations: ['DELETE'] },
};

/**
 * The rules a guard renders (`props.rules`, else {@link guardRules}), refused when a name repeats:
 * a refusal names its rule, so two rules of one name could not be told apart. Both engines use it.
 */
export function checkedGuardRules(props: { readonly platform: PlatformSettings; readonly tenantNames?: readonly string[]; readonly rules?: readonly GuardRule[] }): readonly GuardRule[] {
  const rules = props.rules ?? guardRules(props.platform, props.tenantNames);
  const names = rules.map((r) => r.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`guard rule "${dup}" is defined twice`);
  return rules;
}

/** The two policies and their bindings. */
export class AdmissionGuard extends Construct {
  constructor(scope: Construct, id: string, props: AdmissionGuardProps) {
    super(scope, id);
    const rules = checkedGuardRules(props);
    // Within dist/cluster/, before the Argo CD objects (as the Kyverno policies).
    const annotations = { [SYNC_WAVE_ANNOTATION]: '-2' };
    for (const resource of ['profiles', 'namespaces'] as const) {
      const mine = rules.filter((r) => r.resource === resource);
      if (mine.length === 0) continue;
      const m = GUARD_MATCH[resource];
      new KubeValidatingAdmissionPolicy(this, `${resource}-policy`, {
        metadata: objectMeta(m.policy, undefined, props.labels, annotations),
        spec: {
          // An expression that errors (a field of an unexpected type) refuses: fail closed.
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [{ apiGroups: m.apiGroups, apiVersions: m.apiVersions, operations: m.operations, resources: [resource] }],
          },
          validations: mine.map((r) => ({ expression: r.expression, message: `${r.name}: ${r.message}` })),
        },
      });
      new KubeValidatingAdmissionPolicyBinding(this, `${resource}-binding`, {
        metadata: objectMeta(m.policy, undefined, props.labels, annotations),
        spec: { policyName: m.policy, validationActions: ['Deny'] },
      });
    }
  }
}
