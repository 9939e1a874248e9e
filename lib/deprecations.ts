/**
 * Renamed tenant-file fields and enum values keep working for a documented period (README
 * "Upgrading the tool"), so a fork can upgrade the tool without editing every tenant file the
 * same day. Synth rewrites each old spelling to the new one before validation and warns; after
 * the removal date the old spelling is an error with the same fix.
 *
 * Policy: an alias is kept for at least two minor releases and at least 6 months after the
 * release that renamed it, whichever is longer; `removedAfter` records the resulting date.
 */
import type { TenantSpec } from './declarations/tenant';
import type { TenantEntry } from './validation';
import { at, FieldError, isPlainObject, sortErrors } from './validation';

/** When a rename happened and how long its alias lives. */
interface Lifetime {
  /** Tool version that made the rename (`package.json` version). */
  readonly since: string;
  /** Day of the rename, `YYYY-MM-DD`. */
  readonly deprecated: string;
  /** Last day the old spelling is accepted, `YYYY-MM-DD`; from the next day on it is an error. */
  readonly removedAfter: string;
}

/**
 * A field that moved: `from` and `to` are path patterns in the declaration, dot-separated field
 * names where `[*]` after a name means every element of that array (`grants[*].verbs`). Both
 * patterns have the same number of `[*]`; the element indexes carry over in order.
 */
export interface FieldRename extends Lifetime {
  readonly kind: 'field';
  readonly from: string;
  readonly to: string;
}

/** An enum value that was renamed at `path` (a pattern as above, e.g. `contributors[*].role`). */
export interface ValueRename extends Lifetime {
  readonly kind: 'value';
  readonly path: string;
  readonly from: string;
  readonly to: string;
}

export type Deprecation = FieldRename | ValueRename;

/**
 * The shipped table, oldest first (a later rename may rename the result of an earlier one).
 * No field or value has been renamed yet.
 */
export const DEPRECATIONS: readonly Deprecation[] = [];

/** A deprecated spelling in a tenant file: reported like a FieldError, but synth still succeeds. */
export class DeprecationWarning {
  constructor(
    readonly file: string,
    /** Where the old spelling is, in the declaration (`contributors[0].role`). */
    readonly path: string,
    /** What changed, until when the alias works, and the fix. */
    readonly detail: string,
  ) {}

  toString(): string {
    return `${this.file}: ${this.path}: Deprecated: ${this.detail}`;
  }
}

export interface MigrationResult {
  /** The entries with every old spelling rewritten; unchanged entries are the same objects. */
  readonly entries: TenantEntry[];
  readonly warnings: DeprecationWarning[];
  /** Both spellings at once, or an alias past its removal date. */
  readonly errors: FieldError[];
  /** Every field moved, as concrete paths, for {@link atOldSpelling}. */
  readonly moved: readonly { readonly file: string; readonly from: string; readonly to: string }[];
}

/** Today in UTC as `YYYY-MM-DD`: the default clock. */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10);

/**
 * Rewrites every deprecated spelling of every entry to the current one. The user's objects are
 * never mutated: an entry with a match is deep-copied first. `today` (`YYYY-MM-DD`) is the clock
 * the removal dates are compared with.
 */
export function migrateEntries(entries: readonly TenantEntry[], table: readonly Deprecation[], today: string): MigrationResult {
  const out: TenantEntry[] = [];
  const warnings: DeprecationWarning[] = [];
  const errors: FieldError[] = [];
  const moved: { file: string; from: string; to: string }[] = [];
  for (const e of entries) {
    if (!isPlainObject(e.spec) || !table.some((d) => inUse(e.spec, d))) {
      out.push(e);
      continue;
    }
    const spec = copyData(e.spec) as Record<string, unknown>;
    for (const d of table) applyOne(e.file, spec, d, today, warnings, errors, moved);
    out.push({ file: e.file, spec: spec as unknown as TenantSpec });
  }
  const byFile = (x: { file: string }, y: { file: string }): number => (x.file < y.file ? -1 : x.file > y.file ? 1 : 0);
  return { entries: out, warnings: warnings.map((w, i) => ({ w, i })).sort((x, y) => byFile(x.w, y.w) || x.i - y.i).map((x) => x.w), errors: sortErrors(errors), moved };
}

