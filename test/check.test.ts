/**
 * `npm run check` (committed dist/ equals a fresh synth) and the removal guard of `npm run synth`
 * (a deployed tenant may only disappear after being decommissioned), on fixture repositories.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
    expect(stale.stderr).toContain('extra:   dist/tenants/alpha/RoleBinding.user-bob-example-com-clusterrole-view.yaml');
    expect(runScript(repo, 'main.ts').code).toBe(0);
    expect(runScript(repo, 'scripts/check.ts').code).toBe(0);
  }, 60_000);
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
