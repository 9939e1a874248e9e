/**
 * Contributors: for each person (named directly or through a group), the objects of their roles
 * (lib/declarations/contributors.ts `ROLES`, combined in lib/contributors.ts):
 * - exactly one KFAM-shaped RoleBinding and AuthorizationPolicy, as KFAM creates them
 *   (kubeflow/dashboard access-management/kfam/bindings.go: one subject, `user`/`role`
 *   annotations, `kubeflow-edit` or `kubeflow-view`), so KFAM's API reads them as its own;
 *   an auditor has none (its policy then carries no KFAM annotations);
 * - one further RoleBinding per extra ClusterRole (a member's per-application edit roles, the
 *   auditor role), without KFAM annotations, so KFAM neither lists nor removes them.
 * The policy admits the ingress gateway only for roles that may reach notebook servers from a
 * browser (`member`, `editor`, `team-admin`); `viewer` and `auditor` get the Pipelines UI only.
 * The central dashboard's "Manage contributors" page lists only `kubeflow-edit` contributors
 * (`npm run access` says who it shows).
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { AuthorizationPolicy } from '../../imports/security.istio.io';
import type { PlatformSettings } from '../declarations/platform';
import { objectMeta } from '../meta';
import { groupSubject, userSubject } from '../model/identity';
import { CONTRIBUTOR_ANNOTATIONS } from '../model/names';
import type { ContributorModel, GroupBindingModel } from '../model/tenant';
import { KFAM_ANNOTATION, KUBEFLOW_CLUSTER_ROLES, RBAC_API_GROUP } from '../declarations/kubeflow';

/** Props of {@link Contributors}. */
export interface ContributorsProps {
  readonly namespace: string;
  /** Resolved contributors, emitted in the given order (the model sorts them by binding name). */
  readonly contributors: readonly ContributorModel[];
  readonly platform: PlatformSettings;
  /** Groups bound as groups (platform `groups.mode: 'bind'`), emitted after the people. @default none */
  readonly groupBindings?: readonly GroupBindingModel[];
  /** Labels of every object. @default none */
  readonly labels?: Record<string, string>;
}

export class Contributors extends Construct {
  constructor(scope: Construct, id: string, props: ContributorsProps) {
    super(scope, id);
    const { identity, istio } = props.platform;
    for (const c of props.contributors) {
      const who = c.identity;
      const ours = { [CONTRIBUTOR_ANNOTATIONS.identity]: who, [CONTRIBUTOR_ANNOTATIONS.roles]: c.roles.join(','), [CONTRIBUTOR_ANNOTATIONS.via]: c.via.join(',') };
      // KFAM reads `user` and `role` annotations; `role` is the dashboard's name, not the ClusterRole.
      const kfam: Record<string, string> = c.kfamRole ? { [KFAM_ANNOTATION.role]: c.kfamRole, [KFAM_ANNOTATION.user]: who } : {};
      if (c.kfamRole) {
        new k8s.KubeRoleBinding(this, `${c.bindingName}-rb`, {
          metadata: objectMeta(c.bindingName, props.namespace, props.labels, { ...ours, ...kfam }),
          roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: KUBEFLOW_CLUSTER_ROLES[c.kfamRole] },
          // Exactly one subject: KFAM's List fails for the whole namespace otherwise.
          subjects: [userSubject(who)],
        });
      }
      for (const x of c.extraBindings) {
        new k8s.KubeRoleBinding(this, `${x.name}-rb`, {
          metadata: objectMeta(x.name, props.namespace, props.labels, ours),
          roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: x.clusterRole },
          subjects: [userSubject(who)],
        });
      }
      new AuthorizationPolicy(this, `${c.bindingName}-ap`, {
        metadata: objectMeta(c.bindingName, props.namespace, props.labels, { ...ours, ...kfam }),
        spec: {
          rules: [
            {
              // Without the gateway principal a browser request with this person's header is not
              // admitted: a viewer cannot drive a Jupyter server (kubeflow/kubeflow#6669).
              from: [{ source: { principals: c.gateway ? [istio.ingressGatewayPrincipal, istio.pipelineUiPrincipal] : [istio.pipelineUiPrincipal] } }],
              when: [{ key: `request.headers[${identity.header}]`, values: [`${identity.prefix}${who}`] }],
            },
          ],
        },
      });
    }
    // A group bound as a group: no KFAM annotations (KFAM v1.10 knows no group bindings), and an
    // Istio condition on the token's groups claim: a header condition cannot pick one group out of
    // the comma-separated kubeflow-groups header.
    for (const g of props.groupBindings ?? []) {
      const ours = { [CONTRIBUTOR_ANNOTATIONS.identity]: `group ${g.group}`, [CONTRIBUTOR_ANNOTATIONS.roles]: g.role, [CONTRIBUTOR_ANNOTATIONS.via]: `group ${g.group}` };
      const bindings = [...(g.kfamRole ? [{ name: g.bindingName, clusterRole: KUBEFLOW_CLUSTER_ROLES[g.kfamRole] }] : []), ...g.extraBindings];
      for (const b of bindings) {
        new k8s.KubeRoleBinding(this, `${b.name}-rb`, {
          metadata: objectMeta(b.name, props.namespace, props.labels, ours),
          roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: b.clusterRole },
          subjects: [groupSubject(g.subject)],
        });
      }
      new AuthorizationPolicy(this, `${g.bindingName}-ap`, {
        metadata: objectMeta(g.bindingName, props.namespace, props.labels, ours),
        spec: {
          rules: [
            {
              from: [{ source: { principals: g.gateway ? [istio.ingressGatewayPrincipal, istio.pipelineUiPrincipal] : [istio.pipelineUiPrincipal] } }],
              when: [{ key: `request.auth.claims[${props.platform.groups.claim}]`, values: [g.group] }],
            },
          ],
        },
      });
    }
  }
}
