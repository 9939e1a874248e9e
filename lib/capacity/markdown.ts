/**
 * The capacity picture as Markdown for a pull-request comment: a Mermaid chart GitHub renders
 * (one bar per flavor and resource: the share of its capacity that is guaranteed), a table of
 * the amounts, and per cell the allocations in a collapsed section.
 *
 * Target: Mermaid's `xychart-beta` chart, horizontal bars. GitHub renders Mermaid with a version
 * it bundles and we cannot choose; `xychart-beta` exists since Mermaid 10.3 and is still accepted
 * by 11.x. The browser test renders the chart with the pinned MERMAID_VERSION (package.json's
 * devDependency, the version GitHub was reported to run) and reads the bars back.
 * The chart uses only syntax both 10.x and 11.x parse: no front-matter config, no data labels,
 * labels in double quotes without quotes, backticks or Markdown inside.
 */
import { amount, cellLabel, flagText, guaranteedShare, limit, num, scaleMax, withUnit } from './format';
import type { CapacityCell, CapacityReport } from './types';

/** The Mermaid version the chart is tested with (keep in step with package.json). */
export const MERMAID_VERSION = '11.3.0';
/** The Mermaid chart type the Markdown targets. */
export const MERMAID_CHART = 'xychart-beta horizontal';

/**
 * A label Mermaid reads back verbatim inside double quotes: Mermaid's xychart grammar has no
 * escape for `"`, and 11.x reads some characters as Markdown or entities; names in a report are
 * Kubernetes names, e-mails and resource names, so anything else becomes `_`.
 */
export function mermaidLabel(text: string): string {
  return text.replace(/[^A-Za-z0-9 ._:/@+-]/g, '_');
}

/**
 * The longest bar label the chart draws. Mermaid's xychart hides every category label when the
 * longest does not fit its axis (about 40 characters at the default 700 px width, which GitHub
 * uses); longer labels keep their start and end around a `~` (the table names every cell in full).
 */
export const MERMAID_LABEL_MAX = 40;

/** A cell's bar label in the chart: `<flavor> <resource>`, reduced to what Mermaid shows. */
export function chartLabel(cell: Pick<CapacityCell, 'flavor' | 'resource'>): string {
  const label = mermaidLabel(cellLabel(cell));
  if (label.length <= MERMAID_LABEL_MAX) return label;
  const tail = Math.floor((MERMAID_LABEL_MAX - 1) / 2);
  return `${label.slice(0, MERMAID_LABEL_MAX - 1 - tail)}~${label.slice(label.length - tail)}`;
}

/**
 * The chart's labels, one per cell and all different: Mermaid puts equal categories on one band,
 * so two cells whose shortened or escaped labels coincide would share a bar. A repeat gets `#<n>`.
 */
export function chartLabels(cells: readonly Pick<CapacityCell, 'flavor' | 'resource'>[]): string[] {
  const seen = new Set<string>();
  return cells.map((c) => {
    let label = chartLabel(c);
    for (let n = 2; seen.has(label); n++) {
      const suffix = ` #${n}`;
      label = `${chartLabel(c).slice(0, MERMAID_LABEL_MAX - suffix.length)}${suffix}`;
    }
    seen.add(label);
    return label;
  });
}

/** The Mermaid source of the chart: one bar per cell, the guaranteed share of its capacity in %. */
export function renderMermaid(report: CapacityReport): string {
  const cells = report.cells;
  const labels = chartLabels(cells)
    .map((l) => `"${l}"`)
    .join(', ');
  const values = cells.map((c) => num(Math.min(guaranteedShare(c), scaleMax(cells)), 1)).join(', ');
  return [
    MERMAID_CHART,
    '    title "Guaranteed share of capacity per flavor and resource (percent)"',
    `    x-axis "flavor and resource" [${labels}]`,
    `    y-axis "percent of capacity guaranteed" 0 --> ${scaleMax(cells)}`,
    `    bar [${values}]`,
  ].join('\n');
}

/** Escapes a Markdown table cell. */
function cellText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Markdown table; the columns in `numeric` are right-aligned. */
function table(header: string[], rows: string[][], numeric: (i: number) => boolean): string[] {
  const align = header.map((_, i) => (numeric(i) ? '---:' : '---'));
  return [header, align, ...rows].map((r, i) => `| ${(i === 1 ? r : r.map(cellText)).join(' | ')} |`);
}

function allocations(cell: CapacityCell): string[] {
  if (cell.allocations.length === 0) return ['No team, tenant or user holds quota here.'];
  const rows = cell.allocations.map((a) => [
    a.level,
    a.team,
    a.level === 'tenant' ? `${a.name}${a.burstGuestOf !== undefined ? ` (burst guest from ${a.burstGuestOf})` : ''}` : a.level === 'user' ? (a.tenant ?? '') : '',
    a.level === 'user' ? a.name : '',
    amount(a.guaranteed, cell.unit),
    limit(a.mayBorrow, cell.unit),
    limit(a.maximum, cell.unit),
    amount(a.lent, cell.unit),
  ]);
  return table(['level', 'team', 'tenant', 'user', 'guaranteed', 'may borrow', 'maximum', 'lent'], rows, (i) => i >= 4);
}

/** The whole picture as Markdown (a heading of `level`, default `###`). */
export function renderMarkdown(report: CapacityReport, level = 3): string {
  const h = '#'.repeat(level);
  const out = [`${h} Capacity`, ''];
  if (report.cells.length === 0) return `${[...out, 'The platform declares no capacity (no flavors).'].join('\n')}\n`;
  const flagged = report.cells.filter((c) => c.flags.length > 0);
  if (flagged.length > 0) {
    out.push(...flagged.flatMap((c) => c.flags.map((f) => `- :warning: **${cellText(cellLabel(c))}**: ${cellText(flagText(f, c))}`)), '');
  }
  out.push('```mermaid', renderMermaid(report), '```', '');
  out.push(
    ...table(
      ['flavor', 'resource', 'capacity', 'guaranteed', 'share', 'free', 'flags'],
      report.cells.map((c) => [
        c.flavor,
        c.resource,
        withUnit(c.capacity, c.unit),
        withUnit(c.guaranteedTotal, c.unit),
        c.capacity > 0 ? `${num(guaranteedShare(c), 1)} %` : '-',
        withUnit(c.free, c.unit),
        c.flags.join(', ') || '-',
      ]),
      (i) => i >= 2 && i <= 5,
    ),
    '',
  );
  for (const c of report.cells) {
    out.push(`<details><summary>${cellText(cellLabel(c))}: who holds it</summary>`, '', ...allocations(c), '', '</details>', '');
  }
  out.push(`Chart: Mermaid \`${MERMAID_CHART}\`, tested with Mermaid ${MERMAID_VERSION}; bars are the guaranteed share of each capacity (units differ per resource).`);
  return `${out.join('\n')}\n`;
}
