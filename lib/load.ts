/**
 * Loading tenant files and platform.ts.
 *
 * Which files are tenants: every top-level `*.ts` file in `tenants/`. Names starting with `_` are
 * helpers tenant files may import (ignored; files or folders), dotfiles are ignored (`.gitkeep`,
 * editor swap files), and `README.md` is allowed. Anything else (`x.yaml`, `x.js`, `x.mts`, `x.TS`,
 * `x.d.ts`, a subfolder) is an error that says what to do, so no file is skipped silently.
 *
 * How they are loaded: all tenant files are compiled in one esbuild pass into one CommonJS bundle
 * in memory, in which every file is a lazily initialized module; the bundle is evaluated once and
 * each file's module is then initialized on its own, so a throw at import time belongs to the file
 * that threw. Only files under `tenants/` are bundled; everything else they import (`../lib/*`,
 * packages) is external and comes from the host's own module loader, so tenant files share the
 * pipeline's module instances. A file that does not compile is reported with esbuild's message at
 * `file:line:column` and taken out of the batch; the others are still loaded (errors esbuild cannot
 * attribute to one tenant file, such as a broken helper, are narrowed down by halving the batch).
 *
 * Each default export is then copied into plain data (lib/snapshot.ts): validation and rendering
 * never see anything else.
 */
import * as fs from 'node:fs';
import { createRequire, SourceMap } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vm from 'node:vm';
import * as esbuild from 'esbuild';
import type { GroupSpec } from './declarations/contributors';
import type { GroupEntry } from './groups';
import { GROUPS_DIR } from './groups';
import type { PlatformSettings } from './platform';
import { PLATFORM_FILE, PlatformError } from './platform';
import { describeThrown, oneLine, snapshot } from './snapshot';
import type { TenantSpec } from './tenant';
import type { SourcePosition, TenantEntry } from './validation';
import { FieldError, isPlainObject, ValidationError } from './validation';

/** What `loadTenants` returns: the loaded declarations (plain data) and every loading error. */
export interface LoadedTenants {
  readonly entries: TenantEntry[];
  /** Files that are not tenants, files that do not compile or throw, and values that are not data. */
  readonly errors: FieldError[];
}

const TENANTS = 'tenants';

/** The tenant files of `tenantsDir` (names, sorted) and an error for every entry that is neither a tenant, a helper nor allowed. */
export function scanTenantsDir(tenantsDir: string): { files: string[]; errors: FieldError[] } {
  const files: string[] = [];
  const errors: FieldError[] = [];
  if (!fs.existsSync(tenantsDir)) return { files, errors };
  const names = fs.readdirSync(tenantsDir).sort();
  for (const name of names) {
    if (name.startsWith('_') || name.startsWith('.') || name === 'README.md') continue;
    let isDir = false;
    try {
      isDir = fs.statSync(path.join(tenantsDir, name)).isDirectory();
    } catch {
      // A dangling symbolic link: reported below as a file that is not a tenant.
    }
    const rel = `${TENANTS}/${name}`;
    const stray = (detail: string): void => {
      errors.push(new FieldError(isDir ? `${rel}/` : rel, '(file)', 'Invalid value', isDir ? `${name}/` : name, detail));
    };
    if (isDir) {
      stray(`tenant files must be directly in ${TENANTS}/, not in a subfolder: move each tenant file to ${TENANTS}/<team>.ts, or rename the folder to _${name} if it holds helpers`);
      continue;
    }
    if (name.endsWith('.d.ts')) {
      stray(`a declaration file declares no tenant: rename it to _${name} if tenant files use it, or remove it`);
      continue;
    }
    if (name.endsWith('.ts')) {
      files.push(name);
      continue;
    }
    const stem = name.replace(/\.[^.]*$/, '');
    const ext = name.slice(stem.length);
    if (/^\.(ts|mts|cts|tsx|js|mjs|cjs|jsx)$/i.test(ext)) {
      stray(`tenant files are TypeScript files named <team>.ts: rename it to ${stem}.ts (or to _${name} if it is a helper)`);
    } else {
      stray(`not a tenant file: each tenant is declared in TypeScript as ${TENANTS}/<team>.ts (see README "Adding a tenant"); remove it, or rename it to _${name} if tenant files read it`);
    }
  }
  return { files, errors };
}

