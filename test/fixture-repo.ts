/**
 * Throw-away repositories: the real lib/, imports/ and node_modules (symlinked), a platform.ts, and
 * tenant files written by the test or copied from a fixture repository under test/fixtures/,
 * optionally with a Git history made by the test. The tool's tests run on these, never on the
 * repository's own tenants/ and platform.ts (the org's data).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RepoSynth, SynthRepoOptions } from '../lib/pipeline/repo';
import { synthRepo } from '../lib/pipeline/repo';
import type { GroupEntry } from '../lib/groups';
import { loadGroups, loadPlatform, loadTenants } from '../lib/synth';
import type { PlatformSettings } from '../lib/platform';
import type { TenantEntry } from '../lib/validation';
import { ROOT, tsxBin } from './support/fixtures';

/** Fixture repositories (`test/fixtures/<name>/{platform.ts,tenants/}`). */
export const FIXTURES = path.join(ROOT, 'test/fixtures');

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

const DEFAULT_PLATFORM_SOURCE = "import { definePlatform } from './lib/platform';\n\nexport default definePlatform({});\n";

/** An empty repository: symlinks to the tool, a package.json, an empty tenants/ and the given platform.ts. */
function emptyRepo(platformSource: string, prefix = 'kft-repo-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const link of ['lib', 'imports', 'node_modules']) fs.symlinkSync(path.join(ROOT, link), path.join(dir, link));
  fs.writeFileSync(path.join(dir, 'platform.ts'), platformSource);
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  fs.mkdirSync(path.join(dir, 'tenants'));
  return dir;
}

function initGit(dir: string): void {
  git(dir, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\nlib\nimports\n');
}

/**
 * A repository with the given tenant files (`{ 'alpha.ts': source }`) and the default platform
 * (or `platform`, a platform.ts source); no Git unless `gitInit`.
 */
export function makeRepo(tenants: Record<string, string>, opts: { gitInit?: boolean; platform?: string } = {}): string {
  const dir = emptyRepo(opts.platform ?? DEFAULT_PLATFORM_SOURCE);
  writeTenants(dir, tenants);
  if (opts.gitInit) initGit(dir);
  return dir;
}

/**
 * A temporary copy of the fixture repository `test/fixtures/<name>` (platform.ts, tenants/ and
 * whatever else it holds), with the tool symlinked in. `only` keeps just those tenant files.
 */
export function fixtureRepo(name: string, opts: { gitInit?: boolean; only?: readonly string[] } = {}): string {
  const src = path.join(FIXTURES, name);
  if (!fs.existsSync(path.join(src, 'platform.ts'))) throw new Error(`no fixture repository ${src}`);
  const dir = emptyRepo(fs.readFileSync(path.join(src, 'platform.ts'), 'utf8'), `kft-${name}-`);
  for (const ent of fs.readdirSync(src, { withFileTypes: true })) {
    if (ent.name === 'platform.ts' || ent.name === 'tenants') continue;
    fs.cpSync(path.join(src, ent.name), path.join(dir, ent.name), { recursive: true });
  }
  for (const f of fs.readdirSync(path.join(src, 'tenants'))) {
    if (!opts.only || opts.only.includes(f)) fs.copyFileSync(path.join(src, 'tenants', f), path.join(dir, 'tenants', f));
  }
  if (opts.gitInit) initGit(dir);
  return dir;
}

/** Loads a repository's platform and tenant files in this process; a load error throws. */
export async function repoInputsOf(dir: string): Promise<{ platform: PlatformSettings; entries: TenantEntry[]; groups: GroupEntry[] }> {
  const platform = await loadPlatform(dir);
  const { entries, errors } = await loadTenants(dir);
  const groups = await loadGroups(dir);
  if (errors.length + groups.errors.length > 0) throw new Error([...errors, ...groups.errors].join('\n'));
  return { platform, entries, groups: groups.entries };
}

/**
 * Synthesizes a repository in this process through the pipeline every command runs
 * (lib/pipeline/repo.ts: deployed state and removal guard included); writes nothing.
 */
export function synthFixture(dir: string, opts: SynthRepoOptions = {}): Promise<RepoSynth> {
  return synthRepo(dir, opts);
}

/** The platform and tenants of the fixture repository `name`, loaded from a temporary copy. */
export async function fixtureInputs(name: string): Promise<{ platform: PlatformSettings; entries: TenantEntry[]; groups: GroupEntry[] }> {
  const dir = fixtureRepo(name);
  try {
    return await repoInputsOf(dir);
  } finally {
    removeRepo(dir);
  }
}

/** Writes (or, for `null`, deletes) tenant files. */
export function writeTenants(dir: string, tenants: Record<string, string | null>): void {
  for (const [f, src] of Object.entries(tenants)) {
    const p = path.join(dir, 'tenants', f);
    if (src === null) fs.rmSync(p, { force: true });
    else fs.writeFileSync(p, src);
  }
}

/**
 * `tsc --noEmit` over a repository's platform.ts and tenants/ (including `_` helpers), with the
 * project's compiler options: the type check `npm test` gives the org's own tenant files.
 */
export function typeCheck(dir: string): Promise<{ code: number; output: string }> {
  const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: object };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['platform.ts', 'tenants/**/*.ts', 'groups/**/*.ts'] }));
  // Asynchronous: tsc can take a minute on a loaded machine, and a worker blocked that long in
  // spawnSync misses vitest's RPC deadline ("Timeout calling onTaskUpdate").
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsc'), ['--noEmit', '-p', dir], { cwd: dir });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
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
