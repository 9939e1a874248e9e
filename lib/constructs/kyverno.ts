/**
 * The in-cluster guard for clusters that run Kyverno: the rules of the ValidatingAdmissionPolicies
 * (lib/constructs/admission-guard.ts `guardRules`, the same definitions, expressions and messages)
 * as Kyverno `ValidatingPolicy` objects (`policies.kyverno.io/v1`, Kyverno >= 1.17), which replace
 * the `kyverno.io/v1` ClusterPolicy that Kyverno 1.19 deprecates. One policy per guarded resource,
 * named like its ValidatingAdmissionPolicy twin: Profiles (name, reserved names, reserved label
 * keys, required labels, owner, deletion only when decommissioned) and tenant namespaces (deletion
 * only when decommissioned). Part of the cluster bundle when the platform's `guards.kyverno` is on.
 *
 * The rules need no Kyverno-specific form: Kyverno gives CEL the same `object`, `oldObject` and
 * `request` as the API server. One difference matters and the rules are written for it: with no
 * old object (CREATE) Kyverno passes `oldObject` as an empty object, not null; the rules read
 * `oldObject` only when `request.operation` is UPDATE or DELETE. The tenant-name prefix rule carries
 * the org's tenant names as a list literal, as the ValidatingAdmissionPolicy's does.
 */
import { Construct } from 'constructs';
import {
  ValidatingPolicy,
  ValidatingPolicySpecFailurePolicy,
  ValidatingPolicySpecValidationActions,
} from '../../imports/policies.kyverno.io';
import type { PlatformSettings } from '../declarations/platform';
import { objectMeta } from '../meta';
import { DECOMMISSIONED_ANNOTATION } from '../model/decommission';
import type { GuardResource, GuardRule } from './admission-guard';
import { checkedGuardRules, GUARD_MATCH } from './admission-guard';
import { SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION } from './argocd';

/** Props of {@link KyvernoGuard}. */
export interface KyvernoGuardProps {
  /** Reserved names, required labels, reserved label keys and the namespace deleters come from here. */
  readonly platform: PlatformSettings;
  /** Labels of the policies (the cluster bundle's). */
  readonly labels: Record<string, string>;
  /** The org's tenant names, for the prefix rule (the cluster bundle passes its model's). @default [] (no names: the rule admits any) */
  readonly tenantNames?: readonly string[];
  /** The rules. @default guardRules(platform, tenantNames) */
  readonly rules?: readonly GuardRule[];
}

const DESCRIPTION: Record<GuardResource, { title: string; subject: string; description: string }> = {
  profiles: {
    title: 'Kubeflow Profile guard',
    subject: 'Profile',
    description:
      'The admission-time twin of the kubeflow-tenants synth checks: a Profile created outside GitOps must have a valid, unreserved name, ' +
      'the required labels, no label key reserved for the platform, a User owner, and a name that neither starts with nor is a prefix of a tenant\'s name; an update is refused only for what it changes; ' +
      `only a Profile marked ${DECOMMISSIONED_ANNOTATION}="true" may be deleted.`,
  },
  namespaces: {
    title: 'Kubeflow tenant namespace guard',
    subject: 'Namespace',
    description: `Deleting a tenant namespace (one a Profile owns) deletes its data like deleting the Profile; only a namespace marked ${DECOMMISSIONED_ANNOTATION}="true", or the garbage collector's cascade, may delete it.`,
  },
};

/** The Kyverno ValidatingPolicies of the guard, one per guarded resource. */
export class KyvernoGuard extends Construct {
  constructor(scope: Construct, id: string, props: KyvernoGuardProps) {
    super(scope, id);
    const rules = checkedGuardRules(props);
    for (const resource of ['profiles', 'namespaces'] as const) {
      const mine = rules.filter((r) => r.resource === resource);
      if (mine.length === 0) continue;
      const m = GUARD_MATCH[resource];
      const d = DESCRIPTION[resource];
      new ValidatingPolicy(this, `${resource}-policy`, {
        metadata: objectMeta(m.policy, undefined, props.labels, {
          // Within dist/cluster/, before the Argo CD objects; the CRD comes with Kyverno.
          [SYNC_WAVE_ANNOTATION]: '-2',
          [SYNC_OPTIONS_ANNOTATION]: 'SkipDryRunOnMissingResource=true',
          'policies.kyverno.io/title': d.title,
          'policies.kyverno.io/category': 'Multi-Tenancy',
          'policies.kyverno.io/subject': d.subject,
          'policies.kyverno.io/description': d.description,
        }),
        spec: {
          validationActions: [ValidatingPolicySpecValidationActions.DENY],
          // Kyverno unreachable or an expression that errors: refuse (Argo CD and the Profile controller retry).
          failurePolicy: ValidatingPolicySpecFailurePolicy.FAIL,
          matchConstraints: {
            resourceRules: [{ apiGroups: [...m.apiGroups], apiVersions: [...m.apiVersions], operations: [...m.operations], resources: [resource] }],
          },
          // Admission only. A background scan has no request (no operation to tell a new Profile from a
          // reconciled one); synth already checks every tenant file in full on every run.
          evaluation: { admission: { enabled: true }, background: { enabled: false } },
          // The ValidatingAdmissionPolicies are emitted (and reviewed) by guards.admissionPolicy, not generated by Kyverno.
          autogen: { validatingAdmissionPolicy: { enabled: false } },
          validations: mine.map((r) => ({ expression: r.expression, message: `${r.name}: ${r.message}` })),
        },
      });
    }
  }
}
