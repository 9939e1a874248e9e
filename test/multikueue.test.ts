/**
 * Bursting with MultiKueue (issue 14, docs/fleet.md "Bursting with MultiKueue"): the fleet fixture's
 * clusters rendered through the burst seam (`orgModel(specs, platform, groups, burst)` + `render`),
 * with `ClusterBurst` built by hand from the tenants' placement (test/support/burst.ts). The home
 * cluster gets the burst LocalQueue, the burst ClusterQueue with the MultiKueue AdmissionCheck, the
 * MultiKueueConfig, the MultiKueueCluster and the kubeconfig ExternalSecret; the worker gets the
 * guest bundle and its ClusterQueue in the root Cohort, counted in its capacity. Every object is
 * schema-validated against the vendored CRDs, and every burst check is tested with its message.
 */
import * as yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkBurst, burstQueueSet } from '../lib/burst';
import type { FleetPlan } from '../lib/model/fleet';
import { BURST_GUEST_ANNOTATION } from '../lib/model/names';
import { orgModel } from '../lib/model/tenant';
import type { PlatformSettings } from '../lib/platform';
import { checkQueueSet } from '../lib/queues';
import type { SynthResult } from '../lib/synth';
import { render, synthesize } from '../lib/synth';
import type { TenantEntry } from '../lib/validation';
import { fixtureInputs } from './fixture-repo';
import { entriesOn, fleetPlanOf } from './support/burst';
import { manifestsOf, validateManifest } from './support/schemas';

type Json = Record<string, any>;

let platform: PlatformSettings;
let entries: TenantEntry[];
let plan: FleetPlan;
const out = new Map<string, Pick<SynthResult, 'files' | 'objects' | 'capacity'>>();

beforeAll(async () => {
  ({ platform, entries } = await fixtureInputs('fleet'));
  plan = fleetPlanOf(platform, entries.map((e) => e.spec));
  for (const c of plan.clusters) out.set(c.name, render(orgModel(c.tenants, c.platform, new Map(), c.burst)));
}, 120_000);

const obj = (cluster: string, file: string): Json => {
  const o = out.get(cluster)!.objects.find((x) => x.file === file);
  if (!o) throw new Error(`no ${file} on ${cluster}`);
  return o.manifest as Json;
};
const files = (cluster: string, re: RegExp): string[] => out.get(cluster)!.objects.map((o) => o.file).filter((f) => re.test(f));

/** A copy of the fixture's entries with one tenant's spec changed. */
function withTenant(name: string, change: (spec: Json) => Json): TenantEntry[] {
  return entries.map((e) => (e.spec.name === name ? { ...e, spec: change(structuredClone(e.spec) as Json) as never } : e));
}
const burstErrors = (es: TenantEntry[]): string[] => checkBurst(es, fleetPlanOf(platform, es.map((e) => e.spec)), 'burst').map(String);
const fraudBurst = (b: Json): ((s: Json) => Json) => (s) => ({ ...s, placement: { burst: { ...s.placement.burst, ...b } } });

