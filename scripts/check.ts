/**
 * `npm run check [-- --root <repo>]`: fails when the committed `dist/` is not exactly what a fresh
 * synth of `tenants/` and `platform.ts` produces, says why - an input changed since the last synth,
 * the tool changed, or `dist/` was edited by hand (from `dist/INPUTS.sha256`, lib/inputs-digest.ts)
 * - which files differ, and how to fix it.
 */
import * as path from 'node:path';
import { diffTrees, fieldLine } from '../lib/diff';
import { checkCodeOwnersFile } from '../lib/codeowners';
import { argValue, runCommand, userErrorExitCode } from '../lib/cli';
import { INPUTS_FILE, staleness, stalenessMessage } from '../lib/inputs-digest';
import { deprecationLines } from '../lib/deprecations';
import { synthRepo } from '../lib/pipeline/repo';
import { readTree } from '../lib/synth';

/** File lists shown before "and N more". */
const MAX_LISTED = 30;

async function main(): Promise<number> {
  const root = path.resolve(argValue('--root') ?? process.cwd());
  const distDir = path.resolve(root, argValue('--dist') ?? 'dist');
  const rel = path.relative(process.cwd(), distDir) || '.';
  try {
    const repo = await synthRepo(root, { distDir });
    const { entries } = repo;
    const digest = repo.digest();
    for (const line of deprecationLines(repo.result.warnings)) console.warn(line);
    const fresh = repo.distFiles();
    const committed = readTree(distDir);
    // The generated block of .github/CODEOWNERS must match the tenants' codeOwners (lib/codeowners.ts).
    const owners = checkCodeOwnersFile(root, entries);
    for (const problem of owners) console.error(problem);

    const missing = [...fresh.keys()].filter((f) => !committed.has(f));
    const extra = [...committed.keys()].filter((f) => !fresh.has(f));
    const changed = [...fresh.keys()].filter((f) => committed.has(f) && committed.get(f) !== fresh.get(f));
    const total = missing.length + extra.length + changed.length;
    if (total === 0) {
      if (owners.length > 0) return 1;
      console.log(`${rel}/ is up to date (${fresh.size} files match a fresh synth)`);
      return 0;
    }
    const why = staleness(committed.get(INPUTS_FILE), digest);
    console.error(stalenessMessage(why, rel));
    console.error(`\n${rel}/ differs from a fresh synth of tenants/ and platform.ts in ${total} file(s):`);
    const list = (label: string, files: string[]): void => {
      for (const f of files.slice(0, MAX_LISTED)) console.error(`  ${label} ${rel}/${f}`);
      if (files.length > MAX_LISTED) console.error(`  ... and ${files.length - MAX_LISTED} more ${label.trim()}`);
    };
    list('changed:', changed);
    list('missing:', missing);
    list('extra:  ', extra);
    // What a hand edit changed, field by field (fresh synth -> committed).
    const objectsOnly = (t: ReadonlyMap<string, string>): Map<string, string> => new Map([...t].filter(([f]) => f !== INPUTS_FILE));
    const edited = diffTrees(objectsOnly(fresh), objectsOnly(committed)).groups.flatMap((g) => g.objects.filter((o) => o.status === 'changed'));
    if (edited.length > 0) {
      const lines = edited.flatMap((o) => [`  ${rel}/${o.file}`, ...o.fields.map((f) => `      ${fieldLine(f)}`)]);
      console.error(`\nfield differences (fresh synth → committed):\n${lines.slice(0, 60).join('\n')}${lines.length > 60 ? '\n  ...' : ''}`);
    }
    console.error(
      why.kind === 'hand-edited' || why.kind === 'no-record'
        ? `\nFix: never edit ${rel}/ by hand; change the tenant files or platform.ts, then run \`npm run synth\` and commit ${rel}/ together with them.`
        : `\nFix: run \`npm run synth\` and commit ${rel}/ together with the changed inputs.`,
    );
    return 1;
  } catch (err) {
    return userErrorExitCode(err, `fix them, then run \`npm run synth\` and commit ${rel}/.`);
  }
}

runCommand(main);
