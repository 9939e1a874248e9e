/**
 * Identities and RBAC subjects: how a declared person becomes the string Kubeflow sees, and the
 * subjects every binding names. The one place to change when groups or another identity source
 * arrive: every construct takes its subjects from here.
 */
import { createHash } from 'node:crypto';
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

/** An RBAC `Group` subject (a group as the API server names it: its groups prefix, then the name). */
export interface GroupSubject {
  readonly apiGroup: typeof RBAC_API_GROUP;
  readonly kind: typeof SUBJECT_KIND.group;
  readonly name: string;
}

/** The subject of a group bound as a group (platform `groups.mode: 'bind'`). */
export const groupSubject = (name: string): GroupSubject => ({ apiGroup: RBAC_API_GROUP, kind: SUBJECT_KIND.group, name });

/**
 * Name of a group's binding to `role` (a KFAM role or a ClusterRole): `group-<name>-clusterrole-<role>`,
 * the scheme of KFAM's proposed group bindings (kubeflow/dashboard#317).
 */
export function groupBindingName(group: string, role: string): string {
  return `Group-${group}-ClusterRole-${role}`.toLowerCase().replace(/[^a-zA-Z0-9]+/g, '-');
}

/** The subject of a ServiceAccount of `namespace`. */
export const serviceAccountSubject = (namespace: string, name: string): ServiceAccountSubject => ({ kind: SUBJECT_KIND.serviceAccount, name, namespace });

/**
 * KFAM's binding name: `user-<id, runs of non-alphanumerics to "-", lowercased>-clusterrole-<role>`
 * (getBindingName: kind, name, roleRef kind and name joined by "-", then collapsed and lowercased).
 */
export function kfamBindingName(identity: string, role: 'edit' | 'view'): string {
  return bindingNameOf(identity, role);
}

/** Longest object name the API server takes for a RoleBinding (a DNS subdomain). */
const MAX_NAME = 253;

/**
 * Name of a person's further binding to `clusterRole` (and of an auditor's AuthorizationPolicy):
 * KFAM's scheme with the ClusterRole's name (`user-<id>-clusterrole-kubeflow-notebooks-edit`), so
 * a person's objects sort together and never collide with KFAM's own (`...-clusterrole-edit|view`).
 * A name over 253 characters is cut and ends in a hash of the whole.
 */
export function extraBindingName(identity: string, clusterRole: string): string {
  const name = bindingNameOf(identity, clusterRole);
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `${name.slice(0, MAX_NAME - 11).replace(/-+$/, '')}-${hash}`;
}

function bindingNameOf(identity: string, role: string): string {
  const safe = identity.replace(/[^a-zA-Z0-9]+/g, '-');
  return `User-${safe}-ClusterRole-${role}`.toLowerCase().replace(/[^a-zA-Z0-9]+/g, '-');
}