describe('the home cluster (MultiKueue manager)', () => {
  it('the burst LocalQueue points at the burst ClusterQueue; the default queue stays on the shared one', () => {
    expect(obj('gpu-east', 'tenants/fraud-training/LocalQueue.burst.yaml').spec).toEqual({ clusterQueue: 'fraud-training-burst' });
    expect(obj('gpu-east', 'tenants/fraud-training/LocalQueue.default.yaml').spec).toEqual({ clusterQueue: 'fraud-training' });
    // A tenant without burst has no burst queue.
    expect(files('gpu-east', /^tenants\/nlp-research\/LocalQueue\./)).toEqual(['tenants/nlp-research/LocalQueue.default.yaml']);
  });

  it('the burst ClusterQueue: no cohort, nominal = the burst quota, its namespace only, the AdmissionCheck', () => {
    const cq = obj('gpu-east', 'cluster/ClusterQueue.fraud-training-burst.yaml');
    expect(cq.metadata.labels['kubeflow-tenants/burst']).toBe('manager');
    expect(cq.spec.cohortName).toBeUndefined();
    expect(cq.spec.namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'fraud-training' } });
    expect(cq.spec.admissionChecksStrategy).toEqual({ admissionChecks: [{ name: 'fraud-training-burst' }] });
    expect(cq.spec.preemption).toEqual({ withinClusterQueue: 'LowerPriority' });
    expect(cq.spec.resourceGroups).toEqual([
      { coveredResources: ['cpu', 'memory'], flavors: [{ name: 'cpu', resources: [{ name: 'cpu', nominalQuota: '16' }, { name: 'memory', nominalQuota: '64Gi' }] }] },
      { coveredResources: ['nvidia.com/gpu'], flavors: [{ name: 'a100-80gb', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '16' }] }] },
    ]);
    // The shared queue carries no check: work in `default` never leaves home.
    expect(obj('gpu-east', 'cluster/ClusterQueue.fraud-training.yaml').spec.admissionChecksStrategy).toBeUndefined();
  });

  it('the burst quota is not taken from the home capacity (the root Cohort keeps it unallocated)', () => {
    const root = obj('gpu-east', 'cluster/Cohort.kubeflow-tenants.yaml');
    const gpu = root.spec.resourceGroups.find((g: Json) => g.coveredResources.includes('nvidia.com/gpu')).flavors[0].resources[0];
    // 32 A100s - fraud-training 8 - nlp-research 4.
    expect(gpu).toEqual({ name: 'nvidia.com/gpu', nominalQuota: '20' });
  });

  it('AdmissionCheck -> MultiKueueConfig -> MultiKueueCluster -> kubeconfig Secret from a platform ExternalSecret', () => {
    expect(obj('gpu-east', 'cluster/AdmissionCheck.fraud-training-burst.yaml').spec).toEqual({
      controllerName: 'kueue.x-k8s.io/multikueue',
      parameters: { apiGroup: 'kueue.x-k8s.io', kind: 'MultiKueueConfig', name: 'fraud-training-burst' },
    });
    expect(obj('gpu-east', 'cluster/MultiKueueConfig.fraud-training-burst.yaml').spec).toEqual({ clusters: ['gpu-west'] });
    expect(obj('gpu-east', 'cluster/MultiKueueCluster.gpu-west.yaml').spec).toEqual({
      clusterSource: { kubeConfig: { locationType: 'Secret', location: 'kubeflow-tenants-multikueue-gpu-west' } },
    });
    const es = obj('gpu-east', 'cluster/ExternalSecret.kubeflow-tenants-multikueue-gpu-west.yaml');
    expect(es.metadata.namespace).toBe('kueue-system');
    expect(es.spec).toEqual({
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'kubeflow-tenants-multikueue' },
      target: { name: 'kubeflow-tenants-multikueue-gpu-west', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [{ secretKey: 'kubeconfig', remoteRef: { key: 'platform/multikueue/gpu-west', property: 'kubeconfig' } }],
    });
    // Never a literal Secret, never a tenant SecretStore in Kueue's namespace.
    const all = [...out.values()].flatMap((r) => r.objects.map((o) => o.manifest as Json));
    expect(all.filter((m) => m.kind === 'Secret')).toEqual([]);
    expect(all.filter((m) => m.kind === 'SecretStore' && m.metadata.namespace === 'kueue-system')).toEqual([]);
    // Sync order: Secret, cluster, config and check before the queue that lists the check.
    const wave = (f: string): number => Number(obj('gpu-east', f).metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    expect(wave('cluster/ExternalSecret.kubeflow-tenants-multikueue-gpu-west.yaml')).toBeLessThan(wave('cluster/MultiKueueCluster.gpu-west.yaml'));
    expect(wave('cluster/MultiKueueCluster.gpu-west.yaml')).toBeLessThan(wave('cluster/ClusterQueue.fraud-training-burst.yaml'));
  });

  it('Kueue manages the bursting namespace; the fleet\'s platform project allows the MultiKueue kinds and Kueue\'s namespace', () => {
    expect(out.get('gpu-east')!.files.get('platform/kueue/configuration.yaml')).toContain('        - "fraud-training"\n');
    // In a fleet the Argo CD objects are in dist/argocd/ (lib/constructs/fleet-delivery.ts): one platform project for every cluster.
    const fleet = synthesize(entries, platform);
    const project = yaml.load(fleet.files.get('argocd/AppProject.kubeflow-tenants.yaml')!) as Json;
    expect(project.spec.destinations).toContainEqual({ server: 'https://gpu-east.k8s.example.com', namespace: 'kueue-system' });
    for (const kind of ['AdmissionCheck', 'MultiKueueCluster', 'MultiKueueConfig']) expect(project.spec.clusterResourceWhitelist).toContainEqual({ group: 'kueue.x-k8s.io', kind });
    expect(project.spec.namespaceResourceWhitelist).toContainEqual({ group: 'external-secrets.io', kind: 'ExternalSecret' });
    // The tenant's project admits its namespace on its worker too (the guest bundle).
    const tenantProject = yaml.load(fleet.files.get('argocd/AppProject.tenant-fraud-training.yaml')!) as Json;
    expect(tenantProject.spec.destinations).toContainEqual({ name: 'gpu-west', namespace: 'fraud-training' });
    // Workers and clusters without bursting tenants get none of the MultiKueue objects.
    for (const c of ['gpu-west', 'pci-eu']) expect(files(c, /MultiKueue|AdmissionCheck|ExternalSecret\.kubeflow-tenants-multikueue/)).toEqual([]);
  });
});

