/**
 * The plain-data snapshot of a tenant file's default export, taken right after import: from here
 * on, validation and rendering see only null, booleans, finite numbers, strings, arrays and plain
 * objects, so no input can make them (or the error printer) throw.
 *
 * Every other value (function, BigInt, Symbol, Map, Set, Date, RegExp, typed array, class
 * instance, NaN, Infinity, a hole in a list, a value that contains itself, nesting deeper than
 * MAX_DEPTH, more than MAX_VALUES values) is a field error at its exact path; so is a getter or
 * Proxy trap that throws while it is read. `undefined` in an object means "absent" (as in JSON and
 * TypeScript optional fields); in a list it is an error. Non-enumerable properties are not part of
 * an object literal and are not read.
 */
import { types } from 'node:util';
import type { FieldError } from './validation';
import { at, ErrorList, Shown } from './validation';

/** Tenant declarations are a few levels deep; 32 leaves room for any real one. */
export const MAX_DEPTH = 32;
/** A tenant declaration has about a hundred values; this bounds the work on a runaway value. */
export const MAX_VALUES = 10_000;

const PLAIN = 'tenant files must export plain data: strings, numbers, true/false, null, lists [...] and objects { ... }';

/** Path of `key` under `base`: `a.b` for identifiers, `a["x.y"]` otherwise (as validation writes them). */
function keyPath(base: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? at.field(base, key) : at.key(base, key);
}

/** A thrown value as one line of text; never throws itself. */
export function describeThrown(err: unknown): string {
  try {
    if (err instanceof Error) return oneLine(`${String(err.name)}: ${String(err.message)}`);
  } catch {
    // An Error whose name or message getter throws: describe it as any other value.
  }
  return `threw ${describeValue(err)}`;
}

export function oneLine(s: string): string {
  return s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('; ');
}

/** A short name for a value that is not data (`<function>`, `10n`, `<Map>`, `<instance of Foo>`); never throws. */
export function describeValue(v: unknown): string {
  try {
    switch (typeof v) {
      case 'function':
        return '<function>';
      case 'bigint':
        return `${v.toString()}n`;
      case 'symbol':
        return `<symbol ${JSON.stringify(v.description ?? '')}>`;
      case 'string':
        return JSON.stringify(v);
      case 'number':
      case 'boolean':
      case 'undefined':
        return String(v);
      default:
    }
    if (v === null) return 'null';
    if (types.isProxy(v)) return '<Proxy>';
    const tag = Object.prototype.toString.call(v).slice(8, -1);
    if (tag !== 'Object') return `<${tag}>`;
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === null || proto === Object.prototype) return '<object>';
    const ctor: unknown = (proto as { constructor?: unknown }).constructor;
    const name = typeof ctor === 'function' && ctor !== Object ? ctor.name : '';
    return name ? `<instance of ${name}>` : '<object with a custom prototype>';
  } catch {
    return '<value>';
  }
}

/** What to write instead of a value that is not data: the fix part of the message. */
function fixFor(v: unknown): string {
  switch (typeof v) {
    case 'function':
      return `a function is not data; call it, or write the value it returns (${PLAIN})`;
    case 'bigint':
      return 'a BigInt is not data; write a number (4) or a quantity string ("500m", "32Gi")';
    case 'symbol':
      return 'a Symbol is not data; write a string';
    case 'number':
      return 'not a finite number; write a number such as 4, or a quantity string such as "500m"';
    default:
  }
  try {
    if (types.isMap(v)) return `a Map is not data; write an object { key: value } (Object.fromEntries(map) converts one)`;
    if (types.isSet(v)) return 'a Set is not data; write a list [...] ([...set] converts one)';
    if (types.isDate(v)) return 'a Date is not data; write a string';
    if (types.isRegExp(v)) return 'a RegExp is not data; write a string';
    if (types.isTypedArray(v) || types.isAnyArrayBuffer(v) || types.isDataView(v)) return 'binary data is not data here; write a list [...] of numbers or strings';
    if (types.isBoxedPrimitive(v)) return 'a boxed primitive (new String(...), new Number(...)) is not data; write the plain string, number or boolean';
    if (types.isPromise(v)) return 'a Promise is not data; tenant files are evaluated synchronously: write the value itself';
  } catch {
    // fall through to the generic advice
  }
  return `only plain objects are data; write an object literal { ... } instead of a class instance (${PLAIN})`;
}

/** The snapshot, or undefined if the value itself is not data; and every error found. */
export interface Snapshot {
  readonly value: unknown;
  readonly errors: FieldError[];
}

const OMIT = Symbol('omit');

/**
 * Copies `value` into plain data, reporting every value that is not data as an error of `file`
 * at its path. `rootPath` names the value itself in messages (`(default export)`).
 */
