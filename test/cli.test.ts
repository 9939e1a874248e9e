/**
 * lib/cli.ts `runCommand`: a command's whole output reaches a pipe before the process exits (the
 * access report of a 30-tenant org, ~350 KB, was cut at ~200 KB when it exited right away).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tsxBin } from './support/fixtures';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('runCommand', () => {
  it.each([0, 1])('flushes 4 MB of stdout and stderr into pipes before exiting with %i', (code) => {
    const script = path.join(dir, `big-${code}.ts`);
    fs.writeFileSync(
      script,
      `import { runCommand } from ${JSON.stringify(path.join(ROOT, 'lib/cli'))};\n` +
        `runCommand(async () => { for (let i = 0; i < 4096; i++) console.log(String(i).padStart(1023, '.')); console.error('e'.repeat(100000)); return ${code}; });\n`,
    );
    const r = spawnSync(tsxBin, [script], { encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(r.status).toBe(code);
    expect(r.stdout.length).toBe(4096 * 1024);
    expect(r.stdout.endsWith(`${'4095'.padStart(1023, '.')}\n`)).toBe(true);
    expect(r.stderr.length).toBe(100001);
  });
});