/** Files in `tenantsDir` that declare tenants (see {@link scanTenantsDir} for the rules). */
export function tenantFiles(tenantsDir: string): string[] {
  return scanTenantsDir(tenantsDir).files;
}

/** One file's outcome: its module's exports, or why it could not be loaded. */
type Loaded = { readonly ok: true; readonly exports: Record<string, unknown> } | { readonly ok: false; readonly errors: FieldError[]; readonly thrown?: unknown };

/**
 * The default export of each file in `rels` (relative to `root`, under `dir`), compiled in one
 * pass and copied into plain data. A file that fails is an error of that file (`required` says what
 * it must export); every other file is still loaded. Tenant and group files share these rules.
 */
async function loadDefaultExports(root: string, rels: readonly string[], dir: string, required: string): Promise<{ values: { file: string; value: unknown }[]; errors: FieldError[] }> {
  const loaded = await loadModules(root, rels, externalsOutside(root, dir));
  const values: { file: string; value: unknown }[] = [];
  const errors: FieldError[] = [];
  for (const rel of rels) {
    const r = loaded.get(rel)!;
    if (!r.ok) {
      errors.push(...r.errors);
      continue;
    }
    let value: unknown;
    try {
      value = r.exports.default;
    } catch (err) {
      errors.push(new FieldError(rel, '(default export)', 'Invalid value', undefined, `reading it failed: ${describeThrown(err)}`));
      continue;
    }
    if (value === undefined) {
      errors.push(new FieldError(rel, '(default export)', 'Required value', undefined, required));
      continue;
    }
    const snap = snapshot(value, rel);
    errors.push(...snap.errors);
    if (snap.value !== undefined) values.push({ file: rel, value: snap.value });
  }
  return { values, errors };
}

/**
 * Loads tenant files: compiles, evaluates, and copies each default export into plain data. A file
 * that fails is an error of that file; every other file is still loaded.
 */
export async function loadTenants(root: string): Promise<LoadedTenants> {
  const { files, errors } = scanTenantsDir(path.join(root, TENANTS));
  const rels = files.map((f) => `${TENANTS}/${f}`);
  const defaults = await loadDefaultExports(root, rels, TENANTS, 'the file must `export default tenant({ name, owner, labels, ... })`');
  errors.push(...defaults.errors);
  const entries: TenantEntry[] = defaults.values.map(({ file, value }) => ({ file, spec: value as TenantSpec }));
  return { entries, errors };
}

/** What `loadGroups` returns: the group declarations (plain data) and every loading error. */
export interface LoadedGroups {
  readonly entries: GroupEntry[];
  readonly errors: FieldError[];
}

/**
 * Loads `groups/*.ts` (lib/groups.ts), by the rules of tenant files: top-level `*.ts` files are
 * groups, `_*` helpers and dotfiles are ignored, `README.md` is allowed, anything else is an error.
 * No `groups/` folder: no groups.
 */
export async function loadGroups(root: string): Promise<LoadedGroups> {
  const dir = path.join(root, GROUPS_DIR);
  const errors: FieldError[] = [];
  const entries: GroupEntry[] = [];
  if (!fs.existsSync(dir)) return { entries, errors };
  const rels: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (name.startsWith('_') || name.startsWith('.') || name === 'README.md') continue;
    const rel = `${GROUPS_DIR}/${name}`;
    if (name.endsWith('.ts') && !name.endsWith('.d.ts') && fs.statSync(path.join(dir, name)).isFile()) rels.push(rel);
    else errors.push(new FieldError(rel, '(file)', 'Invalid value', name, `not a group file: each group is declared in TypeScript as ${GROUPS_DIR}/<name>.ts; remove it, or rename it to _${name} if group files read it`));
  }
  const defaults = await loadDefaultExports(root, rels, GROUPS_DIR, 'the file must `export default group({ name, members: [{ email }] })`');
  errors.push(...defaults.errors);
  entries.push(...defaults.values.map(({ file, value }) => ({ file, spec: value as GroupSpec })));
  return { entries, errors };
}

