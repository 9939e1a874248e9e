/**
 * Kyverno ClusterPolicies: the synth-time Profile checks again at admission time (a Profile made
 * outside GitOps must pass them too), and the deletion guard that lets only a decommissioned
 * Profile be deleted. Part of the cluster bundle (lib/constructs/cluster-bundle.ts).
 */
import { Construct } from 'constructs';
import {
  ClusterPolicy,
  ClusterPolicySpecRulesMatchAnyResourcesOperations,
  ClusterPolicySpecRulesValidateFailureAction,
} from '../../imports/kyverno.io';
import { reservedLabelRegex } from '../declarations/labels';
import type { PlatformSettings } from '../declarations/platform';
import { objectMeta } from '../meta';
import { DECOMMISSIONED_ANNOTATION } from '../model/decommission';
import { SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION } from './argocd';
import { ADMITTED_OWN_LABELS, celList, celString, nameNotReservedCel, reservedLabelsMessage } from './profile-cel';

/** Names of the Kyverno ClusterPolicies. */
export const PROFILE_RULES_POLICY = 'kubeflow-tenants-profile-rules';
export const PROFILE_DELETION_POLICY = 'kubeflow-tenants-profile-deletion';

/** Props of {@link ProfilePolicies}. */
export interface ProfilePoliciesProps {
  /** Reserved names, required labels and reserved label keys come from here. */
  readonly platform: PlatformSettings;
  /** Labels of both policies (the cluster bundle's). */
  readonly labels: Record<string, string>;
}

/** The two Profile ClusterPolicies (rules and deletion guard). */
export class ProfilePolicies extends Construct {
  constructor(scope: Construct, id: string, props: ProfilePoliciesProps) {
    super(scope, id);
    const { platform, labels } = props;
    const policyAnnotations = { [SYNC_WAVE_ANNOTATION]: '-2', [SYNC_OPTIONS_ANNOTATION]: 'SkipDryRunOnMissingResource=true' };
    const profileKinds = ['kubeflow.org/v1/Profile', 'kubeflow.org/v1beta1/Profile'];
    new ClusterPolicy(this, 'profile-rules', {
      metadata: objectMeta(PROFILE_RULES_POLICY, undefined, labels, {
        ...policyAnnotations,
        'policies.kyverno.io/title': 'Kubeflow Profile rules',
        'policies.kyverno.io/category': 'Multi-Tenancy',
        'policies.kyverno.io/subject': 'Profile',
        'policies.kyverno.io/description':
          'The admission-time twin of the kubeflow-tenants synth checks: a Profile created outside GitOps must have a valid, unreserved name, the required labels, no label key reserved for the platform, and a User owner.',
      }),
      spec: {
        background: true,
        rules: profileRules(platform).map((r) => ({
          name: r.name,
          match: {
            any: [
              {
                resources: {
                  kinds: profileKinds,
                  operations: [ClusterPolicySpecRulesMatchAnyResourcesOperations.CREATE, ClusterPolicySpecRulesMatchAnyResourcesOperations.UPDATE],
                },
              },
            ],
          },
          validate: {
            failureAction: ClusterPolicySpecRulesValidateFailureAction.ENFORCE,
            cel: { expressions: [{ expression: r.expression, message: r.message }] },
          },
        })),
      },
    });
    new ClusterPolicy(this, 'profile-deletion', {
      metadata: objectMeta(PROFILE_DELETION_POLICY, undefined, labels, {
        ...policyAnnotations,
        'policies.kyverno.io/title': 'Kubeflow Profile deletion guard',
        'policies.kyverno.io/category': 'Multi-Tenancy',
        'policies.kyverno.io/subject': 'Profile',
        'policies.kyverno.io/description': `Deleting a Profile deletes its namespace and all data in it; only Profiles marked ${DECOMMISSIONED_ANNOTATION}="true" (step 1 of the documented removal) may be deleted.`,
      }),
      spec: {
        // Deletion is an admission-time event; there is nothing to scan in the background.
        background: false,
        rules: [
          {
            name: 'profile-deletion-requires-decommission',
            match: {
              any: [{ resources: { kinds: profileKinds, operations: [ClusterPolicySpecRulesMatchAnyResourcesOperations.DELETE] } }],
            },
            validate: {
              failureAction: ClusterPolicySpecRulesValidateFailureAction.ENFORCE,
              cel: {
                expressions: [
                  {
                    expression: `has(oldObject.metadata.annotations) && '${DECOMMISSIONED_ANNOTATION}' in oldObject.metadata.annotations && oldObject.metadata.annotations['${DECOMMISSIONED_ANNOTATION}'] == 'true'`,
                    message: `deleting a Profile deletes its namespace and every notebook, volume and model in it; decommission the tenant first (decommissioned: true in its tenant file, which sets the ${DECOMMISSIONED_ANNOTATION} annotation), then delete it`,
                  },
                ],
              },
            },
          },
        ],
      },
    });
  }
}

/** One admission rule for Profiles: a CEL expression (true = allowed) and the denial message. */
export interface ProfileRule {
  readonly name: string;
  readonly expression: string;
  readonly message: string;
}

/**
 * The synth-time Profile checks as CEL (the language of Kyverno's `validate.cel` and of
 * ValidatingAdmissionPolicy): name, reserved names, required labels, reserved label keys, owner.
 */
export function profileRules(platform: PlatformSettings): ProfileRule[] {
  const required = platform.requiredLabels;
  return [
    {
      name: 'profile-name-is-a-namespace-name',
      expression: `size(object.metadata.name) <= 63 && object.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')`,
      message: 'a Profile name is its namespace name: a lowercase RFC 1123 label of at most 63 characters',
    },
    {
      name: 'profile-name-not-reserved',
      expression: nameNotReservedCel(platform.reservedNames),
      message: `this name is reserved for the platform (${platform.reservedNames.join(', ')}); choose another name`,
    },
    {
      name: 'profile-has-required-labels',
      expression:
        required.length > 0
          ? `has(object.metadata.labels) && ${celList(required)}.all(l, l in object.metadata.labels && object.metadata.labels[l] != '')`
          : 'true',
      message: `every Profile must carry the labels ${required.join(', ')}`,
    },
    {
      name: 'profile-labels-not-reserved',
      expression:
        `!has(object.metadata.labels) || object.metadata.labels.all(k, !k.matches(${celString(reservedLabelRegex(platform.labels.reserved))})` +
        ADMITTED_OWN_LABELS.map(([key, value]) => ` || (k == ${celString(key)} && object.metadata.labels[k] == ${value})`).join('') +
        ')',
      message: reservedLabelsMessage(platform),
    },
    {
      name: 'profile-owner-is-a-user',
      expression:
        `has(object.spec) && has(object.spec.owner) && has(object.spec.owner.kind) && object.spec.owner.kind == 'User' && ` +
        `has(object.spec.owner.apiGroup) && object.spec.owner.apiGroup == 'rbac.authorization.k8s.io' && ` +
        `has(object.spec.owner.name) && object.spec.owner.name != ''`,
      message: "spec.owner must be { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: <user> } (the Profile controller compares it with the owner's RoleBinding subject)",
    },
  ];
}

