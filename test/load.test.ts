/**
 * Loading tenant files (lib/load.ts, lib/snapshot.ts): which files are tenants, every error of
 * every file at once with file:line:column, and no exported value can crash validation or the
 * error printer (plain-data snapshot), in process and through the whole `npm run synth` process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { types } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPlatform, loadTenants } from '../lib/load';
import { checkDeclarations } from '../lib/synth';
import { DEFAULT_PLATFORM } from '../lib/platform';
import { MAX_DEPTH, MAX_VALUES, snapshot } from '../lib/snapshot';
import { validateTenants } from '../lib/tenant';
import { FieldError, renderValue } from '../lib/validation';
import { makeRepo, removeRepo, runScript, tenantSource } from './fixture-repo';
import { validSpec } from './support/fixtures';

const repos: string[] = [];
const repo = (tenants: Record<string, string>): string => {
  const dir = makeRepo(tenants);
  repos.push(dir);
  return dir;
};
afterAll(() => repos.forEach(removeRepo));

const valid = (name: string): string => tenantSource(validSpec({ name, owner: { email: `${name}@example.com` }, contributors: [] }));
const F = 'tenants/x.ts';
const strings = (errors: readonly FieldError[]): string[] => errors.map(String);
const PLAIN = 'tenant files must export plain data: strings, numbers, true/false, null, lists [...] and objects { ... }';

describe('which files in tenants/ are tenants (8.5)', () => {
  it('every top-level *.ts file; _helpers, dotfiles and README.md are ignored; anything else is an error naming the path and the fix', async () => {
    const dir = repo({
      'alpha.ts': valid('alpha'),
      '_shared.ts': 'export const team = "alpha";\n',
      '.gitkeep': '',
      'README.md': '# tenants\n',
      'beta.yaml': 'name: beta\n',
      'gamma.js': 'export default {};\n',
      'delta.mts': 'export default {};\n',
      'eps.TS': 'export default {};\n',
      'types.d.ts': 'export type X = string;\n',
    });
    fs.mkdirSync(path.join(dir, 'tenants/nested'));
    fs.writeFileSync(path.join(dir, 'tenants/nested/zeta.ts'), valid('zeta'));
    fs.mkdirSync(path.join(dir, 'tenants/_lib'));
    const loaded = await loadTenants(dir);
    expect(loaded.entries.map((e) => e.file)).toEqual(['tenants/alpha.ts']);
    expect(strings(loaded.errors)).toEqual([
      'tenants/beta.yaml: (file): Invalid value: "beta.yaml": not a tenant file: each tenant is declared in TypeScript as tenants/<team>.ts (see README "Adding a tenant"); remove it, or rename it to _beta.yaml if tenant files read it',
      'tenants/delta.mts: (file): Invalid value: "delta.mts": tenant files are TypeScript files named <team>.ts: rename it to delta.ts (or to _delta.mts if it is a helper)',
      'tenants/eps.TS: (file): Invalid value: "eps.TS": tenant files are TypeScript files named <team>.ts: rename it to eps.ts (or to _eps.TS if it is a helper)',
      'tenants/gamma.js: (file): Invalid value: "gamma.js": tenant files are TypeScript files named <team>.ts: rename it to gamma.ts (or to _gamma.js if it is a helper)',
      'tenants/nested/: (file): Invalid value: "nested/": tenant files must be directly in tenants/, not in a subfolder: move each tenant file to tenants/<team>.ts, or rename the folder to _nested if it holds helpers',
      'tenants/types.d.ts: (file): Invalid value: "types.d.ts": a declaration file declares no tenant: rename it to _types.d.ts if tenant files use it, or remove it',
    ]);
  });
});

describe('a file that cannot be loaded (8.4)', () => {
  it('is reported at file:line:column with the full message, and every other file is still loaded', async () => {
    const dir = repo({
      'a-syntax.ts': `import { tenant } from '../lib/tenant';\n\nexport default tenant({ name: 'a' ;\n`,
      'b-throws.ts': `import { tenant } from '../lib/tenant';\n\nconst teams = ['b'];\nif (teams.length > 0) throw new Error('no quota for b\\nask the platform team');\nexport default tenant({} as never);\n`,
      'c-import.ts': `import { tenant } from '../lib/tenant';\nimport { owner } from './_missing';\n\nexport default tenant({ name: 'c', owner } as never);\n`,
      'd-await.ts': `const name = await Promise.resolve('d');\nexport default { name };\n`,
      'e-throws-string.ts': `throw 'nope';\n`,
      'f-no-default.ts': `export const spec = {};\n`,
      'g-helper.ts': `import { broken } from './_broken';\nexport default broken;\n`,
      '_broken.ts': `export const broken = {;\n`,
      'ok.ts': valid('ok'),
    });
    const loaded = await loadTenants(dir);
    expect(loaded.entries.map((e) => e.file)).toEqual(['tenants/ok.ts']);
    expect(strings(loaded.errors)).toEqual([
      'tenants/a-syntax.ts:3:35: (file): Invalid value: "a-syntax.ts": cannot be loaded: Expected "}" but found ";"',
      'tenants/b-throws.ts:4:29: (file): Invalid value: "b-throws.ts": cannot be loaded: Error: no quota for b; ask the platform team',
      'tenants/c-import.ts:2:23: (file): Invalid value: "c-import.ts": cannot be loaded: Could not resolve "./_missing"',
      'tenants/d-await.ts:1:14: (file): Invalid value: "d-await.ts": cannot be loaded: top-level await is not supported in tenant files (they are evaluated synchronously); compute the value without await',
      'tenants/e-throws-string.ts: (file): Invalid value: "e-throws-string.ts": cannot be loaded: threw "nope"',
      'tenants/f-no-default.ts: (default export): Required value: the file must `export default tenant({ name, owner, labels, ... })`',
      'tenants/g-helper.ts: (file): Invalid value: "g-helper.ts": cannot be loaded: tenants/_broken.ts:1:24: Expected identifier but found ";"',
    ]);
  });

  it('a throw inside a helper names the helper position; a bad import of lib/ is attributed to its file', async () => {
    const dir = repo({
      'a.ts': `import { spec } from './_make';\nexport default spec('a');\n`,
      '_make.ts': `export function spec(name: string): never {\n  throw new RangeError(\`no spec for \${name}\`);\n}\n`,
      'b.ts': `import { nope } from '../lib/tenant';\nexport default nope({});\n`,
      'ok.ts': valid('ok'),
    });
    const loaded = await loadTenants(dir);
    expect(strings(loaded.errors)).toEqual([
      'tenants/a.ts:2:16: (file): Invalid value: "a.ts": cannot be loaded: RangeError: no spec for a',
      expect.stringMatching(/^tenants\/b\.ts:2:16: \(file\): Invalid value: "b\.ts": cannot be loaded: TypeError: .*nope.* is not a function$/),
    ]);
    expect(loaded.entries.map((e) => e.file)).toEqual(['tenants/ok.ts']);
  });

  it('platform.ts that does not compile is a field error at platform.ts:line:column', async () => {
    const dir = repo({});
    fs.writeFileSync(path.join(dir, 'platform.ts'), "import { definePlatform } from './lib/platform';\nexport default definePlatform({ identity: { header: 'x' } );\n");
    await expect(loadPlatform(dir)).rejects.toThrow('platform.ts:2:59: (file): Invalid value: "platform.ts": cannot be loaded: Expected "}" but found ")"');
    fs.writeFileSync(path.join(dir, 'platform.ts'), "import { definePlatform } from './lib/platform';\nexport default definePlatform({ credentials: { refreshInterval: 'hourly' } });\n");
    await expect(loadPlatform(dir)).rejects.toThrow('platform.ts: credentials.refreshInterval: Invalid value: "hourly": not a Go duration; write e.g. "1h" or "15m"');
  });
});

describe('the plain-data snapshot (8.6)', () => {
  const errorsOf = (value: unknown): string[] => strings(snapshot(value, F).errors);
  class Team {
    name = 'x';
  }

  it.each([
    ['a function', () => 1, `${F}: (default export): Invalid value: <function>: a function is not data; call it, or write the value it returns (${PLAIN})`],
    ['a BigInt', 10n, `${F}: (default export): Invalid value: 10n: a BigInt is not data; write a number (4) or a quantity string ("500m", "32Gi")`],
    ['a Symbol', Symbol('s'), `${F}: (default export): Invalid value: <symbol "s">: a Symbol is not data; write a string`],
    ['NaN', Number.NaN, `${F}: (default export): Invalid value: NaN: not a finite number; write a number such as 4, or a quantity string such as "500m"`],
    ['a Map', new Map(), `${F}: (default export): Invalid value: <Map>: a Map is not data; write an object { key: value } (Object.fromEntries(map) converts one)`],
    ['a Set', new Set(), `${F}: (default export): Invalid value: <Set>: a Set is not data; write a list [...] ([...set] converts one)`],
    ['a Date', new Date(0), `${F}: (default export): Invalid value: <Date>: a Date is not data; write a string`],
    ['a RegExp', /x/, `${F}: (default export): Invalid value: <RegExp>: a RegExp is not data; write a string`],
    ['a typed array', new Uint8Array(2), `${F}: (default export): Invalid value: <Uint8Array>: binary data is not data here; write a list [...] of numbers or strings`],
    ['a class instance', new Team(), `${F}: (default export): Invalid value: <instance of Team>: only plain objects are data; write an object literal { ... } instead of a class instance (${PLAIN})`],
  ])('%s is an error at its path', (_what, value, message) => {
    expect(errorsOf(value)).toEqual([message]);
    expect(errorsOf({ quota: { cpu: value } })).toEqual([message.replace('(default export)', 'quota.cpu')]);
  });

  it('holes, undefined list items, cycles, throwing getters, Proxies and symbol keys, each at its exact path', () => {
    const cyclic: Record<string, unknown> = { user: 'a@example.com' };
    cyclic.self = cyclic;
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [{ user: 'b@example.com', role: 'view' }, , { user: 'c@example.com', role: 'view' }];
    const trap = (): never => {
      throw new Error('trap');
    };
    const proxy = new Proxy({}, { ownKeys: trap, getPrototypeOf: trap, get: trap });
    const getter = {
      get email(): string {
        throw new TypeError('no e-mail yet');
      },
    };
    expect(errorsOf({ contributors: sparse, owner: getter, grants: [undefined], credentials: proxy, labels: { [Symbol('k')]: 'v', 'a.b/c': cyclic } })).toEqual([
      `${F}: contributors[1]: Invalid value: <empty slot>: an empty slot in a list (two commas in a row, or new Array(n)); remove it`,
      `${F}: owner.email: Invalid value: <unreadable>: reading it failed: TypeError: no e-mail yet; ${PLAIN}`,
      `${F}: grants[0]: Invalid value: undefined: undefined in a list; remove it`,
      `${F}: credentials: Invalid value: <Proxy>: reading it failed: Error: trap; ${PLAIN}`,
      `${F}: labels["a.b/c"].self: Invalid value: <object>: contains itself (it is the value at labels["a.b/c"]); a value that refers back to itself cannot be written as data: write a copy instead`,
      `${F}: labels[<symbol "k">]: Invalid value: <symbol "k">: a Symbol key is not data; use a string key`,
    ]);
  });

  it('a value reached twice is shared, not a cycle, also after a sibling that failed to read', () => {
    const shared = { user: 'a@example.com', role: 'view' };
    const failing = new Proxy(shared, {
      ownKeys: () => {
        throw new Error('keys');
      },
    });
    expect(errorsOf({ contributors: [shared, failing, failing, shared], grants: [[shared]] })).toEqual([
      `${F}: contributors[1]: Invalid value: <Proxy>: reading it failed: Error: keys; ${PLAIN}`,
      `${F}: contributors[2]: Invalid value: <Proxy>: reading it failed: Error: keys; ${PLAIN}`,
    ]);
  });

  it(`nesting deeper than ${MAX_DEPTH} levels and more than ${MAX_VALUES} values are errors, not a hang or a stack overflow`, () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    const errs = errorsOf({ quota: deep });
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(new RegExp(`^${F}: quota(\\.d){${MAX_DEPTH - 1}}: Invalid value: <object>: nested deeper than ${MAX_DEPTH} levels; `));
    expect(errorsOf({ labels: new Array(1e9) })).toEqual([
      `${F}: labels: Too long: a list of 1000000000 items: a tenant declaration has at most ${MAX_VALUES} values; is a large data set exported by mistake?`,
    ]);
    const wide = Object.fromEntries(Array.from({ length: MAX_VALUES + 5 }, (_, i) => [`k${i}`, i]));
    expect(errorsOf({ labels: wide })).toEqual([
      `${F}: labels.k${MAX_VALUES - 2}: Too long: more than ${MAX_VALUES} values: a tenant declaration has at most ${MAX_VALUES} values (strings, numbers, list items, fields); this one is much larger than any real tenant: is a large data set exported by mistake?`,
    ]);
  });

  it('a "__proto__" key stays an ordinary field (reported by validation) and pollutes nothing', () => {
    const spec = JSON.parse(`{"name":"fraud","owner":{"email":"lead@example.com"},"labels":{"team":"fraud","cost-centre":"cc-1","compliance-tier":"pci","__proto__":{"polluted":"yes"}}}`) as unknown;
    const snap = snapshot(spec, F);
    expect(snap.errors).toEqual([]);
    const labels = (snap.value as { labels: Record<string, unknown> }).labels;
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(Object.keys(labels)).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(strings(validateTenants([{ file: F, spec: snap.value as never }], DEFAULT_PLATFORM))).toEqual([
      `${F}: labels["__proto__"]: Invalid value: "__proto__": not a label key: an optional DNS-subdomain prefix and "/", then at most 63 alphanumerics, "-", "_" or "."`,
      `${F}: labels["__proto__"]: Invalid value: {"polluted":"yes"}: a label value must be at most 63 characters: alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric`,
    ]);
  });

  it('plain data is copied as it is, with no error', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const snap = snapshot(v, F);
        expect(snap.errors).toEqual([]);
        expect(snap.value).toStrictEqual(v);
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * Plain data as the snapshot promises it: only null, booleans, finite numbers, strings, plain
 * arrays without holes and plain objects of own enumerable data properties. `asInput`: what the
 * snapshot accepts without error, which also allows undefined fields and null-prototype objects.
 */
