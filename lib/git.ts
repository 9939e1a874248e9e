/**
 * Reading a folder of a Git revision without checking it out, for `npm run diff`: one `ls-tree`
 * and one `cat-file --batch` process, whatever the number of files.
 */
import { spawnSync } from 'node:child_process';

/** Runs git in `cwd`; throws with git's own message on failure. */
export function git(cwd: string, args: readonly string[], input?: Buffer): Buffer {
  const r = spawnSync('git', args, { cwd, input, maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`git ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.toString().trim() || `exit ${r.status}`}`);
  return r.stdout;
}

/** Whether `ref` names a commit in the repository at `cwd`. */
export function isCommit(cwd: string, ref: string): boolean {
  return spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd }).status === 0;
}

/**
 * The default base of a review: the merge base of HEAD with `main` (or `origin/main`, or
 * `master`), so a branch is compared with what it forked from, not with later commits on main.
 */
export function defaultBase(cwd: string): string {
  for (const candidate of ['main', 'origin/main', 'master', 'origin/master']) {
    if (!isCommit(cwd, candidate)) continue;
    return git(cwd, ['merge-base', 'HEAD', candidate]).toString().trim();
  }
  throw new Error('no main branch to compare with (tried main, origin/main, master, origin/master); pass --base <git ref>');
}

/**
 * Every file under `dir` at `ref`, keyed by path relative to `dir` (POSIX separators), sorted.
 * An absent folder gives an empty map (a base from before the first synth).
 */
export function readGitTree(cwd: string, ref: string, dir: string): Map<string, string> {
  if (!isCommit(cwd, ref)) throw new Error(`"${ref}" is not a commit in ${cwd}; pass --base <git ref> (a branch, tag or commit)`);
  const prefix = `${dir.replace(/\/+$/, '')}/`;
  const listing = git(cwd, ['ls-tree', '-r', '-z', '--full-tree', ref, '--', prefix]).toString('utf8');
  const entries: { sha: string; path: string }[] = [];
  for (const rec of listing.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [, type, sha] = rec.slice(0, tab).split(' ');
    if (type !== 'blob') continue;
    entries.push({ sha: sha!, path: rec.slice(tab + 1) });
  }
  const out = new Map<string, string>();
  if (entries.length === 0) return out;
  const batch = git(cwd, ['cat-file', '--batch'], Buffer.from(entries.map((e) => `${e.sha}\n`).join('')));
  // Output per object: "<sha> blob <size>\n<content>\n", in input order.
  let pos = 0;
  for (const e of entries) {
    const nl = batch.indexOf(10, pos);
    const header = batch.subarray(pos, nl).toString();
    const size = Number(header.split(' ')[2]);
    if (!Number.isFinite(size)) throw new Error(`git cat-file: unexpected header "${header}"`);
    out.set(e.path.slice(prefix.length), batch.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    pos = nl + 1 + size + 1;
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
