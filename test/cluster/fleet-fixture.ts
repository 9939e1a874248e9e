// The fleet scenario's input (suite 12-fleet, and plane-ctl.sh's Kueue Configurations): the
// `fleet` fixture repository (test/fixtures/fleet: gpu-east the home cluster and MultiKueue
// manager, gpu-west a worker; fraud-training bursts to gpu-west, nlp-research has no burst, vision
// lives on gpu-west), synthesized in-process, as each cluster's output (docs/fleet.md:
// dist/clusters/<c>/{cluster,tenants/*,platform/*}), by path relative to the cluster's folder.
// Applied under the fixture's own names: the fleet's objects are the point (the guest bundle on the
// worker, the manager's queues at home), and suite 12 refuses to run when the org has a tenant of
// one of these names.
import yaml from 'js-yaml';
import { synthesize } from '../../lib/synth';
import { fixtureInputs } from '../fixture-repo';
import type { KubeObject } from './helpers';

export const HOME = 'gpu-east';
export const WORKER = 'gpu-west';
export const BURST_QUEUE = 'burst';
export const KUEUE_CONFIGURATION = 'platform/kueue/configuration.yaml';

/** Every file of each named cluster's output, by cluster and path within `clusters/<c>/`. */
export async function fleetClusterFiles(clusters: readonly string[] = [HOME, WORKER]): Promise<Map<string, Map<string, string>>> {
  const { platform, entries, groups } = await fixtureInputs('fleet');
  const files = synthesize(entries, platform, { groups }).files;
  const out = new Map<string, Map<string, string>>();
  for (const c of clusters) {
    const prefix = `clusters/${c}/`;
    const mine = new Map([...files].filter(([f]) => f.startsWith(prefix)).map(([f, text]) => [f.slice(prefix.length), text] as const));
    if (mine.size === 0) throw new Error(`synth emitted nothing under ${prefix} for the fleet fixture`);
    out.set(c, mine);
  }
  return out;
}

/** The objects Argo CD syncs to a cluster: its cluster/ and tenants/ folders. */
export function clusterObjects(files: ReadonlyMap<string, string>): KubeObject[] {
  return [...files]
    .filter(([f]) => (f.startsWith('cluster/') || f.startsWith('tenants/')) && /\.ya?ml$/.test(f))
    .flatMap(([, text]) => (yaml.loadAll(text) as KubeObject[]).filter(Boolean));
}
