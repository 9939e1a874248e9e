/**
 * The harnesses the tests run (Go: test/argocd-health, test/kyverno-cel, and the Kyverno CLI
 * test/kyverno-cli, a build module of the upstream command; Rust: test/vrl-harness), as built by
 * scripts/build-tools.sh (`npm run build:tools`) into a cache outside the repository. Tests never
 * build them: a cold build takes longer than a test timeout (the Kyverno CLI about 25 minutes), and
 * CI times each as its own step.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './schemas';

export type GoTool = 'argocd-health' | 'kyverno-cel' | 'kyverno-cli';
export type RustTool = 'vrl-harness';
export type Tool = GoTool | RustTool;
const RUST_TOOLS: readonly string[] = ['vrl-harness'];

const BUILD_HINT = 'run `npm run build:tools` (scripts/build-tools.sh) once, and again after a Go or Rust upgrade or a change under test/<tool>/';

function goVersion(): string {
  for (const go of ['go', '/usr/local/go/bin/go']) {
    const r = spawnSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  throw new Error(`go is needed to locate the Go test harnesses (Go >= 1.26, see README "Prerequisites"); then ${BUILD_HINT}`);
}

function rustVersion(): string {
  for (const rustc of ['rustc', path.join(os.homedir(), '.cargo/bin/rustc')]) {
    const r = spawnSync(rustc, ['--version'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return `rustc ${r.stdout.trim().split(/\s+/)[1]}`;
  }
  throw new Error(`rustc is needed to locate the Rust test harness (Rust >= 1.90, see README "Prerequisites"); then ${BUILD_HINT}`);
}

/** Same key as scripts/build-tools.sh: the toolchain version and the harness's manifest, lock file and sources. */
export function toolKey(tool: Tool, version = RUST_TOOLS.includes(tool) ? rustVersion() : goVersion()): string {
  const dir = path.join(ROOT, 'test', tool);
  if (RUST_TOOLS.includes(tool)) {
    const rs = fs.readdirSync(path.join(dir, 'src')).filter((f) => f.endsWith('.rs')).sort();
    const h = createHash('sha256').update(`${version}\n`);
    for (const f of ['Cargo.toml', 'Cargo.lock', ...rs.map((r) => `src/${r}`)]) h.update(fs.readFileSync(path.join(dir, f)));
    return h.digest('hex').slice(0, 16);
  }
  const goFiles = fs.readdirSync(dir).filter((f) => f.endsWith('.go')).sort();
  const h = createHash('sha256').update(`${version}\n`);
  for (const f of ['go.mod', 'go.sum', ...goFiles]) h.update(fs.readFileSync(path.join(dir, f)));
  return h.digest('hex').slice(0, 16);
}

export function toolsCache(env: NodeJS.ProcessEnv = process.env): string {
  return env.KFT_TOOLS_CACHE ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'kubeflow-tenants', 'tools');
}

/** Path of the built harness; throws, saying how to build it, when it is not there. */
export function toolBinary(tool: Tool): string {
  const version = RUST_TOOLS.includes(tool) ? rustVersion() : goVersion();
  const bin = path.join(toolsCache(), `${tool}-${toolKey(tool, version)}`, tool);
  if (!fs.existsSync(bin)) throw new Error(`test/${tool} is not built for ${version} (expected ${bin}): ${BUILD_HINT}`);
  return bin;
}

/** Runs a harness with `input` on stdin; returns its stdout, throws with its stderr on failure. */
export function runTool(tool: Tool, args: readonly string[], input: string): string {
  const r = spawnSync(toolBinary(tool), args, { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error) throw new Error(`test/${tool}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`test/${tool} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
