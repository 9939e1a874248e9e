/**
 * Shared formatting for the capacity picture's renderers (text, Markdown, SVG, PR change lines):
 * amounts per unit, cell labels, the share of capacity a cell guarantees, and escaping.
 * Everything here is pure and locale-independent, so every output is byte-identical per report.
 */
import type { CapacityCell, CapacityFlag } from './types';

const BINARY: [string, number][] = [
  ['Ei', 2 ** 60],
  ['Pi', 2 ** 50],
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];

/** A number with at most `digits` decimals, trailing zeros dropped, never "-0" or an exponent. */
export function num(n: number, digits = 3): string {
  if (!Number.isFinite(n)) return String(n);
  const fixed = n.toFixed(digits);
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

/**
 * An amount as a person reads it: bytes with the largest binary suffix that keeps it readable
 * (`512Gi`, `1.5Ti`), every other unit as a plain number (cores may be fractional).
 */
export function amount(n: number, unit: string): string {
  if (unit !== 'bytes') return num(n);
  const abs = Math.abs(n);
  for (const [suffix, size] of BINARY) if (abs >= size) return `${num(n / size, 2)}${suffix}`;
  return num(n, 0);
}

/** An amount with its unit: `8 GPU`, `96 cores`, `512Gi` (a byte suffix is the unit). */
export function withUnit(n: number, unit: string): string {
  return unit === 'bytes' ? amount(n, unit) : `${amount(n, unit)} ${unit}`;
}

/** A limit that may be unlimited (`null`). */
export function limit(n: number | null, unit: string): string {
  return n === null ? 'unlimited' : amount(n, unit);
}

/** The label of a cell's bar, the same in every format: `<flavor> <resource>`. */
export function cellLabel(cell: Pick<CapacityCell, 'flavor' | 'resource'>): string {
  return `${cell.flavor} ${cell.resource}`;
}

/**
 * The share of a cell's capacity that is guaranteed, in percent, one decimal: the value of the
 * cell's bar. Units differ between cells (GPUs, MIG slices, cores, bytes), so the charts compare
 * shares, and the tables next to them give the amounts. A cell without capacity that guarantees
 * something is infinitely overcommitted: its share is reported as `OVER_SCALE_MAX`.
 */
export function guaranteedShare(cell: Pick<CapacityCell, 'capacity' | 'guaranteedTotal'>): number {
  if (cell.capacity <= 0) return cell.guaranteedTotal > 0 ? OVER_SCALE_MAX : 0;
  return Math.round((cell.guaranteedTotal / cell.capacity) * 1000) / 10;
}

/** Where the charts' value axes end at the least (percent); an overcommitted cell extends it. */
export const SCALE_MIN_MAX = 100;
/** The highest share a chart draws (percent); beyond it a bar is clipped and marked. */
export const OVER_SCALE_MAX = 200;

/** The value axis's end: 100 %, or the largest share rounded up to 10 %, at most OVER_SCALE_MAX. */
export function scaleMax(cells: readonly CapacityCell[]): number {
  const top = Math.max(SCALE_MIN_MAX, ...cells.map(guaranteedShare));
  return Math.min(OVER_SCALE_MAX, Math.ceil(top / 10) * 10);
}

/** What each flag means, in the words every format uses. */
export function flagText(flag: CapacityFlag, cell: CapacityCell): string {
  switch (flag) {
    case 'overcommitted':
      return `overcommitted: ${withUnit(cell.guaranteedTotal, cell.unit)} guaranteed exceeds the capacity of ${withUnit(cell.capacity, cell.unit)} by ${withUnit(cell.guaranteedTotal - cell.capacity, cell.unit)}; not every guarantee can be honoured at once`;
    case 'contended-borrowing': {
      // What the tenants could hold at once if every one borrowed up to its limit.
      const tenants = cell.allocations.filter((a) => a.level === 'tenant');
      const unlimited = tenants.some((a) => a.maximum === null);
      const capacity = withUnit(cell.capacity, cell.unit);
      const why = unlimited
        ? `a tenant may borrow without limit, so the tenants' maxima exceed the capacity of ${capacity}`
        : `the tenants' maxima add up to ${withUnit(tenants.reduce((s, a) => s + (a.maximum ?? 0), 0), cell.unit)}, more than the capacity of ${capacity}`;
      return `contended borrowing: ${why}; not every borrower can reach its maximum at once, fair sharing decides who waits`;
    }
  }
}

/** Escapes text for XML (SVG) content and attribute values. */
export function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
