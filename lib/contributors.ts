/**
 * The checks of `contributors` (the objects, exactly as KFAM creates them: lib/constructs/contributors.ts).
 * Both roles are real RBAC; only `edit` contributors appear on the dashboard's "Manage contributors"
 * page (it neither lists nor removes `view` ones), so removing a `view` contributor is done here.
 */
import type { ContributorRole, ContributorSpec } from './declarations/contributors';
import { CONTRIBUTOR_ROLES } from './declarations/contributors';
import type { CheckContext, ErrorList } from './validation';
import { at, checkKnownKeys, isPlainObject } from './validation';
import type { TenantSpec } from './declarations/tenant';
import { checkPerson } from './profile';

// Declarations live in lib/declarations/ (no import cycles); re-exported so existing imports keep working.
export type { ContributorRole, ContributorSpec } from './declarations/contributors';
export { CONTRIBUTOR_ROLES } from './declarations/contributors';

const CONTRIBUTOR_FIELDS = ['user', 'subject', 'role'] as const satisfies readonly (keyof ContributorSpec)[];

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
