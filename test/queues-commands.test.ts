/**
 * The capacity commands on the `kueue` fixture repository: `npm run capacity` (text, JSON, errors)
 * and the capacity change in `npm run diff` (a PR that takes more A100s says so).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPACITY_FILE, capacityFile } from '../lib/capacity/build';
import { fixtureInputs, fixtureRepo, git, makeRepo, removeRepo, runScript, synthAndCommit } from './fixture-repo';
import { synthesize } from '../lib/synth';

let repo: string;
beforeAll(() => {
  repo = fixtureRepo('kueue', { gitInit: true });
  synthAndCommit(repo, 'kueue fixture');
  git(repo, 'checkout', '-q', '-b', 'feature');
}, 120_000);
afterAll(() => removeRepo(repo));

describe('npm run capacity', () => {
  it('prints every flavor and resource with its holders, totals and flags', () => {
    const r = runScript(repo, 'scripts/capacity.ts');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('a100-80gb nvidia.com/gpu (GPU)\n  capacity 64 GPU; guaranteed 58 GPU (90.6 % of capacity); free 6 GPU unallocated\n');
    expect(r.stdout).toMatch(/user +fraud +fraud-modelling +alice@example\.com +8 +0 +8 +0\n/);
    expect(r.stdout).toContain('flag contended borrowing');
  });

  it('--format json is the report synth computes, and the file synth writes to dist/', async () => {
    const r = runScript(repo, 'scripts/capacity.ts', '--format', 'json');
    expect(r.code).toBe(0);
    const { platform, entries } = await fixtureInputs('kueue');
    expect(r.stdout).toBe(capacityFile(synthesize(entries, platform).capacity));
    expect(fs.readFileSync(path.join(repo, 'dist', CAPACITY_FILE), 'utf8')).toBe(r.stdout);
  });

  it('--format svg writes a standalone SVG with --out; an unknown format is refused', () => {
    const out = path.join(repo, 'capacity.svg');
    expect(runScript(repo, 'scripts/capacity.ts', '--format', 'svg', '--out', out).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^<svg /);
    const bad = runScript(repo, 'scripts/capacity.ts', '--format', 'pdf');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('--format: Unsupported value: "pdf": supported values: "text", "markdown", "svg", "json"\n');
  });

  it('a repository without Kueue capacity: says so, exit 0', () => {
    const plain = makeRepo({});
    try {
      const r = runScript(plain, 'scripts/capacity.ts');
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('platform.ts declares no Kueue capacity (kueue.flavors)');
    } finally {
      removeRepo(plain);
    }
  });
});

describe('npm run diff: the capacity change', () => {
  it('a PR that raises a guarantee says how much it takes and what remains; the data file is not shown as a file diff', () => {
    const f = path.join(repo, 'tenants', 'vision.ts');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace("'a100-80gb': { 'nvidia.com/gpu': { nominal: 8,", "'a100-80gb': { 'nvidia.com/gpu': { nominal: 12,"));
    const r = runScript(repo, 'scripts/diff.ts');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('CAPACITY CHANGE (1 flavor/resource(s); npm run capacity for the whole picture)\n  a100-80gb nvidia.com/gpu: this PR takes 4 more GPU');
    expect(r.stdout).toContain('2 GPU remain unallocated of 64 GPU');
    expect(r.stdout).not.toContain('capacity.json');
    // A new personal queue is a risk flag: who may use part of the tenant's quota.
    const users = path.join(repo, 'tenants', 'fraud-modelling.ts');
    fs.writeFileSync(
      users,
      fs
        .readFileSync(users, 'utf8')
        .replace("'bob@example.com': {", "'carol@example.com': { flavors: { 'a100-80gb': { 'nvidia.com/gpu': { nominal: 2 } } } },\n      'bob@example.com': {")
        .replace("{ user: 'bob@example.com', role: 'edit' },", "{ user: 'bob@example.com', role: 'edit' },\n    { user: 'carol@example.com', role: 'edit' },"),
    );
    const flagged = runScript(repo, 'scripts/diff.ts');
    // With the fixture's username prefix, her API server username gets her Kubeflow role: flagged as a grant.
    expect(flagged.stdout).toContain('RoleBinding fraud-modelling/user-oidc-carol-example-com-clusterrole-kubeflow-edit added: binds ClusterRole kubeflow-edit to User oidc:carol@example.com');
    expect(flagged.stdout).toMatch(/personal queue added +fraud-modelling: carol@example\.com gets the personal queue user-carol-example-com: only their own API server identity may submit to it/);
    expect(flagged.stdout).not.toMatch(/personal queue added +fraud-modelling: (alice|bob)/);
    const md = runScript(repo, 'scripts/diff.ts', '--format', 'markdown');
    expect(md.stdout).toContain('### Capacity change (1)\n\n- a100-80gb nvidia.com/gpu: this PR takes 4 more GPU');
  });
});
