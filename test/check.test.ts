/**
 * `npm run check` (committed dist/ equals a fresh synth) and the removal guard of `npm run synth`
 * (a deployed tenant may only disappear after being decommissioned), on fixture repositories.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { INPUTS_FILE, inputsDigest, parseInputsDigest, renderInputsDigest } from '../lib/inputs-digest';
import { readTree } from '../lib/synth';
import type { TenantSpec } from '../lib/tenant';
import { makeRepo, removeRepo, runScript, tenantSource, writeTenants } from './fixture-repo';
import { validSpec } from './support/fixtures';

const alpha = validSpec({ name: 'alpha' });
const beta = validSpec({ name: 'beta', owner: { email: 'beta-lead@example.com' } });
const src = (s: TenantSpec): string => tenantSource(s);

let repos: string[] = [];
afterEach(() => {
  for (const r of repos) removeRepo(r);
  repos = [];
});
function synthedRepo(): string {
  const repo = makeRepo({ 'alpha.ts': src(alpha), 'beta.ts': src(beta) });
  repos.push(repo);
  const r = runScript(repo, 'main.ts');
  expect(r.code, r.stderr).toBe(0);
  return repo;
}

describe('npm run check', () => {
  it('passes on a fresh synth with one line, fails on a hand-edited dist/ with the files, the fields and the fix', () => {
    const repo = synthedRepo();
    const ok = runScript(repo, 'scripts/check.ts');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^dist\/ is up to date \(\d+ files match a fresh synth\)\n$/);

    const profile = path.join(repo, 'dist/tenants/alpha/Profile.alpha.yaml');
    fs.writeFileSync(profile, fs.readFileSync(profile, 'utf8').replace('requests.cpu: "10"', 'requests.cpu: "100"'));
    fs.rmSync(path.join(repo, 'dist/tenants/beta/LimitRange.tenant-limits.yaml'));
    fs.writeFileSync(path.join(repo, 'dist/tenants/beta/ConfigMap.extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n');
    const bad = runScript(repo, 'scripts/check.ts');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.split('\n')[0]).toBe(
      'dist/ was edited by hand: dist/INPUTS.sha256 matches the current inputs and tool, so synth did not write these differences; run `npm run synth` to restore dist/, and change the tenant files or platform.ts instead',
    );
    expect(bad.stderr).toContain('dist/ differs from a fresh synth of tenants/ and platform.ts in 3 file(s):');
    expect(bad.stderr).toContain('  changed: dist/tenants/alpha/Profile.alpha.yaml');
    expect(bad.stderr).toContain('  missing: dist/tenants/beta/LimitRange.tenant-limits.yaml');
    expect(bad.stderr).toContain('  extra:   dist/tenants/beta/ConfigMap.extra.yaml');
    expect(bad.stderr).toContain('spec.resourceQuotaSpec.hard["requests.cpu"]: "10" → "100"');
    expect(bad.stderr).toContain('Fix: never edit dist/ by hand');
    expect(bad.stderr).toContain('run `npm run synth` and commit dist/');
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  }, 60_000);

  it('fails when a tenant file changed and synth was not run; passes again after synth', () => {
    const repo = synthedRepo();
    writeTenants(repo, { 'alpha.ts': src({ ...alpha, contributors: [] }) });
    const stale = runScript(repo, 'scripts/check.ts');
    expect(stale.code).toBe(1);
    expect(stale.stderr.split('\n')[0]).toBe(
      'dist/ is older than its inputs (changed since the last synth: tenants/alpha.ts): run `npm run synth` and commit dist/ together with them',
    );
    expect(stale.stderr).toContain('extra:   dist/tenants/alpha/RoleBinding.user-bob-example-com-clusterrole-view.yaml');
    expect(stale.stderr).toContain('changed: dist/INPUTS.sha256');
    expect(stale.stderr).toContain('Fix: run `npm run synth` and commit dist/ together with the changed inputs.');
    expect(stale.stderr).not.toContain('by hand');
    expect(runScript(repo, 'main.ts').code).toBe(0);
    expect(runScript(repo, 'scripts/check.ts').code).toBe(0);
  }, 60_000);
});

describe('dist/INPUTS.sha256: stale inputs, tool change or hand edit', () => {
  const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

  it('synth records the sha256 of every input and of the tool, deterministically, outside what Argo CD reads', () => {
    const repo = synthedRepo();
    const record = fs.readFileSync(path.join(repo, 'dist', INPUTS_FILE), 'utf8');
    const lines = record.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines.map((l) => l.slice(66))).toEqual(['platform.ts', 'tenants/alpha.ts', 'tenants/beta.ts', '(tool)']);
    expect(lines[1]).toBe(`${sha(path.join(repo, 'tenants/alpha.ts'))}  tenants/alpha.ts`);
    expect(record).not.toMatch(/20\d\d-\d\d/); // no timestamp
    expect(runScript(repo, 'main.ts').code).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'dist', INPUTS_FILE), 'utf8')).toBe(record);
    // At the dist/ root (Argo CD reads dist/tenants/* and dist/cluster) and not a manifest extension.
    expect(INPUTS_FILE).not.toMatch(/\/|\.(ya?ml|json)$/);
  }, 60_000);

  it('a new tenant file without synth is a stale dist/, naming the file', () => {
    const repo = synthedRepo();
    writeTenants(repo, { 'gamma.ts': src(validSpec({ name: 'gamma', owner: { email: 'gamma-lead@example.com' } })) });
    const r = runScript(repo, 'scripts/check.ts');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      'dist/ is older than its inputs (changed since the last synth: tenants/gamma.ts (added)): run `npm run synth` and commit dist/ together with them',
    );
  }, 60_000);

  it('a dist/ from another version of the tool is told apart; no record at all is said too', () => {
    const repo = synthedRepo();
    const file = path.join(repo, 'dist', INPUTS_FILE);
    const record = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, record.replace(/^[0-9a-f]{64}(?= {2}\(tool\)$)/m, '0'.repeat(64)));
    const tool = runScript(repo, 'scripts/check.ts');
    expect(tool.code).toBe(1);
    expect(tool.stderr.split('\n')[0]).toBe(
      'dist/ was synthesized by another version of the tool (lib/, imports/, main.ts, package-lock.json changed since the last synth; tenants/ and platform.ts did not): run `npm run synth` and commit dist/; differences the new version does not explain are hand edits',
    );
    expect(tool.stderr).toContain('  changed: dist/INPUTS.sha256');

    fs.rmSync(file);
    const none = runScript(repo, 'scripts/check.ts');
    expect(none.code).toBe(1);
    expect(none.stderr.split('\n')[0]).toBe(
      'dist/INPUTS.sha256 is missing or unreadable, so check cannot tell stale inputs from a hand edit: run `npm run synth` and commit dist/',
    );
    expect(none.stderr).toContain('  missing: dist/INPUTS.sha256');
  }, 60_000);

  it('the tool digest follows the tool files, the input digests follow tenants/, groups/ and platform.ts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-digest-'));
    try {
      const w = (f: string, text: string): void => {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.writeFileSync(path.join(dir, f), text);
      };
      for (const f of ['lib/a.ts', 'tenants/x.ts', 'tenants/.x.ts.swp', 'groups/ml.ts', 'platform.ts', 'README.md']) w(f, `// ${f}\n`);
      const before = inputsDigest(dir, dir);
      expect([...before.inputs.keys()]).toEqual(['groups/ml.ts', 'platform.ts', 'tenants/x.ts']);
      expect(parseInputsDigest(renderInputsDigest(before))).toEqual(before);
      w('lib/a.ts', '// changed\n');
      const after = inputsDigest(dir, dir);
      expect(after.tool).not.toBe(before.tool);
      expect(after.inputs).toEqual(before.inputs);
      w('groups/ml.ts', '// changed\n');
      expect(inputsDigest(dir, dir).inputs.get('groups/ml.ts')).not.toBe(before.inputs.get('groups/ml.ts'));
      expect(parseInputsDigest('not a record\n')).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('removing a tenant', () => {
  it('without decommissioning fails synth with the explanation, and dist/ is left as it was', () => {
    const repo = synthedRepo();
    const before = readTree(path.join(repo, 'dist'));
    writeTenants(repo, { 'beta.ts': null });
    const r = runScript(repo, 'main.ts');
    expect(r.code).toBe(1);
    const [first] = r.stderr.split('\n');
    expect(first).toMatch(/^tenants\/beta\.ts: \(file\): Required value: tenant "beta" is deployed \(dist\/tenants\/beta\/ exists\) but no tenant file declares it any more/);
    expect(first).toContain('1) keep tenants/beta.ts and add `decommissioned: true`');
    expect(first).toContain('2) once the data is exported or no longer needed, delete tenants/beta.ts');
    expect(r.stderr).toContain('dist/ left unchanged');
    expect(readTree(path.join(repo, 'dist'))).toEqual(before);
    // check reports the same error.
    const c = runScript(repo, 'scripts/check.ts');
    expect(c.code).toBe(1);
    expect(c.stderr.split('\n')[0]).toBe(first);
  }, 60_000);

  it('in two steps: decommission (access revoked, Profile kept), then delete the file', () => {
    const repo = synthedRepo();
    writeTenants(repo, { 'beta.ts': src({ ...beta, decommissioned: true }) });
    expect(runScript(repo, 'main.ts').code).toBe(0);
    const files = [...readTree(path.join(repo, 'dist')).keys()].filter((f) => f.startsWith('tenants/beta/'));
    expect(files).toContain('tenants/beta/Profile.beta.yaml');
    expect(files.some((f) => f.includes('RoleBinding'))).toBe(false);
    expect(fs.readFileSync(path.join(repo, 'dist/tenants/beta/Profile.beta.yaml'), 'utf8')).toContain('kubeflow-tenants/decommissioned: "true"');

    writeTenants(repo, { 'beta.ts': null });
    const r = runScript(repo, 'main.ts');
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(repo, 'dist/tenants/beta'))).toBe(false);
    expect(fs.existsSync(path.join(repo, 'dist/cluster/AppProject.tenant-beta.yaml'))).toBe(false);
  }, 60_000);
});
