/**
 * The checks of `contributors` and the resolver they guarantee ({@link resolveContributors}): who
 * gets which catalogue role, directly or through a group (the objects: lib/constructs/contributors.ts;
 * the roles: lib/declarations/contributors.ts `ROLES`; docs/roles-and-groups.md).
 *
 * Combining roles, decided once here: a person's roles are the union of every path's roles
 * (direct entry, each group), minus the roles another of them covers (`ROLES[r].covers`). Two paths
 * that disagree are allowed and shown by `npm run access`, except when a group would give a person
 * more than their explicit entry says:
 * - the explicit role is `auditor` and a group gives any other role (the auditor's "writes nothing" would not hold);
 * - the explicit role is another one and a group gives a role it does not cover (`viewer` explicit, `member` by group).
 * A group giving `auditor` to someone with another explicit role only adds reading.
 */
import type { ContributorRole, ContributorSpec, GroupSpec, RoleName } from './declarations/contributors';
import { CONTRIBUTOR_ROLES, ROLE_NAMES, ROLES, roleName } from './declarations/contributors';
import type { Person, TenantSpec } from './declarations/tenant';
import type { CheckContext, ErrorList } from './validation';
import { at, checkKnownKeys, isPlainObject } from './validation';
import { checkPerson } from './profile';

// Declarations live in lib/declarations/ (no import cycles); re-exported so existing imports keep working.
export type { ContributorRole, ContributorSpec } from './declarations/contributors';
export { CONTRIBUTOR_ROLES } from './declarations/contributors';

const PERSON_FIELDS = ['user', 'subject', 'role'] as const;
const GROUP_ENTRY_FIELDS = ['group', 'role'] as const;

const ROLE_LIST = CONTRIBUTOR_ROLES.map((r) => JSON.stringify(r)).join(', ');

/** Whether a role written in a tenant file would give more than `explicit` (see the module comment). */
export function exceedsExplicit(explicit: RoleName, other: RoleName): boolean {
  if (explicit === 'auditor') return other !== 'auditor';
  return other !== 'auditor' && !ROLES[explicit].covers.includes(other);
}

/** Checks `contributors`: addresses, roles, groups, duplicates, shadowing, and that the owner is not listed. */
export function checkContributors(errs: ErrorList, spec: TenantSpec, ctx: CheckContext): void {
  const list = spec.contributors as unknown;
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    errs.invalid('contributors', list, 'must be a list such as [{ user: "bob@example.com", role: "viewer" }]');
    return;
  }
  const owner = isPlainObject(spec.owner) && typeof spec.owner.email === 'string' ? spec.owner.email.toLowerCase() : undefined;
  const seen = new Map<string, number>();
  const seenGroups = new Map<string, number>();
  const explicit = new Map<string, { i: number; role: RoleName; user: string }>();
  const viaGroups: { i: number; name: string; role: RoleName; group: GroupSpec }[] = [];
  list.forEach((c: unknown, i) => {
    const p = at.index('contributors', i);
    if (!isPlainObject(c)) {
      errs.invalid(p, c, 'must be an object { user, role } or { group, role }');
      return;
    }
    const isGroup = c.group !== undefined;
    checkKnownKeys(errs, p, c, isGroup ? GROUP_ENTRY_FIELDS : PERSON_FIELDS);
    let role: RoleName | undefined;
    if (c.role === undefined) errs.required(at.field(p, 'role'), `one of ${ROLE_LIST}`);
    else if (!CONTRIBUTOR_ROLES.includes(c.role as ContributorRole)) {
      errs.add(at.field(p, 'role'), 'Unsupported value', c.role, `supported values: ${ROLE_LIST} (the owner already has admin)`);
    } else role = roleName(c.role as ContributorRole);
    if (isGroup) {
      const name = c.group;
      if (typeof name !== 'string' || name === '') {
        errs.invalid(at.field(p, 'group'), name, 'must be the name of a group declared in groups/<name>.ts');
        return;
      }
      const g = ctx.groups?.get(name);
      if (!g) {
        const known = [...(ctx.groups?.keys() ?? [])].sort();
        errs.add(at.field(p, 'group'), 'Not found', name, `no group "${name}" in groups/; ${known.length ? `declared groups: ${known.join(', ')}` : 'no group is declared'}; add groups/${name}.ts or correct the name`);
        return;
      }
      const first = seenGroups.get(name);
      if (first !== undefined) {
        errs.add(at.field(p, 'group'), 'Duplicate value', name, `already listed at contributors[${first}]; keep one entry with the highest role needed`);
        return;
      }
      seenGroups.set(name, i);
      if (role) viaGroups.push({ i, name, role, group: g });
      return;
    }
    const emailOk = checkPerson(errs, p, c, ctx, 'user');
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
      if (role) explicit.set(key, { i, role, user: c.user });
    }
  });
  // A group may not give a person more than their explicit entry says (module comment).
  for (const [key, e] of explicit) {
    for (const g of viaGroups) {
      if (!g.group.members.some((m) => m.email.toLowerCase() === key) || !exceedsExplicit(e.role, g.role)) continue;
      const why =
        e.role === 'auditor'
          ? `${e.user} is also in group "${g.name}" (contributors[${g.i}]), which gives "${g.role}": an auditor writes nothing, and the group would let them`
          : `${e.user} is also in group "${g.name}" (contributors[${g.i}]), which gives "${g.role}", more than "${e.role}": the explicit entry would no longer say what they can do`;
      errs.invalid(at.field(at.index('contributors', e.i), 'role'), e.role, `${why}; raise this entry to "${g.role}", remove it so the group decides, or take them out of the group`);
    }
  }
}

