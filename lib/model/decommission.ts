/**
 * Decommissioning, decided once (applied by lib/model/tenant.ts `tenantModel`): a tenant marked
 * `decommissioned: true` keeps its Profile (hence its namespace and data), its quota and limits,
 * and its isolation (weakening isolation is never part of shutting a tenant down). It loses every
 * access: contributors, the grants it gave, the artifact prefixes others gave it, credentials and
 * with them its Vault and bucket policies. Constructs and policy files render only what the model
 * kept, so Argo CD prunes the rest and every access except the owner's (managed by the Profile
 * controller) ends.
 */
import type { TenantSpec } from '../declarations/tenant';

/** Set on the Profile of a decommissioned tenant; the removal guard and the in-cluster guard's deletion rules read it. */
export const DECOMMISSIONED_ANNOTATION = 'kubeflow-tenants/decommissioned';

/** Whether a declaration is marked decommissioned. */
export const isDecommissioned = (spec: TenantSpec): boolean => spec.decommissioned === true;
