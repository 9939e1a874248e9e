/**
 * `npm run diff [-- --base <git ref>] [--markdown <file>] [--format text|markdown] [--root <repo>]`
 *
 * Synthesizes the working tree in memory and compares it with the committed `dist/` of the base
 * ref (default: the merge base of HEAD with main), object by object, grouped by tenant, with risk
 * flags first. Prints text (or Markdown with `--format markdown`); `--markdown <file>` also writes
 * the Markdown report for a pull-request comment. Exit 1 on tenant errors or a blocking flag.
 * Changes caused by a tool upgrade (lib/ changed since the base) get their own section.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffTrees, hasBlocking, renderMarkdown, renderText } from '../lib/diff';
import { defaultBase, git, readGitTree } from '../lib/git';
import { argValue as arg, reportUserError, runCommand } from '../lib/cli';
import { loadPlatform, loadTenants, synthesize } from '../lib/synth';
import { splitToolChanges } from '../lib/toolchange';
import { ValidationError } from '../lib/validation';

async function main(): Promise<number> {
  const root = path.resolve(arg('--root') ?? process.cwd());
  const format = arg('--format') ?? 'text';
  if (format !== 'text' && format !== 'markdown') {
    console.error(`--format: Unsupported value: "${format}": supported values: "text", "markdown"`);
    return 1;
  }
  try {
    const base = arg('--base') ?? defaultBase(root);
    const before = readGitTree(root, base, 'dist');
    const baseLabel = `${base === arg('--base') ? `${base} ` : 'merge base '}(${git(root, ['rev-parse', '--short', `${base}^{commit}`]).toString().trim()})`;
    const platform = await loadPlatform(root);
    const { entries, errors } = await loadTenants(root);
    if (errors.length > 0) throw new ValidationError(errors);
    const synth = synthesize(entries, platform);
    // When lib/ changed, tool changes are measured separately from tenant changes (lib/toolchange.ts).
    const split = await splitToolChanges(root, base, before);
    const report = diffTrees(split.before, synth.files);
    const opts = { base: baseLabel, head: 'working tree', tool: split.tool, note: split.note, deprecations: synth.warnings.map(String) };
    const md = arg('--markdown');
    if (md) fs.writeFileSync(path.resolve(md), renderMarkdown(report, opts));
    process.stdout.write(format === 'markdown' ? renderMarkdown(report, opts) : renderText(report, opts));
    return hasBlocking(report) || (split.tool !== undefined && hasBlocking(split.tool)) ? 1 : 0;
  } catch (err) {
    const code = reportUserError(err, 'nothing to diff.');
    if (code !== undefined) return code;
    if (err instanceof Error && (err.message.startsWith('git ') || /pass --base/.test(err.message))) {
      console.error(`diff: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

runCommand(main);
