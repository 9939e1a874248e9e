/**
 * `npm run access [-- --json]`: who can do what in each tenant namespace, from a fresh synth of
 * the working tree, for auditors. Markdown by default; `--json` for tools.
 */
import * as path from 'node:path';
import { accessReport, CAPABILITIES, renderAccessMarkdown } from '../lib/access';
import { argValue, reportUserError, runCommand } from '../lib/cli';
import { loadKubeflowClusterRoles } from '../lib/rbac';
import { synthRepo } from '../lib/pipeline/repo';

async function main(): Promise<number> {
  const root = path.resolve(argValue('--root') ?? process.cwd());
  try {
    const objects = (await synthRepo(root)).result.objects.map((o) => o.manifest);
    const report = accessReport(objects, loadKubeflowClusterRoles());
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify({ capabilities: CAPABILITIES, namespaces: report }, null, 2));
    } else {
      console.log(renderAccessMarkdown(report));
    }
    return 0;
  } catch (err) {
    const code = reportUserError(err, 'no report.');
    if (code === undefined) throw err;
    return code;
  }
}

runCommand(main);
