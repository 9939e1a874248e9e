/**
 * Burst invariants over generated clusters (fast-check; docs/fleet.md "Bursting with MultiKueue"):
 * whatever tenants burst from a cluster and whatever guests burst to it, the rendered objects never
 * let work in a tenant's `default` (or personal) LocalQueue reach a ClusterQueue carrying an
 * admission check (no burst leak), a ClusterQueue with an admission check is in no cohort and
 * selects its own tenant's namespace only, and no guest ever gets a contributor binding, a grant,
 * a personal or shared queue, credentials' policy files, or a PVC quota above 0.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterBurst } from '../lib/model/fleet';
import { BURST_GUEST_ANNOTATION } from '../lib/model/names';
import { orgModel } from '../lib/model/tenant';
import { definePlatform } from '../lib/platform';
import { render } from '../lib/synth';
import { validateTenants } from '../lib/tenant';
import { entry } from './support/fixtures';

type Json = Record<string, any>;

const platform = definePlatform({
  gpu: { vendors: ['nvidia.com/gpu'], mig: {}, timeSliced: [] },
  kueue: {
    flavors: {
      cpu: { resources: { cpu: '1000', memory: '4Ti' } },
      a100: { resources: { 'nvidia.com/gpu': 200 } },
      h100: { resources: { 'nvidia.com/gpu': 200 } },
    },
  },
});
const settings = platform.fleet.multiKueue;

const draw = fc.record({
  team: fc.constantFrom('fraud', 'research'),
  a100: fc.integer({ min: 0, max: 4 }),
  users: fc.integer({ min: 0, max: 2 }),
  contributors: fc.integer({ min: 0, max: 2 }),
  grants: fc.boolean(),
  pvcs: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
  burst: fc.option(fc.record({ cpu: fc.integer({ min: 1, max: 8 }), a100: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }), h100: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }) }), { nil: undefined }),
});
type Draw = typeof draw extends fc.Arbitrary<infer T> ? T : never;

function specOf(name: string, d: Draw, withQueue: boolean): Json {
  const people = Array.from({ length: Math.max(d.contributors, d.users) }, (_, j) => `${name}-u${j}@example.com`);
  const users = Object.fromEntries(people.slice(0, d.users).map((u) => [u, { flavors: { a100: { 'nvidia.com/gpu': { nominal: 0 } } } }]));
  const burstFlavors: Json = {};
  if (d.burst) {
    burstFlavors.cpu = { cpu: { nominal: String(d.burst.cpu) }, memory: { nominal: `${d.burst.cpu * 4}Gi` } };
    if (d.burst.a100 !== undefined) burstFlavors.a100 = { 'nvidia.com/gpu': { nominal: d.burst.a100 } };
    if (d.burst.h100 !== undefined) burstFlavors.h100 = { 'nvidia.com/gpu': { nominal: d.burst.h100 } };
  }
  return {
    name,
    owner: { email: `${name}-lead@example.com` },
    labels: { team: d.team, 'cost-centre': 'cc', 'compliance-tier': 'internal' },
    ...(d.pvcs !== undefined ? { quota: { persistentVolumeClaims: d.pvcs, storage: '100Gi' } } : {}),
    ...(people.length > 0 ? { contributors: people.map((user) => ({ user, role: 'editor' })) } : {}),
    ...(d.grants ? { grants: [{ to: 'other', resources: ['inferenceservices'], verbs: ['get'], artifactPrefixes: ['models'] }] } : {}),
    credentials: { s3: true },
    ...(withQueue
      ? {
          queue: {
            flavors: { cpu: { cpu: { nominal: '1' }, memory: { nominal: '4Gi' } }, a100: { 'nvidia.com/gpu': { nominal: d.a100, borrowingLimit: 0 } } },
            ...(d.users > 0 ? { users } : {}),
          },
        }
      : {}),
    ...(d.burst ? { placement: { burst: { clusters: ['elsewhere'], flavors: burstFlavors } } } : {}),
  };
}

describe('burst invariants (generated clusters)', () => {
  it('no burst leak from default or personal queues; no guest gets access, a grant, a queue of its own or volumes', () => {
    fc.assert(
      fc.property(fc.array(draw, { minLength: 1, maxLength: 4 }), fc.array(draw, { minLength: 0, maxLength: 3 }), fc.boolean(), (homed, guestDraws, queues) => {
        const specs = homed.map((d, i) => specOf(`t${i}`, d, queues));
        // Valid apart from placement, which a platform without fleet.clusters refuses (lib/fleet.ts): the burst facts come from `burst` below.
        const unplaced = specs.map(({ placement: _placement, ...rest }) => rest);
        expect(validateTenants(unplaced.map((s) => entry(s)), platform).map(String).filter((e) => !e.includes('grants[0].to'))).toEqual([]);
        const guestSpecs = guestDraws.map((d, i) => specOf(`g${i}`, { ...d, burst: d.burst ?? { cpu: 1, a100: 1, h100: undefined } }, true));
        const burst: ClusterBurst = {
          sources: specs.filter((s) => s.placement).map((s) => ({ tenant: s.name, workers: ['elsewhere'], flavors: s.placement.burst.flavors })),
          guests: guestSpecs.map((s) => ({ tenant: s as never, home: 'elsewhere', flavors: s.placement.burst.flavors })),
          settings,
        };
        const { objects, files } = render(orgModel(specs as never, platform, new Map(), burst));
        const ms = objects.map((o) => o.manifest as Json);
        const cqs = new Map(ms.filter((m) => m.kind === 'ClusterQueue').map((m) => [m.metadata.name as string, m]));
        const checked = (cq: Json | undefined): boolean => (cq?.spec.admissionChecksStrategy?.admissionChecks ?? []).length > 0;

        for (const lq of ms.filter((m) => m.kind === 'LocalQueue')) {
          const cq = cqs.get(lq.spec.clusterQueue);
          expect(cq, `${lq.metadata.namespace}/${lq.metadata.name}`).toBeDefined();
          // Only the burst LocalQueue of a tenant bursting from here reaches a checked queue.
          if (lq.metadata.name !== settings.localQueue) expect(checked(cq), `${lq.metadata.namespace}/${lq.metadata.name}`).toBe(false);
          expect(cq!.spec.namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': lq.metadata.namespace } });
        }
        for (const cq of cqs.values()) {
          if (!checked(cq)) continue;
          // A checked queue lends and borrows nothing: it is in no cohort.
          expect(cq.spec.cohortName).toBeUndefined();
          expect(specs.some((s) => s.placement && cq.spec.namespaceSelector.matchLabels['kubernetes.io/metadata.name'] === s.name)).toBe(true);
        }
        expect([...cqs.values()].filter(checked).length).toBe(burst.sources.length);

        const guests = new Set(ms.filter((m) => m.kind === 'Profile' && m.metadata.annotations?.[BURST_GUEST_ANNOTATION]).map((m) => m.metadata.name as string));
        expect([...guests].sort()).toEqual(guestSpecs.map((s) => s.name).sort());
        for (const m of ms.filter((x) => guests.has(x.metadata.namespace ?? x.metadata.name))) {
          expect(['RoleBinding', 'Role', 'AuthorizationPolicy'], `${m.kind} ${m.metadata.name}`).not.toContain(m.kind);
          if (m.kind === 'LocalQueue') expect(m.metadata.name).toBe(settings.localQueue);
          if (m.kind === 'Profile') {
            expect(m.spec.resourceQuotaSpec.hard.persistentvolumeclaims).toBe('0');
            expect(m.spec.owner.name).toBe(`${m.metadata.name}-lead@example.com`);
          }
        }
        // A guest's worker queue is in the root Cohort and never borrows.
        for (const g of guests) {
          const cq = cqs.get(`${g}-burst`)!;
          expect(cq.spec.cohortName).toBe(platform.kueue.rootCohort);
          expect(checked(cq)).toBe(false);
          for (const grp of cq.spec.resourceGroups) for (const f of grp.flavors) for (const r of f.resources) expect(r.borrowingLimit).toBe('0');
          expect([...files.keys()].filter((f) => f.startsWith('platform/') && f.includes(`/${g}.`))).toEqual([]);
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
