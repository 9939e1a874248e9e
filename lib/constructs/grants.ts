/**
 * The RBAC objects of one tenant's outgoing grants, rendered in the granting namespace only:
 * per grantee one Role and one RoleBinding named `grant-to-<grantee>` (or, for a namespace-wide
 * `role`, one RoleBinding to its ClusterRole); never a ClusterRoleBinding. Rules, ServiceAccounts
 * and exception reasons come merged and sorted from the model.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { objectMeta } from '../meta';
import { serviceAccountSubject } from '../model/identity';
import { GRANT_TO_LABEL, REVIEWED_EXCEPTION_ANNOTATION, REVIEWED_EXCEPTION_LABEL } from '../model/names';
import type { GrantOut } from '../model/tenant';
import { RBAC_API_GROUP } from '../declarations/kubeflow';

/** Props of {@link Grants}. */
export interface GrantsProps {
  /** The granting tenant's namespace: every object is emitted here. */
  readonly namespace: string;
  /** The tenant's grants, one per grantee (the model's `grantsOut`). */
  readonly grants: readonly GrantOut[];
  /** Labels of every object. @default none */
  readonly labels?: Record<string, string>;
}

export class Grants extends Construct {
  constructor(scope: Construct, id: string, props: GrantsProps) {
    super(scope, id);
    for (const g of props.grants) {
      // Artifact-only grants need no RBAC at all (their reach is the grantee's bucket policy).
      if (g.clusterRole === undefined && g.rules.length === 0) continue;
      const name = g.objectName;
      const labels: Record<string, string> = { ...props.labels, [GRANT_TO_LABEL]: g.grantee };
      const annotations: Record<string, string> = {};
      if (g.exceptions.length > 0) {
        labels[REVIEWED_EXCEPTION_LABEL] = 'true';
        // The expiry as declared, never the synth date: dist/ must not change from one day to the next.
        annotations[REVIEWED_EXCEPTION_ANNOTATION] = g.exceptions.map((e) => (e.expires === undefined ? e.reason : `${e.reason} (expires ${e.expires})`)).join('; ');
      }
      // Never the `user`/`role` annotations: KFAM would list the binding as a contributor, and its
      // List fails for the whole namespace on a binding with more than one subject.
      const subjects = g.serviceAccounts.map((sa) => serviceAccountSubject(g.grantee, sa));
      if (g.clusterRole === undefined) {
        new k8s.KubeRole(this, `${name}-role`, { metadata: objectMeta(name, props.namespace, labels, annotations), rules: g.rules.map((r) => ({ ...r })) });
      }
      new k8s.KubeRoleBinding(this, `${name}-rb`, {
        metadata: objectMeta(name, props.namespace, labels, annotations),
        roleRef: g.clusterRole === undefined
          ? { apiGroup: RBAC_API_GROUP, kind: 'Role', name }
          : { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: g.clusterRole },
        subjects,
      });
    }
  }
}
