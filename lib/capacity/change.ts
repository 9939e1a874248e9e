/**
 * The capacity change a pull request makes, for the review diff: per flavor and resource whose
 * numbers moved, one line such as
 *   `a100 nvidia.com/gpu: this PR takes 8 more GPU (tenant fraud-ml +8); 4 GPU remain unallocated of 64 GPU`
 * naming who gained or gave up guaranteed quota (tenants and users), changed limits and team
 * budgets, capacity changes, and flags raised or cleared. Cells whose numbers did not move print nothing.
 */
import { amount, cellLabel, limit, withUnit } from './format';
import type { CapacityAllocation, CapacityCell, CapacityFlag, CapacityReport } from './types';

const key = (c: Pick<CapacityCell, 'flavor' | 'resource'>): string => `${c.flavor}\u0000${c.resource}`;
const holderKey = (a: CapacityAllocation): string => [a.level, a.team, a.tenant ?? '', a.name].join('\u0000');

/** How a holder is named in a change line: `team fraud`, `tenant fraud-ml`, `user fraud-ml/alice@example.com`. */
export function holderName(a: CapacityAllocation): string {
  return a.level === 'user' ? `user ${a.tenant ?? a.team}/${a.name}` : `${a.level} ${a.name}`;
}

function signed(n: number, unit: string): string {
  return n > 0 ? `+${withUnit(n, unit)}` : `-${withUnit(-n, unit)}`;
}

/** `8 more GPU`, `512Gi more` (a byte suffix is the unit). */
function more(n: number, unit: string): string {
  return unit === 'bytes' ? `${amount(n, unit)} more` : `${amount(n, unit)} more ${unit}`;
}

function remaining(cell: CapacityCell): string {
  return cell.free >= 0
    ? `${withUnit(cell.free, cell.unit)} remain unallocated of ${withUnit(cell.capacity, cell.unit)}`
    : `overcommitted by ${withUnit(-cell.free, cell.unit)} (capacity ${withUnit(cell.capacity, cell.unit)})`;
}

/** Who moved: guaranteed deltas first, then limit changes; holders in report order. */
function holderChanges(base: CapacityCell, head: CapacityCell): { guaranteed: string[]; limits: string[] } {
  const unit = head.unit;
  const before = new Map(base.allocations.map((a) => [holderKey(a), a]));
  const after = new Map(head.allocations.map((a) => [holderKey(a), a]));
  const guaranteed: string[] = [];
  const limits: string[] = [];
  const order = [...head.allocations, ...base.allocations.filter((a) => !after.has(holderKey(a)))];
  const delta = (a: CapacityAllocation): number => (after.get(holderKey(a))?.guaranteed ?? 0) - (before.get(holderKey(a))?.guaranteed ?? 0);
  // A tenant's maximum covers its users' quota too: their changes move it without being news.
  const nominalDelta = (a: CapacityAllocation): number =>
    delta(a) + (a.level === 'tenant' ? order.filter((u) => u.level === 'user' && u.team === a.team && u.tenant === a.name).reduce((s, u) => s + delta(u), 0) : 0);
  for (const a of order) {
    const b = before.get(holderKey(a));
    const h = after.get(holderKey(a));
    if (a.level === 'team') {
      // A team row's guaranteed, may-borrow and lent are sums over its tenants (their lines say
      // it); only its budget (maximum) is its own.
      if (!b || !h) limits.push(`${holderName(a)} ${h ? 'new' : 'gone'}`);
      else if (b.maximum !== h.maximum) limits.push(`${holderName(a)} budget ${limit(b.maximum, unit)} -> ${limit(h.maximum, unit)}`);
      continue;
    }
    const dg = delta(a);
    if (dg !== 0) guaranteed.push(`${holderName(a)} ${signed(dg, unit)}`);
    if (!b && h) limits.push(`${holderName(a)} new`);
    else if (b && !h) limits.push(`${holderName(a)} gone`);
    else if (b && h) {
      const field = (what: string, x: number | null, y: number | null): void => {
        if (x !== y) limits.push(`${holderName(a)} ${what} ${limit(x, unit)} -> ${limit(y, unit)}`);
      };
      field('may borrow', b.mayBorrow, h.mayBorrow);
      // maximum = nominal + may borrow: said only when it moves otherwise than those two imply.
      const implied = b.maximum !== null && h.maximum !== null && b.mayBorrow !== null && h.mayBorrow !== null && h.maximum - b.maximum === nominalDelta(a) + (h.mayBorrow - b.mayBorrow);
      if (!implied) field('maximum', b.maximum, h.maximum);
      field('lent', b.lent, h.lent);
    }
  }
  return { guaranteed, limits };
}

function flagChanges(base: readonly CapacityFlag[], head: readonly CapacityFlag[]): string[] {
  return [
    ...head.filter((f) => !base.includes(f)).map((f) => `now ${f}`),
    ...base.filter((f) => !head.includes(f)).map((f) => `no longer ${f}`),
  ];
}

/** One line per cell the PR changes, sorted by flavor, then resource. */
export function capacityChange(base: CapacityReport, head: CapacityReport): string[] {
  const before = new Map(base.cells.map((c) => [key(c), c]));
  const after = new Map(head.cells.map((c) => [key(c), c]));
  const cells = [...new Map([...base.cells, ...head.cells].map((c) => [key(c), c])).values()].sort(
    (a, b) => (a.flavor < b.flavor ? -1 : a.flavor > b.flavor ? 1 : a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0),
  );
  const lines: string[] = [];
  for (const c of cells) {
    const b = before.get(key(c));
    const h = after.get(key(c));
    const label = cellLabel(c);
    if (!b && h) {
      lines.push(`${label}: new capacity of ${withUnit(h.capacity, h.unit)}; this PR guarantees ${withUnit(h.guaranteedTotal, h.unit)} of it; ${remaining(h)}`);
      continue;
    }
    if (b && !h) {
      lines.push(`${label}: capacity removed (was ${withUnit(b.capacity, b.unit)}, ${withUnit(b.guaranteedTotal, b.unit)} guaranteed)`);
      continue;
    }
    if (!b || !h) continue;
    const dg = h.guaranteedTotal - b.guaranteedTotal;
    const who = holderChanges(b, h);
    const flags = flagChanges(b.flags, h.flags);
    const parts: string[] = [];
    const detail = who.guaranteed.length > 0 ? ` (${who.guaranteed.join(', ')})` : '';
    if (dg > 0) parts.push(`this PR takes ${more(dg, h.unit)}${detail}`);
    else if (dg < 0) parts.push(`this PR releases ${withUnit(-dg, h.unit)}${detail}`);
    else if (who.guaranteed.length > 0) parts.push(`guaranteed quota moves: ${who.guaranteed.join(', ')}`);
    if (h.capacity !== b.capacity) parts.push(`capacity ${withUnit(b.capacity, b.unit)} -> ${withUnit(h.capacity, h.unit)}`);
    if (who.limits.length > 0) parts.push(who.limits.join(', '));
    if (parts.length === 0 && flags.length === 0) continue;
    parts.push(remaining(h));
    parts.push(...flags);
    lines.push(`${label}: ${parts.join('; ')}`);
  }
  return lines;
}
