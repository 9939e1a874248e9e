// The Kueue scenarios' input (suite 10-kueue, and run.sh for Kueue's Configuration): the `kueue`
// fixture repository (test/fixtures/kueue: capacity as flavors, the fraud team's 50 A100s with
// Alice 8 and Bob 8, the vision tenant on every GPU kind) plus two tenants the scenarios need and
// the fixture has no use for: a second fraud tenant that may only borrow (a team budget across
// tenants) and a research tenant that may only borrow (what vision's lendingLimit holds back).
// Synthesized in-process with every tenant renamed kq-<name> (the examples fixture's tenants are
// applied as fx-<name> by other suites, and its fraud-modelling must not meet this one).
//
//   tsx test/cluster/kueue-fixture.ts <file>   writes the Kueue Configuration synth emits for it
//   (dist/platform/kueue/configuration.yaml of this input) to <file>; run.sh starts Kueue with it.
import { writeFileSync } from 'node:fs';
import { synthesize } from '../../lib/synth';
import type { TenantSpec } from '../../lib/tenant';
import { fixtureInputs } from '../fixture-repo';

/** The name a tenant of the kueue fixture is applied under. */
export const kq = (tenant: string): string => `kq-${tenant}`;

/** Tenants added to the fixture's: each borrows only (nominal 0 GPUs). */
export const EXTRA_TENANTS: TenantSpec[] = [
  {
    name: 'fraud-scoring',
    owner: { email: 'scoring-lead@example.com' },
    labels: { team: 'fraud', 'cost-centre': 'cc-4712', 'compliance-tier': 'pci' },
    queue: {
      flavors: {
        cpu: { cpu: { nominal: '8' }, memory: { nominal: '32Gi' } },
        'a100-80gb': { 'nvidia.com/gpu': { nominal: 0, borrowingLimit: 16 } },
      },
    },
  } as TenantSpec,
  {
    name: 'research-burst',
    owner: { email: 'burst-lead@example.com' },
    labels: { team: 'research', 'cost-centre': 'cc-1002', 'compliance-tier': 'internal' },
    queue: {
      flavors: {
        cpu: { cpu: { nominal: '8' }, memory: { nominal: '32Gi' } },
        'a100-80gb': { 'nvidia.com/gpu': { nominal: 0, borrowingLimit: 40 } },
      },
    },
  } as TenantSpec,
];

/** Every synthesized file of the scenario org, by path (cluster/, tenants/, platform/). */
export async function kueueScenarioFiles(): Promise<ReadonlyMap<string, string>> {
  const { platform, entries } = await fixtureInputs('kueue');
  const all = [...entries.map((e) => e.spec), ...EXTRA_TENANTS];
  const renamed = all.map((spec) => ({ file: `tenants/${kq(spec.name)}.ts`, spec: { ...spec, name: kq(spec.name) } }));
  return synthesize(renamed, platform).files;
}

export const KUEUE_CONFIGURATION_FILE = 'platform/kueue/configuration.yaml';

if (process.argv[1]?.endsWith('kueue-fixture.ts') && process.argv[2]) {
  const files = await kueueScenarioFiles();
  const config = files.get(KUEUE_CONFIGURATION_FILE);
  if (!config) throw new Error(`synth emitted no ${KUEUE_CONFIGURATION_FILE} for the kueue fixture`);
  writeFileSync(process.argv[2], config);
}
