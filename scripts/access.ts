/**
 * `npm run access [-- --json]`: who can do what in each tenant namespace, from a fresh synth of
 * the working tree, for auditors. Markdown by default; `--json` for tools.
 */
import * as path from 'node:path';
import type { AuditReadersFile } from '../lib/access';
import { accessReport, CAPABILITIES, renderAccessMarkdown } from '../lib/access';
import { AUDIT_FILES } from '../lib/constructs/audit';
import { argValue, runCommand, userErrorExitCode } from '../lib/cli';
import { loadKubeflowClusterRoles } from '../lib/rbac';
import { synthRepo } from '../lib/pipeline/repo';

async function main(): Promise<number> {
  const root = path.resolve(argValue('--root') ?? process.cwd());
  try {
    const { result } = await synthRepo(root);
    const objects = result.objects.map((o) => o.manifest);
    // The audit read gateway's readers (only when platform.ts enables audit).
    const readers = result.files.get(AUDIT_FILES.readers);
    const report = accessReport(objects, loadKubeflowClusterRoles(), readers === undefined ? undefined : (JSON.parse(readers) as AuditReadersFile));
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify({ capabilities: CAPABILITIES, namespaces: report }, null, 2));
    } else {
      console.log(renderAccessMarkdown(report));
    }
    return 0;
  } catch (err) {
    return userErrorExitCode(err, 'no report.');
  }
}

runCommand(main);
