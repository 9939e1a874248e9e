/**
 * Reading a folder of a Git revision without checking it out, for `npm run diff`: one `ls-tree`
 * and one `cat-file --batch` process, whatever the number of files.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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
  const listing = listTree(cwd, ref, dir);
  if (listing.entries.length === 0) return new Map();
  return parseBatch(listing, git(cwd, ['cat-file', '--batch'], Buffer.from(listing.entries.map((e) => `${e.sha}\n`).join(''))));
}

/**
 * `readGitTree` in the background: git writes the blobs to a temporary file while the caller
 * works (`npm run diff` synthesizes meanwhile; a JavaScript thread busy synthesizing could not
 * drain a pipe), and the promise resolves once git is done. Ref errors are thrown at once.
 */
export function readGitTreeInBackground(cwd: string, ref: string, dir: string): Promise<Map<string, string>> {
  const listing = listTree(cwd, ref, dir);
  if (listing.entries.length === 0) return Promise.resolve(new Map());
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-git-'));
  const cleanup = (): void => fs.rmSync(tmp, { recursive: true, force: true });
  process.once('exit', cleanup);
  const input = path.join(tmp, 'shas');
  const output = path.join(tmp, 'blobs');
  fs.writeFileSync(input, listing.entries.map((e) => `${e.sha}\n`).join(''));
  const inFd = fs.openSync(input, 'r');
  const outFd = fs.openSync(output, 'w');
  const result = new Promise<Map<string, string>>((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: [inFd, outFd, 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => reject(new Error(`git cat-file --batch: ${err.message}`)));
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`git cat-file --batch: ${stderr.trim() || `exit ${code}`}`);
        resolve(parseBatch(listing, fs.readFileSync(output)));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      } finally {
        process.off('exit', cleanup);
        cleanup();
      }
    });
  });
  fs.closeSync(inFd);
  fs.closeSync(outFd);
  // A failure is reported when the caller awaits; until then it must not count as unhandled.
  result.catch(() => undefined);
  return result;
}

interface Listing {
  readonly prefix: string;
  readonly entries: readonly { readonly sha: string; readonly path: string }[];
}

function listTree(cwd: string, ref: string, dir: string): Listing {
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
  return { prefix, entries };
}

/** Output of `cat-file --batch` per object: "<sha> blob <size>\n<content>\n", in input order. */
function parseBatch(listing: Listing, batch: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  for (const e of listing.entries) {
    const nl = batch.indexOf(10, pos);
    const header = batch.subarray(pos, nl).toString();
    const size = Number(header.split(' ')[2]);
    if (!Number.isFinite(size)) throw new Error(`git cat-file: unexpected header "${header}"`);
    out.set(e.path.slice(listing.prefix.length), batch.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    pos = nl + 1 + size + 1;
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
