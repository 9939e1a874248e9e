/**
 * Property tests over random, valid tenant sets: synth never fails on valid input, every object is
 * schema-valid, every tenant is isolated, quotas never grant GPUs that were not declared, and
 * output does not depend on declaration order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inventoryResources } from '../lib/gpu';
import { DEFAULT_PLATFORM } from '../lib/platform';
import { synthesize } from '../lib/synth';
import type { TenantSpec } from '../lib/tenant';
import type { TenantEntry } from '../lib/validation';
import { clusterRolesOfRole, personEntries } from './support/fixtures';
import { egressViolations } from './support/invariants';
import { validateManifest } from './support/schemas';

const gpuResources = inventoryResources(DEFAULT_PLATFORM.gpu);
const word = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
const email = fc.tuple(word, word).map(([a, b]) => `${a}@${b}.example.com`);

const tenantArb = (name: string): fc.Arbitrary<TenantSpec> =>
  fc
    .record({
      owner: email,
      cpu: fc.integer({ min: 1, max: 200 }),
      memGi: fc.integer({ min: 1, max: 800 }),
      gpu: fc.dictionary(fc.constantFrom(...gpuResources), fc.integer({ min: 0, max: 16 }), { maxKeys: 4 }),
      contributors: fc.uniqueArray(fc.record({ user: email, role: fc.constantFrom('edit' as const, 'view' as const) }), {
        selector: (c) => c.user,
        maxLength: 5,
      }),
    })
    .map(({ owner, cpu, memGi, gpu, contributors }) => ({
      name,
      owner: { email: owner },
      labels: { team: name, 'cost-centre': 'cc-1', 'compliance-tier': 'internal' },
      quota: { cpu: String(cpu), memory: `${memGi}Gi`, gpu },
      contributors: contributors.filter((c) => c.user !== owner),
    }));

// Names drawn from a fixed alphabet with a fixed suffix can never be a prefix of one another.
const tenantsArb = fc
  .uniqueArray(fc.stringMatching(/^[a-z]{3,10}$/), { minLength: 1, maxLength: 6 })
  .chain((names) => fc.tuple(...names.map((n) => tenantArb(`${n}-ml`))));

const entriesOf = (specs: TenantSpec[]): TenantEntry[] => specs.map((s) => ({ file: `tenants/${s.name}.ts`, spec: s }));

describe('properties of synth over random valid tenants', () => {
  it('valid input always synthesizes, to schema-valid objects', () => {
    fc.assert(
      fc.property(tenantsArb, (specs) => {
        const r = synthesize(entriesOf(specs), DEFAULT_PLATFORM);
        for (const { manifest } of r.objects) expect(validateManifest(manifest)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('isolation: each namespace holds only its own objects, a default-deny policy and STRICT mTLS; access only for owner and contributors', () => {
    fc.assert(
      fc.property(tenantsArb, (specs) => {
        const r = synthesize(entriesOf(specs), DEFAULT_PLATFORM);
        for (const spec of specs) {
          const own = r.objects.filter((o) => o.file.startsWith(`tenants/${spec.name}/`)).map((o) => o.manifest);
          for (const m of own) if (m.kind !== 'Profile' && m.kind !== 'Namespace') expect(m.metadata.namespace).toBe(spec.name);
          // The only cluster-scoped objects besides the Profile: its own namespace's labels.
          for (const m of own) if (m.kind === 'Namespace') expect([m.metadata.name, Object.keys(m).sort()]).toEqual([spec.name, ['apiVersion', 'kind', 'metadata']]);
          const np = own.filter((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'tenant-isolation');
          expect(np).toHaveLength(1);
          // Egress: default-deny, never the metadata address (test/support/invariants.ts).
          const egress = own.filter((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'tenant-egress');
          expect(egress.flatMap((e) => egressViolations(e.metadata.name, e.spec as never))).toEqual([]);
          expect(egress).toHaveLength(1);
          const npSpec = np[0]!.spec as { podSelector: object; policyTypes: string[]; ingress: { from: Record<string, unknown>[] }[] };
          expect(npSpec.podSelector).toEqual({});
          expect(npSpec.policyTypes).toEqual(['Ingress']);
          for (const peer of npSpec.ingress.flatMap((i) => i.from)) {
            // Either "this namespace" or a platform namespace by name: never an open selector.
            if ('namespaceSelector' in peer) {
              const ns = (peer.namespaceSelector as { matchLabels: Record<string, string> }).matchLabels['kubernetes.io/metadata.name'];
              expect(DEFAULT_PLATFORM.network.allowIngressFromNamespaces).toContain(ns);
            } else expect(peer).toEqual({ podSelector: {} });
          }
          expect(own.filter((m) => m.kind === 'PeerAuthentication').map((m) => m.spec)).toEqual([{ mtls: { mode: 'STRICT' } }]);
          // Every RoleBinding subject is a declared contributor with the declared role.
          const declared = new Map(personEntries(spec).map((c) => [c.user, clusterRolesOfRole(c.role)]));
          const rbs = own.filter((m) => m.kind === 'RoleBinding' && m.metadata.name.startsWith('user-'));
          expect(rbs).toHaveLength([...declared.values()].reduce((n, r) => n + r.length, 0));
          for (const rb of rbs) {
            const subjects = rb.subjects as { kind: string; name: string }[];
            expect(subjects).toHaveLength(1);
            expect(declared.get(subjects[0]!.name)).toContain((rb.roleRef as { name: string }).name);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('quota lists every GPU resource of the platform: declared count, else 0', () => {
    fc.assert(
      fc.property(tenantsArb, (specs) => {
        const r = synthesize(entriesOf(specs), DEFAULT_PLATFORM);
        for (const spec of specs) {
          const profile = r.objects.find((o) => o.manifest.kind === 'Profile' && o.manifest.metadata.name === spec.name)!.manifest;
          const hard = (profile.spec as { resourceQuotaSpec: { hard: Record<string, string> } }).resourceQuotaSpec.hard;
          const gpu = (spec.quota?.gpu ?? {}) as Record<string, number>;
          for (const res of gpuResources) expect(hard[`requests.${res}`]).toBe(String(gpu[res] ?? 0));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('output does not depend on the order of tenants or contributors', () => {
    fc.assert(
      fc.property(tenantsArb, fc.integer(), (specs, seed) => {
        const a = synthesize(entriesOf(specs), DEFAULT_PLATFORM);
        const shuffled = [...specs].sort((x, y) => ((x.name.charCodeAt(0) * seed) % 7) - ((y.name.charCodeAt(0) * seed) % 7)).map((s) => ({ ...s, contributors: [...(s.contributors ?? [])].reverse() }));
        const b = synthesize(entriesOf(shuffled), DEFAULT_PLATFORM);
        expect([...b.files]).toEqual([...a.files]);
      }),
      { numRuns: 40 },
    );
  });
});
