/**
 * The README tells the truth: its tenant example synthesizes, its risk-flag table lists exactly the
 * flags the diff can raise, its prerequisites match go.mod and package.json, and the documented
 * `npx cdk8s synth` invocation works offline without a stack trace.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RISK_KINDS } from '../lib/diff';
import { makeRepo, removeRepo, runScript } from './fixture-repo';
import { ROOT } from './support/fixtures';

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The text of a `## `/`### ` section, up to the next heading of the same or a higher level. */
function section(title: string): string {
  const m = new RegExp(`^(#{2,3}) ${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`, 'm').exec(README);
  if (!m) throw new Error(`README.md has no section "${title}"`);
  const rest = README.slice(m.index + m[0].length);
  const end = new RegExp(`^#{2,${m[1]!.length}} `, 'm').exec(rest);
  return end ? rest.slice(0, end.index) : rest;
}

/** First cells of the rows of the first Markdown table in `text` (header and rule excluded). */
function firstColumn(text: string): string[] {
  const rows = text.split('\n').filter((l) => l.startsWith('|'));
  return rows.slice(2).map((l) => l.split('|')[1]!.trim());
}

describe('README: adding a tenant', () => {
  const block = /```ts\n([\s\S]*?)```/.exec(section('Adding a tenant'))?.[1] ?? '';
  const name = /name: '([^']+)'/.exec(block)?.[1] ?? '';
  let repo: string;
  beforeAll(() => {
    repo = makeRepo({ [`${name}.ts`]: block });
  });
  afterAll(() => removeRepo(repo));

  it('the example synthesizes as written, in a repository of its own', () => {
    expect(name).toMatch(/^[a-z][-a-z0-9]+$/);
    const r = runScript(repo, 'main.ts');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^synthesized 1 tenant\(s\), \d+ object\(s\) into dist\/ in \d+ ms$/m);

    const dir = path.join(repo, 'dist/tenants', name);
    const load = (f: string): Record<string, any> => yaml.load(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, any>;
    const profile = load(`Profile.${name}.yaml`);
    const spec = /quota: \{\s*cpu: '([^']+)', memory: '([^']+)'/.exec(block)!;
    expect(profile.spec.owner).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: /email: '([^']+)'/.exec(block)![1] });
    expect(profile.spec.resourceQuotaSpec.hard['requests.cpu']).toBe(spec[1]);
    expect(profile.spec.resourceQuotaSpec.hard['requests.memory']).toBe(spec[2]);
    expect(profile.spec.resourceQuotaSpec.hard['requests.nvidia.com/gpu']).toBe(/'nvidia\.com\/gpu': (\d+) }/.exec(block)![1]);
    const contributors = [...block.matchAll(/\{ user: '([^']+)', role: '(edit|view)' \}/g)];
    expect(contributors.length).toBeGreaterThan(0);
    for (const [, user, role] of contributors) {
      const rb = load(`RoleBinding.user-${user!.replace(/[@.]/g, '-')}-clusterrole-${role}.yaml`);
      expect(rb.roleRef.name).toBe(`kubeflow-${role}`);
      expect(rb.metadata.annotations).toMatchObject({ role, user });
    }
    expect(load('LimitRange.tenant-limits.yaml').spec.limits.length).toBeGreaterThan(0);
  }, 60_000);
});

describe('README: risk flags', () => {
  it('the flag table lists exactly the flags the diff can raise, in the order the report shows them', () => {
    expect(firstColumn(section('Risk flags'))).toEqual(RISK_KINDS.map((k) => k.label));
  });
});

describe('README: prerequisites', () => {
  const text = section('Prerequisites');
  const minor = (v: string): number[] => v.split('.').slice(0, 2).map(Number);
  const newest = (files: string[]): string =>
    files
      .map((f) => /^go (\S+)$/m.exec(fs.readFileSync(path.join(ROOT, f), 'utf8'))![1]!)
      .sort((a, b) => minor(b)[0]! - minor(a)[0]! || minor(b)[1]! - minor(a)[1]!)[0]!
      .split('.')
      .slice(0, 2)
      .join('.');

  it('states the Node version of package.json and the Go versions of the go.mod files', () => {
    const engines = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(text).toContain(`| Node.js | ${engines.replace('>=', '>= ')} |`);
    expect(text).toContain(`Go >= ${newest(['test/argocd-health/go.mod', 'test/kyverno-cel/go.mod', 'test/kyverno-cli/go.mod'])} for \`npm test\``);
    expect(text).toContain(`Go >= ${newest(fs.readdirSync(path.join(ROOT, 'test/cluster/build')).map((d) => `test/cluster/build/${d}/go.mod`).filter((f) => fs.existsSync(path.join(ROOT, f))))} for \`npm run test:cluster\``);
  });
});

describe('README: cdk8s synth', () => {
  it('the documented `npx cdk8s synth --no-check-upgrade` exits 0 offline, without a stack trace', () => {
    expect(README).toContain('npx cdk8s synth --no-check-upgrade');
    const repo = makeRepo({});
    try {
      for (const f of ['main.ts', 'cdk8s.yaml']) fs.copyFileSync(path.join(ROOT, f), path.join(repo, f));
      fs.writeFileSync(path.join(repo, 'tenants/alpha.ts'), "import { tenant } from '../lib/tenant';\n\nexport default tenant({ name: 'alpha', owner: { email: 'a@example.com' }, labels: { team: 'a', 'cost-centre': 'cc', 'compliance-tier': 'internal' }, quota: { cpu: '1', memory: '1Gi' } });\n");
      const r = spawnSync('npx', ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade'], { cwd: repo, encoding: 'utf8', timeout: 20_000 });
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.status, r.stderr).toBe(0);
      expect(fs.readFileSync(path.join(repo, 'cdk8s.out/app.k8s.yaml'), 'utf8')).toContain('kind: Profile');
      expect(fs.existsSync(path.join(repo, 'dist/tenants/alpha/Profile.alpha.yaml'))).toBe(true);
    } finally {
      removeRepo(repo);
    }
  }, 60_000);
});
