/**
 * The capacity report's data: per flavor and resource the capacity, every team's, tenant's and
 * user's share of it, totals and flags, from the resolved org model's Kueue part
 * (lib/model/kueue.ts). Rendering (text, Markdown with Mermaid, SVG) and the PR change text are in
 * lib/capacity/render.ts. Meaning of each number (docs/queues.md "The capacity report"):
 *
 * - tenant: `guaranteed` is its shared queue's nominal quota (its nominal minus its users'),
 *   `mayBorrow` its borrowingLimit, `maximum` nominal + borrowingLimit (the whole tenant, users
 *   included), `lent` the most of its quota others may borrow while idle (lendingLimit, or all of
 *   what lends: the shared part and what its users lend).
 * - user: its own queue's nominal, borrowingLimit, nominal + borrowingLimit, lendingLimit.
 * - team: `guaranteed` the sum of its tenants' nominal quota, `maximum` its budget,
 *   `mayBorrow` budget - guaranteed, `lent` the sum of its tenants' `lent`. Not part of the totals.
 *
 * - burst guest (a fleet worker, docs/fleet.md): a tenant row marked `burstGuestOf` (its home
 *   cluster): its burst quota, guaranteed, never borrowing; in no team row (its queue is in the root Cohort).
 *
 * `guaranteedTotal` sums tenants (guests included) and users (= the tenants' nominal quota), `free` is capacity
 * minus it. Flags: `overcommitted` when the guaranteed total exceeds the capacity;
 * `contended-borrowing` when some tenant may borrow and the tenants' maxima together exceed the
 * capacity (unlimited counts as exceeding): not every borrower can reach its maximum at once.
 */
import type { OrgModel } from '../model/tenant';
import { Quantity } from '../quantity';
import type { CellLimits, TenantQueue } from '../model/kueue';
import type { CapacityAllocation, CapacityCell, CapacityFlag, CapacityReport } from './types';

/**
 * Where synth writes the report's data (`dist/platform/kueue/capacity.json`, only with Kueue
 * capacity): the review diff compares the base's with the working tree's, so a PR shows the
 * capacity it takes or frees.
 */
export const CAPACITY_FILE = 'platform/kueue/capacity.json';

