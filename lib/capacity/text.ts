/**
 * The capacity picture as plain text (`npm run capacity`): one block per flavor and resource with
 * every team, tenant and user allocation (guaranteed, may borrow, maximum, lent), the total
 * guaranteed against the capacity, the capacity left unallocated, and the flags explained.
 */
import { amount, flagText, guaranteedShare, limit, num, withUnit } from './format';
import type { CapacityAllocation, CapacityCell, CapacityReport } from './types';

const HEADER = ['level', 'team', 'tenant', 'user', 'guaranteed', 'may borrow', 'maximum', 'lent'];
/** Columns 4.. hold amounts: right-aligned so digits line up. */
const FIRST_NUMERIC = 4;

function row(a: CapacityAllocation, unit: string): string[] {
  const tenant = a.level === 'tenant' ? `${a.name}${a.burstGuestOf !== undefined ? ` (burst guest from ${a.burstGuestOf})` : ''}` : a.level === 'user' ? (a.tenant ?? '-') : '-';
  const user = a.level === 'user' ? a.name : '-';
  return [a.level, a.team, tenant, user, amount(a.guaranteed, unit), limit(a.mayBorrow, unit), limit(a.maximum, unit), amount(a.lent, unit)];
}

/** Lays rows out in columns two spaces apart; text columns left-aligned, amounts right-aligned. */
export function columns(rows: string[][], firstNumeric: number, indent = '  '): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `${indent}${r.map((c, i) => (i >= firstNumeric ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')}`.trimEnd());
}

/** One cell's block. */
export function renderCellText(cell: CapacityCell): string[] {
  const lines = [`${cell.flavor} ${cell.resource} (${cell.unit})`];
  const share = cell.capacity > 0 ? ` (${num(guaranteedShare(cell), 1)} % of capacity)` : '';
  lines.push(
    `  capacity ${withUnit(cell.capacity, cell.unit)}; guaranteed ${withUnit(cell.guaranteedTotal, cell.unit)}${share}; ` +
      (cell.free >= 0 ? `free ${withUnit(cell.free, cell.unit)} unallocated` : `short by ${withUnit(-cell.free, cell.unit)}`),
  );
  if (cell.allocations.length === 0) lines.push('  no team, tenant or user holds quota here');
  else {
    const rows = [HEADER, ...cell.allocations.map((a) => row(a, cell.unit))];
    rows.push(['total', '', '', '', amount(cell.guaranteedTotal, cell.unit), '', '', '']);
    rows.push(['capacity', '', '', '', amount(cell.capacity, cell.unit), '', '', '']);
    rows.push(['free', '', '', '', amount(cell.free, cell.unit), '', '', '']);
    lines.push(...columns(rows, FIRST_NUMERIC));
  }
  lines.push(...(cell.flags.length === 0 ? ['  flags: none'] : cell.flags.map((f) => `  flag ${flagText(f, cell)}`)));
  return lines;
}

/**
 * The whole report as text. `total` counts tenants and users (a team's budget is a cap on its
 * tenants, not an extra guarantee); `free` is capacity minus that total, negative when overcommitted.
 */
export function renderText(report: CapacityReport): string {
  if (report.cells.length === 0) return 'capacity: the platform declares no capacity (no flavors)\n';
  const legend = [
    'Capacity per flavor and resource. guaranteed: nominal quota, always available to its holder;',
    'may borrow: how much more it may take from idle quota in its cohort (unlimited = no limit);',
    'maximum: the most it can hold at once; lent: how much of its guarantee others may borrow while it is idle.',
    "A team row sums its tenants' and users' guarantees; its maximum is the team's budget. Totals count tenants and users.",
    '',
  ];
  return `${[...legend, ...report.cells.flatMap((c, i) => (i === 0 ? renderCellText(c) : ['', ...renderCellText(c)]))].join('\n')}\n`;
}
