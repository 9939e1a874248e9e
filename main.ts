/**
 * `npm run synth`: tenants/*.ts + platform.ts -> dist/. Every error in every tenant file is
 * printed at once; on any error dist/ (and .github/CODEOWNERS) is left exactly as it was and the
 * exit code is 1.
 *
 *   tsx main.ts [--root <repo>] [--out <dir>]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planCodeOwners, writeCodeOwners } from './lib/codeowners';
import { argValue, runCommand, userErrorExitCode } from './lib/cli';
import { deprecationLines } from './lib/deprecations';
import { synthRepo } from './lib/pipeline/repo';
import { toYaml, writeDist } from './lib/synth';

async function main(): Promise<number> {
  const started = performance.now();
  const root = path.resolve(argValue('--root') ?? process.cwd());
  const out = path.resolve(root, argValue('--out') ?? 'dist');
  try {
    // Deployed = dist/ at the merge base with main (lib/deployed.ts).
    const repo = await synthRepo(root, { distDir: out });
    const { result } = repo;
    // Planned before and written after the dist/ swap, so a failed synth changes neither.
    const owners = planCodeOwners(root, repo.entries);
    // INPUTS.sha256 records what this dist/ comes from: lets `npm run check` tell stale from hand-edited.
    writeDist(out, repo.distFiles());
    if (writeCodeOwners(owners)) console.log(`updated the generated block of ${path.relative(process.cwd(), owners.file)}`);
    for (const note of owners.notes) (note.startsWith('warning:') ? console.error : console.log)(note);
    // `cdk8s synth` passes its own output folder; give it the whole app as one manifest.
    const cdk8sOut = process.env.CDK8S_OUTDIR;
    if (cdk8sOut) {
      fs.mkdirSync(cdk8sOut, { recursive: true });
      fs.writeFileSync(path.join(cdk8sOut, 'app.k8s.yaml'), result.objects.map((o) => toYaml(o.manifest)).join('---\n'));
    }
    const ms = Math.round(performance.now() - started);
    for (const line of deprecationLines(result.warnings)) console.warn(line);
    console.log(`synthesized ${result.tenants} tenant(s), ${result.objects.length} object(s) into ${path.relative(process.cwd(), out) || '.'}/ in ${ms} ms`);
    return 0;
  } catch (err) {
    return userErrorExitCode(err, `${path.relative(process.cwd(), out) || out}/ left unchanged.`);
  }
}

runCommand(main);
