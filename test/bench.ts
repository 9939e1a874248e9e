/**
 * `npm run bench`: the user's commands as whole processes on N generated tenant files on disk.
 * Writes a throw-away repository (tenant files, platform.ts, package.json with the real scripts;
 * lib/, imports/, node_modules/, main.ts and scripts/ symlinked to this checkout) in a temporary
 * folder and times:
 *
 * - `npm run synth` cold (no dist/) and with an existing dist/ (median of --runs runs);
 * - `npm run diff` after one changed quota (against the committed synth; median of --runs runs).
 *
 * Each tenant has the pinned shape of `generateTenants`: 3 contributors, one grant, S3 and
 * registry credentials (19 objects). Peak memory is the largest process's maximum RSS, from
 * `/usr/bin/time` when present, else from `process.resourceUsage()` of the children.
 *
 * With `--clusters N` the repository is instead the generated fleet org of docs/scale.md
 * (test/support/gen-org.ts generateFleetOrg, `--seed`, default 20261127): N clusters, per-cluster
 * Kueue capacity, placement by rule and by name, a few bursting tenants; `--one-cluster` puts the
 * same tenants on one cluster, for comparison. The bench then also reports the size of dist/ (per
 * cluster) and the Argo CD Applications it implies. The load average is printed with each figure.
 *
 *   tsx test/bench.ts [--tenants 1000] [--runs 5] [--keep]      e.g. --tenants 5000
 *   tsx test/bench.ts --tenants 10000 --clusters 5 [--one-cluster] [--seed 20261127] [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TenantSpec } from '../lib/tenant';
import type { TenantEntry } from '../lib/validation';
import { generateFleetOrg, type GeneratedOrg, tenantFileSource as orgTenantFileSource } from './support/gen-org';

const ROOT = path.resolve(import.meta.dirname, '..');

/** N valid, distinct tenants; names never prefix one another (`team-00001` ... fixed width). */
export function generateTenants(n: number): TenantEntry[] {
  const width = String(n).length + 1;
  const nameOf = (i: number): string => `team-${String(i).padStart(width, '0')}`;
  const out: TenantEntry[] = [];
  for (let i = 0; i < n; i++) {
    const id = String(i).padStart(width, '0');
    const name = nameOf(i);
    const spec: TenantSpec = {
      name,
      owner: { email: `lead-${id}@example.com` },
      labels: { team: name, 'cost-centre': `cc-${i % 97}`, 'compliance-tier': i % 3 === 0 ? 'pci' : 'internal' },
      quota: { cpu: String(8 + (i % 40)), memory: `${32 + (i % 64)}Gi`, storage: '500Gi', gpu: { 'nvidia.com/gpu': i % 9 } },
      limits: { pod: { max: { cpu: '4', memory: '16Gi' } } },
      contributors: [
        { user: `dev-a-${id}@example.com`, role: 'edit' },
        { user: `dev-b-${id}@example.com`, role: 'edit' },
        { user: `viewer-${id}@example.com`, role: 'view' },
      ],
      // The next tenant's pipelines may read this one's models (a ring: every grantee exists).
      grants: n > 1 ? [{ to: nameOf((i + 1) % n), resources: ['inferenceservices', 'pipeline-runs'], verbs: ['get', 'list'] }] : [],
      credentials: { s3: true, registry: { server: 'harbor.example.com' } },
    };
    out.push({ file: `tenants/${name}.ts`, spec });
  }
  return out;
}

/** The source of a tenant file, as a team would write it. */
function tenantFileSource(spec: TenantSpec): string {
  return `import { tenant } from '../lib/tenant';\n\nexport default tenant(${JSON.stringify(spec, null, 2)});\n`;
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

/** A repository with `n` tenant files whose `npm run synth` / `npm run diff` are this checkout's. */
export function writeBenchRepo(dir: string, n: number, org?: GeneratedOrg): TenantEntry[] {
  for (const link of ['lib', 'imports', 'node_modules', 'main.ts', 'scripts']) fs.symlinkSync(path.join(ROOT, link), path.join(dir, link));
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.writeFileSync(path.join(dir, 'platform.ts'), org ? org.platformSource : "import { definePlatform } from './lib/platform';\n\nexport default definePlatform({});\n");
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\nlib\nimports\nmain.ts\nscripts\n.dist-*\n');
  fs.mkdirSync(path.join(dir, 'tenants'));
  if (org) {
    for (const [f, src] of Object.entries(org.tenantFiles)) fs.writeFileSync(path.join(dir, 'tenants', f), src);
    return org.specs.map((spec) => ({ file: `tenants/${spec.name}.ts`, spec }));
  }
  const entries = generateTenants(n);
  for (const e of entries) fs.writeFileSync(path.join(dir, e.file), tenantFileSource(e.spec));
  return entries;
}

/** Files and bytes under `dir`, recursively. */
function treeSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const t = treeSize(p);
      files += t.files;
      bytes += t.bytes;
    } else {
      files += 1;
      bytes += fs.statSync(p).size;
    }
  }
  return { files, bytes };
}

