/**
 * `npm run capacity [-- --format text|markdown|svg|json] [--out <file>] [--root <repo>]`
 *
 * How the cluster's Kueue capacity is shared out, from a fresh synth of the working tree: per
 * flavor and resource each team's, tenant's and user's guaranteed quota, what it may borrow, its
 * maximum and what it lends, totals against the capacity, free capacity, flags. Text by default;
 * Markdown (with a Mermaid chart, for a PR comment), a standalone SVG, or the report's JSON.
 * `--out` writes to a file instead of stdout. Exit 1 on tenant or platform errors.
 * In a fleet: the fleet summary (per cluster, flavor and resource) then each cluster's report;
 * `--cluster <name>` for one cluster's report in any format; `--format json` gives the fleet's data.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { capacityFile } from '../lib/capacity/build';
import { renderFleetSummaryMarkdown, renderFleetSummaryText, renderMarkdown, renderSvg, renderText } from '../lib/capacity/render';
import type { CapacityReport, FleetCapacity } from '../lib/capacity/types';
import { argValue, runCommand, userErrorExitCode } from '../lib/cli';
import { synthRepo } from '../lib/pipeline/repo';

const FORMATS = ['text', 'markdown', 'svg', 'json'] as const;

async function main(): Promise<number> {
  const root = path.resolve(argValue('--root') ?? process.cwd());
  const format = argValue('--format') ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    console.error(`--format: Unsupported value: "${format}": supported values: ${FORMATS.map((f) => `"${f}"`).join(', ')}`);
    return 1;
  }
  try {
    const { result } = await synthRepo(root);
    const wanted = argValue('--cluster');
    let report: CapacityReport = result.capacity;
    if (result.clusters) {
      const fleet: FleetCapacity = { clusters: result.clusters.map((c) => ({ name: c.name, region: c.region, report: c.capacity })) };
      if (wanted === undefined) {
        if (format === 'svg') {
          console.error(`--format svg: one chart per cluster: pass --cluster <name> (clusters: ${fleet.clusters.map((c) => c.name).join(', ')})`);
          return 1;
        }
        const out = format === 'json' ? `${JSON.stringify(fleet, null, 2)}\n` : fleetText(fleet, format === 'markdown');
        return write(out);
      }
      const one = fleet.clusters.find((c) => c.name === wanted);
      if (!one) {
        console.error(`--cluster: Not found: "${wanted}": no cluster of that name in platform.ts fleet.clusters; clusters: ${fleet.clusters.map((c) => c.name).join(', ')}`);
        return 1;
      }
      report = one.report;
    } else if (wanted !== undefined) {
      console.error(`--cluster: Invalid value: "${wanted}": platform.ts declares no fleet (fleet.clusters), so there is one cluster; leave --cluster out`);
      return 1;
    }
    if (report.cells.length === 0 && format === 'text') {
      console.error('capacity: platform.ts declares no Kueue capacity (kueue.flavors): nothing to report. docs/queues.md says how to declare it.');
      return 0;
    }
    return write(format === 'markdown' ? renderMarkdown(report) : format === 'svg' ? renderSvg(report) : format === 'json' ? capacityFile(report) : renderText(report));
  } catch (err) {
    return userErrorExitCode(err, 'no report.');
  }
}

/** Writes to `--out`, or to stdout. */
function write(out: string): number {
  const file = argValue('--out');
  if (file) fs.writeFileSync(path.resolve(file), out);
  else process.stdout.write(out);
  return 0;
}

/** A fleet's report: the summary table, then each cluster's detail under a heading. */
function fleetText(fleet: FleetCapacity, markdown: boolean): string {
  const parts = [markdown ? renderFleetSummaryMarkdown(fleet) : renderFleetSummaryText(fleet)];
  for (const c of fleet.clusters) {
    if (c.report.cells.length === 0) continue;
    parts.push(markdown ? `## Cluster \`${c.name}\` (${c.region})\n\n${renderMarkdown(c.report)}` : `== cluster ${c.name} (${c.region}) ==\n${renderText(c.report)}`);
  }
  return parts.join('\n');
}

runCommand(main);
