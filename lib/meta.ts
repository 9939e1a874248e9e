/**
 * Metadata shared by every emitted object: an explicit name (never a cdk8s hash), the namespace,
 * and the labels that let auditors and Argo CD find what belongs to which tenant.
 */

/** Label naming the tenant an object belongs to. */
export const TENANT_LABEL = 'kubeflow-tenants/tenant';
/** `app.kubernetes.io/managed-by` value of every object this tool emits. */
export const MANAGED_BY = 'kubeflow-tenants';

/** Labels every object of a tenant carries, on top of its own. */
export function tenantLabels(tenant: string): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': MANAGED_BY, [TENANT_LABEL]: tenant };
}

/** `metadata` with sorted labels and annotations; empty maps are left out. */
export function objectMeta(
  name: string,
  namespace: string | undefined,
  labels?: Record<string, string>,
  annotations?: Record<string, string>,
): { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } {
  const meta: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } = { name };
  if (namespace !== undefined) meta.namespace = namespace;
  if (labels && Object.keys(labels).length > 0) meta.labels = sorted(labels);
  if (annotations && Object.keys(annotations).length > 0) meta.annotations = sorted(annotations);
  return meta;
}

function sorted(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
