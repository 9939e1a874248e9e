/**
 * The import rules of .dependency-cruiser.cjs (`npm run lint:deps`): the real lib/ passes, and a
 * violation seeded into a throw-away copy of lib/ makes depcruise fail and name it. The seeded
 * imports are type-only on purpose: they are the ones a default configuration would not see.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** Runs depcruise as `npm run lint:deps` does, in `root`. */
function cruise(root: string): { code: number; output: string } {
  const r = spawnSync(process.execPath, [DEPCRUISE, 'lib', 'scripts', 'main.ts', '--config', '.dependency-cruiser.cjs'], {
    cwd: root,
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

let copies: string[] = [];
afterEach(() => {
  for (const c of copies) fs.rmSync(c, { recursive: true, force: true });
  copies = [];
});

/** A copy of lib/, scripts/, main.ts and the configs, with `line` appended to `file` of the copy. */
function seeded(file: string, line: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-deps-'));
  copies.push(dir);
  for (const d of ['lib', 'scripts']) fs.cpSync(path.join(ROOT, d), path.join(dir, d), { recursive: true });
  for (const f of ['main.ts', 'tsconfig.json', '.dependency-cruiser.cjs', 'package.json']) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  // Resolved like the real checkout, but never copied or modified.
  for (const link of ['node_modules', 'imports']) fs.symlinkSync(path.join(ROOT, link), path.join(dir, link));
  fs.appendFileSync(path.join(dir, file), `\n${line}\n`);
  return dir;
}

describe('import rules (dependency-cruiser)', () => {
  it('the real lib/, scripts/ and main.ts have no violation', () => {
    const r = cruise(ROOT);
    expect(r.output).toContain('no dependency violations found');
    expect(r.code, r.output).toBe(0);
  });

  it('a type-only import that closes a cycle fails no-circular, naming the cycle', () => {
    // quota.ts imports validation.ts (values); this closes validation -> quota -> validation.
    const r = cruise(seeded('lib/validation.ts', "import type { EffectiveLimits } from './quota';\nexport type Seeded = EffectiveLimits;"));
    expect(r.code).not.toBe(0);
    // depcruise may report the cycle starting at either module.
    expect(r.output).toMatch(/error no-circular: lib\/(validation|quota)\.ts →\s+lib\/(quota|validation)\.ts →\s+lib\/\1\.ts/);
  });

  it('a declaration importing a construct module fails the layering rule', () => {
    // constructs/isolation.ts does not import declarations, so this is a layering violation without a cycle.
    const r = cruise(seeded('lib/declarations/tenant.ts', "import type { TenantIsolation } from '../constructs/isolation';\nexport type Seeded = TenantIsolation;"));
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/error declarations-import-only-declarations: lib\/declarations\/tenant\.ts → lib\/constructs\/isolation\.ts/);
    expect(r.output).not.toContain('no-circular');
  });

  it('a construct module importing declaration validation fails constructs-not-to-validation', () => {
    // Constructs render the resolved model; validation.ts imports no construct, so there is no cycle.
    const r = cruise(seeded('lib/constructs/grants.ts', "import type { ErrorList } from '../validation';\nexport type Seeded = ErrorList;"));
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('error constructs-not-to-validation: lib/constructs/grants.ts → lib/validation.ts');
    expect(r.output).not.toContain('no-circular');
  });

  it('a construct module importing a check module (not only validation.ts) fails too', () => {
    const r = cruise(seeded('lib/constructs/profile.ts', "import type { checkProfile } from '../profile';\nexport type Seeded = typeof checkProfile;"));
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('error constructs-not-to-validation: lib/constructs/profile.ts → lib/profile.ts');
  });

  it('the model importing a construct fails the layering rule', () => {
    const r = cruise(seeded('lib/model/names.ts', "import type { Grants } from '../constructs/grants';\nexport type Seeded = Grants;"));
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/error model-not-to-upper-layers: lib\/model\/names\.ts → lib\/constructs\/grants\.ts/);
  });

  it('lib/capacity/ imports only the model and declarations, and the model never imports lib/capacity/', () => {
    const dir = seeded('lib/capacity/format.ts', "import type { synthRepo } from '../pipeline/repo';\nimport type { Grants } from '../constructs/grants';\nexport type Seeded = [typeof synthRepo, Grants];");
    fs.appendFileSync(path.join(dir, 'lib/model/names.ts'), "\nimport type { CapacityReport } from '../capacity/types';\nexport type Seeded = CapacityReport;\n");
    const r = cruise(dir);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('error capacity-imports-only-model-and-declarations: lib/capacity/format.ts → lib/pipeline/repo.ts');
    expect(r.output).toContain('error capacity-imports-only-model-and-declarations: lib/capacity/format.ts → lib/constructs/grants.ts');
    expect(r.output).toContain('error model-not-to-upper-layers: lib/model/names.ts → lib/capacity/types.ts');
  });

  it('lib/ importing scripts/ fails', () => {
    const r = cruise(seeded('lib/meta.ts', "import type * as check from '../scripts/check';\nexport type Seeded = typeof check;"));
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('error lib-not-to-commands-or-tests: lib/meta.ts → scripts/check.ts');
  });
});
