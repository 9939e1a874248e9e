/**
 * `npm run gen:org -- --seed <n> --out <dir> [--tenants 30]`: writes a generated org repository
 * (platform.ts and tenants/, see test/support/gen-org.ts) into <dir> and deletes <dir>/dist, for the
 * manual acceptance: on a clean clone, `npm run gen:org -- --seed N --out .`, `npm run synth`, then
 * `npm test` and the `.ci/run` steps must pass.
 */
import * as path from 'node:path';
import { argValue, runCommand } from '../lib/cli';
import { generateOrg, orgSeed, writeOrg } from '../test/support/gen-org';

async function main(): Promise<number> {
  const seed = argValue('--seed') !== undefined ? Number(argValue('--seed')) : orgSeed();
  const count = Number(argValue('--tenants') ?? 30);
  const out = argValue('--out');
  if (!out || !Number.isInteger(seed) || !Number.isInteger(count) || count < 4) {
    console.error('usage: npm run gen:org -- --seed <integer> --out <dir> [--tenants <n >= 4>]');
    return 2;
  }
  const org = generateOrg(seed, count);
  writeOrg(path.resolve(out), org);
  console.log(`generated org seed=${seed}: platform.ts and ${org.specs.length} tenant files in ${out}/ (tenants/ replaced, dist/ deleted: run npm run synth)`);
  return 0;
}

runCommand(main);
