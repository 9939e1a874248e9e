/**
 * Hand-made capacity reports for the renderer tests: the shape lib/capacity/build.ts produces,
 * with realistic numbers. The cluster: 8 A100 nodes x 8 GPUs (64 GPUs, one node's 8 GPUs cut into
 * 7 MIG 1g.10gb slices each: 56 slices), 4 H100 nodes x 8 GPUs (32), 8 T4s time-sliced 4 ways
 * (32 replicas), and CPU nodes (512 cores, 4Ti memory). The seed's example is here: team fraud
 * holds a 50-GPU A100 budget, Alice 8, Bob 8, the rest shared by the fraud-ml tenant.
 */
import type { CapacityAllocation, CapacityCell, CapacityFlag, CapacityReport } from '../../lib/capacity/types';

const GI = 2 ** 30;
const TI = 2 ** 40;

type Alloc = Omit<CapacityAllocation, 'lent' | 'mayBorrow' | 'maximum'> & Partial<Pick<CapacityAllocation, 'lent' | 'mayBorrow' | 'maximum'>>;

/** A team row: only its budget is given; cell() derives the rest as lib/capacity/build.ts does. */
const team = (name: string, budget: number): Alloc => ({ level: 'team', name, team: name, guaranteed: 0, maximum: budget });
const tenant = (teamName: string, name: string, guaranteed: number, more: Partial<CapacityAllocation> = {}): Alloc => ({ level: 'tenant', name, team: teamName, guaranteed, mayBorrow: 0, ...more });
const user = (teamName: string, tenantName: string, name: string, guaranteed: number, more: Partial<CapacityAllocation> = {}): Alloc => ({
  level: 'user',
  name,
  team: teamName,
  tenant: tenantName,
  guaranteed,
  mayBorrow: 0,
  ...more,
});

/**
 * A cell with the numbers derived the way the contract (lib/capacity/build.ts) defines them:
 * a tenant's `guaranteed` is its shared part, its `maximum` its whole nominal (users included) plus
 * what it may borrow; a team's `guaranteed` is the sum of its tenants' and users', `maximum` its
 * budget, `mayBorrow` the rest of the budget, `lent` its tenants' sum; totals count tenants and
 * users only; `overcommitted` when the total exceeds the capacity, `contended-borrowing` when some
 * tenant may borrow and the tenants' maxima (unlimited counts as infinite) exceed the capacity.
 */
export function cell(flavor: string, resource: string, unit: string, capacity: number, allocs: Alloc[]): CapacityCell {
  const members = allocs.filter((a) => a.level !== 'team');
  const usersOf = (t: Alloc): number => members.filter((u) => u.level === 'user' && u.tenant === t.name && u.team === t.team).reduce((s, u) => s + u.guaranteed, 0);
  const resolved = members.map((a): CapacityAllocation => {
    const mayBorrow = a.mayBorrow === undefined ? 0 : a.mayBorrow;
    const nominal = a.guaranteed + (a.level === 'tenant' ? usersOf(a) : 0);
    return { ...a, mayBorrow, maximum: a.maximum !== undefined ? a.maximum : mayBorrow === null ? null : nominal + mayBorrow, lent: a.lent ?? 0 };
  });
  const allocations = allocs.map((a): CapacityAllocation => {
    if (a.level !== 'team') return resolved[members.indexOf(a)];
    const mine = resolved.filter((m) => m.team === a.name);
    const guaranteed = mine.reduce((s, m) => s + m.guaranteed, 0);
    const budget = a.maximum ?? null;
    return { ...a, guaranteed, maximum: budget, mayBorrow: budget === null ? null : budget - guaranteed, lent: mine.filter((m) => m.level === 'tenant').reduce((s, m) => s + m.lent, 0) };
  });
  const guaranteedTotal = resolved.reduce((s, a) => s + a.guaranteed, 0);
  const tenants = resolved.filter((a) => a.level === 'tenant');
  const maxima = tenants.reduce((s, a) => s + (a.maximum ?? Infinity), 0);
  const contended = tenants.some((a) => a.mayBorrow !== 0) && maxima > capacity;
  const flags: CapacityFlag[] = [...(guaranteedTotal > capacity ? (['overcommitted'] as const) : []), ...(contended ? (['contended-borrowing'] as const) : [])];
  return { flavor, resource, unit, capacity, allocations, guaranteedTotal, free: capacity - guaranteedTotal, flags };
}