describe('the worker (guest bundle)', () => {
  it('the Profile: owner only, marked with the home cluster; quota without volumes, GPUs and CPU/memory of the burst', () => {
    const p = obj('gpu-west', 'tenants/fraud-training/Profile.fraud-training.yaml');
    expect(p.metadata.annotations[BURST_GUEST_ANNOTATION]).toBe('gpu-east');
    expect(p.spec.owner).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'fraud-lead@example.com' });
    expect(p.spec.resourceQuotaSpec.hard).toEqual({
      persistentvolumeclaims: '0',
      'requests.cpu': '16',
      'requests.memory': '64Gi',
      'requests.nvidia.com/gpu': '16',
      'services.loadbalancers': '0',
      'services.nodeports': '0',
    });
    // The home Profile is not a guest.
    expect(obj('gpu-east', 'tenants/fraud-training/Profile.fraud-training.yaml').metadata.annotations[BURST_GUEST_ANNOTATION]).toBeUndefined();
  });

  it('no contributor, grant or personal-queue object; the burst LocalQueue only; isolation and limits kept', () => {
    const kinds = files('gpu-west', /^tenants\/fraud-training\//).map((f) => f.replace('tenants/fraud-training/', ''));
    expect(kinds).toEqual([
      'LimitRange.tenant-limits.yaml',
      'LocalQueue.burst.yaml',
      'Namespace.fraud-training.yaml',
      'NetworkPolicy.tenant-egress.yaml',
      'NetworkPolicy.tenant-isolation.yaml',
      'PeerAuthentication.tenant-mtls-strict.yaml',
      'Profile.fraud-training.yaml',
    ]);
    // At home alice is a contributor.
    expect(files('gpu-east', /^tenants\/fraud-training\/RoleBinding\.user-alice/)).not.toEqual([]);
    expect(obj('gpu-west', 'tenants/fraud-training/LocalQueue.burst.yaml').spec).toEqual({ clusterQueue: 'fraud-training-burst' });
  });

  it('the worker ClusterQueue: root Cohort, nominal = burst quota, never borrowing, no admission check', () => {
    const cq = obj('gpu-west', 'cluster/ClusterQueue.fraud-training-burst.yaml');
    expect(cq.metadata.annotations[BURST_GUEST_ANNOTATION]).toBe('gpu-east');
    expect(cq.spec.cohortName).toBe('kubeflow-tenants');
    expect(cq.spec.admissionChecksStrategy).toBeUndefined();
    expect(cq.spec.namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'fraud-training' } });
    expect(cq.spec.resourceGroups[1]).toEqual({ coveredResources: ['nvidia.com/gpu'], flavors: [{ name: 'a100-80gb', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '16', borrowingLimit: '0' }] }] });
  });

  it('counted in the worker capacity: the root Cohort, the capacity report, Kueue\'s managed namespaces', () => {
    const root = obj('gpu-west', 'cluster/Cohort.kubeflow-tenants.yaml');
    // 64 A100s - vision 24 - fraud-training's burst 16.
    expect(root.spec.resourceGroups[1].flavors[0].resources[0]).toEqual({ name: 'nvidia.com/gpu', nominalQuota: '24' });
    const cell = out.get('gpu-west')!.capacity.cells.find((c) => c.flavor === 'a100-80gb')!;
    expect(cell.guaranteedTotal).toBe(40);
    expect(cell.free).toBe(24);
    expect(cell.allocations.find((a) => a.name === 'fraud-training')).toEqual({
      level: 'tenant',
      name: 'fraud-training',
      team: 'fraud',
      tenant: 'fraud-training',
      guaranteed: 16,
      mayBorrow: 0,
      maximum: 16,
      lent: 16,
      burstGuestOf: 'gpu-east',
    });
    // Not in any team row: the guest's queue is outside the team cohorts.
    expect(cell.allocations.filter((a) => a.level === 'team').map((a) => a.name)).toEqual(['vision']);
    expect(out.get('gpu-west')!.files.get('platform/kueue/configuration.yaml')).toContain('        - "fraud-training"\n');
  });

  it('single-cluster and burst-free clusters are unchanged by the seam', () => {
    const c = plan.clusters.find((x) => x.name === 'pci-eu')!;
    const without = render(orgModel(c.tenants, c.platform));
    expect([...out.get('pci-eu')!.files]).toEqual([...without.files]);
  });
});

