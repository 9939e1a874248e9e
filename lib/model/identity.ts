/**
 * Identities and RBAC subjects: how a declared person becomes the string Kubeflow sees, and the
 * subjects every binding names. The one place to change when groups or another identity source
 * arrive: every construct takes its subjects from here.
 */
import type { ContributorRole } from '../declarations/contributors';
import type { PlatformSettings } from '../declarations/platform';
import type { Person } from '../declarations/tenant';
import { RBAC_API_GROUP, SUBJECT_KIND } from '../declarations/kubeflow';

/** The string Kubeflow sees for a person: what the identity header carries, minus its prefix. */
export function identityOf(p: Person, platform: PlatformSettings): string {
  return platform.identity.use === 'subject' ? (p.subject ?? p.email) : p.email;
}

/** An RBAC `User` subject. */
export interface UserSubject {
  readonly apiGroup: typeof RBAC_API_GROUP;
  readonly kind: typeof SUBJECT_KIND.user;
  readonly name: string;
}

/** An RBAC `ServiceAccount` subject (core group: no apiGroup, as the API server defaults it). */
export interface ServiceAccountSubject {
  readonly kind: typeof SUBJECT_KIND.serviceAccount;
  readonly name: string;
  readonly namespace: string;
}

/**
 * The subject of a person. apiGroup is always explicit: the Profile controller DeepEquals the
 * owner against the API-defaulted subject, and a missing apiGroup makes it rewrite that binding forever.
 */
export const userSubject = (identity: string): UserSubject => ({ apiGroup: RBAC_API_GROUP, kind: SUBJECT_KIND.user, name: identity });

/** The subject of a ServiceAccount of `namespace`. */
export const serviceAccountSubject = (namespace: string, name: string): ServiceAccountSubject => ({ kind: SUBJECT_KIND.serviceAccount, name, namespace });

/**
 * KFAM's binding name: `user-<id, runs of non-alphanumerics to "-", lowercased>-clusterrole-<role>`
 * (getBindingName: kind, name, roleRef kind and name joined by "-", then collapsed and lowercased).
 */
export function kfamBindingName(identity: string, role: ContributorRole): string {
  const safe = identity.replace(/[^a-zA-Z0-9]+/g, '-');
  return `User-${safe}-ClusterRole-${role}`.toLowerCase().replace(/[^a-zA-Z0-9]+/g, '-');
}