/** The org after the PR: fraud-ml guarantees 34 shared A100s (was 26), H100s overcommitted. */
export function headReport(): CapacityReport {
  return {
    cells: [
      cell('a100-80gb', 'nvidia.com/gpu', 'GPU', 64, [
        team('fraud', 50),
        tenant('fraud', 'fraud-ml', 34, { mayBorrow: 8, lent: 10 }),
        user('fraud', 'fraud-ml', 'alice@example.com', 8),
        user('fraud', 'fraud-ml', 'bob@example.com', 8, { lent: 8 }),
        team('vision', 16),
        tenant('vision', 'vision-research', 10, { mayBorrow: 6 }),
      ]),
      cell(
        'a100-80gb',
        'nvidia.com/mig-1g.10gb',
        'MIG slices',
        56,
        [team('fraud', 28), tenant('fraud', 'fraud-ml', 28, { mayBorrow: null }), team('vision', 21), tenant('vision', 'vision-research', 21, { mayBorrow: null })],
      ),
      cell('cpu', 'cpu', 'cores', 512, [
        team('fraud', 256),
        tenant('fraud', 'fraud-ml', 160, { mayBorrow: 96 }),
        user('fraud', 'fraud-ml', 'alice@example.com', 16),
        user('fraud', 'fraud-ml', 'bob@example.com', 16),
        team('vision', 192),
        tenant('vision', 'vision-research', 128.5, { mayBorrow: 64 }),
      ]),
      cell('cpu', 'memory', 'bytes', 4 * TI, [
        team('fraud', 2 * TI),
        tenant('fraud', 'fraud-ml', 1280 * GI, { mayBorrow: 512 * GI }),
        user('fraud', 'fraud-ml', 'alice@example.com', 128 * GI),
        user('fraud', 'fraud-ml', 'bob@example.com', 128 * GI),
        team('vision', 1536 * GI),
        tenant('vision', 'vision-research', 1024 * GI, { mayBorrow: 512 * GI }),
      ]),
      cell('h100-80gb', 'nvidia.com/gpu', 'GPU', 32, [
        team('llm', 40),
        tenant('llm', 'llm-pretrain', 24, { mayBorrow: 0 }),
        tenant('llm', 'llm-serving', 12, { mayBorrow: 4 }),
      ]),
      cell('t4-shared', 'nvidia.com/gpu.shared', 'GPU shares', 32, [
        team('vision', 12),
        tenant('vision', 'vision-research', 12, { mayBorrow: 8 }),
        team('fraud', 8),
        tenant('fraud', 'fraud-notebooks', 6, { mayBorrow: 10, lent: 6 }),
      ]),
    ],
  };
}

/** The org before the PR: fraud-ml guaranteed 26 shared A100s; no T4 capacity yet. */
export function baseReport(): CapacityReport {
  const head = headReport();
  const cells = head.cells.filter((c) => c.flavor !== 't4-shared');
  const a100 = cells[0];
  const allocs = a100.allocations.map((a): Alloc => {
    if (a.level === 'tenant' && a.name === 'fraud-ml') return { ...a, guaranteed: 26, maximum: undefined };
    if (a.level === 'tenant') return { ...a, maximum: undefined };
    return a;
  });
  cells[0] = cell(a100.flavor, a100.resource, a100.unit, a100.capacity, allocs);
  return { cells };
}

/** A report with names that need escaping in every format, long names, and a cell 450 % overcommitted. */
export function hostileReport(): CapacityReport {
  return {
    cells: [
      cell('x<y>&"q\'', 'example.com/gpu|pipe', 'GPU', 4, [team('t<1>', 4), tenant('t<1>', 'a&b', 2, { mayBorrow: null })]),
      // Escapes to the same chart label as the cell above: the chart must still draw two bars.
      cell('x>y<&"q\'', 'example.com/gpu|pipe', 'GPU', 8, [team('t<1>', 8), tenant('t<1>', 'c', 6)]),
      // Long names and a cell far past its capacity: the layout must make room, the bar is clipped.
      cell('h100-sxm5-80gb-europe-west4-reserved', 'nvidia.com/mig-3g.40gb', 'MIG slices', 2, [team('research-platform', 16), tenant('research-platform', 'research-platform-llm-pretraining', 9)]),
    ],
  };
}