function isPlainData(v: unknown, asInput = false, depth = 0, path = new Set<object>()): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object' || types.isProxy(v) || path.has(v) || depth >= MAX_DEPTH) return false;
  path.add(v);
  try {
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype) return false;
      for (let i = 0; i < v.length; i++) if (!(i in v) || (asInput && v[i] === undefined) || !isPlainData(v[i], asInput, depth + 1, path)) return false;
      return true;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (!(proto === Object.prototype || (asInput && proto === null)) || Object.getOwnPropertySymbols(v).length > 0) return false;
    return Object.values(Object.getOwnPropertyDescriptors(v)).every(
      (d) => d.enumerable === true && 'value' in d && ((asInput && d.value === undefined) || isPlainData(d.value, asInput, depth + 1, path)),
    );
  } finally {
    path.delete(v);
  }
}

/**
 * Values that are not data, and values that break naive code: every kind the snapshot must
 * survive. As factories: fast-check itself inspects generated values, which a throwing Proxy trap
 * or a revoked Proxy would break before the property runs.
 */
const hostile: fc.Arbitrary<() => unknown> = fc.oneof(
  fc.anything({ withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true, withUnicodeString: true }).map((v) => () => v),
  fc.bigInt().map((v) => () => v),
  fc.string().map((s) => () => Symbol(s)),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY).map((v) => () => v),
  fc.constant(() => () => 'x'),
  fc.constant(() => new Map([['a', 1]])),
  fc.constant(() => new Set([1])),
  fc.constant(() => new Float64Array(3)),
  fc.integer({ min: 1, max: 5 }).map((n) => () => new Array(n)),
  fc.constant(() => {
    const o: Record<string, unknown> = { a: 1 };
    o.b = [o];
    return o;
  }),
  fc.integer({ min: MAX_DEPTH, max: 300 }).map((n) => () => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = [v];
    return v;
  }),
  fc.constant(() => ({
    get boom(): never {
      throw new Error('getter');
    },
  })),
  // Every trap the snapshot goes through (a Proxy whose traps answer is read as the data it shows).
  fc.constantFrom('ownKeys', 'getPrototypeOf', 'get', 'getOwnPropertyDescriptor').map(
    (t) => () =>
      new Proxy(
        { name: 'x' },
        {
          [t]: () => {
            throw new Error(`${t} trap`);
          },
        },
      ),
  ),
  fc.constant(() => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  }),
  fc.constant(() => ({
    toJSON(): never {
      throw new Error('toJSON');
    },
  })),
  fc.constant(() => JSON.parse('{"__proto__":{"x":1}}') as unknown),
);

