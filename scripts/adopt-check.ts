/**
 * `npm run adopt-check -- <dump.yaml> [--dist <dir>] [--root <dir>] [--json]`: is the dumped
 * namespace ready to be taken over by its tenant file's `adopt: true` (docs/adopt.md)? Offline:
 * compares the dump with the tenant's bundle from a fresh synth of the working tree, or with a
 * synthesized `dist/` folder given by `--dist`. `--print-command <namespace>` prints the kubectl
 * command that writes the dump. Exit codes: lib/adopt.ts `ADOPT_EXIT`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { KubeJson } from '../lib/adopt';
import { ADOPT_EXIT, adoptCheck, adoptExitCode, dumpCommand, parseDump, renderAdoptReport } from '../lib/adopt';
import { argValue, runCommand, userErrorExitCode } from '../lib/cli';
import { synthRepo } from '../lib/pipeline/repo';
import { ErrorList, ValidationError } from '../lib/validation';

const USAGE = `usage: npm run adopt-check -- <dump.yaml> [--dist <dist dir>] [--root <repo>] [--json]
       npm run adopt-check -- --print-command <namespace>
the dump: ${dumpCommand()}`;

/** Every object of a synthesized dist/ folder (tenants/ and cluster/; platform files are not objects). */
function readDist(dir: string): KubeJson[] {
  const out: KubeJson[] = [];
  const walk = (d: string): void => {
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(n)) for (const doc of yaml.loadAll(fs.readFileSync(p, 'utf8'))) if (doc && typeof doc === 'object' && 'kind' in doc) out.push(doc as KubeJson);
    }
  };
  for (const sub of ['tenants', 'cluster']) if (fs.existsSync(path.join(dir, sub))) walk(path.join(dir, sub));
  // A fleet's dist/ (docs/fleet.md): every cluster's bundles and cluster objects, platform files left out.
  const clusters = path.join(dir, 'clusters');
  if (fs.existsSync(clusters)) for (const c of fs.readdirSync(clusters).sort()) for (const sub of ['tenants', 'cluster']) if (fs.existsSync(path.join(clusters, c, sub))) walk(path.join(clusters, c, sub));
  return out;
}

async function main(): Promise<number> {
  const printFor = argValue('--print-command');
  if (printFor !== undefined) {
    console.log(dumpCommand(printFor));
    return 0;
  }
  const flagsWithValue = new Set(['--dist', '--root']);
  const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !flagsWithValue.has(all[i - 1] ?? ''));
  if (positional.length !== 1) {
    console.error(USAGE);
    return ADOPT_EXIT.invalid;
  }
  const file = positional[0]!;
  try {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      const errs = new ErrorList(file);
      errs.invalid('(file)', file, `cannot be read (${err instanceof Error ? err.message : String(err)}); produce it with: ${dumpCommand()}`);
      throw new ValidationError(errs.errors);
    }
    const dump = parseDump(file, text);
    const distDir = argValue('--dist');
    let objects: KubeJson[];
    if (distDir !== undefined) {
      if (!fs.existsSync(path.join(distDir, 'tenants')) && !fs.existsSync(path.join(distDir, 'clusters'))) {
        const errs = new ErrorList(distDir);
        errs.invalid('(folder)', distDir, 'not a synthesized dist/ folder (no tenants/ in it); run npm run synth, or leave --dist out to synthesize the working tree');
        throw new ValidationError(errs.errors);
      }
      objects = readDist(distDir);
    } else {
      const root = path.resolve(argValue('--root') ?? process.cwd());
      const { result } = await synthRepo(root);
      // In a fleet, the namespace is adopted on its tenant's home cluster: that cluster's objects only.
      const ns = (dump.namespace.metadata as { name?: unknown } | undefined)?.name;
      const home = result.clusters?.find((c) => c.tenants.includes(String(ns)));
      objects = result.objects.filter((o) => !home || o.file.startsWith(`${home.dir}/`)).map((o) => o.manifest as unknown as KubeJson);
    }
    const report = adoptCheck(file, dump, objects);
    console.log(process.argv.includes('--json') ? JSON.stringify({ ...report, exitCode: adoptExitCode(report) }, null, 2) : renderAdoptReport(report));
    return adoptExitCode(report);
  } catch (err) {
    return userErrorExitCode(err, 'nothing was checked.');
  }
}

runCommand(main);
