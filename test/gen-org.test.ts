/**
 * The fleet org generator (test/support/gen-org.ts generateFleetOrg, `npm run gen:org -- --clusters N`),
 * which docs/scale.md measures at 10,000 tenants: deterministic, shaped as the brief of issue 14's
 * scale section says (mixed destinations, a PCI-only cluster, placement by rule, by name and
 * bursting), and valid: each cluster's share synthesizes with that cluster's settings.
 */
import { describe, expect, it } from 'vitest';
import { definePlatform, type PlatformInput } from '../lib/platform';
import { synthesize } from '../lib/synth';
import type { TenantSpec } from '../lib/tenant';
import { generateFleetOrg, generateOrg } from './support/gen-org';

const SEED = 20261127;

/** A cluster's settings as a single-cluster platform: its sections merged over the fleet's. */
function clusterPlatform(input: PlatformInput, name: string): PlatformInput {
  const { fleet, ...org } = input;
  const cluster = fleet!.clusters!.find((c) => c.name === name)!;
  const merged: Record<string, unknown> = { ...org };
  for (const [k, v] of Object.entries(cluster.platform ?? {})) merged[k] = k === 'kueue' ? v : { ...(merged[k] as object), ...(v as object) };
  return merged as PlatformInput;
}

const withoutPlacement = (s: TenantSpec): TenantSpec => {
  const { placement: _p, ...rest } = s;
  return rest as TenantSpec;
};

describe('generateFleetOrg', () => {
  const org = generateFleetOrg(SEED, 80, 5);
  const fleet = org.platformInput.fleet!;
  const clusters = fleet.clusters!;

  it('is deterministic: the same seed gives the same files, another seed other files', () => {
    const again = generateFleetOrg(SEED, 80, 5);
    expect(again.platformSource).toBe(org.platformSource);
    expect(again.tenantFiles).toEqual(org.tenantFiles);
    expect(generateFleetOrg(SEED + 1, 80, 5).tenantFiles).not.toEqual(org.tenantFiles);
  });

  it('leaves the tenants of generateOrg alone for its callers (the fleet draws from a second stream)', () => {
    // The golden `gen-org` tree depends on generateOrg(seed, 12) staying as it was.
    const plain = generateOrg(SEED, 12);
    expect(plain.specs.map((s) => s.name)).toEqual(generateOrg(SEED, 12, { grantRate: 0.08 }).specs.map((s) => s.name));
    expect(plain.tenantFiles).toEqual(generateOrg(SEED, 12, { grantRate: 0.08 }).tenantFiles);
    // The fleet's tenants are generateOrg's, plus a tier, a queue and a placement.
    const base = generateOrg(SEED, 80, { grantRate: Math.min(0.08, 2 / 80) });
    expect(org.specs.map((s) => [s.name, s.owner, s.quota])).toEqual(base.specs.map((s) => [s.name, s.owner, s.quota]));
  });

  it('has N clusters with mixed destinations, the third PCI-only, a rule by tier and a default', () => {
    expect(org.clusters).toEqual(['gpu-east', 'gpu-west', 'pci-eu', 'gpu-central', 'inference-apac']);
    expect(clusters.map((c) => Object.keys(c.destination)[0])).toEqual(['server', 'name', 'server', 'name', 'server']);
    expect(clusters[2]!.complianceTiers).toEqual(['pci']);
    expect(clusters.filter((c) => c.complianceTiers?.includes('pci'))).toHaveLength(1);
    expect(fleet.placement).toEqual({ byComplianceTier: { pci: 'pci-eu', confidential: 'gpu-west' }, default: 'gpu-east' });
    expect(generateFleetOrg(SEED, 20, 2).clusters).toEqual(['gpu-east', 'gpu-west']);
    expect(generateFleetOrg(SEED, 20, 8).clusters).toHaveLength(8);
  });

  it('places tenants by rule, by name and bursting, each on a cluster allowed to host its tier', () => {
    const named = org.specs.filter((s) => s.placement?.cluster !== undefined);
    const ruled = org.specs.filter((s) => s.placement?.cluster === undefined);
    const bursting = org.specs.filter((s) => s.placement?.burst !== undefined);
    expect(named.length).toBeGreaterThan(0);
    expect(ruled.length).toBeGreaterThan(0);
    expect(bursting.length).toBeGreaterThan(0);
    for (const s of org.specs) {
      const tier = s.labels!['compliance-tier']!;
      const home = org.homeOf[s.name]!;
      const rule = s.placement?.cluster ?? fleet.placement!.byComplianceTier![tier] ?? fleet.placement!.default;
      expect(home).toBe(rule);
      expect(clusters.find((c) => c.name === home)!.complianceTiers).toContain(tier);
      for (const w of s.placement?.burst?.clusters ?? []) {
        expect(w).not.toBe(home);
        expect(clusters.find((c) => c.name === w)!.complianceTiers).toContain(tier);
      }
      // Grants stay on the home cluster.
      for (const g of s.grants ?? []) expect(org.homeOf[g.to]).toBe(home);
    }
    // Every cluster hosts someone.
    expect(new Set(Object.values(org.homeOf))).toEqual(new Set(org.clusters));
  });

  it("each cluster's share synthesizes with that cluster's settings and fits its capacity", () => {
    for (const c of org.clusters) {
      const entries = org.specs.filter((s) => org.homeOf[s.name] === c).map((s) => ({ file: `tenants/${s.name}.ts`, spec: withoutPlacement(s) }));
      // Grants to tenants of other clusters were dropped, so each share stands alone.
      const r = synthesize(entries, definePlatform(clusterPlatform(org.platformInput, c)));
      expect(r.tenants, c).toBe(entries.length);
    }
  });

  it('the whole fleet synthesizes: each tenant under its home, each burst guest on its workers, one ApplicationSet per cluster', () => {
    const r = synthesize(org.specs.map((s) => ({ file: `tenants/${s.name}.ts`, spec: s })), definePlatform(org.platformInput));
    const profiles = [...r.files.keys()].filter((f) => /^clusters\/[^/]+\/tenants\/[^/]+\/Profile\./.test(f));
    const expected = org.specs.flatMap((s) => [org.homeOf[s.name]!, ...(org.burstsTo[s.name] ?? [])].map((c) => `clusters/${c}/tenants/${s.name}/Profile.${s.name}.yaml`));
    expect(profiles.sort()).toEqual(expected.sort());
    expect([...r.files.keys()].filter((f) => f.startsWith('argocd/ApplicationSet.')).sort()).toEqual(org.clusters.map((c) => `argocd/ApplicationSet.kubeflow-tenants-${c}.yaml`).sort());
  });

  it('--one-cluster: the same tenants, no placement, the capacity summed, guards off only when the names overflow the guard', () => {
    const one = generateFleetOrg(SEED, 80, 5, { oneCluster: true });
    expect(one.platformInput.fleet).toBeUndefined();
    // Exactly the fleet's tenants without placement (tiers, grants, queues): a like-for-like comparison.
    expect(one.specs).toEqual(org.specs.map(withoutPlacement));
    expect(one.platformInput.guards).toBeUndefined();
    const r = synthesize(one.specs.map((s) => ({ file: `tenants/${s.name}.ts`, spec: s })), definePlatform(one.platformInput));
    expect(r.tenants).toBe(80);
    // 10,000 names take some 150,000 characters of CEL: over the guard's limit on one cluster.
    expect(generateFleetOrg(SEED, 7000, 5, { oneCluster: true }).platformInput.guards).toEqual({ admissionPolicy: false, kyverno: false });
  });
});