/** Paths of a valid tenant where a hostile value is put (as the snapshot names them). */
const FIELDS: readonly (readonly (string | number)[])[] = [
  [],
  ['name'],
  ['owner'],
  ['owner', 'email'],
  ['labels'],
  ['labels', 'team'],
  ['quota'],
  ['quota', 'cpu'],
  ['quota', 'gpu', 'nvidia.com/gpu'],
  ['limits', 'pod', 'max', 'cpu'],
  ['contributors'],
  ['contributors', 0],
  ['contributors', 0, 'user'],
  ['contributors', 0, 'role'],
  ['grants'],
  ['credentials'],
  ['decommissioned'],
];

function put(spec: Record<string, unknown>, at: readonly (string | number)[], value: unknown): unknown {
  if (at.length === 0) return value;
  const [head, ...rest] = at;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(spec) ? [...(spec as unknown[])] : { ...spec };
  (copy as Record<string | number, unknown>)[head!] = put(((spec as Record<string | number, unknown>)[head!] ?? {}) as Record<string, unknown>, rest, value);
  return copy;
}

const pathOf = (at: readonly (string | number)[]): string =>
  at.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? (p ? `${p}.${k}` : k) : `${p}[${JSON.stringify(k)}]`), '');

describe('no value crashes validation or the error printer (property tests)', () => {
  it('any value as the default export or at any field: plain data out, field errors naming the file, printable messages', () => {
    fc.assert(
      fc.property(hostile, fc.constantFrom(...FIELDS), (make, at) => {
        const value = make();
        const spec = put(validSpec({ contributors: [{ user: 'bob@example.com', role: 'view' }] }) as unknown as Record<string, unknown>, at, value);
        const snap = snapshot(spec, F);
        expect(snap.value === undefined || isPlainData(snap.value)).toBe(true);
        // The pipeline's own checks (lib/synth.ts), with the snapshot's errors as load errors.
        const entries = snap.value === undefined ? [] : [{ file: F, spec: snap.value as never }];
        const all = checkDeclarations(entries, DEFAULT_PLATFORM, { loadErrors: snap.errors }).errors;
        for (const e of all) {
          expect(e.file).toBe(F);
          expect(String(e).startsWith(`${F}: `)).toBe(true);
        }
        // A value that is not data is reported at or under the path it was put at.
        if (value !== undefined && !isPlainData(value, true)) {
          const p = pathOf(at);
          // At the root, errors are at the root or at any field of it (`name`, `(default export)[0]`).
          if (p === '') expect(snap.errors.length).toBeGreaterThan(0);
          else expect(snap.errors.some((e) => e.path === p || e.path.startsWith(`${p}.`) || e.path.startsWith(`${p}[`))).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('renderValue and FieldError.toString never throw, whatever the value', () => {
    fc.assert(
      fc.property(hostile, (make) => {
        const value = make();
        expect(typeof renderValue(value)).toBe('string');
        expect(String(new FieldError(F, 'quota.cpu', 'Invalid value', value, 'detail'))).toMatch(/^tenants\/x\.ts: quota\.cpu: Invalid value: /);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('npm run synth on hostile tenant files (whole process)', () => {
  const base = (name: string): string => JSON.stringify(validSpec({ name, owner: { email: `${name}@example.com` }, contributors: [] }));
  const files: Record<string, string> = {
    'a-function.ts': 'export default () => ({});\n',
    'b-bigint.ts': `const base = ${base('b-bigint')};\nexport default { ...base, quota: { ...base.quota, cpu: 10n } };\n`,
    'c-proxy.ts': `const trap = () => { throw new Error('trap'); };\nexport default new Proxy({}, { ownKeys: trap, getPrototypeOf: trap, get: trap });\n`,
    'd-cycle.ts': `const base = ${base('d-cycle')};\nconst c: any = { user: 'x@example.com', role: 'view' };\nc.again = c;\nexport default { ...base, contributors: [c] };\n`,
    'e-getter.ts': `const base = ${base('e-getter')};\nexport default { ...base, owner: { get email(): string { throw new Error('not yet'); } } };\n`,
    'f-tojson.ts': `const base = ${base('f-tojson')};\nexport default { ...base, toJSON() { throw new Error('toJSON'); } };\n`,
    'g-deep.ts': `const base = ${base('g-deep')};\nlet deep: unknown = 1;\nfor (let i = 0; i < 5000; i++) deep = [deep];\nexport default { ...base, labels: { ...base.labels, team: deep } };\n`,
    'h-symbol-map.ts': `const base = ${base('h-symbol-map')};\nexport default { ...base, labels: new Map([['team', 'h']]), name: Symbol('h') };\n`,
    'i-syntax.ts': `export default { name: 'i' ;\n`,
    'j-invalid.ts': tenantSource(validSpec({ name: 'J', owner: { email: 'j@example.com' }, contributors: [] })),
    'k-valid.ts': valid('k-valid'),
    'l-stray.json': '{}\n',
  };

  it('exit 1, every error of every file, no "internal error", no stack trace', () => {
    const dir = repo(files);
    const r = runScript(dir, 'main.ts');
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual([
      `tenants/a-function.ts: (default export): Invalid value: <function>: a function is not data; call it, or write the value it returns (${PLAIN})`,
      'tenants/b-bigint.ts: quota.cpu: Invalid value: 10n: a BigInt is not data; write a number (4) or a quantity string ("500m", "32Gi")',
      `tenants/c-proxy.ts: (default export): Invalid value: <Proxy>: reading it failed: Error: trap; ${PLAIN}`,
      'tenants/d-cycle.ts: contributors[0].again: Invalid value: <object>: contains itself (it is the value at contributors[0]); a value that refers back to itself cannot be written as data: write a copy instead',
      `tenants/e-getter.ts: owner.email: Invalid value: <unreadable>: reading it failed: Error: not yet; ${PLAIN}`,
      `tenants/f-tojson.ts: toJSON: Invalid value: <function>: a function is not data; call it, or write the value it returns (${PLAIN})`,
      `tenants/g-deep.ts: labels.team${'[0]'.repeat(MAX_DEPTH - 2)}: Invalid value: <Array>: nested deeper than ${MAX_DEPTH} levels; a tenant declaration is a few levels deep: is a large data structure exported by mistake?`,
      // What is left of the value (the lists above the cut) is still checked, and is not a label value.
      `tenants/g-deep.ts: labels["team"]: Invalid value: ${'['.repeat(30)}null${']'.repeat(30)}: a label value must be at most 63 characters: alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric`,
      'tenants/h-symbol-map.ts: name: Invalid value: <symbol "h">: a Symbol is not data; write a string',
      'tenants/h-symbol-map.ts: labels: Invalid value: <Map>: a Map is not data; write an object { key: value } (Object.fromEntries(map) converts one)',
      'tenants/i-syntax.ts:1:28: (file): Invalid value: "i-syntax.ts": cannot be loaded: Expected "}" but found ";"',
      "tenants/j-invalid.ts: name: Invalid value: \"J\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')",
      'tenants/l-stray.json: (file): Invalid value: "l-stray.json": not a tenant file: each tenant is declared in TypeScript as tenants/<team>.ts (see README "Adding a tenant"); remove it, or rename it to _l-stray.json if tenant files read it',
      '',
      '13 error(s); dist/ left unchanged.',
      '',
    ]);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });

  it('random hostile values exported by a tenant file: exit 1 with field errors of that file, never exit 2', () => {
    // Values fast-check can print as source text; the in-process property covers the rest.
    const sources = fc.sample(
      fc.oneof(
        fc.bigInt().map((b) => `${b}n`),
        fc.string().map((s) => `Symbol(${JSON.stringify(s)})`),
        fc.constantFrom('NaN', '-Infinity', 'new Map()', 'new Set([1])', 'new Date(0)', '/x/g', 'new Int8Array(2)', 'class {}', 'Object.create({ inherited: 1 })'),
      ),
      { numRuns: 4, seed: 42 },
    );
    const dir = repo(Object.fromEntries(sources.map((s, i) => [`t${i}.ts`, `const base = ${base(`t${i}`)};\nexport default { ...base, quota: { ...base.quota, cpu: ${s} } };\n`])));
    const r = runScript(dir, 'main.ts');
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe(`${sources.length} error(s); dist/ left unchanged.`);
    sources.forEach((_, i) => expect(lines[i]).toMatch(new RegExp(`^tenants/t${i}\\.ts: quota\\.cpu: Invalid value: `)));
  });
});
