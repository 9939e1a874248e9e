/**
 * `dist/INPUTS.sha256`: what a `dist/` was synthesized from, so `npm run check` can tell a stale
 * `dist/` (an input changed and nobody ran synth) from a hand edit (same inputs, other output).
 * Git keeps no file times, hence digests. One line per input file (every file under `tenants/`
 * and `groups/`, and `platform.ts`), plus one line for the tool itself (`lib/`, `imports/`,
 * `main.ts`, `package-lock.json` of the checkout that ran synth), so a tool upgrade is told apart.
 * No timestamps: synth stays byte-for-byte deterministic. The file sits at the root of `dist/`,
 * outside what Argo CD reads (`dist/tenants/*`, `dist/cluster`), and is not YAML or JSON, so no
 * `kubectl apply -R` picks it up either.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Path of the record, relative to `dist/`. */
export const INPUTS_FILE = 'INPUTS.sha256';
/** Key of the tool's line in the record. */
export const TOOL_KEY = '(tool)';
/** What the tool digest covers, for messages. */
export const TOOL_FILES = 'lib/, imports/, main.ts, package-lock.json';

const INPUT_DIRS = ['tenants', 'groups'];
const INPUT_FILES = ['platform.ts'];
/** The checkout this module belongs to: the tool that synthesizes, whatever `--root` says. */
const TOOL_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** sha256 (hex) by input path relative to the repository root, and the tool's sha256. */
export interface InputsDigest {
  readonly inputs: ReadonlyMap<string, string>;
  readonly tool: string;
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Files under `root/dir`, recursively, as POSIX paths relative to `root`, sorted. Dot files are
 * skipped: editor swap files and `.DS_Store` are no input (the loader ignores them too).
 */
function filesUnder(root: string, dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  if (!fs.statSync(abs).isDirectory()) return [dir];
  return fs
    .readdirSync(abs, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .flatMap((e) => (e.isDirectory() || e.isSymbolicLink() ? filesUnder(root, `${dir}/${e.name}`) : [`${dir}/${e.name}`]))
    .sort(byPath);
}

/** The digest of the inputs under `root` and of the tool (default: this checkout). */
export function inputsDigest(root: string, toolRoot: string = TOOL_ROOT): InputsDigest {
  const inputs = new Map<string, string>();
  const files = [...INPUT_DIRS.flatMap((d) => filesUnder(root, d)), ...INPUT_FILES.filter((f) => fs.existsSync(path.join(root, f)))].sort(byPath);
  for (const f of files) inputs.set(f, sha256(fs.readFileSync(path.join(root, f))));
  // Path and content of every tool file: a rename or a moved line changes the digest too.
  const tool = createHash('sha256');
  for (const f of ['lib', 'imports', 'main.ts', 'package-lock.json'].flatMap((d) => filesUnder(toolRoot, d))) {
    tool.update(`${f}\0${sha256(fs.readFileSync(path.join(toolRoot, f)))}\n`);
  }
  return { inputs, tool: tool.digest('hex') };
}

/** The record's text: sha256sum's `<hex>  <path>` lines, inputs sorted, then the tool. */
export function renderInputsDigest(d: InputsDigest): string {
  const lines = [
    '# What this dist/ was synthesized from: sha256 of each input file, and of the tool',
    `# (${TOOL_FILES}). Written by \`npm run synth\`, compared by \`npm run check\`; never edit.`,
    ...[...d.inputs.entries()].sort(([a], [b]) => byPath(a, b)).map(([f, h]) => `${h}  ${f}`),
    `${d.tool}  ${TOOL_KEY}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Parses a record; `undefined` when it is not one (missing tool line, malformed line). */
export function parseInputsDigest(text: string): InputsDigest | undefined {
  const inputs = new Map<string, string>();
  let tool: string | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (!m) return undefined;
    if (m[2] === TOOL_KEY) tool = m[1];
    else inputs.set(m[2]!, m[1]!);
  }
  return tool === undefined ? undefined : { inputs, tool };
}

/** Why a committed `dist/` differs from a fresh synth, judged from its record. */
export type Staleness =
  /** No readable record: cannot tell. */
  | { readonly kind: 'no-record' }
  /** Input files changed (added, removed, edited) since the last synth; maybe the tool too. */
  | { readonly kind: 'inputs-changed'; readonly changed: readonly string[]; readonly toolChanged: boolean }
  /** Only the tool changed since the last synth. */
  | { readonly kind: 'tool-changed' }
  /** Same inputs, same tool: the output can only differ because it was edited. */
  | { readonly kind: 'hand-edited' };

/** Compares the committed record (its text, or `undefined` if absent) with the current digest. */
export function staleness(recordText: string | undefined, current: InputsDigest): Staleness {
  const recorded = recordText === undefined ? undefined : parseInputsDigest(recordText);
  if (!recorded) return { kind: 'no-record' };
  const changed: string[] = [];
  for (const f of new Set([...recorded.inputs.keys(), ...current.inputs.keys()])) {
    const before = recorded.inputs.get(f);
    const after = current.inputs.get(f);
    if (before === after) continue;
    changed.push(before === undefined ? `${f} (added)` : after === undefined ? `${f} (removed)` : f);
  }
  changed.sort(byPath);
  const toolChanged = recorded.tool !== current.tool;
  if (changed.length > 0) return { kind: 'inputs-changed', changed, toolChanged };
  return toolChanged ? { kind: 'tool-changed' } : { kind: 'hand-edited' };
}

/** The first line `npm run check` prints for a `dist/` (shown as `rel`) that is not a fresh synth. */
export function stalenessMessage(s: Staleness, rel: string): string {
  const record = `${rel}/${INPUTS_FILE}`;
  switch (s.kind) {
    case 'no-record':
      return `${record} is missing or unreadable, so check cannot tell stale inputs from a hand edit: run \`npm run synth\` and commit ${rel}/`;
    case 'inputs-changed': {
      const shown = s.changed.length > 10 ? [...s.changed.slice(0, 10), `and ${s.changed.length - 10} more`] : s.changed;
      const tool = s.toolChanged ? `; the tool (${TOOL_FILES}) changed too` : '';
      return `${rel}/ is older than its inputs (changed since the last synth: ${shown.join(', ')}${tool}): run \`npm run synth\` and commit ${rel}/ together with them`;
    }
    case 'tool-changed':
      return `${rel}/ was synthesized by another version of the tool (${TOOL_FILES} changed since the last synth; tenants/ and platform.ts did not): run \`npm run synth\` and commit ${rel}/; differences the new version does not explain are hand edits`;
    case 'hand-edited':
      return `${rel}/ was edited by hand: ${record} matches the current inputs and tool, so synth did not write these differences; run \`npm run synth\` to restore ${rel}/, and change the tenant files or platform.ts instead`;
  }
}