describe('schema validation of the burst objects', () => {
  it('every object of every cluster is valid against the vendored schemas, the new kinds included', () => {
    const kinds = new Set<string>();
    const problems: string[] = [];
    for (const [c, r] of out) {
      for (const { file, manifest } of manifestsOf(r.files)) {
        kinds.add(`${manifest.apiVersion}/${manifest.kind}`);
        problems.push(...validateManifest(manifest).map((e) => `${c}/${file}: ${e}`));
      }
    }
    expect(problems).toEqual([]);
    for (const k of ['kueue.x-k8s.io/v1beta2/AdmissionCheck', 'kueue.x-k8s.io/v1beta2/MultiKueueConfig', 'kueue.x-k8s.io/v1beta2/MultiKueueCluster', 'external-secrets.io/v1/ExternalSecret', 'kueue.x-k8s.io/v1beta2/ClusterQueue']) expect(kinds).toContain(k);
  });

  it('the schemas can fail: a v1beta1-shaped MultiKueueCluster and a wrong AdmissionCheck parameters kind field are refused', () => {
    const mkc = obj('gpu-east', 'cluster/MultiKueueCluster.gpu-west.yaml');
    expect(validateManifest({ ...mkc, spec: { kubeConfig: { locationType: 'Secret', location: 'x' } } }).join('\n')).toMatch(/kubeConfig|clusterSource/);
    const ac = obj('gpu-east', 'cluster/AdmissionCheck.fraud-training-burst.yaml');
    expect(validateManifest({ ...ac, spec: { ...ac.spec, parameters: { ...ac.spec.parameters, name: 'x'.repeat(64) } } })).not.toEqual([]);
    const cq = obj('gpu-east', 'cluster/ClusterQueue.fraud-training-burst.yaml');
    expect(validateManifest({ ...cq, spec: { ...cq.spec, admissionChecks: ['fraud-training-burst'] } }).join('\n')).toMatch(/admissionChecks/);
  });
});

