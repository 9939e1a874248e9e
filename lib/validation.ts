/**
 * Validation: the error type every check reports, primitive checks (names, labels, emails,
 * quantities, unknown fields), and `validateTenants`, which runs every concept's checks over all
 * tenants and returns every error at once.
 *
 * Errors follow the Kubernetes field-error shape (`path: Invalid value: "x": detail`) prefixed with
 * the tenant file, and the detail always says how to fix the input.
 */
import type { PlatformSettings } from './declarations/platform';
import type { GroupSpec } from './declarations/contributors';
import { PREFIX_SCOPED, type TenantSpec } from './declarations/tenant';
import { Quantity } from './quantity';

/** The kinds of field error Kubernetes uses (k8s.io/apimachinery/pkg/util/validation/field). */
export type FieldErrorType =
  | 'Invalid value'
  | 'Required value'
  | 'Duplicate value'
  | 'Unsupported value'
  | 'Forbidden'
  | 'Not found'
  | 'Too long';

/** Where in a file an error is (1-based line and column, as editors count them). */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** One problem in one tenant file, at one field. */
export class FieldError {
  constructor(
    /** File the error is in, relative to the repo root (`tenants/fraud.ts`). */
    readonly file: string,
    /** Field path in the declaration (`quota.gpu["nvidia.com/mig-3g.20"]`). */
    readonly path: string,
    readonly type: FieldErrorType,
    /** The offending value; omitted for `Required value`. */
    readonly value: unknown,
    /** Why it is wrong and how to fix it. */
    readonly detail: string,
    /** Where the file could not be compiled or threw, when known: printed as `file:line:column`. */
    readonly position?: SourcePosition,
  ) {}

  toString(): string {
    const shown = this.type === 'Required value' ? this.type : `${this.type}: ${renderValue(this.value)}`;
    const where = this.position ? `${this.file}:${this.position.line}:${this.position.column}` : this.file;
    return `${where}: ${this.path}: ${shown}${this.detail ? `: ${this.detail}` : ''}`;
  }
}

/** A value shown as written, unquoted: for values that are not data (`<function>`, `10n`, `<Map>`). */
export class Shown {
  constructor(readonly text: string) {}
}

/** Thrown by the synth pipeline when a declaration has errors; carries all of them. */
export class ValidationError extends Error {
  constructor(readonly errors: readonly FieldError[]) {
    super(`${errors.length} error(s) in tenant declarations:\n${errors.map((e) => `  ${e}`).join('\n')}`);
    this.name = 'ValidationError';
  }
}

/**
 * The value part of a message. Total: whatever a tenant file exported (a function, a BigInt, a
 * cycle, a Proxy with throwing traps), it returns a string and never throws.
 */
