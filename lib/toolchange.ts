/**
 * Telling a tool upgrade apart from tenant changes in `npm run diff`. The base's committed dist/
 * was made by the base's tool; when lib/ changed since, re-synthesizing the base's OWN inputs
 * (tenants/, platform.ts) with the current tool gives a middle point:
 *
 *   base dist/ ──tool changes──▶ base inputs, current tool ──tenant changes──▶ working tree synth
 *
 * A tool upgrade can weaken isolation as much as a tenant file can, so both halves get risk flags.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DiffReport } from './diff';
import { diffTrees } from './diff';
import { git, readGitTree } from './git';
import type { PlatformSettings } from './platform';
import { PlatformError } from './platform';
import type { SynthOptions } from './synth';
import { loadPlatform, loadTenants, synthesize } from './synth';
import type { FieldError } from './validation';
import { ValidationError } from './validation';

/** What makes up the tool, for the cheap "did the tool change?" check. */
export const TOOL_PATHS: readonly string[] = ['lib', 'imports', 'package-lock.json'];

/**
 * Whether the tool in the working tree differs from the tool at `base` (committed or not).
 * Untracked new files under lib/ are not seen; they only matter once imported by a tracked one.
 */
export function toolChanged(root: string, base: string): boolean {
  const r = spawnSync('git', ['diff', '--quiet', base, '--', ...TOOL_PATHS], { cwd: root });
  if (r.status === 0) return false;
  if (r.status === 1) return true;
  throw new Error(`git diff --quiet ${base} -- ${TOOL_PATHS.join(' ')}: ${r.stderr?.toString().trim() || `exit ${String(r.status)}`}`);
}

export type BaseResynth =
  | { readonly ok: true; readonly files: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly reason: string };

/**
 * Synthesizes the tenants/ and platform.ts of `base` with the current tool: they are written to a
 * temporary folder beside symlinks to the current lib/, imports/ and node_modules, and loaded
 * in-process (no second tsx start-up). Input errors are returned as a reason, not thrown.
 */
export async function resynthesizeBase(root: string, base: string, options: SynthOptions = {}): Promise<BaseResynth> {
  const tenants = readGitTree(root, base, 'tenants');
  let platformSource: string;
  try {
    platformSource = git(root, ['show', `${base}:platform.ts`]).toString('utf8');
  } catch {
    return { ok: false, reason: 'the base has no platform.ts' };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-base-'));
  try {
    for (const link of ['lib', 'imports', 'node_modules']) {
      if (fs.existsSync(path.join(root, link))) fs.symlinkSync(path.resolve(root, link), path.join(dir, link));
    }
    // Same module type as the working tree, so the base's files are loaded the same way.
    const pkg = path.join(root, 'package.json');
    fs.writeFileSync(path.join(dir, 'package.json'), fs.existsSync(pkg) ? fs.readFileSync(pkg) : '{ "type": "module", "private": true }\n');
    fs.writeFileSync(path.join(dir, 'platform.ts'), platformSource);
    for (const [rel, text] of tenants) {
      const file = path.join(dir, 'tenants', rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    }
    let platform: PlatformSettings;
    try {
      platform = await loadPlatform(dir);
    } catch (err) {
      if (err instanceof PlatformError) return { ok: false, reason: errorSummary(err.errors) };
      // Any other failure here is the base's platform.ts meeting a newer lib/ (a removed setting or export).
      const msg = err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err);
      return { ok: false, reason: `platform.ts: ${clip(msg, 200)}` };
    }
    const { entries, errors } = await loadTenants(dir);
    if (errors.length > 0) return { ok: false, reason: errorSummary(errors) };
    try {
      return { ok: true, files: synthesize(entries, platform, options).files };
    } catch (err) {
      if (err instanceof ValidationError) return { ok: false, reason: errorSummary(err.errors) };
      throw err;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const errorSummary = (errors: readonly FieldError[]): string => `${errors.length} error(s); first: ${clip(String(errors[0]), 240)}`;
const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** How the diff's two halves are measured. */
export interface ToolSplit {
  /** The "before" side of the tenant changes: the base's inputs synthesized by this tool, or the base's dist/. */
  readonly before: ReadonlyMap<string, string>;
  /** The base's dist/ → the base's inputs synthesized by this tool; undefined when not separated. */
  readonly tool?: DiffReport;
  /** One line for the report when there is something to say; undefined on the fast path. */
  readonly note?: string;
}

/**
 * Splits the changes from `baseDist` (the base's committed dist/) into tool and tenant changes.
 * Fast path: when the tool did not change, nothing is re-synthesized.
 */
export async function splitToolChanges(root: string, base: string, baseDist: ReadonlyMap<string, string>, options: SynthOptions = {}): Promise<ToolSplit> {
  // A base without dist/ (before the first synth) has no tool output to compare with.
  if (baseDist.size === 0 || !toolChanged(root, base)) return { before: baseDist };
  const resynth = await resynthesizeBase(root, base, options);
  if (!resynth.ok) {
    return {
      before: baseDist,
      note: `the tool changed since the base, but this version cannot synthesize the base's tenant files (${resynth.reason}): tool and tenant changes are shown together`,
    };
  }
  const tool = diffTrees(baseDist, resynth.files);
  if (tool.groups.length === 0) {
    return { before: baseDist, note: "the tool changed since the base, but produces the same dist/ for the base's tenant files: every change below comes from tenant files or platform.ts" };
  }
  return {
    before: resynth.files,
    tool,
    note: `the tool changed since the base: its ${tool.stats.added + tool.stats.removed + tool.stats.changed} object change(s) are listed separately at the end; everything above comes from tenant files or platform.ts`,
  };
}
