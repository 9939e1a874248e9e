/**
 * Renamed fields and enum values: the old spelling is rewritten before validation with a warning,
 * both spellings at once and an alias past its removal date are errors, and warnings never change
 * dist/. The shipped table is empty, so every test injects its own table; its renames point at
 * today's real fields so the rewritten declaration passes validation.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deprecation } from '../lib/deprecations';
import { checkTable, DEPRECATIONS, deprecationLines, migrateEntries } from '../lib/deprecations';
import { DEFAULT_PLATFORM } from '../lib/platform';
import { synthesize } from '../lib/synth';
import { ValidationError } from '../lib/validation';
import { git, makeRepo, removeRepo, synthAndCommit, tenantSource, writeTenants } from './fixture-repo';
import type { Run } from './fixture-repo';
import { entry, ROOT, tsxBin, validSpec } from './support/fixtures';

const life = { since: '0.2.0', deprecated: '2026-11-27', removedAfter: '2027-05-31' };
const TABLE: readonly Deprecation[] = [
  { kind: 'field', from: 'quota.cpuRequests', to: 'quota.cpu', ...life },
  { kind: 'field', from: 'limits.pod.maximum', to: 'limits.pod.max', ...life },
  { kind: 'value', path: 'contributors[*].role', from: 'editing', to: 'edit', ...life },
  { kind: 'field', from: 'grants[*].who', to: 'grants[*].to', ...life },
];
const BEFORE = '2027-05-31';
const AFTER = '2027-06-01';

const current = validSpec({
  name: 'alpha',
  contributors: [
    { user: 'bob@example.com', role: 'view' },
    { user: 'carol@example.com', role: 'edit' },
  ],
});
/** The same tenant written with every old spelling of TABLE except the grants one. */
const old = {
  ...current,
  quota: { memory: '40Gi', cpuRequests: '10', gpu: { 'nvidia.com/gpu': 2 } },
  limits: { pod: { maximum: current.limits!.pod!.max } },
  contributors: [
    { user: 'bob@example.com', role: 'view' },
    { user: 'carol@example.com', role: 'editing' },
  ],
};

describe('migrateEntries', () => {
  it('rewrites a renamed field, a nested one and an array element value, with one warning each', () => {
    const input = entry(old);
    const frozen = JSON.stringify(input.spec);
    const r = migrateEntries([input], TABLE, BEFORE);
    expect(r.errors).toEqual([]);
    expect(r.entries[0]!.spec).toEqual(current);
    expect(r.warnings.map(String)).toEqual([
      'tenants/alpha.ts: quota.cpuRequests: Deprecated: renamed to quota.cpu on 2026-11-27; the alias is removed after 2027-05-31: rename the field',
      'tenants/alpha.ts: limits.pod.maximum: Deprecated: renamed to limits.pod.max on 2026-11-27; the alias is removed after 2027-05-31: rename the field',
      'tenants/alpha.ts: contributors[1].role: Deprecated: "editing" renamed to "edit" on 2026-11-27; the alias is removed after 2027-05-31: write "edit"',
    ]);
    // The user's module object is not mutated; an entry without old spellings is passed through.
    expect(JSON.stringify(input.spec)).toBe(frozen);
    const untouched = entry(current);
    expect(migrateEntries([untouched], TABLE, BEFORE).entries[0]).toBe(untouched);
  });

  it('carries array indexes from the old path to the new one', () => {
    const spec = { ...current, grants: [{ to: 'x' }, { who: 'beta', access: 'read' }] };
    const r = migrateEntries([entry(spec)], TABLE, BEFORE);
    expect((r.entries[0]!.spec as unknown as { grants: unknown[] }).grants).toEqual([{ to: 'x' }, { to: 'beta', access: 'read' }]);
    expect(r.warnings.map((w) => w.path)).toEqual(['grants[1].who']);
    expect(String(r.warnings[0])).toContain('renamed to grants[1].to on 2026-11-27');
  });

  it('both spellings at once is an error naming both, and the old one is dropped', () => {
    const r = migrateEntries([entry({ ...current, quota: { ...current.quota, cpuRequests: '12' } })], TABLE, BEFORE);
    expect(r.warnings).toEqual([]);
    expect(r.errors.map(String)).toEqual([
      'tenants/alpha.ts: quota.cpuRequests: Duplicate value: "cpuRequests": renamed to quota.cpu on 2026-11-27, which is also set: remove quota.cpuRequests and keep quota.cpu',
    ]);
    expect(r.entries[0]!.spec.quota).toEqual(current.quota);
  });

  it('after the removal date every alias is an error with the same fix; on the date it still works', () => {
    expect(migrateEntries([entry(old)], TABLE, BEFORE).errors).toEqual([]);
    const r = migrateEntries([entry(old)], TABLE, AFTER);
    expect(r.warnings).toEqual([]);
    expect(r.errors.map(String)).toEqual([
      'tenants/alpha.ts: quota.cpuRequests: Unsupported value: "cpuRequests": renamed to quota.cpu on 2026-11-27; the alias was removed after 2027-05-31: rename the field',
      'tenants/alpha.ts: limits.pod.maximum: Unsupported value: "maximum": renamed to limits.pod.max on 2026-11-27; the alias was removed after 2027-05-31: rename the field',
      'tenants/alpha.ts: contributors[1].role: Unsupported value: "editing": renamed to "edit" on 2026-11-27; the alias was removed after 2027-05-31: write "edit"',
    ]);
  });

  it('warnings are sorted by file, then in table order', () => {
    const r = migrateEntries([entry({ ...old, name: 'zeta' }), entry(old)], TABLE, BEFORE);
    expect(r.warnings.map((w) => `${w.file} ${w.path}`)).toEqual([
      'tenants/alpha.ts quota.cpuRequests',
      'tenants/alpha.ts limits.pod.maximum',
      'tenants/alpha.ts contributors[1].role',
      'tenants/zeta.ts quota.cpuRequests',
      'tenants/zeta.ts limits.pod.maximum',
      'tenants/zeta.ts contributors[1].role',
    ]);
  });
});

