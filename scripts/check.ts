/**
 * `npm run check [-- --root <repo>]`: fails when the committed `dist/` is not exactly what a fresh
 * synth of `tenants/` and `platform.ts` produces (someone edited `dist/` by hand, or changed a
 * tenant file and forgot to synth), and says which files differ and how to fix it.
 */
import * as path from 'node:path';
import { diffTrees, fieldLine } from '../lib/diff';
import { checkRemovedTenants, readDeployedTenants } from '../lib/gitops';
import { argValue, reportUserError, runCommand } from '../lib/cli';
import { deprecationLines } from '../lib/deprecations';
import { loadPlatform, loadTenants, readTree, synthesize } from '../lib/synth';
import { sortErrors, ValidationError } from '../lib/validation';

/** File lists shown before "and N more". */
const MAX_LISTED = 30;

async function main(): Promise<number> {
  const root = path.resolve(argValue('--root') ?? process.cwd());
  const distDir = path.resolve(root, argValue('--dist') ?? 'dist');
  const rel = path.relative(process.cwd(), distDir) || '.';
  try {
    const platform = await loadPlatform(root);
    const { entries, errors } = await loadTenants(root);
    const removed = checkRemovedTenants(entries, readDeployedTenants(distDir), errors);
    if (errors.length > 0 || removed.length > 0) throw new ValidationError(sortErrors([...errors, ...removed]));
    const synth = synthesize(entries, platform);
    for (const line of deprecationLines(synth.warnings)) console.warn(line);
    const fresh = synth.files;
    const committed = readTree(distDir);

    const missing = [...fresh.keys()].filter((f) => !committed.has(f));
    const extra = [...committed.keys()].filter((f) => !fresh.has(f));
    const changed = [...fresh.keys()].filter((f) => committed.has(f) && committed.get(f) !== fresh.get(f));
    const total = missing.length + extra.length + changed.length;
    if (total === 0) {
      console.log(`${rel}/ is up to date (${fresh.size} files match a fresh synth)`);
      return 0;
    }
    console.error(`${rel}/ differs from a fresh synth of tenants/ and platform.ts in ${total} file(s):`);
    const list = (label: string, files: string[]): void => {
      for (const f of files.slice(0, MAX_LISTED)) console.error(`  ${label} ${rel}/${f}`);
      if (files.length > MAX_LISTED) console.error(`  ... and ${files.length - MAX_LISTED} more ${label.trim()}`);
    };
    list('changed:', changed);
    list('missing:', missing);
    list('extra:  ', extra);
    // What a hand edit changed, field by field (fresh synth -> committed).
    const edited = diffTrees(fresh, committed).groups.flatMap((g) => g.objects.filter((o) => o.status === 'changed'));
    if (edited.length > 0) {
      const lines = edited.flatMap((o) => [`  ${rel}/${o.file}`, ...o.fields.map((f) => `      ${fieldLine(f)}`)]);
      console.error(`\nfield differences (fresh synth → committed):\n${lines.slice(0, 60).join('\n')}${lines.length > 60 ? '\n  ...' : ''}`);
    }
    console.error(
      `\nFix: never edit ${rel}/ by hand; change the tenant files or platform.ts, then run \`npm run synth\` and commit ${rel}/ together with them.`,
    );
    return 1;
  } catch (err) {
    const code = reportUserError(err, `fix them, then run \`npm run synth\` and commit ${rel}/.`);
    if (code !== undefined) return code;
    throw err;
  }
}

runCommand(main);
