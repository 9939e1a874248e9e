/**
 * Rendering of a diff report: plain text for a terminal, Markdown for a pull-request comment
 * (within GitHub's size limit), each with the tool-change and deprecation sections.
 */
import type { DiffReport } from './report';
import type { RiskKind } from './risk';
import { RISK_KINDS } from './risk';
import type { ChangeStatus, FieldChange, ObjectChange } from './tree';
import { CLUSTER_GROUP, OTHER_GROUP } from './tree';

/** Labels for the two sides, shown in the header. */
export interface RenderOptions {
  /** @default 'base' */
  readonly base?: string;
  /** @default 'working tree' */
  readonly head?: string;
  /** Unchanged tenant names listed before "and N more". @default 20 */
  readonly maxUnchangedNames?: number;
  /**
   * Base `dist/` → the base's tenant files synthesized by this tool (lib/toolchange.ts): what the
   * tool upgrade alone changes. Shown as its own section with its own flags; `r` is then only
   * what the tenant files and platform.ts change.
   */
  readonly tool?: DiffReport;
  /** One line under the summary: how tool changes were told apart, or why they could not be. */
  readonly note?: string;
  /** Deprecation warnings of the head's tenant files (lib/deprecations.ts), one line each. */
  readonly deprecations?: readonly string[];
  /**
   * The capacity change (lib/capacity/change.ts `capacityChange`), one line per flavor and resource
   * whose numbers moved, e.g. "this PR takes 8 more GPU; 4 GPU remain unallocated". @default none
   */
  readonly capacity?: readonly string[];
}

/** Title of the section of changes that come from the tool, in text and Markdown. */
export const TOOL_SECTION_TITLE = 'Changes from the tool (lib/, platform code) — not from tenant files';

const labelOf = (k: RiskKind): string => RISK_KINDS.find((r) => r.kind === k)!.label;

/** A value as it appears in a change line; long values are shortened. */
export function showValue(v: unknown, max = 160): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** One field change as a line: `path: before → after`, `path: + added`, `path: - removed`. */
export function fieldLine(f: FieldChange): string {
  if (f.before === undefined) return `${f.path}: + ${showValue(f.after)}`;
  if (f.after === undefined) return `${f.path}: - ${showValue(f.before)}`;
  return `${f.path}: ${showValue(f.before)} → ${showValue(f.after)}`;
}