export function renderValue(v: unknown): string {
  try {
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v);
      case 'number':
      case 'boolean':
      case 'undefined':
        return String(v);
      case 'bigint':
        return `${v.toString()}n`;
      case 'function':
        return '<function>';
      case 'symbol':
        return '<symbol>';
      default:
    }
    if (v === null) return 'null';
    if (v instanceof Shown) return v.text;
    // JSON.stringify omits functions and symbols and throws on BigInt and cycles: a value it
    // cannot write whole is shown by its kind.
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x.toString()}n` : x)) as string | undefined;
    if (typeof s !== 'string') return '<value>';
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return '<value that cannot be shown>';
  }
}

/** Collects errors for one file; checks append to it instead of throwing so every error is reported. */
export class ErrorList {
  readonly errors: FieldError[] = [];
  constructor(readonly file: string) {}

  add(path: string, type: FieldErrorType, value: unknown, detail: string): void {
    this.errors.push(new FieldError(this.file, path, type, value, detail));
  }
  invalid(path: string, value: unknown, detail: string): void {
    this.add(path, 'Invalid value', value, detail);
  }
  required(path: string, detail: string): void {
    this.add(path, 'Required value', undefined, detail);
  }
}

/** Path helpers so messages use one notation: `a.b`, `a[0]`, `a["key.with/dots"]`. */
export const at = {
  field: (base: string, name: string): string => (base ? `${base}.${name}` : name),
  index: (base: string, i: number): string => `${base}[${i}]`,
  key: (base: string, k: string): string => `${base}[${JSON.stringify(k)}]`,
};

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
// Deliberately close to what the Kubeflow dashboard and KFAM accept (local@domain.tld).
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** A namespace name: RFC 1123 label, at most 63 characters. */
export function checkDnsLabel(errs: ErrorList, path: string, value: unknown): value is string {
  if (typeof value !== 'string' || value === '') {
    errs.required(path, 'a lowercase RFC 1123 label, e.g. "fraud-modelling"');
    return false;
  }
  if (value.length > 63) {
    errs.add(path, 'Too long', value, `may not be more than 63 characters (is ${value.length}); shorten the name`);
    return false;
  }
  if (!DNS1123_LABEL.test(value)) {
    errs.invalid(
      path,
      value,
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')",
    );
    return false;
  }
  return true;
}

/** Whether `value` is an e-mail address as the Kubeflow dashboard accepts it. */
export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

export function checkEmail(errs: ErrorList, path: string, value: unknown): value is string {
  if (typeof value !== 'string' || value === '') {
    errs.required(path, 'an e-mail address such as "alice@example.com"');
    return false;
  }
  if (!EMAIL.test(value)) {
    errs.invalid(path, value, 'not an e-mail address; write it as user@domain.tld, e.g. "alice@example.com"');
    return false;
  }
  return true;
}

/** A Kubernetes label key (optional DNS-subdomain prefix + name). */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) return false;
  if (slash >= 0) {
    if (prefix.length === 0 || prefix.length > 253) return false;
    if (!prefix.split('.').every((p) => DNS1123_LABEL.test(p))) return false;
  }
  return true;
}

export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/** Reports keys of `obj` that the declaration type does not have (the runtime twin of TypeScript's excess-property check). */
export function checkKnownKeys(errs: ErrorList, path: string, obj: object, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      errs.add(
        at.field(path, key),
        'Unsupported value',
        key,
        `unknown field; supported fields: ${allowed.join(', ')}`,
      );
    }
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks that `value` is an object (or absent when optional); reports and returns false otherwise. */
export function checkObject(
  errs: ErrorList,
  path: string,
  value: unknown,
  allowed: readonly string[],
): value is Record<string, unknown> {
  if (!isPlainObject(value)) {
    errs.invalid(path, value, `must be an object with fields ${allowed.join(', ')}`);
    return false;
  }
  checkKnownKeys(errs, path, value, allowed);
  return true;
}

/** Parses a Kubernetes quantity, reporting an error for unparsable or negative input. */
export function checkQuantity(errs: ErrorList, path: string, value: unknown): Quantity | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') {
    errs.invalid(path, value, 'must be a Kubernetes quantity such as "500m", "8", "32Gi"');
    return undefined;
  }
  const q = Quantity.parse(value);
  if (!q) {
    errs.invalid(path, value, 'not a Kubernetes quantity; use a number with an optional suffix (m, k, M, G, Ki, Mi, Gi, Ti), e.g. "500m", "32Gi"');
    return undefined;
  }
  if (q.value < 0) {
    errs.invalid(path, value, 'must be greater than or equal to 0');
    return undefined;
  }
  return q;
}

/** A whole, non-negative count (pods, PVCs, GPUs). */
export function checkCount(errs: ErrorList, path: string, value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    errs.invalid(path, value, 'must be a whole number, e.g. 4');
    return undefined;
  }
  if (value < 0) {
    errs.invalid(path, value, 'must be greater than or equal to 0');
    return undefined;
  }
  return value;
}

/** Matches a name against reserved patterns; a trailing `*` matches any suffix (`kube-*`). */
export function reservedPattern(name: string, patterns: readonly string[]): string | undefined {
  return patterns.find((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}

/** A tenant declaration together with the file it came from. */
export interface TenantEntry {
  /** Path relative to the repo root, used in every message (`tenants/fraud.ts`). */
  readonly file: string;
  readonly spec: TenantSpec;
}

/** A check over one tenant; each concept module (profile, quota, contributors, ...) exports one. */
export type TenantCheck = (errs: ErrorList, spec: TenantSpec, ctx: CheckContext) => void;

/** What a per-tenant check may look at besides its own tenant. */
export interface CheckContext {
  readonly platform: PlatformSettings;
  /** Every declared tenant by name (first declaration wins), for reference checks such as grants. */
  readonly tenants: ReadonlyMap<string, TenantSpec>;
  /** `YYYY-MM-DD` (UTC), the clock dated declarations (exception expiry) are compared with; injectable so synth stays testable. */
  readonly today: string;
  /** Every declared group (`groups/*.ts`) by name, for `contributors[*].group`. @default none */
  readonly groups?: ReadonlyMap<string, GroupSpec>;
}

