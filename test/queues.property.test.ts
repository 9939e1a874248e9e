/**
 * Invariants of the Kueue model over generated orgs (fast-check): whatever valid queues tenants
 * declare, no capacity is lost or created (the root Cohort's nominal plus every ClusterQueue's equals
 * the capacity), a tenant's users and its shared queue add up to its nominal, the ResourceQuota's GPU
 * values are nominal + borrowingLimit + the allowance outside Kueue, every resource group lists all
 * its resources in every flavor, and the capacity report's totals add up.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capacityReport } from '../lib/capacity/build';
import { orgModel } from '../lib/model/tenant';
import { definePlatform } from '../lib/platform';
import { validateTenants } from '../lib/tenant';
import { entry } from './support/fixtures';

const platform = definePlatform({
  gpu: { vendors: ['nvidia.com/gpu'], mig: {}, timeSliced: ['nvidia.com/gpu.shared'] },
  kueue: {
    flavors: {
      cpu: { resources: { cpu: '100', memory: '400Gi' } },
      a100: { resources: { 'nvidia.com/gpu': 16 } },
      h100: { resources: { 'nvidia.com/gpu': 8 } },
      t4: { timeSliced: { 'nvidia.com/gpu.shared': { gpus: 2, replicas: 4 } } },
    },
    teams: { fraud: { weight: 2 } },
  },
});
const CAP: Record<string, number> = { 'a100 nvidia.com/gpu': 16, 'h100 nvidia.com/gpu': 8, 't4 nvidia.com/gpu.shared': 8, 'cpu cpu': 100 };

const tenantArb = fc.record({
  team: fc.constantFrom('fraud', 'research'),
  cpu: fc.integer({ min: 1, max: 25 }),
  a100: fc.integer({ min: 0, max: 4 }),
  a100Borrow: fc.integer({ min: 0, max: 8 }),
  h100: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  t4: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  users: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 3 }),
  outside: fc.integer({ min: 0, max: 2 }),
});

type TenantDraw = { team: string; cpu: number; a100: number; a100Borrow: number; h100?: number | undefined; t4?: number | undefined; users: number[]; outside: number };

function specOf(i: number, t: TenantDraw): Record<string, unknown> {
  const flavors: Record<string, unknown> = {
    cpu: { cpu: { nominal: String(t.cpu) }, memory: { nominal: `${t.cpu * 4}Gi` } },
    a100: { 'nvidia.com/gpu': { nominal: t.a100, borrowingLimit: t.a100Borrow } },
  };
  if (t.h100 !== undefined) flavors.h100 = { 'nvidia.com/gpu': { nominal: t.h100, borrowingLimit: 0 } };
  if (t.t4 !== undefined) flavors.t4 = { 'nvidia.com/gpu.shared': { nominal: t.t4, borrowingLimit: 1 } };
  // Users' nominal fits the tenant's: each takes what is left, at most its draw.
  let left = t.a100;
  const users = Object.fromEntries(
    t.users.map((n, j) => {
      const take = Math.min(n, left);
      left -= take;
      return [`user${j}@example.com`, { flavors: { a100: { 'nvidia.com/gpu': { nominal: take } } } }];
    }),
  );
  return {
    name: `t${i}`,
    owner: { email: 'lead@example.com' },
    ...(Object.keys(users).length > 0 ? { contributors: Object.keys(users).map((user) => ({ user, role: 'edit' })) } : {}),
    labels: { team: t.team, 'cost-centre': 'cc', 'compliance-tier': 'internal' },
    queue: { flavors, ...(Object.keys(users).length > 0 ? { users } : {}), outsideKueue: { 'nvidia.com/gpu': t.outside } },
  };
}

describe('Kueue model invariants (generated orgs)', () => {
  it('capacity is conserved, users and shared add up, the ResourceQuota mirrors the queue, groups are complete, the report adds up', () => {
    fc.assert(
      fc.property(fc.array(tenantArb, { minLength: 1, maxLength: 4 }), (ts) => {
        const specs = ts.map((t, i) => specOf(i, t));
        expect(validateTenants(specs.map((s) => entry(s)), platform).map(String)).toEqual([]);
        const model = orgModel(specs as never, platform);
        const k = model.kueue!;
        const nominal = (groups: readonly { flavors: readonly { name: string; resources: readonly { name: string; nominalQuota: string }[] }[] }[], key: string): number => {
          let n = 0;
          for (const g of groups) for (const f of g.flavors) for (const r of f.resources) if (`${f.name} ${r.name}` === key && !r.name.startsWith('memory')) n += Number(r.nominalQuota);
          return n;
        };
        for (const key of Object.keys(CAP)) {
          const total = [...k.cohorts, ...k.clusterQueues].reduce((s, o) => s + nominal(o.resourceGroups, key), 0);
          expect(total).toBe(CAP[key]);
        }
        for (const [i, t] of ts.entries()) {
          const qs = k.clusterQueues.filter((q) => q.namespace === `t${i}`);
          expect(qs.reduce((s, q) => s + nominal(q.resourceGroups, 'a100 nvidia.com/gpu'), 0)).toBe(t.a100);
          const hard = model.tenants.find((x) => x.name === `t${i}`)!.quotaHard;
          expect(Number(hard['requests.nvidia.com/gpu'])).toBe(t.a100 + t.a100Borrow + (t.h100 ?? 0) + t.outside);
          expect(Number(hard['requests.nvidia.com/gpu.shared'])).toBe(t.t4 === undefined ? 0 : t.t4 + 1);
        }
        for (const o of [...k.cohorts, ...k.clusterQueues]) for (const g of o.resourceGroups) for (const f of g.flavors) expect(f.resources.map((r) => r.name)).toEqual(g.coveredResources);
        for (const c of capacityReport(model).cells) {
          const sum = c.allocations.filter((a) => a.level !== 'team').reduce((s, a) => s + a.guaranteed, 0);
          expect(c.guaranteedTotal).toBeCloseTo(sum, 6);
          expect(c.free).toBeCloseTo(c.capacity - c.guaranteedTotal, 6);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("queue users' API server usernames: with a prefix, each user queue's username gets exactly the person's Kubeflow role and nobody else is bound; without one, nothing extra", () => {
    const prefixed = { ...platform, kueue: { ...platform.kueue, apiServerUsernamePrefix: 'oidc:' } };
    fc.assert(
      fc.property(fc.array(tenantArb, { minLength: 1, maxLength: 4 }), (ts) => {
        const specs = ts.map((t, i) => specOf(i, t));
        const model = orgModel(specs as never, prefixed);
        for (const [i, t] of ts.entries()) {
          const tm = model.tenants.find((x) => x.name === `t${i}`)!;
          // every user is an editor (specOf): one kubeflow-edit binding each, named after the prefixed username
          expect(tm.queueUserBindings.map((b) => `${b.username} ${b.clusterRole}`)).toEqual(t.users.map((_, j) => `oidc:user${j}@example.com kubeflow-edit`).sort());
          const policyUsers = model.kueue!.userQueues.filter((u) => u.namespace === tm.name).map((u) => u.username).sort();
          expect([...new Set(tm.queueUserBindings.map((b) => b.username))].sort()).toEqual(policyUsers);
        }
        expect(orgModel(specs as never, platform).tenants.every((x) => x.queueUserBindings.length === 0)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
