/**
 * The Go harnesses are found where scripts/build-tools.sh puts them, and a missing build fails
 * with the command to run (never a silent skip, never a build inside a test).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from './support/fixtures';
import { toolBinary, toolsCache } from './support/tools';

const saved = process.env.KFT_TOOLS_CACHE;
afterEach(() => {
  if (saved === undefined) delete process.env.KFT_TOOLS_CACHE;
  else process.env.KFT_TOOLS_CACHE = saved;
});

describe('Go test harnesses', () => {
  it.each(['argocd-health', 'kyverno-cel', 'kyverno-cli'] as const)('%s: the tests look where scripts/build-tools.sh builds', (tool) => {
    const r = spawnSync('bash', [path.join(ROOT, 'scripts/build-tools.sh'), '--print-path', tool], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const printed = r.stdout.trim();
    expect(printed.startsWith(`${toolsCache()}/${tool}-`)).toBe(true);
    expect(path.relative(ROOT, printed).startsWith('..')).toBe(true); // outside the repository
    expect(() => toolBinary(tool)).not.toThrow(); // built: `npm run build:tools` ran before `npm test`
    expect(toolBinary(tool)).toBe(printed);
  });

  it('a missing build fails with the command that builds it', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-tools-'));
    try {
      process.env.KFT_TOOLS_CACHE = empty;
      expect(() => toolBinary('kyverno-cel')).toThrow(/^test\/kyverno-cel is not built for go\S+ \(expected .*\/kyverno-cel-[0-9a-f]{16}\/kyverno-cel\): run `npm run build:tools` \(scripts\/build-tools\.sh\) once/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