/** A deep copy of plain objects and arrays; anything else (never valid in a declaration) is shared. */
function copyData(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyData);
  if (typeof v === 'object' && v !== null && [Object.prototype, null].includes(Object.getPrototypeOf(v))) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyData(x)]));
  }
  return v;
}

/** Whether the declaration uses the old spelling of `d` (cheap enough to run on every tenant). */
function inUse(spec: unknown, d: Deprecation): boolean {
  return d.kind === 'field' ? locate(spec, d.from).length > 0 : locate(spec, d.path).some((l) => l.value === d.from);
}

function applyOne(
  file: string,
  spec: Record<string, unknown>,
  d: Deprecation,
  today: string,
  warnings: DeprecationWarning[],
  errors: FieldError[],
  moved: { file: string; from: string; to: string }[],
): void {
  const expired = today > d.removedAfter;
  const until = expired ? `the alias was removed after ${d.removedAfter}` : `the alias is removed after ${d.removedAfter}`;
  if (d.kind === 'value') {
    for (const loc of locate(spec, d.path)) {
      if (loc.value !== d.from) continue;
      loc.parent[loc.key] = d.to;
      const detail = `renamed to ${JSON.stringify(d.to)} on ${d.deprecated}; ${until}: write ${JSON.stringify(d.to)}`;
      // The error shows the value itself; the warning has no value slot, so it names it.
      if (expired) errors.push(new FieldError(file, loc.path, 'Unsupported value', d.from, detail));
      else warnings.push(new DeprecationWarning(file, loc.path, `${JSON.stringify(d.from)} ${detail}`));
    }
    return;
  }
  const target = parsePattern(d.to);
  for (const loc of locate(spec, d.from)) {
    const oldName = String(loc.key);
    const newPath = concretePath(target, loc.indexes);
    const existing = locate(spec, d.to).find((t) => t.path === newPath);
    // The old field is dropped in every case, so validation does not also call it unknown.
    delete (loc.parent as Record<string, unknown>)[oldName];
    if (existing) {
      errors.push(
        new FieldError(file, loc.path, 'Duplicate value', oldName, `renamed to ${newPath} on ${d.deprecated}, which is also set: remove ${loc.path} and keep ${newPath}`),
      );
      continue;
    }
    setAt(spec, target, loc.indexes, loc.value);
    moved.push({ file, from: loc.path, to: newPath });
    const detail = `renamed to ${newPath} on ${d.deprecated}; ${until}: rename the field`;
    if (expired) errors.push(new FieldError(file, loc.path, 'Unsupported value', oldName, detail));
    else warnings.push(new DeprecationWarning(file, loc.path, detail));
  }
}

/**
 * Validation errors found at a moved field name the spelling the file actually uses, so the user
 * can find the line (`quota.cpuRequests`, not `quota.cpu`).
 */
export function atOldSpelling(errors: readonly FieldError[], moved: MigrationResult['moved']): FieldError[] {
  if (moved.length === 0) return [...errors];
  return errors.map((e) => {
    const m = moved.find((x) => x.file === e.file && (e.path === x.to || e.path.startsWith(`${x.to}.`) || e.path.startsWith(`${x.to}[`)));
    return m ? new FieldError(e.file, m.from + e.path.slice(m.to.length), e.type, e.value, e.detail) : e;
  });
}

/** One segment of a path pattern: a field name, optionally every element of the array in it. */
interface Segment {
  readonly name: string;
  readonly each: boolean;
}

const SEGMENT = /^([A-Za-z_$][A-Za-z0-9_$]*)(\[\*\])?$/;

/** Parses `a.b[*].c`; throws on anything else (the table is code, checked by {@link checkTable}). */
export function parsePattern(pattern: string): Segment[] {
  return pattern.split('.').map((s) => {
    const m = SEGMENT.exec(s);
    if (!m) throw new Error(`deprecation table: bad path pattern "${pattern}" (expected names separated by ".", each optionally followed by "[*]")`);
    return { name: m[1]!, each: m[2] !== undefined };
  });
}

