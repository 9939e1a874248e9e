/**
 * The fleet's capacity summary (`npm run capacity` in a fleet): one row per cluster, flavor and
 * resource with the capacity, what tenants are guaranteed, what is free and the flags; the
 * per-cluster detail is the single-cluster renderers' (text.ts, markdown.ts) under a heading.
 */
import { amount, guaranteedShare, num } from './format';
import { columns } from './text';
import type { FleetCapacity } from './types';

const HEADER = ['cluster', 'region', 'flavor', 'resource', 'flags', 'capacity', 'guaranteed', 'free', 'guaranteed %'];
/** Columns 5.. hold amounts: right-aligned. */
const FIRST_NUMERIC = 5;

function rows(fleet: FleetCapacity): string[][] {
  return fleet.clusters.flatMap((c) =>
    c.report.cells.length === 0
      ? [[c.name, c.region, '-', '-', 'no Kueue capacity', '-', '-', '-', '-']]
      : c.report.cells.map((cell) => [
          c.name,
          c.region,
          cell.flavor,
          cell.resource,
          cell.flags.join(', ') || '-',
          amount(cell.capacity, cell.unit),
          amount(cell.guaranteedTotal, cell.unit),
          amount(cell.free, cell.unit),
          cell.capacity > 0 ? `${num(guaranteedShare(cell), 1)} %` : '-',
        ]),
  );
}

/** The summary as aligned text columns. */
export function renderFleetSummaryText(fleet: FleetCapacity): string {
  return [`Fleet capacity (${fleet.clusters.length} cluster(s); npm run capacity -- --cluster <name> for one cluster's detail)`, '', ...columns([HEADER, ...rows(fleet)], FIRST_NUMERIC, ''), ''].join('\n');
}

/** The summary as a Markdown table. */
export function renderFleetSummaryMarkdown(fleet: FleetCapacity): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [`### Fleet capacity (${fleet.clusters.length} cluster(s))`, '', `| ${HEADER.join(' | ')} |`, `|${HEADER.map((_, i) => (i >= FIRST_NUMERIC ? ' ---: ' : ' --- ')).join('|')}|`, ...rows(fleet).map((r) => `| ${r.map(esc).join(' | ')} |`), ''].join('\n');
}