const subdirs = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : []);
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * dist/ by part (files, bytes) and the Argo CD objects it implies: one generated Application per
 * tenant folder (the ApplicationSets' Git directory generators), plus the Applications and
 * ApplicationSets written as files.
 */
export function distReport(dist: string): string[] {
  const out: string[] = [];
  const total = treeSize(dist);
  out.push(`dist/ ${total.files} files, ${mb(total.bytes)}`);
  const tenantFolders: string[] = [];
  const parts: [string, string][] = [];
  for (const top of subdirs(dist)) {
    if (top === 'clusters') {
      for (const c of subdirs(path.join(dist, 'clusters'))) {
        for (const sub of subdirs(path.join(dist, 'clusters', c))) parts.push([`clusters/${c}/${sub}`, path.join(dist, 'clusters', c, sub)]);
        tenantFolders.push(...subdirs(path.join(dist, 'clusters', c, 'tenants')).map((t) => `clusters/${c}/tenants/${t}`));
      }
    } else {
      parts.push([top, path.join(dist, top)]);
      if (top === 'tenants') tenantFolders.push(...subdirs(path.join(dist, 'tenants')).map((t) => `tenants/${t}`));
    }
  }
  let largest = { name: '', bytes: 0 };
  for (const [name, p] of parts) {
    const t = treeSize(p);
    const folders = name.endsWith('tenants') ? `, ${subdirs(p).length} folders` : '';
    out.push(`  ${name}: ${t.files} files, ${mb(t.bytes)}${folders}`);
  }
  for (const f of tenantFolders) {
    const b = treeSize(path.join(dist, f)).bytes;
    if (b > largest.bytes) largest = { name: f, bytes: b };
  }
  // The directory-type Application with the most YAML (Argo CD's --max-combined-directory-manifests-size, default 10M):
  // a tenant folder, a cluster's `cluster` folder, or `argocd/`, which the fleet's bootstrap Application syncs.
  for (const [name, p] of parts.filter(([n]) => n === 'cluster' || n === 'argocd' || n.endsWith('/cluster'))) {
    const b = treeSize(p).bytes;
    if (b > largest.bytes) largest = { name, bytes: b };
  }
  const kinds = (kind: string): number => {
    let n = 0;
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name.startsWith(`${kind}.`)) n += 1;
      }
    };
    walk(dist);
    return n;
  };
  out.push(`Argo CD: ${tenantFolders.length} generated Applications (one per tenant folder), ${kinds('Application')} Application and ${kinds('ApplicationSet')} ApplicationSet files, ${kinds('AppProject')} AppProjects; largest directory Application ${largest.name} (${mb(largest.bytes)})`);
  return out;
}

interface Timed {
  readonly ms: number;
  /** User + system CPU time of the whole process tree: less disturbed by other load than wall time. */
  readonly cpuMs: number;
  readonly peakMB: number;
  readonly stdout: string;
}

const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs `npm run <script> -- <args>` in `cwd` as the user would, timing the whole process tree. */
function npmRun(cwd: string, script: string, args: string[], okCodes: readonly number[] = [0]): Timed {
  const cmd = ['npm', 'run', '--silent', script, ...(args.length > 0 ? ['--', ...args] : [])];
  const argv = TIME ? [TIME, '-f', '__maxrss_kb=%M __cpu_s=%U+%S', ...cmd] : cmd;
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd, env: GIT_ENV, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  if (!okCodes.includes(r.status ?? -1)) throw new Error(`npm run ${script} exited ${r.status}:\n${r.stderr.slice(-4000)}`);
  const m = /__maxrss_kb=(\d+)/.exec(r.stderr);
  // Without /usr/bin/time: the largest child process's maximum RSS seen by this process so far.
  const peakKB = m ? Number(m[1]) : process.resourceUsage().maxRSS;
  const cpu = /__cpu_s=([\d.]+)\+([\d.]+)/.exec(r.stderr);
  return { ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN, peakMB: peakKB / 1024, stdout: r.stdout };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name}: Invalid value: "${process.argv[i + 1]}": a whole number greater than 0`);
  return v;
}

/** The 1, 5 and 15 minute load averages: the machine is shared, so every figure carries them. */
const load = (): string => `load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;

