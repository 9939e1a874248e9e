/**
 * Argo CD metadata: sync waves and sync options by kind, set on every tenant object by
 * {@link applyArgoMetadata}, a final pass over a chart's objects before it is rendered (the
 * cdk8s Aspect idea: one visit, so a new construct gets the right metadata without wiring).
 * Profiles carry `Delete=confirm,Prune=confirm`, so Argo CD never deletes one (and with it a
 * namespace) without a human approving.
 */
import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { apiGroupOf } from '../model/catalogue';

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
/** Sync options that stop Argo CD from deleting a Profile (and so its namespace) without approval. */
export const PROFILE_PROTECTION = ['Delete=confirm', 'Prune=confirm'] as const;
/**
 * Sync options of the partial Namespace (lib/constructs/pod-security.ts): the Profile controller
 * owns the namespace and deletes it with the Profile; Argo CD must never delete it, neither when
 * the object leaves the bundle nor when the Application is deleted.
 */
export const NAMESPACE_PROTECTION = ['Delete=false', 'Prune=false'] as const;
/** Where `dist/` lives in the Git repository Argo CD reads. */
export const DIST_PATH = 'dist';
/** Name of the ApplicationSet, of the platform Application and of its AppProject. */
export const PLATFORM_APP = 'kubeflow-tenants';
/** AppProject (and Application) name of a tenant. */
export const tenantProject = (tenant: string): string => `tenant-${tenant}`;

/** Sync waves: the Profile creates the namespace, so it goes first; credentials come last. */
export const SYNC_WAVES = { profile: -10, default: 0, credentials: 10 } as const;

/**
 * Whether a group is served by every API server: the core group, the unqualified groups (apps,
 * batch, policy, autoscaling) and `*.k8s.io`, except `*.x-k8s.io` (SIG projects installed as CRDs,
 * such as Kueue).
 */
export function isBuiltinGroup(group: string): boolean {
  if (group === '' || !group.includes('.')) return true;
  return group.endsWith('.k8s.io') && !group.endsWith('.x-k8s.io');
}

/** Sync wave of an object, decided by kind and group only, so new kinds get one without wiring. */
export function syncWave(kind: string, apiVersion: string): number {
  const group = apiGroupOf(apiVersion);
  if (group === 'kubeflow.org' && kind === 'Profile') return SYNC_WAVES.profile;
  // SecretStore, ExternalSecret, PushSecret...: after the namespace, RBAC and policies exist.
  if (group === 'external-secrets.io' || group === 'generators.external-secrets.io') return SYNC_WAVES.credentials;
  return SYNC_WAVES.default;
}

/** Argo CD sync options of an object: Profile protection, and dry-run skipping for custom resources. */
export function syncOptions(kind: string, apiVersion: string): string[] {
  const group = apiGroupOf(apiVersion);
  const out: string[] = [];
  if (group === 'kubeflow.org' && kind === 'Profile') out.push(...PROFILE_PROTECTION);
  if (group === '' && kind === 'Namespace') out.push(...NAMESPACE_PROTECTION);
  // The CRD may be installed by another Application in the same sync; without this the dry run fails.
  if (!isBuiltinGroup(group)) out.push('SkipDryRunOnMissingResource=true');
  return out;
}

/** The Argo CD annotations of one object: its sync wave, and its sync options if it has any. */
export function argoAnnotations(kind: string, apiVersion: string): Record<string, string> {
  const out: Record<string, string> = { [SYNC_WAVE_ANNOTATION]: String(syncWave(kind, apiVersion)) };
  const opts = syncOptions(kind, apiVersion);
  if (opts.length > 0) out[SYNC_OPTIONS_ANNOTATION] = opts.join(',');
  return out;
}

/** Sets the Argo CD annotations on every ApiObject under `scope` (call last, once the tree is complete). */
export function applyArgoMetadata(scope: IConstruct): void {
  for (const c of scope.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    for (const [k, v] of Object.entries(argoAnnotations(c.kind, c.apiVersion))) c.metadata.addAnnotation(k, v);
  }
}