function objectTitle(o: ObjectChange): string {
  const sign = o.status === 'added' ? '+' : o.status === 'removed' ? '-' : '~';
  if (o.kind === 'File') return `${sign} file ${o.name}`;
  return `${sign} ${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

function summaryLine(r: DiffReport): string {
  const tenants = r.groups.filter((g) => g.group !== CLUSTER_GROUP && g.group !== OTHER_GROUP);
  const count = (s: ChangeStatus): number => tenants.filter((g) => g.status === s).length;
  const parts = [
    `${count('changed')} tenant(s) changed`,
    `${count('added')} added`,
    `${count('removed')} removed`,
    `${r.unchanged.length} unchanged`,
    `objects: ${r.stats.added} added, ${r.stats.removed} removed, ${r.stats.changed} changed`,
  ];
  if (r.groups.some((g) => g.group === CLUSTER_GROUP)) parts.push('cluster-level objects changed');
  return parts.join('; ');
}

function unchangedLine(r: DiffReport, max: number): string {
  if (r.unchanged.length === 0) return '';
  const shown = r.unchanged.slice(0, max).join(', ');
  const more = r.unchanged.length > max ? `, and ${r.unchanged.length - max} more` : '';
  return `${r.unchanged.length} tenant(s) unchanged: ${shown}${more}`;
}

/** Whether the report has a blocking flag (the CLI exits 1). */
export const hasBlocking = (r: DiffReport): boolean => r.flags.some((f) => f.blocking);

/** Plain text for a terminal. */
export function renderText(r: DiffReport, opts: RenderOptions = {}): string {
  const lines: string[] = [];
  lines.push(`kubeflow-tenants diff: ${opts.base ?? 'base'} → ${opts.head ?? 'working tree'}`);
  lines.push(summaryLine(r));
  if (opts.note) lines.push(`note: ${opts.note}`);
  if (r.groups.length === 0) lines.push('no changes');
  lines.push(...textFlags(r, 'RISK FLAGS', 'no risk flags'));
  if (opts.capacity && opts.capacity.length > 0) {
    lines.push('', `CAPACITY CHANGE (${opts.capacity.length} flavor/resource(s); npm run capacity for the whole picture)`);
    for (const c of opts.capacity) lines.push(`  ${c}`);
  }
  if (opts.deprecations && opts.deprecations.length > 0) {
    lines.push('', `DEPRECATED FIELDS IN USE (${opts.deprecations.length}): they still work; rename them before the date given`);
    for (const d of opts.deprecations) lines.push(`  ${d}`);
  }
  lines.push(...textGroups(r));
  const u = unchangedLine(r, opts.maxUnchangedNames ?? 20);
  if (u) lines.push('', u);
  if (opts.tool) {
    const t = opts.tool;
    lines.push('', '', 'CHANGES FROM THE TOOL (lib/, platform code) — NOT FROM TENANT FILES', '(the base\'s dist/ → the base\'s tenant files synthesized by this version of the tool)');
    lines.push(summaryLine(t));
    if (t.groups.length === 0) lines.push('no changes');
    lines.push(...textFlags(t, 'RISK FLAGS FROM THE TOOL', 'no risk flags from the tool'));
    lines.push(...textGroups(t));
  }
  return `${lines.join('\n')}\n`;
}

function textFlags(r: DiffReport, title: string, none: string): string[] {
  const lines: string[] = [];
  if (r.flags.length > 0) {
    lines.push('', `${title} (${r.flags.length})`);
    const width = Math.max(...r.flags.map((f) => labelOf(f.kind).length));
    for (const f of r.flags) lines.push(`  ${f.blocking ? 'BLOCKING ' : ''}${labelOf(f.kind).padEnd(width)}  ${f.group}: ${f.message}`);
  } else if (r.groups.length > 0) {
    lines.push('', none);
  }
  return lines;
}

function textGroups(r: DiffReport): string[] {
  const lines: string[] = [];
  for (const g of r.groups) {
    lines.push('', `${g.group} (${g.status})`);
    for (const o of g.objects) {
      lines.push(`  ${objectTitle(o)}`);
      for (const f of o.fields) lines.push(`      ${fieldLine(f)}`);
    }
  }
  return lines;
}

const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const mdCell = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** GitHub refuses comments above 65,536 characters. */
const MARKDOWN_LIMIT = 60000;

/** Markdown for a pull-request comment: flags first, then one collapsible section per tenant. */
export function renderMarkdown(r: DiffReport, opts: RenderOptions = {}): string {
  const head: string[] = [];
  head.push('<!-- kubeflow-tenants-diff -->');
  head.push(`## kubeflow-tenants diff`);
  head.push('', `\`${opts.base ?? 'base'}\` → \`${opts.head ?? 'working tree'}\`: ${summaryLine(r)}`);
  if (opts.note) head.push('', `> ${mdCell(opts.note)}`);
  if (r.flags.length > 0) {
    head.push('', `### ⚠️ Risk flags (${r.flags.length})`, '', ...flagTable(r, MARKDOWN_LIMIT / 2));
    if (hasBlocking(r)) head.push('', '**⛔ This change must not be merged as it is: see the blocking flags above.**');
  } else {
    head.push('', r.groups.length > 0 ? '✅ No risk flags.' : '✅ No changes.');
  }
  if (opts.capacity && opts.capacity.length > 0) {
    head.push('', `### Capacity change (${opts.capacity.length})`, '');
    for (const c of opts.capacity.slice(0, 100)) head.push(`- ${mdCell(c)}`);
    if (opts.capacity.length > 100) head.push(`- … and ${opts.capacity.length - 100} more (run \`npm run diff\` for all)`);
  }
  if (opts.deprecations && opts.deprecations.length > 0) {
    head.push('', `### ⚠️ Deprecated fields in use (${opts.deprecations.length})`, '', 'They still work; rename them before the date given (README "Upgrading the tool").', '');
    for (const d of opts.deprecations.slice(0, 50)) head.push(`- \`${d.replace(/`/g, "'")}\``);
    if (opts.deprecations.length > 50) head.push(`- … and ${opts.deprecations.length - 50} more (run \`npm run synth\` for all)`);
  }
  // The tool's section comes last, but its summary and flags are budgeted first, so the size
  // limit can only hide its (collapsed) object changes, never its flags.
  const tool: string[] = [];
  if (opts.tool) {
    const t = opts.tool;
    tool.push('', `### 🔧 ${TOOL_SECTION_TITLE}`, '', `The base's \`dist/\` → the base's tenant files synthesized by this version of the tool: ${summaryLine(t)}`);
    if (t.flags.length > 0) {
      tool.push('', `#### ⚠️ Risk flags from the tool (${t.flags.length})`, '', ...flagTable(t, MARKDOWN_LIMIT / 8));
      if (hasBlocking(t)) tool.push('', '**⛔ The tool upgrade must not be merged as it is: see the blocking flags above.**');
    } else {
      tool.push('', t.groups.length > 0 ? '✅ No risk flags from the tool.' : '✅ No changes.');
    }
  }
  let size = head.join('\n').length + tool.join('\n').length;
  const body: string[] = [];
  if (r.groups.length > 0) body.push('', '### Changes');
  const main = markdownGroups(r, MARKDOWN_LIMIT - size);
  size += main.size;
  body.push(...main.lines);
  const u = unchangedLine(r, opts.maxUnchangedNames ?? 20);
  if (u) body.push('', `<sub>${u}</sub>`);
  if (opts.tool) tool.push(...markdownGroups(opts.tool, MARKDOWN_LIMIT - size).lines);
  return `${[...head, ...body, ...tool].join('\n')}\n`;
}

