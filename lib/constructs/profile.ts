/**
 * Profile: the Kubeflow `Profile` (kubeflow.org/v1, cluster-scoped) that makes the Profile
 * controller create the tenant namespace, its owner's access and `kf-resource-quota`.
 * Nothing the controller owns is emitted here (Namespace, namespaceAdmin, default-editor,
 * default-viewer, ns-owner-access-istio, kf-resource-quota): Argo CD would fight it over them.
 */
import { Construct } from 'constructs';
import { Profile, ProfileSpecResourceQuotaSpecHard } from '../../imports/kubeflow.org';
import { objectMeta } from '../meta';
import { DECOMMISSIONED_ANNOTATION } from '../model/decommission';
import { userSubject } from '../model/identity';
import { ADOPTED_ANNOTATION, BURST_GUEST_ANNOTATION } from '../model/names';

/** Props of {@link TenantProfile}. */
export interface TenantProfileProps {
  /** Profile name, which is also the namespace name. */
  readonly name: string;
  /** Identity of the owner (lib/model/identity.ts `identityOf`). */
  readonly owner: string;
  /** Labels of the Profile: the tenant's labels plus the tool's own. */
  readonly labels: Record<string, string>;
  /** `spec.resourceQuotaSpec.hard`; see `quotaHard`. An empty map emits no quota. */
  readonly hard: Readonly<Record<string, string>>;
  /**
   * Marks the Profile {@link DECOMMISSIONED_ANNOTATION}: the removal guard and the in-cluster
   * guard's deletion rule let only such a Profile go. @default false
   */
  readonly decommissioned?: boolean;
  /**
   * Marks the Profile {@link ADOPTED_ANNOTATION}: it took over an existing namespace, which
   * deleting it will not delete (docs/adopt.md). @default false
   */
  readonly adopted?: boolean;
  /**
   * On a worker cluster, the home cluster of a burst guest: marks the Profile
   * {@link BURST_GUEST_ANNOTATION} (docs/fleet.md "Bursting with MultiKueue"). @default none (a tenant homed here)
   */
  readonly burstGuestOf?: string;
}

export class TenantProfile extends Construct {
  readonly resource: Profile;

  constructor(scope: Construct, id: string, props: TenantProfileProps) {
    super(scope, id);
    const hard = Object.fromEntries(
      Object.entries(props.hard).map(([k, v]) => [k, ProfileSpecResourceQuotaSpecHard.fromString(v)]),
    );
    const annotations = {
      ...(props.decommissioned === true ? { [DECOMMISSIONED_ANNOTATION]: 'true' } : {}),
      ...(props.adopted === true ? { [ADOPTED_ANNOTATION]: 'true' } : {}),
      ...(props.burstGuestOf !== undefined ? { [BURST_GUEST_ANNOTATION]: props.burstGuestOf } : {}),
    };
    this.resource = new Profile(this, 'Resource', {
      metadata: objectMeta(props.name, undefined, props.labels, Object.keys(annotations).length > 0 ? annotations : undefined),
      spec: {
        owner: userSubject(props.owner),
        resourceQuotaSpec: Object.keys(hard).length > 0 ? { hard } : {},
      },
    });
  }
}