/** The report as written to {@link CAPACITY_FILE}: stable key order, one trailing newline. */
export function capacityFile(report: CapacityReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** A report read back from {@link CAPACITY_FILE}; an absent file is the empty report. */
export function parseCapacityFile(text: string | undefined): CapacityReport {
  if (text === undefined) return { cells: [] };
  const parsed = JSON.parse(text) as CapacityReport;
  return { cells: parsed.cells ?? [] };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Milli-units as the report's number (cores, bytes, devices). */
const num = (milli: bigint): number => Number(milli) / 1000;

/** The unit a resource is counted in. */
export function unitOf(resource: string): string {
  if (resource === 'cpu') return 'cores';
  if (resource === 'memory' || resource === 'ephemeral-storage') return 'bytes';
  if (resource === 'pods') return 'pods';
  if (resource.startsWith('nvidia.com/mig-')) return 'MIG slices';
  if (resource.endsWith('.shared')) return 'GPU shares';
  return 'GPU';
}

const LEVEL_ORDER: Record<CapacityAllocation['level'], number> = { team: 0, tenant: 1, user: 2 };

/** The capacity report of the org model; no cells when the platform declares no Kueue capacity. */
export function capacityReport(model: OrgModel): CapacityReport {
  const kueue = model.kueue;
  if (!kueue) return { cells: [] };
  const cells: CapacityCell[] = [];
  for (const cap of kueue.capacity) {
    const { flavor, resource } = cap;
    const cellOf = (t: TenantQueue): CellLimits | undefined => t.queue.cells.get(flavor)?.get(resource);
    const allocations: CapacityAllocation[] = [];
    const tenantRows: { team: string; total: bigint; max: bigint | undefined; lent: bigint; guest: boolean }[] = [];
    for (const t of [...kueue.tenants, ...kueue.guests]) {
      const c = cellOf(t);
      if (!c) continue;
      const guestOf = kueue.guests.find((g) => g === t)?.home;
      const users = t.queue.users.map((u) => ({ u, c: u.cells.get(flavor)?.get(resource) })).filter((x): x is { u: (typeof x)['u']; c: CellLimits } => x.c !== undefined);
      const usersNominal = users.reduce((s, x) => s + x.c.nominal, 0n);
      const shared = c.nominal - usersNominal;
      const usersLent = users.reduce((s, x) => s + (x.c.lendingLimit ?? x.c.nominal), 0n);
      const lent = c.lendingLimit ?? (users.length > 0 ? shared + usersLent : c.nominal);
      const max = c.borrowingLimit === undefined ? undefined : c.nominal + c.borrowingLimit;
      allocations.push({
        level: 'tenant',
        name: t.tenant,
        team: t.team,
        tenant: t.tenant,
        guaranteed: num(shared),
        mayBorrow: c.borrowingLimit === undefined ? null : num(c.borrowingLimit),
        maximum: max === undefined ? null : num(max),
        lent: num(lent),
        ...(guestOf !== undefined ? { burstGuestOf: guestOf } : {}),
      });
      tenantRows.push({ team: t.team, total: c.nominal, max, lent, guest: guestOf !== undefined });
      for (const { u, c: uc } of users) {
        allocations.push({
          level: 'user',
          name: u.email,
          team: t.team,
          tenant: t.tenant,
          guaranteed: num(uc.nominal),
          mayBorrow: uc.borrowingLimit === undefined ? null : num(uc.borrowingLimit),
          maximum: uc.borrowingLimit === undefined ? null : num(uc.nominal + uc.borrowingLimit),
          lent: num(uc.lendingLimit ?? uc.nominal),
        });
      }
    }
    // A guest's burst queue is in the root Cohort, outside its team's: no team row counts it.
    const teams = new Set(tenantRows.filter((r) => !r.guest).map((r) => r.team));
    for (const [team, spec] of Object.entries(kueue.settings.teams)) if (spec.budget?.[flavor]?.[resource] !== undefined) teams.add(team);
    for (const team of teams) {
      const rows = tenantRows.filter((r) => r.team === team && !r.guest);
      const guaranteed = rows.reduce((s, r) => s + r.total, 0n);
      const b = kueue.settings.teams[team]?.budget?.[flavor]?.[resource];
      const budget = b === undefined ? undefined : budgetMilli(b, resource);
      allocations.push({
        level: 'team',
        name: team,
        team,
        guaranteed: num(guaranteed),
        mayBorrow: budget === undefined ? null : num(budget > guaranteed ? budget - guaranteed : 0n),
        maximum: budget === undefined ? null : num(budget),
        lent: num(rows.reduce((s, r) => s + r.lent, 0n)),
      });
    }
    allocations.sort((a, b) => cmp(a.team, b.team) || cmp(a.tenant ?? '', b.tenant ?? '') || LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || cmp(a.name, b.name));
    const total = tenantRows.reduce((s, r) => s + r.total, 0n);
    const flags: CapacityFlag[] = [];
    if (total > cap.milli) flags.push('overcommitted');
    const borrows = allocations.some((a) => a.level !== 'team' && (a.mayBorrow === null || a.mayBorrow > 0));
    const maxima = tenantRows.some((r) => r.max === undefined) ? undefined : tenantRows.reduce((s, r) => s + (r.max ?? 0n), 0n);
    if (borrows && (maxima === undefined || maxima > cap.milli)) flags.push('contended-borrowing');
    cells.push({ flavor, resource, unit: unitOf(resource), capacity: num(cap.milli), allocations, guaranteedTotal: num(total), free: num(cap.milli - total), flags });
  }
  cells.sort((a, b) => cmp(a.flavor, b.flavor) || cmp(a.resource, b.resource));
  return { cells };
}

/** A validated budget amount in milli-units: GPU counts are plain numbers, the rest quantities. */
function budgetMilli(v: string | number, resource: string): bigint {
  return ['GPU', 'MIG slices', 'GPU shares'].includes(unitOf(resource)) ? BigInt(v) * 1000n : Quantity.of(v).milli;
}