export function snapshot(value: unknown, file: string, rootPath = '(default export)'): Snapshot {
  const errs = new ErrorList(file);
  let count = 0;
  let overflowed = false;
  // Objects on the path from the root to the current value, with their paths: a cycle is a value
  // that is its own ancestor. A value reached twice by different paths (shared, not a cycle) is fine.
  const ancestors = new Map<object, string>();
  const shownPath = (p: string): string => p || rootPath;
  const bad = (p: string, v: unknown, detail: string): typeof OMIT => {
    errs.invalid(shownPath(p), new Shown(describeValue(v)), detail);
    return OMIT;
  };
  const unreadable = (p: string, err: unknown): void => {
    errs.invalid(shownPath(p), new Shown('<unreadable>'), `reading it failed: ${describeThrown(err)}; ${PLAIN}`);
  };

  const copy = (v: unknown, p: string, depth: number): unknown => {
    if (++count > MAX_VALUES) {
      if (!overflowed) {
        overflowed = true;
        errs.add(shownPath(p), 'Too long', new Shown(`more than ${MAX_VALUES} values`), `a tenant declaration has at most ${MAX_VALUES} values (strings, numbers, list items, fields); this one is much larger than any real tenant: is a large data set exported by mistake?`);
      }
      return OMIT;
    }
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        return Number.isFinite(v) ? v : bad(p, v, fixFor(v));
      case 'undefined':
        return OMIT;
      case 'object':
        break;
      default: // function, bigint, symbol
        return bad(p, v, fixFor(v));
    }
    if (v === null) return null;
    if (depth >= MAX_DEPTH) return bad(p, v, `nested deeper than ${MAX_DEPTH} levels; a tenant declaration is a few levels deep: is a large data structure exported by mistake?`);
    try {
      const first = ancestors.get(v);
      if (first !== undefined) return bad(p, v, `contains itself (it is the value at ${shownPath(first)}); a value that refers back to itself cannot be written as data: write a copy instead`);
      ancestors.set(v, p);
      try {
        if (Array.isArray(v)) return copyArray(v as unknown[], p, depth);
        const proto: unknown = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) return bad(p, v, fixFor(v));
        return copyObject(v, p, depth);
      } finally {
        ancestors.delete(v);
      }
    } catch (err) {
      return bad(p, v, `reading it failed: ${describeThrown(err)}; ${PLAIN}`);
    }
  };

  const copyArray = (v: unknown[], p: string, depth: number): unknown => {
    if (Object.getPrototypeOf(v) !== Array.prototype) return bad(p, v, fixFor(v));
    const length = v.length;
    if (length > MAX_VALUES) {
      errs.add(shownPath(p), 'Too long', new Shown(`a list of ${length} items`), `a tenant declaration has at most ${MAX_VALUES} values; is a large data set exported by mistake?`);
      return OMIT;
    }
    const out: unknown[] = [];
    for (let i = 0; i < length; i++) {
      const ip = at.index(shownPath(p), i);
      let item: unknown;
      try {
        if (!Object.prototype.hasOwnProperty.call(v, i)) {
          errs.invalid(ip, new Shown('<empty slot>'), 'an empty slot in a list (two commas in a row, or new Array(n)); remove it');
          out.push(null); // a placeholder keeps the indexes of the items after it as written
          continue;
        }
        item = v[i];
      } catch (err) {
        unreadable(ip, err);
        out.push(null);
        continue;
      }
      if (item === undefined) {
        errs.invalid(ip, new Shown('undefined'), 'undefined in a list; remove it');
        out.push(null);
        continue;
      }
      const c = copy(item, ip, depth + 1);
      out.push(c === OMIT ? null : c);
    }
    return out;
  };

  const copyObject = (v: object, p: string, depth: number): unknown => {
    const out: Record<string, unknown> = {};
    for (const key of Reflect.ownKeys(v)) {
      if (typeof key === 'symbol') {
        errs.invalid(`${shownPath(p)}[${describeValue(key)}]`, new Shown(describeValue(key)), 'a Symbol key is not data; use a string key');
        continue;
      }
      const kp = keyPath(p, key);
      let item: unknown;
      try {
        const desc = Reflect.getOwnPropertyDescriptor(v, key);
        if (!desc?.enumerable) continue;
        item = (v as Record<string, unknown>)[key];
      } catch (err) {
        unreadable(kp, err);
        continue;
      }
      const c = copy(item, kp, depth + 1);
      if (c === OMIT) continue;
      // defineProperty, not assignment: a "__proto__" key stays an ordinary own field (which
      // validation then reports) instead of replacing the prototype of the copy.
      Object.defineProperty(out, key, { value: c, enumerable: true, writable: true, configurable: true });
    }
    return out;
  };

  const root = copy(value, '', 0);
  return { value: root === OMIT ? undefined : root, errors: errs.errors };
}