/**
 * Which tenant names are deployed (in `dist/` at the merge base with the default branch), each
 * with the tenant file that declares it now: undefined when no file does, or when several do and
 * it cannot be told which one declared it before. Computed by lib/deployed.ts.
 */
export type DeployedNames = ReadonlyMap<string, string | undefined>;

/** Why a deployed tenant is never simply renamed; part of every message that could lead there. */
export const RENAMING_IS_REMOVING =
  'renaming a deployed tenant is removing it, which deletes its namespace and everything in it (docs/gitops.md "Removing a tenant")';


/**
 * Cross-tenant checks: duplicate names and names that are a prefix of another (prefix-scoped
 * policies - bucket prefixes, Vault paths, audit filters - must never match two tenants).
 *
 * An error lands on the file that caused it: when one side is deployed and the other is new, only
 * the new file gets it (renaming the deployed one would delete its namespace); when both or
 * neither are deployed, each file gets one naming the other.
 */
export function checkTenantSet(entries: readonly TenantEntry[], deployed: DeployedNames = new Map()): FieldError[] {
  const out: FieldError[] = [];
  const byName = new Map<string, TenantEntry[]>();
  for (const e of entries) {
    const name = (e.spec as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || name === '') continue;
    const list = byName.get(name);
    if (list) list.push(e);
    else byName.set(name, [e]);
  }
  // The file that declares the deployed tenant, if it can be told; otherwise the first.
  const declaring = (name: string, list: readonly TenantEntry[]): TenantEntry | undefined =>
    deployed.has(name) ? list.find((e) => e.file === deployed.get(name)) : undefined;

  for (const [name, list] of byName) {
    if (list.length < 2) continue;
    const owner = declaring(name, list);
    for (const e of list) {
      if (e === owner) continue;
      const others = list.filter((o) => o !== e).map((o) => o.file).join(', ');
      const detail = owner
        ? `tenant "${name}" is deployed and declared by ${owner.file}; each tenant needs its own name; choose another name for the tenant in this file`
        : deployed.has(name)
          ? `also declared by ${others}; tenant "${name}" is deployed and it cannot be told which file declared it; each tenant needs its own name; keep the deployed tenant in one file and choose a new name in the other (${RENAMING_IS_REMOVING})`
          : `also declared by ${others}, and "${name}" is not deployed yet; each tenant needs its own name; choose another name in one of the files`;
      out.push(new FieldError(e.file, 'name', 'Duplicate value', name, detail));
    }
  }

  const rep = new Map<string, TenantEntry>();
  for (const [name, list] of byName) rep.set(name, declaring(name, list) ?? list[0]!);
  // After sorting, every name that starts with `a` directly follows `a`: one scan finds all pairs.
  const names = [...rep.keys()].sort();
  for (let i = 0; i < names.length; i++) {
    const a = names[i]!;
    const ea = rep.get(a)!;
    for (let j = i + 1; j < names.length && names[j]!.startsWith(a); j++) {
      const b = names[j]!;
      const eb = rep.get(b)!;
      const da = deployed.has(a);
      const db = deployed.has(b);
      if (da && !db) {
        out.push(new FieldError(eb.file, 'name', 'Invalid value', b, `starts with the name of tenant "${a}" (${ea.file}), which is deployed; ${PREFIX_SCOPED}; choose a name that does not start with "${a}"`));
      } else if (!da && db) {
        out.push(new FieldError(ea.file, 'name', 'Invalid value', a, `tenant "${b}" (${eb.file}) is deployed and starts with "${a}"; ${PREFIX_SCOPED}; choose a name that is not a prefix of "${b}"`));
      } else if (!da) {
        out.push(new FieldError(eb.file, 'name', 'Invalid value', b, `starts with the name of tenant "${a}" (${ea.file}), and neither is deployed yet; ${PREFIX_SCOPED}; choose a name that does not start with "${a}", or rename "${a}"`));
        out.push(new FieldError(ea.file, 'name', 'Invalid value', a, `is a prefix of the name of tenant "${b}" (${eb.file}), and neither is deployed yet; ${PREFIX_SCOPED}; choose a name that is not a prefix of "${b}", or rename "${b}"`));
      } else {
        const fix = `both are deployed, and ${RENAMING_IS_REMOVING}: add a tenant whose name neither starts with nor is a prefix of another, move the work and data to it, then remove this one in two steps`;
        out.push(new FieldError(eb.file, 'name', 'Invalid value', b, `starts with the name of tenant "${a}" (${ea.file}); ${PREFIX_SCOPED}; ${fix}`));
        out.push(new FieldError(ea.file, 'name', 'Invalid value', a, `is a prefix of the name of tenant "${b}" (${eb.file}); ${PREFIX_SCOPED}; ${fix}`));
      }
    }
  }
  return out;
}

