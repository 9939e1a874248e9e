/**
 * Contributors: for each, the RoleBinding and Istio AuthorizationPolicy exactly as KFAM creates
 * them (kubeflow/dashboard access-management/kfam/bindings.go), so the dashboard's "Manage
 * contributors" page lists them and its "remove" button works.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { AuthorizationPolicy } from '../imports/security.istio.io';
import type { ContributorRole, ContributorSpec } from './declarations/contributors';
import { CONTRIBUTOR_ROLES } from './declarations/contributors';
import type { PlatformSettings } from './declarations/platform';
import type { CheckContext, ErrorList } from './validation';
import { at, checkKnownKeys, isPlainObject } from './validation';
import type { Person, TenantSpec } from './declarations/tenant';
import { checkPerson, identityOf } from './profile';
import { objectMeta } from './meta';

// Declarations live in lib/declarations/ (no import cycles); re-exported so existing imports keep working.
export type { ContributorRole, ContributorSpec } from './declarations/contributors';
export { CONTRIBUTOR_ROLES } from './declarations/contributors';

const CONTRIBUTOR_FIELDS = ['user', 'subject', 'role'] as const satisfies readonly (keyof ContributorSpec)[];

/**
 * KFAM's binding name: `user-<id, runs of non-alphanumerics to "-", lowercased>-clusterrole-<role>`
 * (getBindingName: kind, name, roleRef kind and name joined by "-", then collapsed and lowercased).
 */
export function kfamBindingName(identity: string, role: ContributorRole): string {
  const safe = identity.replace(/[^a-zA-Z0-9]+/g, '-');
  return `User-${safe}-ClusterRole-${role}`.toLowerCase().replace(/[^a-zA-Z0-9]+/g, '-');
}

/** Props of {@link Contributors}. */
export interface ContributorsProps {
  readonly namespace: string;
  /** Contributors; emitted sorted by binding name, whatever the declaration order. */
  readonly contributors: readonly ContributorSpec[];
  readonly platform: PlatformSettings;
  /** Labels of every object. @default none */
  readonly labels?: Record<string, string>;
}

export class Contributors extends Construct {
  constructor(scope: Construct, id: string, props: ContributorsProps) {
    super(scope, id);
    const { identity, istio } = props.platform;
    const entries = props.contributors
      .map((c) => {
        const who = identityOf(asPerson(c), props.platform);
        return { who, role: c.role, name: kfamBindingName(who, c.role) };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { who, role, name } of entries) {
      // KFAM reads `user` and `role` annotations; `role` is the dashboard's name, not the ClusterRole.
      const annotations = { role, user: who };
      new k8s.KubeRoleBinding(this, `${name}-rb`, {
        metadata: objectMeta(name, props.namespace, props.labels, annotations),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `kubeflow-${role}` },
        // Exactly one subject: KFAM's List fails for the whole namespace otherwise.
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: who }],
      });
      new AuthorizationPolicy(this, `${name}-ap`, {
        metadata: objectMeta(name, props.namespace, props.labels, annotations),
        spec: {
          rules: [
            {
              from: [{ source: { principals: [istio.ingressGatewayPrincipal, istio.pipelineUiPrincipal] } }],
              when: [{ key: `request.headers[${identity.header}]`, values: [`${identity.prefix}${who}`] }],
            },
          ],
        },
      });
    }
  }
}

function asPerson(c: ContributorSpec): Person {
  return c.subject === undefined ? { email: c.user } : { email: c.user, subject: c.subject };
}

/** Checks `contributors`: addresses, roles, duplicates, and that the owner is not listed. */
export function checkContributors(errs: ErrorList, spec: TenantSpec, ctx: CheckContext): void {
  const list = spec.contributors as unknown;
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    errs.invalid('contributors', list, 'must be a list such as [{ user: "bob@example.com", role: "view" }]');
    return;
  }
  const owner = isPlainObject(spec.owner) && typeof spec.owner.email === 'string' ? spec.owner.email.toLowerCase() : undefined;
  const seen = new Map<string, number>();
  list.forEach((c: unknown, i) => {
    const p = at.index('contributors', i);
    if (!isPlainObject(c)) {
      errs.invalid(p, c, 'must be an object { user, role }');
      return;
    }
    checkKnownKeys(errs, p, c, CONTRIBUTOR_FIELDS);
    const emailOk = checkPerson(errs, p, c, ctx, 'user');
    if (c.role === undefined) errs.required(at.field(p, 'role'), 'one of "edit", "view"');
    else if (!CONTRIBUTOR_ROLES.includes(c.role as ContributorRole)) {
      errs.add(at.field(p, 'role'), 'Unsupported value', c.role, 'supported values: "edit", "view" (the owner already has admin)');
    }
    if (!emailOk || typeof c.user !== 'string') return;
    // E-mail comparison is case-insensitive, as in every IdP; KFAM's names are lowercased too.
    const key = c.user.toLowerCase();
    if (owner !== undefined && key === owner) {
      errs.add(at.field(p, 'user'), 'Duplicate value', c.user, 'is the owner, who already administers the namespace; remove this entry');
    }
    const first = seen.get(key);
    if (first !== undefined) {
      errs.add(at.field(p, 'user'), 'Duplicate value', c.user, `already listed at contributors[${first}]; keep one entry with the highest role needed`);
    } else {
      seen.set(key, i);
    }
  });
}
