// The fleet scenario's input (suite 12-fleet): the `fleet` fixture repository (test/fixtures/fleet:
// gpu-east the home cluster and MultiKueue manager, gpu-west a worker; fraud-training bursts to
// gpu-west, nlp-research has no burst), as each cluster's output (docs/fleet.md layout
// dist/clusters/<c>/{cluster,tenants/*,platform/*}), by path relative to the cluster's folder.
//
// HAND-WRITTEN STAND-IN until the fleet synth lands: each cluster is synthesized as a single
// cluster of its own tenants with its kueue section, and the MultiKueue objects FLEET.md decides
// (LocalQueue `burst` -> ClusterQueue `<tenant>-burst` with an AdmissionCheck -> MultiKueueConfig ->
// MultiKueueCluster per worker; the guest bundle on the worker) are added by hand here.
import yaml from 'js-yaml';
import { synthesize } from '../../lib/synth';
import type { PlatformSettings } from '../../lib/platform';
import type { TenantSpec } from '../../lib/declarations/tenant';
import { fixtureInputs } from '../fixture-repo';
import type { KubeObject } from './helpers';

export const HOME = 'gpu-east';
export const WORKER = 'gpu-west';
export const BURST_QUEUE = 'burst';
export const KUEUE_CONFIGURATION = 'platform/kueue/configuration.yaml';
/** Argo CD's objects go to dist/argocd in a fleet, never to a cluster's folder. */
const ARGOCD_KINDS = new Set(['AppProject', 'Application', 'ApplicationSet']);
const MULTIKUEUE_CONTROLLER = 'kueue.x-k8s.io/multikueue';

const dump = (o: object) => yaml.dump(o, { lineWidth: -1 });

function single(platform: PlatformSettings, cluster: string, specs: TenantSpec[]): Map<string, string> {
  const c = platform.fleet.clusters.find((x) => x.name === cluster);
  if (!c) throw new Error(`the fleet fixture has no cluster ${cluster}`);
  const kueue = { ...platform.kueue, ...((c.platform as { kueue?: object } | undefined)?.kueue ?? {}) };
  const p = { ...platform, kueue, fleet: { ...platform.fleet, clusters: [] } } as PlatformSettings;
  const files = synthesize(specs.map((spec) => ({ file: `tenants/${spec.name}.ts`, spec })), p).files;
  return new Map([...files].filter(([f, text]) => !(f.startsWith('cluster/') && ARGOCD_KINDS.has((yaml.load(text) as KubeObject).kind))));
}

/** Every file of each cluster's output, by cluster and path within the cluster's folder. */
export async function fleetClusterFiles(): Promise<Map<string, Map<string, string>>> {
  const { platform, entries } = await fixtureInputs('fleet');
  const spec = (n: string) => {
    const e = entries.find((x) => x.spec.name === n);
    if (!e) throw new Error(`the fleet fixture has no tenant ${n}`);
    // placement is the fleet synth's; quota is left out (its cpu cap asks the queue for borrowing limits)
    return { ...e.spec, placement: undefined, quota: undefined } as TenantSpec;
  };
  const fraud = spec('fraud-training');
  const burst = entries.find((x) => x.spec.name === 'fraud-training')!.spec.placement!.burst!;
  const home = single(platform, HOME, [fraud, spec('nlp-research')]);
  // the burst ClusterQueue's quota = burst.flavors, shaped like a tenant queue
  // (guaranteed, never borrowing: the guest's ResourceQuota mirrors nominal + borrowingLimit)
  const noBorrowing = Object.fromEntries(
    Object.entries(burst.flavors).map(([f, rs]) => [f, Object.fromEntries(Object.entries(rs).map(([r, q]) => [r, { ...q, borrowingLimit: 0 }]))]),
  );
  const guestSpec: TenantSpec = { ...fraud, contributors: [], queue: { flavors: noBorrowing } } as TenantSpec;
  const worker = single(platform, WORKER, [spec('vision'), guestSpec]);
  const cq = yaml.load(worker.get('cluster/ClusterQueue.fraud-training.yaml')!) as KubeObject & { spec: Record<string, unknown> };
  const burstCq = `fraud-training-burst`;
  const lq = (ns: string, target: string): KubeObject => ({
    apiVersion: 'kueue.x-k8s.io/v1beta2',
    kind: 'LocalQueue',
    metadata: { name: BURST_QUEUE, namespace: ns, labels: { 'app.kubernetes.io/managed-by': 'kubeflow-tenants', 'kubeflow-tenants/tenant': ns } },
    spec: { clusterQueue: target },
  });
  // home: the manager side
  home.set(`tenants/fraud-training/LocalQueue.${BURST_QUEUE}.yaml`, dump(lq('fraud-training', burstCq)));
  home.set(
    `cluster/ClusterQueue.${burstCq}.yaml`,
    dump({
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'ClusterQueue',
      metadata: { name: burstCq, labels: cq.metadata.labels },
      spec: {
        namespaceSelector: cq.spec.namespaceSelector,
        // no cohort: nothing to borrow or lend (Kueue refuses limits without a cohort)
        resourceGroups: (cq.spec.resourceGroups as { flavors: { resources: Record<string, unknown>[] }[] }[]).map((g) => ({
          ...g,
          flavors: g.flavors.map((f) => ({ ...f, resources: f.resources.map(({ borrowingLimit: _b, lendingLimit: _l, ...r }) => r) })),
        })),
        admissionChecksStrategy: { admissionChecks: [{ name: burstCq }] },
      },
    }),
  );
  home.set(
    `cluster/AdmissionCheck.${burstCq}.yaml`,
    dump({
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'AdmissionCheck',
      metadata: { name: burstCq },
      spec: { controllerName: MULTIKUEUE_CONTROLLER, parameters: { apiGroup: 'kueue.x-k8s.io', kind: 'MultiKueueConfig', name: burstCq } },
    }),
  );
  home.set(`cluster/MultiKueueConfig.${burstCq}.yaml`, dump({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'MultiKueueConfig', metadata: { name: burstCq }, spec: { clusters: [WORKER] } }));
  home.set(
    `cluster/MultiKueueCluster.${WORKER}.yaml`,
    dump({
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'MultiKueueCluster',
      metadata: { name: WORKER },
      spec: { clusterSource: { kubeConfig: { locationType: 'Secret', location: `multikueue-${WORKER}` } } },
    }),
  );
  // worker: the guest bundle's queue is `burst` -> `fraud-training-burst`, in the worker's root cohort
  worker.delete('cluster/ClusterQueue.fraud-training.yaml');
  worker.delete('tenants/fraud-training/LocalQueue.default.yaml');
  worker.set(`cluster/ClusterQueue.${burstCq}.yaml`, dump({ ...cq, metadata: { ...cq.metadata, name: burstCq }, spec: { ...cq.spec, cohortName: 'kubeflow-tenants' } }));
  worker.set(`tenants/fraud-training/LocalQueue.${BURST_QUEUE}.yaml`, dump(lq('fraud-training', burstCq)));
  return new Map([
    [HOME, home],
    [WORKER, worker],
  ]);
}

/** The objects Argo CD syncs to a cluster: its cluster/ and tenants/ folders. */
export function clusterObjects(files: ReadonlyMap<string, string>): KubeObject[] {
  return [...files]
    .filter(([f]) => (f.startsWith('cluster/') || f.startsWith('tenants/')) && /\.ya?ml$/.test(f))
    .flatMap(([, text]) => (yaml.loadAll(text) as KubeObject[]).filter(Boolean));
}
