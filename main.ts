/**
 * `npm run synth`: tenants/*.ts + platform.ts -> dist/. Every error in every tenant file is
 * printed at once; on any error dist/ is left exactly as it was and the exit code is 1.
 *
 *   tsx main.ts [--root <repo>] [--out <dir>]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkRemovedTenants, readDeployedTenants } from './lib/gitops';
import { PlatformError } from './lib/platform';
import { loadPlatform, loadTenants, synthesize, toYaml, writeDist } from './lib/synth';
import { sortErrors, ValidationError } from './lib/validation';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function main(): Promise<number> {
  const started = performance.now();
  const root = path.resolve(arg('--root', process.cwd()));
  const out = path.resolve(root, arg('--out', 'dist'));
  try {
    const platform = await loadPlatform(root);
    const { entries, errors: loadErrors } = await loadTenants(root);
    // A deployed tenant may only disappear after it was decommissioned (lib/gitops.ts).
    const removed = checkRemovedTenants(entries, readDeployedTenants(out), loadErrors);
    if (loadErrors.length > 0 || removed.length > 0) throw new ValidationError(sortErrors([...loadErrors, ...removed]));
    const result = synthesize(entries, platform);
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
    if (err instanceof ValidationError) {
      for (const e of err.errors) console.error(String(e));
      console.error(`\n${err.errors.length} error(s); ${path.relative(process.cwd(), out) || out}/ left unchanged.`);
      return 1;
    }
    if (err instanceof PlatformError) {
      console.error(err.message);
      console.error(`\nplatform settings are invalid; ${path.relative(process.cwd(), out) || out}/ left unchanged.`);
      return 1;
    }
    throw err;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('internal error (please report):', err);
    process.exit(2);
  },
);
