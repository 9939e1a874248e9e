/**
 * `npm run gen:org -- --seed <n> --out <dir> [--tenants 30] [--clusters N [--one-cluster]]`: writes a
 * generated org repository (platform.ts and tenants/, see test/support/gen-org.ts) into <dir> and
 * deletes <dir>/dist, for the manual acceptance: on a clean clone, `npm run gen:org -- --seed N --out .`,
 * `npm run synth`, then `npm test` and the `.ci/run` steps must pass.
 *
 * `--clusters N`: a fleet of N clusters (generateFleetOrg: per-cluster capacity, a PCI-only cluster
 * from 3 clusters on, placement by rule and by name, a few bursting tenants), as docs/scale.md
 * measures it; `--one-cluster` writes the same tenants on one cluster, for comparison. Write it
 * to a temporary folder: a generated org is never committed.
 */
import * as path from 'node:path';
import { argValue, runCommand } from '../lib/cli';
import { generateFleetOrg, generateOrg, orgSeed, writeOrg } from '../test/support/gen-org';

async function main(): Promise<number> {
  const seed = argValue('--seed') !== undefined ? Number(argValue('--seed')) : orgSeed();
  const count = Number(argValue('--tenants') ?? 30);
  const out = argValue('--out');
  const clusters = argValue('--clusters') !== undefined ? Number(argValue('--clusters')) : undefined;
  const oneCluster = process.argv.includes('--one-cluster');
  if (!out || !Number.isInteger(seed) || !Number.isInteger(count) || count < 4 || (clusters !== undefined && (!Number.isInteger(clusters) || clusters < 1)) || (oneCluster && clusters === undefined)) {
    console.error('usage: npm run gen:org -- --seed <integer> --out <dir> [--tenants <n >= 4>] [--clusters <n >= 1> [--one-cluster]]');
    return 2;
  }
  const org = clusters === undefined ? generateOrg(seed, count) : generateFleetOrg(seed, count, clusters, { oneCluster });
  writeOrg(path.resolve(out), org);
  const where = clusters === undefined ? '' : oneCluster ? ' (the fleet\'s tenants on one cluster)' : ` over ${clusters} clusters`;
  console.log(`generated org seed=${seed}: platform.ts and ${org.specs.length} tenant files${where} in ${out}/ (tenants/ replaced, dist/ deleted: run npm run synth)`);
  return 0;
}

runCommand(main);