/** The `{ group, role }` entries of a tenant, by group name. */
export function groupEntries(spec: TenantSpec): Extract<ContributorSpec, { group: string }>[] {
  return ((spec.contributors ?? []) as readonly ContributorSpec[])
    .filter((x): x is Extract<ContributorSpec, { group: string }> => 'group' in x)
    .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
}

/** One way a person got a role: their own entry, or a group. */
export interface RolePath {
  readonly role: RoleName;
  /** The group's name; undefined for the person's own entry. */
  readonly group?: string;
}

/** A person with their roles, resolved. */
export interface ResolvedContributor {
  readonly person: Person;
  /** Every path, own entry first, then groups by name. */
  readonly paths: readonly RolePath[];
  /** The roles to bind: the union of the paths' roles minus those another covers, in catalogue order (highest first). */
  readonly roles: readonly RoleName[];
}

/**
 * Every person with a role in the tenant, from its own entries and its groups (expanded unless
 * `expand` is false: the platform binds groups themselves), in first-appearance order; the owner is
 * left out (the controller binds them as admin). Assumes {@link checkContributors} found no error.
 */
export function resolveContributors(spec: TenantSpec, groups: ReadonlyMap<string, GroupSpec> = new Map(), expand = true): ResolvedContributor[] {
  const owner = spec.owner.email.toLowerCase();
  const byKey = new Map<string, { person: Person; own?: RoleName; groups: { name: string; role: RoleName }[] }>();
  const entries = (spec.contributors ?? []) as readonly ContributorSpec[];
  const add = (p: Person): { person: Person; own?: RoleName; groups: { name: string; role: RoleName }[] } => {
    const key = p.email.toLowerCase();
    let e = byKey.get(key);
    if (!e) {
      e = { person: p, groups: [] };
      byKey.set(key, e);
    }
    return e;
  };
  for (const c of entries) if ('user' in c) add(c.subject === undefined ? { email: c.user } : { email: c.user, subject: c.subject }).own = roleName(c.role);
  for (const c of expand ? groupEntries(spec) : []) {
    for (const m of groups.get(c.group)?.members ?? []) {
      if (m.email.toLowerCase() === owner) continue;
      const e = byKey.get(m.email.toLowerCase()) ?? add(m.subject === undefined ? { email: m.email } : { email: m.email, subject: m.subject });
      e.groups.push({ name: c.group, role: roleName(c.role) });
    }
  }
  return [...byKey.values()].map(({ person, own, groups: gs }) => {
    const paths: RolePath[] = [...(own ? [{ role: own }] : []), ...gs.map((g) => ({ role: g.role, group: g.name }))];
    const all = new Set(paths.map((p) => p.role));
    const roles = ROLE_NAMES.filter((r) => all.has(r) && ![...all].some((o) => o !== r && ROLES[o].covers.includes(r)));
    return { person, paths, roles };
  });
}
