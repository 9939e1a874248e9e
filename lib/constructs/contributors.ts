/**
 * Contributors: for each, the RoleBinding and Istio AuthorizationPolicy exactly as KFAM creates
 * them (kubeflow/dashboard access-management/kfam/bindings.go), so KFAM's API reads them as its own.
 * The central dashboard's "Manage contributors" page lists only `edit` contributors, and its
 * remove button always removes the `edit` binding: `view` contributors exist for RBAC and KFAM's
 * API but the page neither shows nor removes them (`npm run access` says who it shows).
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { AuthorizationPolicy } from '../../imports/security.istio.io';
import type { PlatformSettings } from '../declarations/platform';
import { objectMeta } from '../meta';
import { userSubject } from '../model/identity';
import type { ContributorModel } from '../model/tenant';
import { KFAM_ANNOTATION, KUBEFLOW_CLUSTER_ROLES, RBAC_API_GROUP } from '../declarations/kubeflow';

/** Props of {@link Contributors}. */
export interface ContributorsProps {
  readonly namespace: string;
  /** Resolved contributors, emitted in the given order (the model sorts them by binding name). */
  readonly contributors: readonly ContributorModel[];
  readonly platform: PlatformSettings;
  /** Labels of every object. @default none */
  readonly labels?: Record<string, string>;
}

export class Contributors extends Construct {
  constructor(scope: Construct, id: string, props: ContributorsProps) {
    super(scope, id);
    const { identity, istio } = props.platform;
    for (const { identity: who, role, bindingName: name } of props.contributors) {
      // KFAM reads `user` and `role` annotations; `role` is the dashboard's name, not the ClusterRole.
      const annotations = { [KFAM_ANNOTATION.role]: role, [KFAM_ANNOTATION.user]: who };
      new k8s.KubeRoleBinding(this, `${name}-rb`, {
        metadata: objectMeta(name, props.namespace, props.labels, annotations),
        roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: KUBEFLOW_CLUSTER_ROLES[role] },
        // Exactly one subject: KFAM's List fails for the whole namespace otherwise.
        subjects: [userSubject(who)],
      });
      new AuthorizationPolicy(this, `${name}-ap`, {
        metadata: objectMeta(name, props.namespace, props.labels, annotations),
        spec: {
          rules: [
            {
              from: [{ source: { principals: [istio.ingressGatewayPrincipal, istio.pipelineUiPrincipal] } }],
              when: [{ key: `request.headers[${identity.header}]`, values: [`${identity.prefix}${who}`] }],
            },
          ],
        },
      });
    }
  }
}
