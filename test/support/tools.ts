/**
 * The Go harnesses the tests run (test/argocd-health, test/kyverno-cel) and the Kyverno CLI
 * (test/kyverno-cli, a build module of the upstream command), as built by scripts/build-tools.sh
 * (`npm run build:tools`) into a cache outside the repository. Tests never build them: a cold build
 * takes longer than a test timeout (the Kyverno CLI about 25 minutes), and CI times each as its own step.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './schemas';

export type GoTool = 'argocd-health' | 'kyverno-cel' | 'kyverno-cli';

const BUILD_HINT = 'run `npm run build:tools` (scripts/build-tools.sh) once, and again after a Go upgrade or a change under test/<tool>/';

function goVersion(): string {
  for (const go of ['go', '/usr/local/go/bin/go']) {
    const r = spawnSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  throw new Error(`go is needed to locate the Go test harnesses (Go >= 1.26, see README "Prerequisites"); then ${BUILD_HINT}`);
}

/** Same key as scripts/build-tools.sh: Go version, go.mod, go.sum and the harness's *.go files. */
export function toolKey(tool: GoTool, version = goVersion()): string {
  const dir = path.join(ROOT, 'test', tool);
  const goFiles = fs.readdirSync(dir).filter((f) => f.endsWith('.go')).sort();
  const h = createHash('sha256').update(`${version}\n`);
  for (const f of ['go.mod', 'go.sum', ...goFiles]) h.update(fs.readFileSync(path.join(dir, f)));
  return h.digest('hex').slice(0, 16);
}

export function toolsCache(env: NodeJS.ProcessEnv = process.env): string {
  return env.KFT_TOOLS_CACHE ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'kubeflow-tenants', 'tools');
}

/** Path of the built harness; throws, saying how to build it, when it is not there. */
export function toolBinary(tool: GoTool): string {
  const version = goVersion();
  const bin = path.join(toolsCache(), `${tool}-${toolKey(tool, version)}`, tool);
  if (!fs.existsSync(bin)) throw new Error(`test/${tool} is not built for ${version} (expected ${bin}): ${BUILD_HINT}`);
  return bin;
}

/** Runs a harness with `input` on stdin; returns its stdout, throws with its stderr on failure. */
export function runTool(tool: GoTool, args: readonly string[], input: string): string {
  const r = spawnSync(toolBinary(tool), args, { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error) throw new Error(`test/${tool}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`test/${tool} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
