/**
 * `npm run synth`: tenants/*.ts + platform.ts -> dist/. Every error in every tenant file is
 * printed at once; on any error dist/ is left exactly as it was and the exit code is 1.
 *
 *   tsx main.ts [--root <repo>] [--out <dir>]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkRemovedTenants, readDeployedTenants } from './lib/gitops';
import { argValue, reportUserError, runCommand } from './lib/cli';
import { tenantErrors } from './lib/load';
import { loadPlatform, loadTenants, synthesize, toYaml, writeDist } from './lib/synth';
import { sortErrors, ValidationError } from './lib/validation';

async function main(): Promise<number> {
  const started = performance.now();
  const root = path.resolve(argValue('--root') ?? process.cwd());
  const out = path.resolve(root, argValue('--out') ?? 'dist');
  try {
    const platform = await loadPlatform(root);
    const loaded = await loadTenants(root);
    // Every error of every file at once: a file that does not load does not hide the others' errors.
    const errors = tenantErrors(loaded, platform);
    // A deployed tenant may only disappear after it was decommissioned (lib/gitops.ts).
    const removed = checkRemovedTenants(loaded.entries, readDeployedTenants(out), loaded.errors);
    if (errors.length > 0 || removed.length > 0) throw new ValidationError(sortErrors([...errors, ...removed]));
    const result = synthesize(loaded.entries, platform, { validated: true });
    writeDist(out, result.files);
    // `cdk8s synth` passes its own output folder; give it the whole app as one manifest.
    const cdk8sOut = process.env.CDK8S_OUTDIR;
    if (cdk8sOut) {
      fs.mkdirSync(cdk8sOut, { recursive: true });
      fs.writeFileSync(path.join(cdk8sOut, 'app.k8s.yaml'), result.objects.map((o) => toYaml(o.manifest)).join('---\n'));
    }
    const ms = Math.round(performance.now() - started);
    console.log(`synthesized ${result.tenants} tenant(s), ${result.objects.length} object(s) into ${path.relative(process.cwd(), out) || '.'}/ in ${ms} ms`);
    return 0;
  } catch (err) {
    const code = reportUserError(err, `${path.relative(process.cwd(), out) || out}/ left unchanged.`);
    if (code === undefined) throw err;
    return code;
  }
}

runCommand(main);
