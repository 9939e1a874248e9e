/**
 * `npm run access [-- --json]`: who can do what in each tenant namespace, from a fresh synth of
 * the working tree, for auditors. Markdown by default; `--json` for tools. In a fleet, one report
 * per cluster over that cluster's objects (JSON: `clusters: [{ name, region, namespaces }]`).
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
    if (result.clusters) {
      // A fleet: each cluster's RBAC is its own; one report per cluster, evaluated over its objects only.
      const clusters = result.clusters.map((c) => {
        const objects = result.objects.filter((o) => o.file.startsWith(`${c.dir}/`)).map((o) => o.manifest);
        const readers = result.files.get(`${c.dir}/${AUDIT_FILES.readers}`);
        return { name: c.name, region: c.region, namespaces: accessReport(objects, loadKubeflowClusterRoles(), readers === undefined ? undefined : (JSON.parse(readers) as AuditReadersFile)) };
      });
      if (process.argv.includes('--json')) console.log(JSON.stringify({ capabilities: CAPABILITIES, clusters }, null, 2));
      else {
        const parts = clusters.map((c) => renderAccessMarkdown(c.namespaces).replace(/^# Access report/, `# Access report: cluster \`${c.name}\` (${c.region})`));
        console.log(['A fleet (docs/fleet.md): one report per cluster; a tenant\'s namespace on a burst worker is a guest namespace, listed under that cluster.', '', ...parts].join('\n'));
      }
      return 0;
    }
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
