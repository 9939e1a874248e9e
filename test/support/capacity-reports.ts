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

const team = (name: string, budget: number): Alloc => ({ level: 'team', name, team: name, guaranteed: budget, mayBorrow: 0, maximum: budget });
const tenant = (teamName: string, name: string, guaranteed: number, more: Partial<CapacityAllocation> = {}): Alloc => ({ level: 'tenant', name, team: teamName, guaranteed, ...more });
const user = (teamName: string, tenantName: string, name: string, guaranteed: number, more: Partial<CapacityAllocation> = {}): Alloc => ({
  level: 'user',
  name,
  team: teamName,
  tenant: tenantName,
  guaranteed,
  mayBorrow: 0,
  ...more,
});

/** A cell with its totals computed the way the contract defines them (tenants and users, never teams). */
export function cell(flavor: string, resource: string, unit: string, capacity: number, allocs: Alloc[], extraFlags: CapacityFlag[] = []): CapacityCell {
  const allocations = allocs.map((a) => {
    const mayBorrow = a.mayBorrow === undefined ? null : a.mayBorrow;
    return { ...a, mayBorrow, maximum: a.maximum !== undefined ? a.maximum : mayBorrow === null ? null : a.guaranteed + mayBorrow, lent: a.lent ?? 0 };
  });
  const guaranteedTotal = allocations.filter((a) => a.level !== 'team').reduce((s, a) => s + a.guaranteed, 0);
  const flags: CapacityFlag[] = [...(guaranteedTotal > capacity ? (['overcommitted'] as const) : []), ...extraFlags];
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
        'slices',
        56,
        [team('fraud', 28), tenant('fraud', 'fraud-ml', 28, { mayBorrow: null, maximum: null }), team('vision', 21), tenant('vision', 'vision-research', 21, { mayBorrow: null, maximum: null })],
        ['contended-borrowing'],
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
      cell('t4-shared', 'nvidia.com/gpu.shared', 'replicas', 32, [
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
  const allocs = a100.allocations.map((a) => (a.level === 'tenant' && a.name === 'fraud-ml' ? { ...a, guaranteed: 26, maximum: 34 } : a));
  cells[0] = cell(a100.flavor, a100.resource, a100.unit, a100.capacity, allocs);
  return { cells };
}

/** A report with names that need escaping in every format. */
export function hostileReport(): CapacityReport {
  return {
    cells: [
      cell('x<y>&"q\'', 'example.com/gpu|pipe', 'GPU', 4, [team('t<1>', 4), tenant('t<1>', 'a&b', 2, { mayBorrow: null })]),
    ],
  };
}