async function main(): Promise<void> {
  const n = flag('--tenants', 1000);
  const runs = flag('--runs', 5);
  const clusters = process.argv.includes('--clusters') ? flag('--clusters', 5) : undefined;
  const oneCluster = process.argv.includes('--one-cluster');
  const seed = process.argv.includes('--seed') ? flag('--seed', 1) : 20261127;
  if (oneCluster && clusters === undefined) throw new Error('--one-cluster: Required value: with --clusters N (the fleet whose tenants go on one cluster)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-bench-'));
  try {
    const org = clusters === undefined ? undefined : generateFleetOrg(seed, n, clusters, { oneCluster });
    const entries = writeBenchRepo(dir, n, org);
    git(dir, 'init', '-q', '-b', 'main');
    // No background `git gc --auto` after committing a large dist/: it would write into .git while
    // the bench times diff, and while the folder is removed.
    git(dir, 'config', 'gc.auto', '0');
    const shape = org ? `fleet org seed=${seed}, ${oneCluster ? 'one cluster' : `${clusters} clusters`}` : 'pinned bench shape';
    console.log(`${shape}; ${os.cpus().length} CPUs; before the runs: ${load()}`);

    const cold = npmRun(dir, 'synth', []);
    const coldLoad = load();
    const objects = Number(/(\d+) object\(s\)/.exec(cold.stdout)?.[1] ?? NaN);
    const warm: Timed[] = [];
    for (let i = 0; i < runs; i++) warm.push(npmRun(dir, 'synth', []));
    const warmLoad = load();

    git(dir, 'add', '--', '.gitignore', 'package.json', 'platform.ts', 'tenants', 'dist');
    git(dir, 'commit', '-q', '-m', 'bench: synth');
    // The first tenant that is not decommissioned (a decommissioned tenant's quota is not in force).
    const changed = entries.find((e) => !e.spec.decommissioned)!;
    const raised = { ...changed.spec, quota: { ...changed.spec.quota, cpu: '99' } };
    fs.writeFileSync(path.join(dir, changed.file), org ? orgTenantFileSource(raised, seed) : tenantFileSource(raised));
    const diffs: Timed[] = [];
    // A raised quota is a risk flag, not a blocking one: exit 0.
    for (let i = 0; i < runs; i++) diffs.push(npmRun(dir, 'diff', ['--base', 'HEAD']));
    const diffLoad = load();
    if (!diffs[0]!.stdout.includes(changed.spec.name)) throw new Error(`diff does not mention ${changed.spec.name}:\n${diffs[0]!.stdout.slice(0, 2000)}`);

    const peak = (ts: readonly Timed[]): string => `peak ${Math.max(...ts.map((t) => t.peakMB)).toFixed(0)} MB, cpu ${sec(median(ts.map((t) => t.cpuMs)))}`;
    console.log(`tenants=${n} objects=${objects} runs=${runs} (whole processes: npm run ...; peak = largest process's max RSS${TIME ? ', cpu = user+sys median, /usr/bin/time' : ''})`);
    console.log(`synth, existing dist/  median ${sec(median(warm.map((t) => t.ms)))}  (min ${sec(Math.min(...warm.map((t) => t.ms)))}, max ${sec(Math.max(...warm.map((t) => t.ms)))})  ${peak(warm)}  [${warmLoad}]`);
    console.log(`synth, cold (no dist/) ${sec(cold.ms)}  ${peak([cold])}  [${coldLoad}]`);
    console.log(`diff, one quota changed  median ${sec(median(diffs.map((t) => t.ms)))}  (min ${sec(Math.min(...diffs.map((t) => t.ms)))}, max ${sec(Math.max(...diffs.map((t) => t.ms)))})  ${peak(diffs)}  [${diffLoad}]`);
    if (org) for (const line of distReport(path.join(dir, 'dist'))) console.log(line);
  } finally {
    if (process.argv.includes('--keep')) console.log(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}

if (process.argv[1]?.endsWith('bench.ts')) await main();
