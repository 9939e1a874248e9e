/**
 * `npm run access [-- --json]`: who can do what in each tenant namespace, from a fresh synth of
 * the working tree, for auditors. Markdown by default; `--json` for tools.
 */
import * as path from 'node:path';
import { accessReport, CAPABILITIES, renderAccessMarkdown } from '../lib/access';
import { loadKubeflowClusterRoles } from '../lib/rbac';
import { loadPlatform, loadTenants, synthesize } from '../lib/synth';
import { ValidationError } from '../lib/validation';

async function main(): Promise<number> {
  const i = process.argv.indexOf('--root');
  const root = path.resolve(i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : process.cwd());
  try {
    const platform = await loadPlatform(root);
    const { entries, errors } = await loadTenants(root);
    if (errors.length > 0) throw new ValidationError(errors);
    const objects = synthesize(entries, platform).objects.map((o) => o.manifest);
    const report = accessReport(objects, loadKubeflowClusterRoles());
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify({ capabilities: CAPABILITIES, namespaces: report }, null, 2));
    } else {
      console.log(renderAccessMarkdown(report));
    }
    return 0;
  } catch (err) {
    if (err instanceof ValidationError) {
      for (const e of err.errors) console.error(String(e));
      return 1;
    }
    throw err;
  }
}

main().then((c) => process.exit(c), (err: unknown) => {
  console.error('internal error (please report):', err);
  process.exit(2);
});