describe('burst checks', () => {
  it('the fixture fleet has no burst error', () => {
    expect(checkBurst(entries, plan, 'burst').map(String)).toEqual([]);
  });

  it('the home cluster is not its own worker', () => {
    expect(burstErrors(withTenant('fraud-training', fraudBurst({ clusters: ['gpu-west', 'gpu-east'] })))).toEqual([
      'tenants/fraud-training.ts: placement.burst.clusters[1]: Invalid value: "gpu-east": the tenant\'s home cluster: MultiKueue\'s manager cannot be its own worker (a ClusterQueue carrying the MultiKueue check sends everything it admits away); work meant to run at home goes to the default queue, so list other clusters only',
    ]);
  });

  it('a worker must have every flavor and resource of the burst quota; the error names it and its flavors', () => {
    // vision (home gpu-west) bursting to pci-eu, which has CPU only.
    const es = withTenant('vision', (s) => ({ ...s, placement: { cluster: 'gpu-west', burst: { clusters: ['gpu-east', 'pci-eu'], flavors: { cpu: { cpu: { nominal: '8' }, memory: { nominal: '32Gi' } }, 'a100-80gb': { 'nvidia.com/gpu': { nominal: 4 } } } } } }));
    expect(burstErrors(es)).toEqual([
      'tenants/vision.ts: placement.burst.clusters[1]: Invalid value: "pci-eu": cluster "pci-eu" may not host compliance tier "internal" (its complianceTiers: pci), and burst work runs there with the tenant\'s credentials; burst only to clusters allowed to host the tier',
    ]);
    // A worker allowed the tier but lacking the flavor: the platform's gpu-east without a100.
    const p2 = { ...platform, fleet: { ...platform.fleet, clusters: platform.fleet.clusters.map((c) => (c.name === 'gpu-east' ? { ...c, platform: { kueue: { flavors: { cpu: { resources: { cpu: '256', memory: '1Ti' } }, h100: { resources: { 'nvidia.com/gpu': 8 } } } } } } : c)) } };
    const plan2 = fleetPlanOf(p2 as PlatformSettings, es.map((e) => e.spec));
    expect(checkBurst(es, plan2, 'burst').map(String).filter((e) => e.startsWith('tenants/vision.ts'))).toEqual([
      'tenants/vision.ts: placement.burst.clusters[0]: Invalid value: "gpu-east": worker cluster "gpu-east" lacks what placement.burst.flavors names: flavor "a100-80gb"; it offers cpu (cpu, memory), h100 (nvidia.com/gpu); Kueue on the worker admits the dispatched work under the same flavors: add them to that cluster\'s kueue.flavors, or burst elsewhere',
      'tenants/vision.ts: placement.burst.clusters[1]: Invalid value: "pci-eu": cluster "pci-eu" may not host compliance tier "internal" (its complianceTiers: pci), and burst work runs there with the tenant\'s credentials; burst only to clusters allowed to host the tier',
    ]);
  });

  it('a worker without Kueue capacity, an unknown cluster, a duplicate', () => {
    const p2 = { ...platform, fleet: { ...platform.fleet, clusters: platform.fleet.clusters.map((c) => (c.name === 'gpu-west' ? { ...c, platform: {} } : c)) } } as PlatformSettings;
    const es = withTenant('fraud-training', fraudBurst({ clusters: ['gpu-west', 'gpu-north', 'gpu-west'] }));
    expect(checkBurst(es, fleetPlanOf(p2, es.map((e) => e.spec)), 'burst').map(String)).toEqual([
      'tenants/fraud-training.ts: placement.burst.clusters[0]: Invalid value: "gpu-west": worker cluster "gpu-west" declares no Kueue capacity (kueue.flavors), so it cannot admit burst work; burst only to clusters offering the flavors of placement.burst.flavors',
      'tenants/fraud-training.ts: placement.burst.clusters[1]: Unsupported value: "gpu-north": not a cluster of the fleet; valid: gpu-west, pci-eu',
      'tenants/fraud-training.ts: placement.burst.clusters[2]: Duplicate value: "gpu-west": already listed at placement.burst.clusters[0]; each worker once',
    ]);
  });

  it('burst quota: nominal only, flavors and resources of the home cluster, CPU and memory covered', () => {
    const es = withTenant(
      'fraud-training',
      fraudBurst({ flavors: { 'a100-80gb': { 'nvidia.com/gpu': { nominal: 16, borrowingLimit: 4 }, 'nvidia.com/mig-1g.5gb': { nominal: 1 } }, h100: { 'nvidia.com/gpu': { nominal: 1 } } } }),
    );
    expect(burstErrors(es)).toEqual([
      'tenants/fraud-training.ts: placement.burst.flavors["a100-80gb"]["nvidia.com/gpu"].borrowingLimit: Forbidden: 4: burst quota is nominal only: it is the burst ClusterQueue\'s whole quota on the home cluster (which is in no cohort, so there is nothing to borrow or lend) and the tenant\'s guaranteed quota on each worker; remove it',
      'tenants/fraud-training.ts: placement.burst.flavors["a100-80gb"]["nvidia.com/mig-1g.5gb"]: Unsupported value: "nvidia.com/mig-1g.5gb": flavor "a100-80gb" of the home cluster "gpu-east" does not offer it; it offers nvidia.com/gpu',
      'tenants/fraud-training.ts: placement.burst.flavors["h100"]: Unsupported value: "h100": not a flavor of the home cluster "gpu-east", which offers cpu (cpu, memory), a100-80gb (nvidia.com/gpu); the burst ClusterQueue on the home cluster is built of its ResourceFlavors: add the flavor to that cluster\'s kueue.flavors or remove it here',
      'tenants/fraud-training.ts: placement.burst.flavors: Required value: the home cluster "gpu-east"\'s queues cover cpu (flavors cpu), and every pod requests it: burst work with none of these flavors would never be admitted; add e.g. placement.burst.flavors["cpu"] = { cpu: { nominal: "8" }, memory: { nominal: "32Gi" } }',
      'tenants/fraud-training.ts: placement.burst.flavors: Required value: the home cluster "gpu-east"\'s queues cover memory (flavors cpu), and every pod requests it: burst work with none of these flavors would never be admitted; add e.g. placement.burst.flavors["cpu"] = { cpu: { nominal: "8" }, memory: { nominal: "32Gi" } }',
    ]);
  });

  it('a bursting tenant needs Kueue capacity on its home cluster', () => {
    const p2 = { ...platform, fleet: { ...platform.fleet, clusters: platform.fleet.clusters.map((c) => (c.name === 'gpu-east' ? { ...c, platform: {} } : c)) } } as PlatformSettings;
    const es = entries.filter((e) => e.spec.name === 'fraud-training').map((e) => ({ ...e, spec: { ...e.spec, queue: undefined } as never }));
    expect(checkBurst(es, fleetPlanOf(p2, es.map((e) => e.spec)), 'burst').map(String)).toEqual([
      'tenants/fraud-training.ts: placement.burst: Forbidden: "gpu-east": the home cluster "gpu-east" declares no Kueue capacity (kueue.flavors): burst work is queued by the home cluster\'s Kueue, which MultiKueue dispatches from; ask the platform team for capacity there, or remove placement.burst',
    ]);
  });

  it('names: the AdmissionCheck parameter limit, the burst LocalQueue against personal queues; no burst without a fleet', () => {
    const long = 'f'.repeat(58);
    const es = withTenant('fraud-training', (s) => ({ ...s, name: long, queue: { ...s.queue, users: { 'burst@example.com': { flavors: { cpu: { cpu: { nominal: '1' } } }, queueName: 'burst' } } } }));
    expect(burstErrors(es)).toEqual([
      `tenants/fraud-training.ts: placement.burst: Too long: "${long}-burst": the tenant's burst AdmissionCheck names its MultiKueueConfig "${long}-burst", and Kueue allows at most 63 characters there (is 64); a tenant that bursts needs a name of at most 57 characters`,
      'tenants/fraud-training.ts: queue.users["burst@example.com"].queueName: Invalid value: "burst": "burst" is the tenant\'s burst LocalQueue (platform.ts fleet.multiKueue.localQueue); choose another queueName',
    ]);
    const single: FleetPlan = { fleet: false, clusters: [], homeOf: new Map() };
    expect(checkBurst(entries, single, 'burst').map(String)).toEqual([
      'tenants/fraud-training.ts: placement.burst: Forbidden: {...}: bursting sends work to other clusters of a fleet, and platform.ts declares none (fleet.clusters); remove placement.burst, or declare the fleet',
    ]);
  });

  it('worker capacity includes the guests, and the burst ClusterQueue name is claimed on both sides', () => {
    const west = plan.clusters.find((c) => c.name === 'gpu-west')!;
    expect(checkQueueSet(entriesOn(plan, 'gpu-west', entries), west.platform, burstQueueSet('gpu-west', entries, plan)).map(String)).toEqual([]);
    const es = withTenant('fraud-training', fraudBurst({ flavors: { cpu: { cpu: { nominal: '16' }, memory: { nominal: '64Gi' } }, 'a100-80gb': { 'nvidia.com/gpu': { nominal: 48 } } } }));
    const plan2 = fleetPlanOf(platform, es.map((e) => e.spec));
    const west2 = plan2.clusters.find((c) => c.name === 'gpu-west')!;
    expect(checkQueueSet(entriesOn(plan2, 'gpu-west', es), west2.platform, burstQueueSet('gpu-west', es, plan2)).map(String)).toEqual([
      'platform.ts: kueue.flavors["a100-80gb"].resources["nvidia.com/gpu"]: Invalid value: "64": the tenants\' guaranteed (nominal) nvidia.com/gpu on flavor "a100-80gb" adds up to 72 with the burst guests\' quota, more than its capacity 64; biggest: fraud-training 48 (burst guest from gpu-east, tenants/fraud-training.ts), vision 24 (tenants/vision.ts); lower a tenant\'s queue nominal or a guest\'s placement.burst.flavors, add capacity, or allow overcommit (kueue.allowOvercommit: true)',
    ]);
    // A user queue named "burst" takes the burst ClusterQueue's name on the home cluster.
    const es3 = withTenant('fraud-training', (s) => ({ ...s, quota: undefined, contributors: [{ user: 'alice@example.com', role: 'editor' }], queue: { ...s.queue, users: { 'alice@example.com': { flavors: { cpu: { cpu: { nominal: '1' } } }, queueName: 'burst' } } } }));
    const plan3 = fleetPlanOf(platform, es3.map((e) => e.spec));
    const east3 = plan3.clusters.find((c) => c.name === 'gpu-east')!;
    expect(checkQueueSet(entriesOn(plan3, 'gpu-east', es3), east3.platform, burstQueueSet('gpu-east', es3, plan3)).map(String)).toEqual([
      'tenants/fraud-training.ts: placement.burst: Duplicate value: "fraud-training-burst": the burst ClusterQueue of tenant "fraud-training" would be named "fraud-training-burst", which is already the ClusterQueue of user "alice@example.com" of tenant "fraud-training"; Cohort and ClusterQueue names are cluster-wide: rename the user\'s queue (queueName) or the other tenant',
    ]);
  });
});