/** The flag table, blocking flags first; rows beyond `budget` characters are counted instead. */
function flagTable(r: DiffReport, budget: number): string[] {
  const rows = ['| | Flag | Tenant | Detail |', '|---|---|---|---|'];
  const ordered = [...r.flags.filter((f) => f.blocking), ...r.flags.filter((f) => !f.blocking)];
  let used = 0;
  const left = new Map<string, number>();
  for (const f of ordered) {
    // A reviewed exception's reason is what the reviewer approves: never clipped.
    const row = `| ${f.blocking ? '⛔' : '⚠️'} | ${labelOf(f.kind)} | \`${mdCell(f.group)}\` | ${mdCell(f.kind === 'reviewed-exception' ? f.message : clip(f.message, 400))} |`;
    if (used + row.length > budget) {
      left.set(labelOf(f.kind), (left.get(labelOf(f.kind)) ?? 0) + 1);
      continue;
    }
    used += row.length;
    rows.push(row);
  }
  if (left.size > 0) {
    const n = [...left.values()].reduce((x, y) => x + y, 0);
    rows.push(`| ⚠️ | … | | ${n} more: ${[...left.entries()].map(([k, c]) => `${c} × ${k}`).join(', ')} (run \`npm run diff\` for all) |`);
  }
  return rows;
}

/** One collapsible section per group while they fit in `budget` characters; the rest are counted. */
function markdownGroups(r: DiffReport, budget: number): { lines: string[]; size: number } {
  const lines: string[] = [];
  let size = 0;
  let omitted = 0;
  for (const g of r.groups) {
    const section: string[] = [];
    section.push('', `<details><summary><b>${g.group}</b>: ${g.status}, ${g.objects.length} object(s)</summary>`, '', '```diff');
    for (const o of g.objects) {
      section.push(objectTitle(o));
      for (const f of o.fields) section.push(`    ${fieldLine(f)}`);
    }
    section.push('```', '', '</details>');
    const text = section.join('\n');
    if (size + text.length > budget) {
      omitted++;
      continue;
    }
    size += text.length;
    lines.push(text);
  }
  if (omitted > 0) lines.push('', `_${omitted} more changed group(s) not shown (comment size limit); run \`npm run diff\` locally for the full report._`);
  return { lines, size };
}
