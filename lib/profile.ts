/**
 * The checks of a tenant's name, owner and labels (the Profile's inputs; the Profile itself is
 * lib/constructs/profile.ts).
 */
import type { CheckContext, ErrorList } from './validation';
import { at, checkDnsLabel, checkEmail, checkObject, isLabelKey, isLabelValue, isPlainObject, reservedPattern } from './validation';
import type { Person, TenantSpec } from './declarations/tenant';
import { reservedLabelPattern } from './declarations/labels';

// Declarations live in lib/declarations/ (no import cycles); re-exported so existing imports keep working.
export type { Person } from './declarations/tenant';

const PERSON_FIELDS = ['email', 'subject'] as const satisfies readonly (keyof Person)[];

/** Checks a Person at `path` (owner or contributor), including the subject when the platform needs it. */
export function checkPerson(errs: ErrorList, path: string, value: unknown, ctx: CheckContext, emailField = 'email'): boolean {
  const fields = emailField === 'email' ? PERSON_FIELDS : ([emailField, 'subject', 'role'] as const);
  if (!isPlainObject(value)) {
    errs.invalid(path, value, `must be an object with fields ${fields.join(', ')}`);
    return false;
  }
  let ok = checkEmail(errs, at.field(path, emailField), value[emailField]);
  const subject = value.subject;
  if (subject !== undefined && (typeof subject !== 'string' || subject.trim() === '' || subject.trim() !== subject)) {
    errs.invalid(at.field(path, 'subject'), subject, 'must be the non-empty IdP subject (sub claim) without surrounding spaces');
    ok = false;
  }
  if (ctx.platform.identity.use === 'subject' && subject === undefined) {
    errs.required(at.field(path, 'subject'), 'the platform identifies users by IdP subject (platform.ts identity.use); add the subject');
    ok = false;
  }
  return ok;
}

/** Why a reserved label key is refused; the detail of the Forbidden error, before the fix. */
export const RESERVED_LABEL_WHY = (pattern: string): string =>
  `matches "${pattern}", reserved for the platform (platform.ts labels.reserved): such keys steer isolation, admission or the platform's own bookkeeping, and only the platform sets them`;

/** Checks name, owner and labels of one tenant. */
export function checkProfile(errs: ErrorList, spec: TenantSpec, ctx: CheckContext): void {
  if (checkDnsLabel(errs, 'name', spec.name)) {
    const hit = reservedPattern(spec.name, ctx.platform.reservedNames);
    if (hit) {
      errs.add('name', 'Forbidden', spec.name, `"${hit}" is reserved for the platform (platform.ts reservedNames); choose another name`);
    }
  }
  if (spec.owner === undefined) errs.required('owner', 'the owner of the tenant, e.g. { email: "lead@example.com" }');
  else if (checkObject(errs, 'owner', spec.owner, PERSON_FIELDS)) checkPerson(errs, 'owner', spec.owner, ctx);

  const labels = spec.labels as unknown;
  if (labels === undefined || !isPlainObject(labels)) {
    if (labels !== undefined) errs.invalid('labels', labels, 'must map label keys to values');
    for (const l of ctx.platform.requiredLabels) errs.required(at.key('labels', l), `every tenant must carry the "${l}" label (platform.ts requiredLabels)`);
    return;
  }
  const { reserved, complianceTier, complianceTiers } = ctx.platform.labels;
  for (const [k, v] of Object.entries(labels)) {
    const p = at.key('labels', k);
    if (!isLabelKey(k)) errs.invalid(p, k, 'not a label key: an optional DNS-subdomain prefix and "/", then at most 63 alphanumerics, "-", "_" or "."');
    else {
      const hit = reservedLabelPattern(k, reserved);
      if (hit) errs.add(p, 'Forbidden', k, `${RESERVED_LABEL_WHY(hit)}; remove the label (keys under your own prefix, e.g. "example.com/<name>", are free to use)`);
    }
    if (typeof v !== 'string' || !isLabelValue(v)) {
      errs.invalid(p, v, 'a label value must be at most 63 characters: alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric');
    } else if (k === complianceTier && v !== '' && !complianceTiers.includes(v)) {
      // The diff orders tiers to tell a lowering: a value outside the list could not be ordered.
      errs.add(p, 'Unsupported value', v, `supported values: ${complianceTiers.map((t) => JSON.stringify(t)).join(', ')} (platform.ts labels.complianceTiers, lowest to highest)`);
    }
  }
  for (const l of ctx.platform.requiredLabels) {
    const v = labels[l];
    if (v === undefined || v === '') errs.required(at.key('labels', l), `every tenant must carry the "${l}" label (platform.ts requiredLabels)`);
  }
}