/**
 * The most characters the tenant names may take in the in-cluster guard's prefix rule
 * (lib/constructs/admission-guard.ts): each name as a CEL string literal in a list (its length + 4:
 * quotes, comma, space). CEL's parser refuses an expression over 100,000 code points (the cel-go
 * default, which the API server and Kyverno keep); this leaves room for the rest of the rule. About
 * 5,000 names of 14 characters, or 1,400 of the longest (63).
 */
export const GUARD_NAME_LIST_LIMIT = 90_000;

/** The tenant names as the guard's prefix rule lists them: their size in code points. */
export const guardNameListSize = (names: Iterable<string>): number => [...new Set(names)].reduce((n, s) => n + [...s].length + 4, 0);

/**
 * When a guard is on, the org's tenant names must fit its prefix rule ({@link GUARD_NAME_LIST_LIMIT}):
 * beyond it, the API server and Kyverno would refuse the whole Profile guard.
 */
export function checkGuardNameList(entries: readonly TenantEntry[], platform: PlatformSettings, cluster?: { readonly index: number; readonly name: string }): FieldError[] {
  if (!platform.guards.admissionPolicy && !platform.guards.kyverno) return [];
  const names = entries.map((e) => (e.spec as { name?: unknown } | undefined)?.name).filter((n): n is string => typeof n === 'string' && n !== '');
  const size = guardNameListSize(names);
  if (size <= GUARD_NAME_LIST_LIMIT) return [];
  const count = new Set(names).size;
  return [
    new FieldError(
      'platform.ts',
      cluster ? `fleet.clusters[${cluster.index}].platform.guards` : 'guards',
      'Too long',
      `${count} tenant names`,
      `the in-cluster guard's tenant-name prefix rule lists every tenant's name${cluster ? ` on cluster "${cluster.name}" (its homes, burst guests and the copies of tenants moving away)` : ''}, and ${count} names take ${size} characters of CEL, more than ${GUARD_NAME_LIST_LIMIT} (CEL refuses an expression over 100,000 characters, which would leave the cluster without the Profile guard); ` +
        'shorten tenant names, or turn the in-cluster guards off (guards.admissionPolicy: false, guards.kyverno: false) and rely on synth alone for the prefix rule',
    ),
  ];
}

/** Orders errors by file, then by the order the checks found them (stable). */
export function sortErrors(errors: FieldError[]): FieldError[] {
  return errors
    .map((e, i) => ({ e, i }))
    .sort((x, y) => (x.e.file < y.e.file ? -1 : x.e.file > y.e.file ? 1 : x.i - y.i))
    .map((x) => x.e);
}