interface Location {
  /** Concrete path in the FieldError notation: `contributors[0].role`. */
  readonly path: string;
  readonly parent: Record<string | number, unknown>;
  readonly key: string | number;
  readonly value: unknown;
  /** The element index taken at each `[*]`. */
  readonly indexes: readonly number[];
}

/** Every place in `spec` that `pattern` matches and that holds a value. */
function locate(spec: unknown, pattern: string): Location[] {
  const segs = parsePattern(pattern);
  const out: Location[] = [];
  const walk = (obj: unknown, i: number, path: string, indexes: number[]): void => {
    if (!isPlainObject(obj)) return;
    const seg = segs[i]!;
    if (!Object.prototype.hasOwnProperty.call(obj, seg.name) || obj[seg.name] === undefined) return;
    const here = at.field(path, seg.name);
    const last = i === segs.length - 1;
    if (!seg.each) {
      if (last) out.push({ path: here, parent: obj, key: seg.name, value: obj[seg.name], indexes });
      else walk(obj[seg.name], i + 1, here, indexes);
      return;
    }
    const arr = obj[seg.name];
    if (!Array.isArray(arr)) return;
    arr.forEach((el: unknown, k) => {
      if (last) out.push({ path: at.index(here, k), parent: arr as unknown as Record<number, unknown>, key: k, value: el, indexes: [...indexes, k] });
      else walk(el, i + 1, at.index(here, k), [...indexes, k]);
    });
  };
  walk(spec, 0, '', []);
  return out;
}

function concretePath(segs: readonly Segment[], indexes: readonly number[]): string {
  let path = '';
  let k = 0;
  for (const s of segs) {
    path = at.field(path, s.name);
    if (s.each) path = at.index(path, indexes[k++]!);
  }
  return path;
}

/** Writes `value` at the concrete location, creating missing objects on the way. */
function setAt(spec: Record<string, unknown>, segs: readonly Segment[], indexes: readonly number[], value: unknown): void {
  let obj: Record<string | number, unknown> = spec;
  let k = 0;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    const last = i === segs.length - 1;
    if (last && !s.each) {
      obj[s.name] = value;
      return;
    }
    if (s.each) {
      const arr = obj[s.name];
      if (!Array.isArray(arr)) return; // the declaration's shape differs; validation reports it
      const idx = indexes[k++]!;
      if (last) {
        arr[idx] = value;
        return;
      }
      if (!isPlainObject(arr[idx])) arr[idx] = {};
      obj = arr[idx] as Record<string, unknown>;
      continue;
    }
    if (obj[s.name] === undefined) obj[s.name] = {};
    const next = obj[s.name];
    if (!isPlainObject(next)) return;
    obj = next;
  }
}

/** Mistakes in a deprecation table (for its test): bad patterns and dates, mismatched `[*]`. */
export function checkTable(table: readonly Deprecation[]): string[] {
  const problems: string[] = [];
  const DATE = /^\d{4}-\d{2}-\d{2}$/;
  table.forEach((d, i) => {
    const name = `entry ${i} (${d.from} → ${d.to})`;
    try {
      const from = parsePattern(d.kind === 'field' ? d.from : d.path);
      const to = d.kind === 'field' ? parsePattern(d.to) : from;
      if (from.filter((s) => s.each).length !== to.filter((s) => s.each).length) problems.push(`${name}: "from" and "to" need the same number of [*]`);
    } catch (err) {
      problems.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!DATE.test(d.deprecated) || !DATE.test(d.removedAfter)) problems.push(`${name}: dates must be YYYY-MM-DD`);
    else if (d.removedAfter <= d.deprecated) problems.push(`${name}: removedAfter must be after deprecated`);
    if (!/^\d+\.\d+\.\d+/.test(d.since)) problems.push(`${name}: since must be a tool version such as 0.2.0`);
    if (d.from === d.to) problems.push(`${name}: nothing is renamed`);
  });
  return problems;
}

/** The lines `synth` and `check` print for deprecation warnings (to stderr; exit code unchanged). */
export function deprecationLines(warnings: readonly DeprecationWarning[]): string[] {
  if (warnings.length === 0) return [];
  return [
    ...warnings.map(String),
    `${warnings.length} deprecation warning(s): the old spellings still work until the dates above; see README "Upgrading the tool".`,
  ];
}