/**
 * `found` minus the errors at or under a field that one of `loadErrors` already reported: a field
 * whose value was not data was left out of the snapshot, so validation errors there (`Required
 * value`, ...) would only repeat it.
 */
export function withoutRepeats(loadErrors: readonly FieldError[], found: readonly FieldError[]): FieldError[] {
  const covered = new Map<string, string[]>();
  for (const e of loadErrors) {
    if (e.path.startsWith('(')) continue;
    const list = covered.get(e.file) ?? [];
    list.push(canonicalPath(e.path));
    covered.set(e.file, list);
  }
  const repeats = (e: FieldError): boolean => {
    const p = canonicalPath(e.path);
    return (covered.get(e.file) ?? []).some((c) => p === c || p.startsWith(`${c}[`));
  };
  return found.filter((e) => !repeats(e));
}

/**
 * A field path with every segment in brackets (`a.b["c.d"][0]` -> `["a"]["b"]["c.d"][0]`): the
 * snapshot writes identifier keys with a dot, validation writes map keys (labels) in brackets.
 */
function canonicalPath(p: string): string {
  let out = '';
  for (const m of p.matchAll(/(?:^|\.)([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    out += m[1] !== undefined ? `[${JSON.stringify(m[1])}]` : m[2] !== undefined ? `[${m[2]}]` : `[${m[3]}]`;
  }
  return out;
}

/**
 * Loads `root/platform.ts` (default export of `definePlatform`). Settings problems are the
 * PlatformError `definePlatform` throws; a file that does not compile or throws anything else is
 * a ValidationError at `platform.ts:line:column`.
 */
export async function loadPlatform(root: string): Promise<PlatformSettings> {
  const file = path.join(root, 'platform.ts');
  if (!fs.existsSync(file)) {
    throw new ValidationError([new FieldError('platform.ts', '(file)', 'Required value', undefined, `no platform.ts in ${root}: every repository has one, with \`export default definePlatform({ ... })\` (README "Platform settings")`)]);
  }
  const r = (await loadModules(root, ['platform.ts'], externalsOutside(root, 'platform.ts'))).get('platform.ts')!;
  if (!r.ok) {
    if (r.thrown instanceof PlatformError) throw r.thrown;
    throw new ValidationError(r.errors);
  }
  const settings = r.exports.default;
  if (settings === undefined) throw new PlatformError([new FieldError(PLATFORM_FILE, '(default export)', 'Required value', undefined, '`export default definePlatform({ ... })`')]);
  if (!isPlainObject(settings)) throw new PlatformError([new FieldError(PLATFORM_FILE, '(default export)', 'Invalid value', settings, 'must be `definePlatform({ ... })`')]);
  return settings as unknown as PlatformSettings;
}

/** Outcome of one esbuild pass over a batch of files. */
type Built = { readonly ok: true; readonly files: readonly string[]; readonly code: string; readonly map: string; readonly externals: readonly string[] } | { readonly ok: false; readonly errors: readonly esbuild.Message[] };

/**
 * What is not compiled into the bundle, as esbuild `external` patterns: every top-level entry of
 * the repository except `keep` (the tenants folder, or platform.ts), as written and after
 * resolving symbolic links (test repositories link lib/ to a checkout). Patterns, not a resolve
 * plugin: a plugin costs two inter-process round trips per import, seconds on a loaded machine.
 */
function externalsOutside(root: string, keep: string): string[] {
  const out = new Set<string>();
  const realRoot = fs.realpathSync(root);
  for (const name of fs.readdirSync(root)) {
    if (name === keep || name === 'node_modules') continue;
    for (const abs of [path.join(root, name), path.join(realRoot, name)]) {
      out.add(abs).add(`${abs}/*`);
      try {
        const real = fs.realpathSync(abs);
        out.add(real).add(`${real}/*`);
      } catch {
        // a dangling link: nothing resolves into it
      }
    }
  }
  return [...out];
}

/** Compiles and evaluates `files` (paths relative to `root`, all of them bundled). */
async function loadModules(root: string, files: readonly string[], external: readonly string[]): Promise<Map<string, Loaded>> {
  const out = new Map<string, Loaded>();
  const bundles: Extract<Built, { ok: true }>[] = [];
  const queue: (readonly string[])[] = files.length > 0 ? [files] : [];
  while (queue.length > 0) {
    const batch = queue.pop()!;
    const built = await build(root, batch, external);
    if (built.ok) {
      bundles.push(built);
      continue;
    }
    // Errors located in a file of the batch belong to it; the rest of the batch is tried again.
    const inBatch = new Set(batch);
    const own = new Map<string, esbuild.Message[]>();
    for (const m of built.errors) {
      const f = m.location?.file;
      if (f !== undefined && inBatch.has(f)) own.set(f, [...(own.get(f) ?? []), m]);
    }
    if (own.size > 0) {
      for (const [f, msgs] of own) out.set(f, { ok: false, errors: msgs.map((m) => compileError(f, m)) });
      const rest = batch.filter((f) => !own.has(f));
      if (rest.length > 0) queue.push(rest);
    } else if (batch.length === 1) {
      out.set(batch[0]!, { ok: false, errors: built.errors.map((m) => compileError(batch[0]!, m)) });
    } else {
      // An error in a helper several files import: halve the batch until each failing file is alone.
      const half = Math.ceil(batch.length / 2);
      queue.push(batch.slice(0, half), batch.slice(half));
    }
  }
  for (const b of bundles) for (const [f, r] of await evaluate(root, b)) out.set(f, r);
  return out;
}

/** Bundles `files` as one CommonJS module exporting one lazy loader per file. */
async function build(root: string, files: readonly string[], external: readonly string[]): Promise<Built> {
  const entry = `module.exports = [${files.map((f) => `() => require(${JSON.stringify(`./${f}`)})`).join(',\n')}];\n`;
  try {
    const r = await esbuild.build({
      stdin: { contents: entry, resolveDir: root, sourcefile: ENTRY_NAME, loader: 'js' },
      absWorkingDir: root,
      outfile: path.join(root, BUNDLE_NAME),
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcemap: 'external',
      metafile: true,
      logLevel: 'silent',
      // Packages and Node built-ins come from the host, as the pipeline's own imports do.
      packages: 'external',
      external: [...external],
    });
    const js = r.outputFiles.find((o) => o.path.endsWith('.js'))!;
    const map = r.outputFiles.find((o) => o.path.endsWith('.map'))!;
    const externals = new Set<string>();
    for (const input of Object.values(r.metafile.inputs)) for (const i of input.imports) if (i.external) externals.add(i.path);
    return { ok: true, files, code: js.text, map: map.text, externals: [...externals].sort() };
  } catch (err) {
    const errors = (err as { errors?: esbuild.Message[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) return { ok: false, errors };
    throw err;
  }
}

/** The generated entry that requires every file of a batch. */
const ENTRY_NAME = '[tenant files]';
/** The bundle's name in stack traces (it is never written to disk). */
const BUNDLE_NAME = '[kubeflow-tenants bundle].js';

function compileError(file: string, m: esbuild.Message): FieldError {
  const loc = m.location;
  const notes = m.notes.map((n) => n.text).filter((t) => t !== '');
  let text = oneLine([m.text, ...notes].join('\n'));
  // esbuild's wording names the bundle format, which means nothing to the author of the file.
  if (/top-level await/i.test(text)) text = 'top-level await is not supported in tenant files (they are evaluated synchronously); compute the value without await';
  const here = loc?.file === file;
  // The generated entry (ENTRY_NAME) is no place to look at: its errors are named without it.
  const where = loc && !here && loc.file !== ENTRY_NAME ? `${loc.file}:${loc.line}:${loc.column + 1}: ` : '';
  return new FieldError(file, '(file)', 'Invalid value', path.basename(file), `cannot be loaded: ${where}${text}`, here && loc ? { line: loc.line, column: loc.column + 1 } : undefined);
}

/** Loads a bundle's externals through the host, evaluates it, and initializes each file's module. */
async function evaluate(root: string, b: Extract<Built, { ok: true }>): Promise<Map<string, Loaded>> {
  const hostRequire = createRequire(path.join(root, 'package.json'));
  const externals = new Map<string, { ok: true; value: unknown } | { ok: false; err: unknown }>();
  await Promise.all(
    b.externals.map(async (spec) => {
      try {
        externals.set(spec, { ok: true, value: await importExternal(root, spec, hostRequire) });
      } catch (err) {
        externals.set(spec, { ok: false, err });
      }
    }),
  );
  const requireExternal = (spec: string): unknown => {
    const e = externals.get(spec);
    if (!e) throw new Error(`Cannot find module '${spec}'`);
    if (!e.ok) throw e.err;
    return e.value;
  };
  const filename = path.join(root, BUNDLE_NAME);
  const mod: { exports: unknown } = { exports: {} };
  const fn = vm.compileFunction(b.code, ['module', 'exports', 'require'], { filename }) as (m: typeof mod, e: unknown, r: typeof requireExternal) => void;
  fn(mod, mod.exports, requireExternal);
  const loaders = mod.exports as (() => Record<string, unknown>)[];
  let sourceMap: SourceMap | undefined;
  const out = new Map<string, Loaded>();
  const limit = Error.stackTraceLimit;
  // Deep enough that a frame of the file itself survives library frames above it.
  Error.stackTraceLimit = 50;
  try {
    b.files.forEach((file, i) => {
      try {
        out.set(file, { ok: true, exports: loaders[i]!() });
      } catch (thrown) {
        sourceMap ??= new SourceMap(JSON.parse(b.map) as ConstructorParameters<typeof SourceMap>[0]);
        const where = thrownAt(thrown, filename, sourceMap, file);
        const elsewhere = where && where.file !== file ? `${where.file}:${where.line}:${where.column}: ` : '';
        out.set(file, {
          ok: false,
          thrown,
          errors: [new FieldError(file, '(file)', 'Invalid value', path.basename(file), `cannot be loaded: ${elsewhere}${describeThrown(thrown)}`, where && !elsewhere ? where : undefined)],
        });
      }
    });
  } finally {
    Error.stackTraceLimit = limit;
  }
  return out;
}

/**
 * Loads an external of the bundle through the host's loaders (tsx or vitest load the TypeScript
 * of lib/). esbuild writes a relative external relative to the bundle's folder, the repository root.
 */
async function importExternal(root: string, spec: string, hostRequire: NodeJS.Require): Promise<unknown> {
  if (spec.startsWith('.') || path.isAbsolute(spec)) {
    const abs = path.resolve(root, spec);
    const file = [abs, ...RESOLVE_SUFFIXES.map((x) => `${abs}${x}`)].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
    if (!file) throw new Error(`Cannot find ${path.relative(root, abs) || abs} (tried ${['', ...RESOLVE_SUFFIXES].map((x) => `${path.basename(abs)}${x}`).join(', ')})`);
    return import(pathToFileURL(file).href);
  }
  try {
    // CommonJS packages through require, as esbuild's output expects (and as the pipeline gets them).
    return hostRequire(spec);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_REQUIRE_ESM') return import(pathToFileURL(hostRequire.resolve(spec)).href);
    throw err;
  }
}

/** What an import path without an extension may name, in the order TypeScript's bundler resolution tries. */
const RESOLVE_SUFFIXES = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json', '/index.ts', '/index.js'];

/** The first place in the bundle's source files on the thrown value's stack, preferring `file` itself. */
function thrownAt(thrown: unknown, bundle: string, map: SourceMap, file: string): (SourcePosition & { file: string }) | undefined {
  let stack: unknown;
  try {
    stack = thrown instanceof Error ? thrown.stack : undefined;
  } catch {
    return undefined;
  }
  if (typeof stack !== 'string') return undefined;
  const frames: (SourcePosition & { file: string })[] = [];
  for (const line of stack.split('\n')) {
    const i = line.indexOf(`${bundle}:`);
    if (i < 0) continue;
    const m = /^:(\d+):(\d+)/.exec(line.slice(i + bundle.length));
    if (!m) continue;
    const e = map.findEntry(Number(m[1]) - 1, Number(m[2]) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (e.originalSource === undefined || e.originalLine === undefined || e.originalColumn === undefined) continue;
    frames.push({ file: e.originalSource, line: e.originalLine + 1, column: e.originalColumn + 1 });
  }
  return frames.find((f) => f.file === file) ?? frames[0];
}
