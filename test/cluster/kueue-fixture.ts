// The Kueue scenarios' input (suite 10-kueue, and run.sh for Kueue's Configuration): the `kueue`
// fixture repository (test/fixtures/kueue: capacity as flavors, the fraud team's 50 A100s with
// Alice 8 and Bob 8 and a borrowing-only second fraud tenant, the vision tenant on every GPU kind
// and a borrowing-only research tenant, an API server username prefix).
// Synthesized in-process with every tenant renamed kq-<name> (the examples fixture's tenants are
// applied as fx-<name> by other suites, and its fraud-modelling must not meet this one).
//
//   tsx test/cluster/kueue-fixture.ts <file>   writes the Kueue Configuration synth emits for it
//   (dist/platform/kueue/configuration.yaml of this input) to <file>; run.sh starts Kueue with it.
import { writeFileSync } from 'node:fs';
import { synthesize } from '../../lib/synth';
import { fixtureInputs } from '../fixture-repo';

/** The name a tenant of the kueue fixture is applied under. */
export const kq = (tenant: string): string => `kq-${tenant}`;

/** Every synthesized file of the scenario org, by path (cluster/, tenants/, platform/). */
export async function kueueScenarioFiles(): Promise<ReadonlyMap<string, string>> {
  const { platform, entries } = await fixtureInputs('kueue');
  const renamed = entries.map((e) => e.spec).map((spec) => ({ file: `tenants/${kq(spec.name)}.ts`, spec: { ...spec, name: kq(spec.name) } }));
  return synthesize(renamed, platform).files;
}

export const KUEUE_CONFIGURATION_FILE = 'platform/kueue/configuration.yaml';

if (process.argv[1]?.endsWith('kueue-fixture.ts') && process.argv[2]) {
  const files = await kueueScenarioFiles();
  const config = files.get(KUEUE_CONFIGURATION_FILE);
  if (!config) throw new Error(`synth emitted no ${KUEUE_CONFIGURATION_FILE} for the kueue fixture`);
  writeFileSync(process.argv[2], config);
}
