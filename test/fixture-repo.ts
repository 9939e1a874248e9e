/**
 * Throw-away repositories for the `diff` and `check` tests: the real lib/, imports/ and
 * node_modules (symlinked), a platform.ts, and tenant files written by the test, optionally with
 * a Git history made by the test.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, tsxBin } from './support/fixtures';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Runs a repo script (`main.ts`, `scripts/diff.ts`, ...) of this checkout against `root`. */
export function runScript(root: string, script: string, ...args: string[]): Run {
  const r = spawnSync(tsxBin, [path.join(ROOT, script), '--root', root, ...args], { cwd: root, env: GIT_ENV, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The source of a tenant file declaring `spec`. */
export function tenantSource(spec: object, comment = ''): string {
  return `${comment ? `// ${comment}\n` : ''}import { tenant } from '../lib/tenant';\n\nexport default tenant(${JSON.stringify(spec, null, 2)});\n`;
}

/** A repository with the given tenant files (`{ 'alpha.ts': source }`); no Git unless `gitInit`. */
export function makeRepo(tenants: Record<string, string>, opts: { gitInit?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-repo-'));
  for (const link of ['lib', 'imports', 'node_modules']) fs.symlinkSync(path.join(ROOT, link), path.join(dir, link));
  fs.writeFileSync(path.join(dir, 'platform.ts'), "import { definePlatform } from './lib/platform';\n\nexport default definePlatform({});\n");
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  fs.mkdirSync(path.join(dir, 'tenants'));
  writeTenants(dir, tenants);
  if (opts.gitInit) {
    git(dir, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\nlib\nimports\n');
  }
  return dir;
}

/** Writes (or, for `null`, deletes) tenant files. */
export function writeTenants(dir: string, tenants: Record<string, string | null>): void {
  for (const [f, src] of Object.entries(tenants)) {
    const p = path.join(dir, 'tenants', f);
    if (src === null) fs.rmSync(p, { force: true });
    else fs.writeFileSync(p, src);
  }
}

/** `npm run synth` in the repo, then commits everything. */
export function synthAndCommit(dir: string, message: string): void {
  const r = runScript(dir, 'main.ts');
  if (r.code !== 0) throw new Error(`synth failed: ${r.stderr}`);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
}

export function removeRepo(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
