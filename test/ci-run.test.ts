/**
 * `.ci/run` and the GitHub workflow: every build is a step of its own before `npm test`, and
 * `.ci/run` prints each step's wall time at the end, also when a step fails, then exits with that
 * step's code. `.ci/run` runs here against stand-ins for npm and git that record their arguments.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from './support/fixtures';

const STEPS = ['install', 'synth', 'build argocd-health', 'build kyverno-cel', 'build kyverno-cli', 'install chromium', 'build vrl-harness', 'test', 'check', 'diff', 'build cluster binaries', 'build kueue', 'cluster tier'];

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** Runs a copy of .ci/run with fake npm and git; `fail` makes the npm call containing it exit `code`. */
function ciRun(fail?: { match: string; code: number }): { code: number; stdout: string; calls: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-ci-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, '.ci'));
  fs.copyFileSync(path.join(ROOT, '.ci/run'), path.join(dir, '.ci/run'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const log = path.join(dir, 'calls.log');
  fs.writeFileSync(
    path.join(bin, 'npm'),
    `#!/usr/bin/env bash\necho "npm $*" >> "${log}"\n[[ -n "$FAIL" && "$*" == *"$FAIL"* ]] && exit "$FAIL_CODE"\nexit 0\n`,
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(bin, 'git'), `#!/usr/bin/env bash\necho "git $*" >> "${log}"\nexit 0\n`, { mode: 0o755 });
  const r = spawnSync('bash', [path.join(dir, '.ci/run')], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAIL: fail?.match ?? '', FAIL_CODE: String(fail?.code ?? 0) },
  });
  return { code: r.status ?? -1, stdout: r.stdout, calls: fs.readFileSync(log, 'utf8').trim().split('\n') };
}

/** The timing table: step -> [result, wall]. */
function table(stdout: string): Map<string, [string, string]> {
  const lines = stdout.slice(stdout.indexOf('::: wall time per step')).split('\n').slice(2).filter(Boolean);
  return new Map(lines.map((l) => [l.slice(0, 24).trim(), [l.slice(25, 37).trim(), l.slice(38).trim()]]));
}

describe('.ci/run', () => {
  it('runs every build as its own step before the tests, and prints each step with its wall time', () => {
    const r = ciRun();
    expect(r.code).toBe(0);
    expect(r.calls.filter((c) => c.startsWith('npm'))).toEqual([
      'npm ci --no-audit --no-fund',
      'npm run synth',
      'npm run build:tools -- argocd-health',
      'npm run build:tools -- kyverno-cel',
      'npm run build:tools -- kyverno-cli',
      'npm run setup:chromium',
      'npm run build:tools -- vrl-harness',
      'npm test',
      'npm run check',
      'npm run diff -- --base HEAD~1',
      'npm run test:cluster -- --build-only control-plane',
      'npm run test:cluster -- --build-only kueue',
      'npm run test:cluster',
    ]);
    const t = table(r.stdout);
    expect([...t.keys()]).toEqual([...STEPS, 'total']);
    for (const s of STEPS) expect(t.get(s)?.[0], s).toBe('ok');
    for (const [, wall] of t.values()) expect(wall).toMatch(/^\d+\.\d s$/);
  });

  it('a failing step stops the run, still prints the table, and its exit code is the exit code', () => {
    const r = ciRun({ match: 'test', code: 3 });
    expect(r.code).toBe(3);
    const t = table(r.stdout);
    expect(t.get('build kyverno-cli')?.[0]).toBe('ok');
    expect(t.get('install chromium')?.[0]).toBe('ok');
    expect(t.get('build vrl-harness')?.[0]).toBe('ok');
    expect(t.get('test')).toEqual(['FAILED (3)', expect.stringMatching(/^\d+\.\d s$/)]);
    for (const s of ['check', 'diff', 'build cluster binaries', 'build kueue', 'cluster tier']) expect(t.get(s), s).toEqual(['not run', '']);
    expect(t.get('total')?.[0]).toBe('FAILED (3)');
    expect(r.calls).not.toContain('npm run check');
  });
});

describe('GitHub workflow', () => {
  it('builds the Go harnesses in a step of its own before npm test', () => {
    const wf = yaml.load(fs.readFileSync(path.join(ROOT, '.github/workflows/pr.yml'), 'utf8')) as { jobs: { review: { steps: { run?: string }[] } } };
    const runs = wf.jobs.review.steps.map((s) => s.run?.trim() ?? '');
    const build = runs.indexOf('npm run build:tools');
    expect(build).toBeGreaterThan(-1);
    expect(build).toBeLessThan(runs.indexOf('npm test'));
  });

  it('names a Chromium for the capacity picture\'s browser test before npm test (CI=true fails without one)', () => {
    const wf = yaml.load(fs.readFileSync(path.join(ROOT, '.github/workflows/pr.yml'), 'utf8')) as { jobs: { review: { steps: { run?: string }[] } } };
    const runs = wf.jobs.review.steps.map((s) => s.run?.trim() ?? '');
    const setup = runs.findIndex((r) => r.includes('npm run setup:chromium'));
    expect(setup).toBeGreaterThan(-1);
    expect(setup).toBeLessThan(runs.indexOf('npm test'));
  });
});
