/**
 * `npm run capacity [-- --format text|markdown|svg|json] [--out <file>] [--root <repo>]`
 *
 * How the cluster's Kueue capacity is shared out, from a fresh synth of the working tree: per
 * flavor and resource each team's, tenant's and user's guaranteed quota, what it may borrow, its
 * maximum and what it lends, totals against the capacity, free capacity, flags. Text by default;
 * Markdown (with a Mermaid chart, for a PR comment), a standalone SVG, or the report's JSON.
 * `--out` writes to a file instead of stdout. Exit 1 on tenant or platform errors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { capacityFile } from '../lib/capacity/build';
import { renderMarkdown, renderSvg, renderText } from '../lib/capacity/render';
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
    const report = (await synthRepo(root)).result.capacity;
    if (report.cells.length === 0 && format === 'text') {
      console.error('capacity: platform.ts declares no Kueue capacity (kueue.flavors): nothing to report. docs/queues.md says how to declare it.');
      return 0;
    }
    const out = format === 'markdown' ? renderMarkdown(report) : format === 'svg' ? renderSvg(report) : format === 'json' ? capacityFile(report) : renderText(report);
    const file = argValue('--out');
    if (file) fs.writeFileSync(path.resolve(file), out);
    else process.stdout.write(out);
    return 0;
  } catch (err) {
    return userErrorExitCode(err, 'no report.');
  }
}

runCommand(main);
