/**
 * Groups: `groups/<name>.ts`, one typed file per group, the platform's data like `tenants/`. A
 * tenant gives a group a role as it gives a person one (`contributors: [{ group, role }]`); synth
 * expands it into each member's own bindings (lib/contributors.ts `resolveContributors`).
 * Checks here are of the group files themselves; references from tenants are checked in
 * lib/contributors.ts.
 */
import type { GroupMemberSpec, GroupSpec } from './declarations/contributors';
import type { PlatformSettings } from './declarations/platform';
import { checkPerson } from './profile';
import type { CheckContext } from './validation';
import { at, checkDnsLabel, checkKnownKeys, ErrorList, FieldError, isPlainObject, sortErrors } from './validation';

export type { GroupMemberSpec, GroupSpec } from './declarations/contributors';

/** The folder groups are declared in, relative to the repository root. */
export const GROUPS_DIR = 'groups';

/** A group declaration and the file it came from. */
export interface GroupEntry {
  /** `groups/<name>.ts`. */
  readonly file: string;
  readonly spec: GroupSpec;
}

const GROUP_FIELDS = ['name', 'members', 'description'] as const satisfies readonly (keyof GroupSpec)[];
const MEMBER_FIELDS = ['email', 'subject'] as const satisfies readonly (keyof GroupMemberSpec)[];

/**
 * Declares a group. It returns its argument unchanged; its value is the type check. Synth re-checks
 * everything at run time.
 */
export function group(spec: GroupSpec): GroupSpec {
  return spec;
}

/**
 * Checks every group file: the name (a DNS-1123 label equal to the file's name, unique), members
 * (at least one, valid addresses, each once, case-insensitively). Returns all errors, sorted by file.
 */
export function checkGroups(entries: readonly GroupEntry[], platform: PlatformSettings): FieldError[] {
  const out: FieldError[] = [];
  const ctx: CheckContext = { platform, tenants: new Map(), today: '' };
  const byName = new Map<string, string>();
  for (const e of entries) {
    const errs = new ErrorList(e.file);
    const spec = e.spec as unknown;
    if (!isPlainObject(spec)) {
      errs.invalid('(default export)', spec, 'the file must `export default group({ name, members: [{ email }] })`');
      out.push(...errs.errors);
      continue;
    }
    checkKnownKeys(errs, '', spec, GROUP_FIELDS);
    if (checkDnsLabel(errs, 'name', spec.name)) {
      const stem = e.file.replace(/^.*\//, '').replace(/\.ts$/, '');
      if (spec.name !== stem) errs.invalid('name', spec.name, `must equal the file's name (${stem}); rename the file to ${GROUPS_DIR}/${spec.name}.ts or the group to "${stem}"`);
      const first = byName.get(spec.name);
      if (first !== undefined) errs.add('name', 'Duplicate value', spec.name, `also declared by ${first}; each group needs its own name`);
      else byName.set(spec.name, e.file);
    }
    if (spec.description !== undefined && typeof spec.description !== 'string') errs.invalid('description', spec.description, 'must be a string');
    const members = spec.members as unknown;
    if (members === undefined) errs.required('members', 'the people in the group, e.g. [{ email: "bob@example.com" }]');
    else if (!Array.isArray(members)) errs.invalid('members', members, 'must be a list such as [{ email: "bob@example.com" }]');
    else if (members.length === 0) {
      errs.invalid('members', members, 'an empty group gives nobody anything and hides a mistake; add its members, or remove the group and every tenant entry naming it');
    } else {
      const seen = new Map<string, number>();
      members.forEach((m: unknown, i) => {
        const p = at.index('members', i);
        if (!isPlainObject(m)) {
          errs.invalid(p, m, 'must be an object { email, subject? }');
          return;
        }
        checkKnownKeys(errs, p, m, MEMBER_FIELDS);
        if (!checkPerson(errs, p, m, ctx) || typeof m.email !== 'string') return;
        const key = m.email.toLowerCase();
        const prev = seen.get(key);
        if (prev !== undefined) errs.add(at.field(p, 'email'), 'Duplicate value', m.email, `already listed at members[${prev}] (e-mails compare case-insensitively); remove this entry`);
        else seen.set(key, i);
      });
    }
    out.push(...errs.errors);
  }
  return sortErrors(out);
}

/** The valid groups by name (first declaration wins), for the tenant checks and the model. */
export function groupsByName(entries: readonly GroupEntry[]): Map<string, GroupSpec> {
  const out = new Map<string, GroupSpec>();
  for (const e of entries) {
    const s = e.spec as unknown;
    if (isPlainObject(s) && typeof s.name === 'string' && Array.isArray(s.members) && !out.has(s.name)) out.set(s.name, e.spec);
  }
  return out;
}
