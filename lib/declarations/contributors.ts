/** Contributors as a tenant file declares them. Checks and objects: lib/contributors.ts. */

import type { KubeflowRole } from './kubeflow';

/** Kubeflow contributor roles: `edit` (kubeflow-edit) and `view` (kubeflow-view). */
export type ContributorRole = Exclude<KubeflowRole, 'admin'>;
export const CONTRIBUTOR_ROLES: readonly ContributorRole[] = ['edit', 'view'];

/** Someone other than the owner who may use the tenant namespace. */
export interface ContributorSpec {
  /** E-mail of the contributor. */
  readonly user: string;
  /** Stable IdP subject; required when the platform identifies users by subject. @default none */
  readonly subject?: string;
  /** `edit` may create and delete notebooks, pipelines, models; `view` may only read. */
  readonly role: ContributorRole;
}
