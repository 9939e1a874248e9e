/**
 * `npm run diff [-- --base <git ref>] [--markdown <file>] [--format text|markdown] [--root <repo>]`
 *
 * Synthesizes the working tree in memory and compares it with the committed `dist/` of the base
 * ref (default: the merge base of HEAD with main), object by object, grouped by tenant, with risk
 * flags first. Prints text (or Markdown with `--format markdown`); `--markdown <file>` also writes
 * the Markdown report for a pull-request comment. Exit 1 on tenant errors or a blocking flag.
 * With nothing to compare (the base is HEAD and the working tree is clean) it says how to pick a
 * base instead of printing an empty report, and exits 0.
 * Changes caused by a tool upgrade (lib/ changed since the base) get their own section.
 * With Kueue capacity, the capacity a PR takes or frees is listed per flavor and resource
 * (dist/platform/kueue/capacity.json at the base against the working tree's, lib/capacity/change.ts).
 * A team change or a lowered compliance tier blocks unless `acknowledgements.yaml` (working tree,
 * owned by the platform team) acknowledges it (lib/diff/acks.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CAPACITY_FILE, parseCapacityFile } from '../lib/capacity/build';
import { capacityChange } from '../lib/capacity/render';
import { diffTrees, hasBlocking, readAcks, renderMarkdown, renderText } from '../lib/diff';
import { defaultBase, git, isCommit, readGitTreeInBackground } from '../lib/git';
import { argValue as arg, reportUserError, runCommand } from '../lib/cli';
import { INPUTS_FILE } from '../lib/inputs-digest';
import { synthRepo } from '../lib/pipeline/repo';
import { FLEET_CAPACITY_FILE } from '../lib/synth';
import { splitToolChanges } from '../lib/toolchange';

async function main(): Promise<number> {
  const root = path.resolve(arg('--root') ?? process.cwd());
  const format = arg('--format') ?? 'text';
  if (format !== 'text' && format !== 'markdown') {
    console.error(`--format: Unsupported value: "${format}": supported values: "text", "markdown"`);
    return 1;
  }
  try {
    const base = arg('--base') ?? defaultBase(root);
    if (nothingToCompare(root, base)) {
      const which = base === arg('--base') ? `the base ${base}` : 'the default base (the merge base of HEAD with main)';
      console.error(
        `diff: nothing to compare: ${which} is HEAD itself and the working tree has no changes. ` +
          'Pick an earlier base with --base <ref>: `npm run diff -- --base HEAD~1` (the last commit) or `npm run diff -- --base origin/main` (a branch against main).',
      );
      return 0;
    }
    // git reads the base dist/ while this process synthesizes the working tree.
    const beforeRead = readGitTreeInBackground(root, base, 'dist');
    const baseLabel = `${base === arg('--base') ? `${base} ` : 'merge base '}(${git(root, ['rev-parse', '--short', `${base}^{commit}`]).toString().trim()})`;
    // Deployed = dist/ at the base: clashes between tenants are reported on the file that is new
    // since the base, and a tenant deployed there may only disappear decommissioned (lib/deployed.ts).
    // A removed tenant stays in the report (its BLOCKING tenant-removed flag) instead of replacing it.
    const repo = await synthRepo(root, { base, removalGuard: 'return' });
    const synth = repo.result;
    const before = await beforeRead;
    before.delete(INPUTS_FILE); // the record of synth's inputs, not an object (lib/inputs-digest.ts)
    // The capacity report's data: shown as the capacity change lines, not as a file diff; in a
    // fleet one report per cluster (clusters/<c>/platform/kueue/capacity.json), lines prefixed with it.
    const capacityFiles = [...new Set([...before.keys(), ...synth.files.keys()].filter(isCapacityData))].sort();
    const capacity = capacityFiles.flatMap((f) => {
      const cluster = /^clusters\/([^/]+)\//.exec(f)?.[1];
      const lines = f === FLEET_CAPACITY_FILE ? [] : capacityChange(parseCapacityFile(before.get(f)), parseCapacityFile(synth.files.get(f)));
      return cluster === undefined ? lines : lines.map((l) => `${cluster}: ${l}`);
    });
    for (const f of capacityFiles) before.delete(f);
    const after = new Map(synth.files);
    for (const f of capacityFiles) after.delete(f);
    // When lib/ changed, tool changes are measured separately from tenant changes (lib/toolchange.ts).
    const split = await splitToolChanges(root, base, before);
    // Label settings and acknowledgements of the working tree: the platform team's current word.
    const splitBefore = new Map(split.before);
    for (const f of [...splitBefore.keys()]) if (isCapacityData(f)) splitBefore.delete(f);
    const report = diffTrees(splitBefore, after, { labels: repo.platform.labels, acks: readAcks(root) });
    const opts = { base: baseLabel, head: 'working tree', tool: split.tool, note: split.note, deprecations: synth.warnings.map(String), capacity };
    const md = arg('--markdown');
    if (md) fs.writeFileSync(path.resolve(md), renderMarkdown(report, opts));
    process.stdout.write(format === 'markdown' ? renderMarkdown(report, opts) : renderText(report, opts));
    return hasBlocking(report) || (split.tool !== undefined && hasBlocking(split.tool)) || repo.removed.length > 0 ? 1 : 0;
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

/** The capacity report's data files: one cluster's, each fleet cluster's, and the fleet's. */
const isCapacityData = (f: string): boolean => f === CAPACITY_FILE || f === FLEET_CAPACITY_FILE || /^clusters\/[^/]+\/platform\/kueue\/capacity\.json$/.test(f);

/** On main without changes the default base is HEAD: an empty report would only mislead. */
function nothingToCompare(root: string, base: string): boolean {
  if (!isCommit(root, base) || !isCommit(root, 'HEAD')) return false; // readGitTree says what is wrong
  const commit = (ref: string): string => git(root, ['rev-parse', `${ref}^{commit}`]).toString().trim();
  return commit(base) === commit('HEAD') && git(root, ['status', '--porcelain']).length === 0;
}

runCommand(main);
