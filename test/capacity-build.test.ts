/**
 * The capacity report's data (lib/capacity/build.ts) from the org model of the `kueue` fixture:
 * per flavor and resource the team, tenant and user rows, totals, free capacity and flags.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { capacityReport } from '../lib/capacity/build';
import type { CapacityReport } from '../lib/capacity/types';
import { orgModel } from '../lib/model/tenant';
import { definePlatform } from '../lib/platform';
import { fixtureInputs } from './fixture-repo';

let report: CapacityReport;
beforeAll(async () => {
  const { platform, entries } = await fixtureInputs('kueue');
  report = capacityReport(orgModel(entries.map((e) => e.spec), platform));
}, 60_000);

const cell = (flavor: string, resource: string) => report.cells.find((c) => c.flavor === flavor && c.resource === resource)!;

describe('capacity report data', () => {
  it('one cell per flavor and resource the capacity offers, sorted by flavor then resource, with units', () => {
    expect(report.cells.map((c) => `${c.flavor} ${c.resource} ${c.unit}`)).toEqual([
      'a100-40gb-mig nvidia.com/mig-1g.5gb MIG slices',
      'a100-40gb-mig nvidia.com/mig-3g.20gb MIG slices',
      'a100-80gb nvidia.com/gpu GPU',
      'cpu cpu cores',
      'cpu memory bytes',
      'h100-80gb nvidia.com/gpu GPU',
      't4-shared nvidia.com/gpu.shared GPU shares',
    ]);
  });

  it("the seed's example: team fraud 50 A100s, the shared part 34, Alice and Bob 8 each and reserved; fraud-scoring borrows within the team's 50; research's vision borrows and lends 4, research-burst only borrows", () => {
    const c = cell('a100-80gb', 'nvidia.com/gpu');
    expect(c.capacity).toBe(64);
    expect(c.allocations).toEqual([
      { level: 'team', name: 'fraud', team: 'fraud', guaranteed: 50, mayBorrow: 0, maximum: 50, lent: 34 },
      { level: 'tenant', name: 'fraud-modelling', team: 'fraud', tenant: 'fraud-modelling', guaranteed: 34, mayBorrow: 0, maximum: 50, lent: 34 },
      { level: 'user', name: 'alice@example.com', team: 'fraud', tenant: 'fraud-modelling', guaranteed: 8, mayBorrow: 0, maximum: 8, lent: 0 },
      { level: 'user', name: 'bob@example.com', team: 'fraud', tenant: 'fraud-modelling', guaranteed: 8, mayBorrow: 0, maximum: 8, lent: 0 },
      // The team budget is shared across tenants: the team's maximum stays 50 whatever fraud-scoring may borrow.
      { level: 'tenant', name: 'fraud-scoring', team: 'fraud', tenant: 'fraud-scoring', guaranteed: 0, mayBorrow: 16, maximum: 16, lent: 0 },
      { level: 'team', name: 'research', team: 'research', guaranteed: 8, mayBorrow: null, maximum: null, lent: 4 },
      { level: 'tenant', name: 'research-burst', team: 'research', tenant: 'research-burst', guaranteed: 0, mayBorrow: 40, maximum: 40, lent: 0 },
      // lendingLimit 4: only 4 of vision's 8 are ever lent.
      { level: 'tenant', name: 'vision', team: 'research', tenant: 'vision', guaranteed: 8, mayBorrow: 6, maximum: 14, lent: 4 },
    ]);
    // Tenants and users: 34 + 8 + 8 + 8 (team rows are not counted again; borrowers guarantee 0).
    expect(c.guaranteedTotal).toBe(58);
    expect(c.free).toBe(6);
    // Maxima 50 + 16 + 40 + 14 exceed 64: the borrowers cannot all reach their maximum at once.
    expect(c.flags).toEqual(['contended-borrowing']);
  });

  it('time-sliced capacity is gpus x replicas; unlimited borrowing beyond the capacity is contended', () => {
    expect(cell('t4-shared', 'nvidia.com/gpu.shared')).toMatchObject({ capacity: 16, guaranteedTotal: 8, free: 8, flags: [] });
    const cpu = cell('cpu', 'cpu');
    expect(cpu.allocations.filter((a) => a.level === 'tenant').map((a) => [a.name, a.guaranteed, a.mayBorrow, a.maximum])).toEqual([
      ['fraud-modelling', 48, 16, 64],
      ['fraud-scoring', 8, null, null],
      ['research-burst', 8, null, null],
      ['vision', 32, null, null],
    ]);
    expect(cpu).toMatchObject({ capacity: 256, guaranteedTotal: 96, free: 160, flags: ['contended-borrowing'] });
    expect(cell('cpu', 'memory')).toMatchObject({ capacity: 1024 * 2 ** 30, guaranteedTotal: 384 * 2 ** 30 });
  });

  it('an overcommitted cell is flagged, with negative free capacity; no capacity: no cells', async () => {
    const { platform, entries } = await fixtureInputs('kueue');
    const over = definePlatform({ ...platformInput(platform), kueue: { ...platform.kueue, allowOvercommit: true, flavors: { ...platform.kueue.flavors, 'h100-80gb': { ...platform.kueue.flavors['h100-80gb'], resources: { 'nvidia.com/gpu': 2 } } } } });
    const r = capacityReport(orgModel(entries.map((e) => e.spec), over));
    expect(r.cells.find((c) => c.flavor === 'h100-80gb')).toMatchObject({ capacity: 2, guaranteedTotal: 4, free: -2, flags: ['overcommitted', 'contended-borrowing'] });
    expect(capacityReport(orgModel(entries.filter((e) => e.spec.queue === undefined).map((e) => e.spec), definePlatform({})))).toEqual({ cells: [] });
  });
});

/** The overridable sections of resolved settings, as definePlatform takes them. */
function platformInput(p: ReturnType<typeof definePlatform>): Parameters<typeof definePlatform>[0] {
  return { gpu: p.gpu, labels: p.labels, requiredLabels: p.requiredLabels };
}