describe('synthesize with a deprecation table', () => {
  it('the old spelling synthesizes to exactly the same dist/ as the new one, with warnings', () => {
    const opts = { deprecations: TABLE, today: BEFORE };
    const viaAlias = synthesize([entry(old)], DEFAULT_PLATFORM, opts);
    const plain = synthesize([entry(current)], DEFAULT_PLATFORM, opts);
    expect([...viaAlias.files]).toEqual([...plain.files]);
    expect(viaAlias.warnings).toHaveLength(3);
    expect(plain.warnings).toEqual([]);
    expect(deprecationLines(viaAlias.warnings).at(-1)).toBe(
      '3 deprecation warning(s): the old spellings still work until the dates above; see README "Upgrading the tool".',
    );
    expect(deprecationLines([])).toEqual([]);
  });

  it('an expired alias or both spellings fail synth together with the other errors of the file', () => {
    const bad = { ...old, quota: { ...old.quota, cpu: '10' }, labels: { team: 'a' } };
    let caught: unknown;
    try {
      synthesize([entry(bad)], DEFAULT_PLATFORM, { deprecations: TABLE, today: AFTER });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const lines = (caught as ValidationError).errors.map(String);
    expect(lines).toContain('tenants/alpha.ts: quota.cpuRequests: Duplicate value: "cpuRequests": renamed to quota.cpu on 2026-11-27, which is also set: remove quota.cpuRequests and keep quota.cpu');
    expect(lines.some((l) => l.startsWith('tenants/alpha.ts: limits.pod.maximum: Unsupported value: "maximum"'))).toBe(true);
    expect(lines.some((l) => l.startsWith('tenants/alpha.ts: labels'))).toBe(true);
    // The dropped alias is not reported a second time as an unknown field.
    expect(lines.filter((l) => l.includes('cpuRequests'))).toHaveLength(1);
  });

  it('an invalid value under an old spelling is reported at the old spelling, the one in the file', () => {
    const bad = { ...old, quota: { ...old.quota, cpuRequests: 'lots' }, limits: { pod: { maximum: { cpu: '-1' } } } };
    expect(() => synthesize([entry(bad)], DEFAULT_PLATFORM, { deprecations: TABLE, today: BEFORE })).toThrow(ValidationError);
    try {
      synthesize([entry(bad)], DEFAULT_PLATFORM, { deprecations: TABLE, today: BEFORE });
    } catch (err) {
      const paths = (err as ValidationError).errors.map((e) => e.path);
      expect(paths).toContain('quota.cpuRequests');
      expect(paths).toContain('limits.pod.maximum.cpu');
      expect(paths.filter((p) => p === 'quota.cpu' || p.startsWith('limits.pod.max.'))).toEqual([]);
    }
  });

  it('without the table the old spellings are plain unknown fields (the default table is the shipped one)', () => {
    expect(() => synthesize([entry(old)], DEFAULT_PLATFORM)).toThrow(/quota\.cpuRequests: Unsupported value: "cpuRequests": unknown field/);
  });
});

describe('the table', () => {
  it('the shipped table is well formed', () => {
    expect(checkTable(DEPRECATIONS)).toEqual([]);
    expect(checkTable(TABLE)).toEqual([]);
  });

  it('checkTable finds bad patterns, dates, versions and mismatched [*]', () => {
    const problems = checkTable([
      { kind: 'field', from: 'grants[*].who', to: 'who', ...life },
      { kind: 'field', from: 'quota..x', to: 'quota.y', ...life },
      { kind: 'value', path: 'contributors[*].role', from: 'a', to: 'b', since: 'next', deprecated: '2027-01-01', removedAfter: '2026-01-01' },
    ]);
    expect(problems).toEqual([
      'entry 0 (grants[*].who → who): "from" and "to" need the same number of [*]',
      'entry 1 (quota..x → quota.y): deprecation table: bad path pattern "quota..x" (expected names separated by ".", each optionally followed by "[*]")',
      'entry 2 (a → b): removedAfter must be after deprecated',
      'entry 2 (a → b): since must be a tool version such as 0.2.0',
    ]);
  });
});

/**
 * The commands on a fixture repository whose tool is a copy of this one with a non-empty table
 * (the shipped table is empty): the commands run from the copy, so they use its table.
 */
describe('synth, check and diff show the warnings', () => {
  const SHIPPED = 'export const DEPRECATIONS: readonly Deprecation[] = [];';
  let repo: string;
  const withTable = (entries: string): void => {
    const file = path.join(repo, 'lib/deprecations.ts');
    const text = fs.readFileSync(path.join(ROOT, 'lib/deprecations.ts'), 'utf8');
    if (!text.includes(SHIPPED)) throw new Error('lib/deprecations.ts: the shipped table line moved; update this test');
    fs.writeFileSync(file, text.replace(SHIPPED, `export const DEPRECATIONS: readonly Deprecation[] = [${entries}];`));
  };
  const active = "{ kind: 'field', from: 'quota.cpuRequests', to: 'quota.cpu', since: '0.2.0', deprecated: '2026-11-27', removedAfter: '2999-12-31' }";
  const expired = "{ kind: 'field', from: 'quota.cpuRequests', to: 'quota.cpu', since: '0.2.0', deprecated: '2000-01-01', removedAfter: '2000-06-30' }";
  const run = (script: string, ...args: string[]): Run => {
    const r = spawnSync(tsxBin, [path.join(repo, script), '--root', repo, ...args], { cwd: repo, encoding: 'utf8' });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const WARNING = 'tenants/alpha.ts: quota.cpuRequests: Deprecated: renamed to quota.cpu on 2026-11-27; the alias is removed after 2999-12-31: rename the field';

  beforeAll(() => {
    repo = makeRepo({ 'alpha.ts': tenantSource(current) }, { gitInit: true });
    fs.unlinkSync(path.join(repo, 'lib'));
    fs.cpSync(path.join(ROOT, 'lib'), path.join(repo, 'lib'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'scripts'), path.join(repo, 'scripts'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'main.ts'), path.join(repo, 'main.ts'));
    withTable(active);
    synthAndCommit(repo, 'alpha');
    git(repo, 'checkout', '-q', '-b', 'feature');
    writeTenants(repo, { 'alpha.ts': tenantSource({ ...current, quota: { memory: '40Gi', cpuRequests: '10', gpu: { 'nvidia.com/gpu': 2 } } }) });
  }, 60_000);
  afterAll(() => removeRepo(repo));

  it('synth and check: the warning on stderr, exit 0, dist/ unchanged', () => {
    const s = run('main.ts');
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr.split('\n')[0]).toBe(WARNING);
    expect(s.stderr).toContain('1 deprecation warning(s)');
    expect(s.stdout).toMatch(/^synthesized 1 tenant\(s\)/);
    // Only the record of the inputs changes (the tenant file did); no object does.
    expect(git(repo, 'status', '--porcelain', 'dist')).toBe(' M dist/INPUTS.sha256\n');
    expect(git(repo, 'diff', '--stat', 'dist', ':!dist/INPUTS.sha256')).toBe('');
    const c = run('scripts/check.ts');
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr.split('\n')[0]).toBe(WARNING);
    expect(c.stdout).toContain('is up to date');
  }, 60_000);

  it('diff: a "deprecated fields in use" section in text and Markdown, and no changes', () => {
    const d = run('scripts/diff.ts');
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain('\nno changes\n');
    expect(d.stdout).toContain(`\nDEPRECATED FIELDS IN USE (1): they still work; rename them before the date given\n  ${WARNING}\n`);
    const m = run('scripts/diff.ts', '--format', 'markdown');
    expect(m.stdout).toContain(`### ⚠️ Deprecated fields in use (1)`);
    expect(m.stdout).toContain(`- \`${WARNING}\``);
  }, 60_000);

  it('after the removal date synth fails with the fix and leaves dist/ as it was', () => {
    const inputsBefore = fs.readFileSync(path.join(repo, 'dist/INPUTS.sha256'), 'utf8');
    withTable(expired);
    try {
      const s = run('main.ts');
      expect(s.code).toBe(1);
      expect(s.stderr.split('\n')[0]).toBe(
        'tenants/alpha.ts: quota.cpuRequests: Unsupported value: "cpuRequests": renamed to quota.cpu on 2000-01-01; the alias was removed after 2000-06-30: rename the field',
      );
      expect(s.stderr).toContain('1 error(s); dist/ left unchanged.');
      expect(fs.readFileSync(path.join(repo, 'dist/INPUTS.sha256'), 'utf8')).toBe(inputsBefore);
      expect(git(repo, 'diff', '--stat', 'dist', ':!dist/INPUTS.sha256')).toBe('');
    } finally {
      withTable(active);
    }
  }, 60_000);
});
