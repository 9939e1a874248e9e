/**
 * `npm run diff [-- --base <git ref>] [--markdown <file>] [--format text|markdown] [--root <repo>]`
 *
 * Synthesizes the working tree in memory and compares it with the committed `dist/` of the base
 * ref (default: the merge base of HEAD with main), object by object, grouped by tenant, with risk
 * flags first. Prints text (or Markdown with `--format markdown`); `--markdown <file>` also writes
 * the Markdown report for a pull-request comment. Exit 1 on tenant errors or a blocking flag.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffTrees, hasBlocking, renderMarkdown, renderText } from '../lib/diff';
import { defaultBase, git, readGitTreeInBackground } from '../lib/git';
import { argValue as arg, reportUserError, runCommand } from '../lib/cli';
import { tenantErrors } from '../lib/load';
import { loadPlatform, loadTenants, synthesize } from '../lib/synth';
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
    // git reads the base dist/ while this process synthesizes the working tree.
    const beforeRead = readGitTreeInBackground(root, base, 'dist');
    const baseLabel = `${base === arg('--base') ? `${base} ` : 'merge base '}(${git(root, ['rev-parse', '--short', `${base}^{commit}`]).toString().trim()})`;
    const platform = await loadPlatform(root);
    const loaded = await loadTenants(root);
    const errors = tenantErrors(loaded, platform);
    if (errors.length > 0) throw new ValidationError(errors);
    const { entries } = loaded;
    const after = synthesize(entries, platform, { validated: true }).files;
    const before = await beforeRead;
    const report = diffTrees(before, after);
    const opts = { base: baseLabel, head: 'working tree' };
    const md = arg('--markdown');
    if (md) fs.writeFileSync(path.resolve(md), renderMarkdown(report, opts));
    process.stdout.write(format === 'markdown' ? renderMarkdown(report, opts) : renderText(report, opts));
    return hasBlocking(report) ? 1 : 0;
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
