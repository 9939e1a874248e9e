/**
 * The catalogue of kinds tenant bundles emit, and API-group helpers. The AppProject whitelists are
 * derived from it (lib/constructs/cluster-bundle.ts), and rendering refuses a tenant object whose
 * kind is missing here (lib/pipeline/render.ts), so a new construct cannot ship a kind Argo CD
 * would refuse to sync.
 */

/** Group and kind of a namespaced object a tenant's AppProject may manage. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/**
 * Namespaced kinds this tool emits into tenant namespaces, sorted by group then kind. A tenant's
 * AppProject allows all of them, not only those the tenant has today: Argo CD can only prune kinds
 * its project allows, so a narrower list would strand a contributor binding when a tenant is
 * decommissioned.
 */
export const TENANT_NAMESPACED_KINDS: readonly GroupKind[] = [
  { group: '', kind: 'LimitRange' },
  { group: '', kind: 'ResourceQuota' },
  { group: 'external-secrets.io', kind: 'ExternalSecret' },
  { group: 'external-secrets.io', kind: 'SecretStore' },
  { group: 'kubeflow.org', kind: 'PodDefault' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
  { group: 'security.istio.io', kind: 'AuthorizationPolicy' },
  { group: 'security.istio.io', kind: 'PeerAuthentication' },
];

/** Namespaced Kueue kinds tenant bundles emit when the platform declares Kueue capacity (the LocalQueues). */
export const KUEUE_NAMESPACED_KINDS: readonly GroupKind[] = [{ group: 'kueue.x-k8s.io', kind: 'LocalQueue' }];

/** API group of an apiVersion (`''` for the core group). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
