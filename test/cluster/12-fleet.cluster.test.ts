// Issue 14, "Proven": two control planes side by side and the real MultiKueue dispatch.
//
// The tier's first control plane is the fleet's home cluster gpu-east (the MultiKueue manager);
// this suite starts a second one, gpu-west (plane-ctl.sh worker-up: its own etcd, kube-apiserver,
// kube-controller-manager with the Job controller, Profile controller stand-in; the same cached
// binaries), restarts the first plane's Kueue with gpu-east's Configuration and starts a worker
// Kueue with gpu-west's, applies each cluster's output of the `fleet` fixture to its own API
// server (fleet-fixture.ts), and hands the manager the worker's kubeconfig through the Secret the
// MultiKueueCluster names (in the product an ExternalSecret makes it; ESO does not run here).
// Afterwards the worker plane is stopped, the home objects it replaced are restored, and the first
// plane's Kueue runs again with the Configuration run.sh started it with.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApplyResult, type KubeObject, applyObjects, getAll, getJson, getObject, kubectl, kubectlOk, loadDist, objectKey, sleep, toYamlStream, waitFor } from './helpers';
import { QUEUE_LABEL, type Workload, jobManifest, podsOf } from './kueue';
import { BURST_QUEUE, HOME, KUEUE_CONFIGURATION, WORKER, clusterObjects, fleetClusterFiles } from './fleet-fixture';

const RUN = process.env.KFT_RUN_DIR ?? '';
const WK = join(RUN, 'worker', 'admin.kubeconfig');
const FRAUD = 'fraud-training';
const NLP = 'nlp-research';
const MANAGED_BY = 'kueue.x-k8s.io/multikueue';
const GPU = 'nvidia.com/gpu';
const REQUESTS = { cpu: '1', memory: '1Gi', [GPU]: '1' };

/** plane-ctl.sh (run.sh exports its path), without blocking the test worker. */
function planeCtl(...args: string[]): Promise<void> {
  const ctl = process.env.KFT_PLANE_CTL;
  if (!ctl) throw new Error('KFT_PLANE_CTL is not set: run the cluster tier through `npm run test:cluster`');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [ctl, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
      process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`plane-ctl.sh ${args.join(' ')} failed (${code}):\n${out}`))));
  });
}

/** A cluster's whole output applied as Argo CD would: cluster-level objects, then (namespaces made by the Profile controller) the rest. */
async function applyCluster(objs: KubeObject[], kubeconfig: string): Promise<ApplyResult[]> {
  const isNamespace = (o: KubeObject) => o.kind === 'Namespace' && o.apiVersion === 'v1';
  const tenantNs = new Set(objs.filter((o) => o.kind === 'Profile').map((o) => o.metadata.name));
  const platformNs = [...new Set(objs.map((o) => o.metadata.namespace).filter((n): n is string => !!n && !tenantNs.has(n)))];
  if (platformNs.length > 0) {
    kubectlOk(['apply', '--server-side', '--field-manager', 'kft-cluster-test', '-f', '-'], toYamlStream(platformNs.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }))), kubeconfig);
  }
  const first = await applyObjects(objs.filter((o) => !o.metadata.namespace && !isNamespace(o)), kubeconfig);
  if (first.apply.code !== 0) return [first];
  for (const ns of tenantNs) await waitFor(`namespace ${ns} and its default ServiceAccount`, () => getObject('serviceaccount', 'default', ns, kubeconfig), 90_000);
  return [first, await applyObjects(objs.filter((o) => o.metadata.namespace || isNamespace(o)), kubeconfig)];
}

const files = new Map<string, ReadonlyMap<string, string>>();
const objects = new Map<string, KubeObject[]>();
const applied = new Map<string, ApplyResult[]>();
/** cluster-scoped objects of the home output that existed before (the org's guards, suite 10's flavors): restored afterwards */
const before = new Map<string, KubeObject | undefined>();
const jobs: { namespace: string; name: string }[] = [];
let planeStarted = 0;
let planeSecs = 0;
let kubeconfigSecret = '';

const workloads = (ns: string, kubeconfig?: string) => getJson<{ items: Workload[] }>(['get', 'workloads.v1beta2.kueue.x-k8s.io', '-n', ns], kubeconfig).items;
const workloadOf = (ns: string, job: string, kubeconfig?: string) =>
  workloads(ns, kubeconfig).find((w) => w.metadata.ownerReferences?.some((o) => o.kind === 'Job' && o.name === job));
const cond = (o: KubeObject | undefined, type: string) => ((o?.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
const checkState = (w: Workload | undefined, name: string) =>
  ((w?.status as { admissionChecks?: { name: string; state: string; message?: string }[] } | undefined)?.admissionChecks ?? []).find((c) => c.name === name);

function submit(namespace: string, name: string, queue: string, managedBy?: string): KubeObject {
  const m = jobManifest({ name, namespace, queue, requests: REQUESTS });
  if (managedBy) (m.spec as Record<string, unknown>).managedBy = managedBy;
  jobs.push({ namespace, name });
  return JSON.parse(kubectlOk(['create', '-f', '-', '-o', 'json'], JSON.stringify(m))) as KubeObject;
}

const objectOf = (cluster: string, kind: string, name?: string) => {
  const o = objects.get(cluster)!.find((x) => x.kind === kind && (name === undefined || x.metadata.name === name));
  if (!o) throw new Error(`${cluster}'s output has no ${kind} ${name ?? ''}`);
  return o;
};

beforeAll(async () => {
  for (const [c, f] of await fleetClusterFiles()) {
    files.set(c, f);
    objects.set(c, clusterObjects(f));
  }
  const org = new Set(loadDist().filter((e) => e.object.kind === 'Profile').map((e) => e.object.metadata.name));
  const clash = [...objects.values()].flat().filter((o) => o.kind === 'Profile' && org.has(o.metadata.name)).map((o) => o.metadata.name);
  if (clash.length > 0) throw new Error(`the org has tenants named like the fleet fixture's (${clash.join(', ')}); the fleet suite applies them under their own names`);

  // the second control plane, and Kueue on both planes with each cluster's synthesized Configuration
  planeStarted = Date.now();
  const dir = join(RUN, 'fleet');
  mkdirSync(dir, { recursive: true });
  const config = (c: string) => {
    const text = files.get(c)!.get(KUEUE_CONFIGURATION);
    if (!text) throw new Error(`${c}'s output has no ${KUEUE_CONFIGURATION}`);
    const p = join(dir, `${c}-configuration.yaml`);
    writeFileSync(p, text);
    return p;
  };
  await planeCtl('worker-up', config(HOME));
  await Promise.all([planeCtl('kueue', 'worker', config(WORKER)), planeCtl('kueue', 'home', config(HOME))]);
  planeSecs = (Date.now() - planeStarted) / 1000;
  // the suite's own start-up cost (README: what the second control plane adds)
  console.log(`fleet: second control plane up and Kueue (re)started on both planes in ${planeSecs.toFixed(1)} s`);

  const existing = await getAll(objects.get(HOME)!.filter((x) => !x.metadata.namespace && x.kind !== 'Namespace'));
  for (const [k, o] of existing) before.set(k, o);
  applied.set(HOME, await applyCluster(objects.get(HOME)!, process.env.KFT_KUBECONFIG!));
  applied.set(WORKER, await applyCluster(objects.get(WORKER)!, WK));
  for (const [c, rs] of applied) for (const r of rs) expect(r.apply.code, `${c}: ${r.dryRun.stderr}${r.apply.stderr}`).toBe(0);

  // the worker's kubeconfig, where the MultiKueueCluster looks for it (the product's ExternalSecret's target)
  const mkc = objectOf(HOME, 'MultiKueueCluster', WORKER) as KubeObject & { spec: { clusterSource: { kubeConfig: { location: string; locationType?: string } } } };
  kubeconfigSecret = mkc.spec.clusterSource.kubeConfig.location;
  kubectlOk(['create', 'secret', 'generic', kubeconfigSecret, '-n', 'kueue-system', `--from-file=kubeconfig=${join(RUN, 'worker', 'multikueue.kubeconfig')}`]);

  for (const [c, kc] of [[HOME, undefined], [WORKER, WK]] as const) {
    const want = objects.get(c)!.filter((o) => o.kind === 'LocalQueue');
    // the output's LocalQueues as the server has them; an absent one counts as inactive
    const inactive = () => {
      const have = getJson<{ items: KubeObject[] }>(['get', 'localqueues', '-A'], kc).items;
      return want.map((o) => have.find((q) => q.metadata.name === o.metadata.name && q.metadata.namespace === o.metadata.namespace) ?? o).filter((q) => cond(q, 'Active')?.status !== 'True');
    };
    await waitFor(`LocalQueues of ${c} active`, () => want.length > 0 && inactive().length === 0, 60_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${JSON.stringify(inactive().map((q) => [q.metadata.namespace, q.metadata.name, cond(q, 'Active')]))}`);
    });
  }
}, 900_000);

afterAll(async () => {
  // Cleanup failures are collected and reported after the worker is stopped and the home Kueue restored.
  const failed: string[] = [];
  const run = (what: string, args: string[], input?: string) => {
    const r = kubectl(args, input);
    if (r.code !== 0) failed.push(`${what}: ${r.stderr.trim()}`);
  };
  for (const j of jobs) run(`delete Job ${j.namespace}/${j.name}`, ['delete', 'job', j.name, '-n', j.namespace, '--ignore-not-found', '--wait=false']);
  run('delete LocalQueue nlp-research/burst', ['delete', 'localqueue', BURST_QUEUE, '-n', NLP, '--ignore-not-found', '--wait=false']);
  // what the home output replaced is put back, what it added is removed (guards first: they protect the rest)
  const home = objects.get(HOME) ?? [];
  const tenantNs = new Set(home.filter((o) => o.kind === 'Profile').map((o) => o.metadata.name));
  const cluster = home.filter((o) => (!o.metadata.namespace || !tenantNs.has(o.metadata.namespace)) && o.kind !== 'Namespace' && o.kind !== 'Profile');
  const guardsFirst = [...cluster].sort((a, b) => Number(!a.kind.includes('Policy')) - Number(!b.kind.includes('Policy')));
  for (const o of guardsFirst) {
    const prev = before.get(objectKey(o));
    const { resourceVersion: _rv, uid: _uid, managedFields: _mf, creationTimestamp: _ct, generation: _g, ...meta } = (prev?.metadata ?? {}) as Record<string, unknown>;
    if (prev) run(`restore ${objectKey(o)}`, ['replace', '-f', '-'], JSON.stringify({ ...prev, metadata: meta, status: undefined }));
    else run(`delete ${objectKey(o)}`, ['delete', '-f', '-', '--ignore-not-found', '--wait=false'], toYamlStream([o]));
  }
  // the documented way to remove a tenant: decommissioned first (the profile guard refuses deleting one that is not)
  for (const p of tenantNs) {
    run(`decommission Profile ${p}`, ['annotate', 'profile', p, 'kubeflow-tenants/decommissioned=true', '--overwrite']);
    run(`delete Profile ${p}`, ['delete', 'profile', p, '--ignore-not-found', '--wait=false']);
  }
  if (kubeconfigSecret) run(`delete Secret kueue-system/${kubeconfigSecret}`, ['delete', 'secret', kubeconfigSecret, '-n', 'kueue-system', '--ignore-not-found']);
  if (planeStarted) {
    const t = Date.now();
    await planeCtl('worker-down');
    await planeCtl('kueue', 'home', process.env.KFT_KUEUE_BASE_CONFIG!);
    console.log(`fleet: worker plane stopped and the home Kueue back on run.sh's Configuration in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  if (failed.length > 0) throw new Error(`cleaning up after the fleet suite:\n${failed.join('\n')}`);
}, 300_000);

describe('two control planes side by side', () => {
  it('the worker is a second API server (same binaries, own port, own etcd) with the JobManagedBy feature on both', () => {
    const v = JSON.parse(kubectlOk(['version', '-o', 'json'], undefined, WK)) as { serverVersion: { gitVersion: string } };
    expect(v.serverVersion.gitVersion).toBe('v1.33.13');
    const server = (kc?: string) => kubectlOk(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'], undefined, kc);
    expect(server(WK)).not.toBe(server());
    // nothing of the home cluster is on the worker
    expect(getObject('namespace', NLP, undefined, WK)).toBeUndefined();
    // both Kueues run with MultiKueue on (beta, on by default since v0.9; no gate is set)
    for (const log of ['kueue-home.log', 'kueue-worker.log']) {
      const gates = readFileSync(join(RUN, 'logs', log), 'utf8').match(/"msg":"Loaded feature gates","featureGates":(\{[^}]*\})/);
      expect(gates, `${log}: Kueue's "Loaded feature gates" line`).not.toBeNull();
      expect(JSON.parse(gates![1]!)).toMatchObject({ MultiKueue: true });
    }
    // JobManagedBy (beta, on by default since 1.32): the API server keeps spec.managedBy
    for (const kc of [undefined, WK]) {
      const m = jobManifest({ name: 'managed-by-probe', namespace: 'default', requests: { cpu: '1' } });
      (m.spec as Record<string, unknown>).managedBy = MANAGED_BY;
      const dry = JSON.parse(kubectlOk(['create', '--dry-run=server', '-f', '-', '-o', 'json'], JSON.stringify(m), kc)) as { spec: { managedBy?: string } };
      expect(dry.spec.managedBy).toBe(MANAGED_BY);
    }
  });

  it("each cluster's whole output applies cleanly (server-side, strict field validation) to its own API server", () => {
    for (const c of [HOME, WORKER]) {
      const rs = applied.get(c)!;
      expect(rs).toHaveLength(2);
      for (const r of rs) expect(r.dryRun.code, r.dryRun.stderr).toBe(0);
      const kc = c === WORKER ? WK : undefined;
      const got = kubectl(['get', '-f', '-', '-o', 'name'], toYamlStream(objects.get(c)!), kc);
      expect(got.code, got.stderr).toBe(0);
      expect(got.stdout.trim().split('\n')).toHaveLength(objects.get(c)!.length);
    }
    // the guest is on the worker, the home tenants are not
    expect(objects.get(WORKER)!.some((o) => o.kind === 'Profile' && o.metadata.name === FRAUD)).toBe(true);
    expect(objects.get(WORKER)!.some((o) => o.metadata.name === NLP)).toBe(false);
  });

  it("the manager reaches the worker through the Secret's kubeconfig (the worker's multikueue-sa token): MultiKueueCluster and AdmissionCheck active", async () => {
    await waitFor(`MultiKueueCluster ${WORKER} Active`, () => cond(getObject('multikueuecluster', WORKER), 'Active')?.status === 'True', 60_000);
    // the Secret made here by hand is the one the output's ExternalSecret makes in the product: same name, key `kubeconfig`
    const es = objects.get(HOME)!.find((o) => o.kind === 'ExternalSecret' && (o.spec as { target?: { name?: string } }).target?.name === kubeconfigSecret);
    expect(es, `an ExternalSecret in ${HOME}'s output making Secret ${kubeconfigSecret}`).toBeDefined();
    expect(es!.metadata.namespace).toBe('kueue-system');
    expect((es!.spec as { data: { secretKey: string }[] }).data.map((d) => d.secretKey)).toEqual(['kubeconfig']);
    const ac = objectOf(HOME, 'AdmissionCheck');
    expect((ac.spec as { controllerName: string }).controllerName).toBe(MANAGED_BY);
    await waitFor(`AdmissionCheck ${ac.metadata.name} Active`, () => cond(getObject('admissioncheck', ac.metadata.name), 'Active')?.status === 'True', 60_000);
  });
});

describe('MultiKueue dispatch (fraud-training bursts to gpu-west)', () => {
  it("a Job in fraud-training's `burst` queue is dispatched to gpu-west and admitted there (managedBy set by the submitter, or defaulted by Kueue's webhook)", async () => {
    const lq = objectOf(HOME, 'LocalQueue', BURST_QUEUE) as KubeObject & { spec: { clusterQueue: string } };
    const cq = objectOf(HOME, 'ClusterQueue', lq.spec.clusterQueue) as KubeObject & { spec: { admissionChecksStrategy?: { admissionChecks: { name: string }[] } } };
    const check = cq.spec.admissionChecksStrategy?.admissionChecks[0]?.name;
    expect(check).toBeTruthy();
    expect(objectOf(HOME, 'AdmissionCheck', check).spec).toMatchObject({ controllerName: MANAGED_BY });
    submit(FRAUD, 'burst-1', BURST_QUEUE, MANAGED_BY);
    // a Job without managedBy: Kueue's Job webhook sets it for a queue whose ClusterQueue has the MultiKueue check
    const defaulted = submit(FRAUD, 'burst-2', BURST_QUEUE) as KubeObject & { spec: { managedBy?: string } };
    expect(defaulted.spec.managedBy).toBe(MANAGED_BY);
    const workerLq = objectOf(WORKER, 'LocalQueue', BURST_QUEUE) as KubeObject & { spec: { clusterQueue: string } };
    for (const job of ['burst-1', 'burst-2']) {
      // the home Workload reserves the burst ClusterQueue's quota and its MultiKueue check turns Ready
      const home = await waitFor(`home Workload of ${job} with its MultiKueue check Ready`, () => {
        const w = workloadOf(FRAUD, job);
        return checkState(w, check!)?.state === 'Ready' ? w : false;
      }, 90_000);
      expect(home.status?.admission?.clusterQueue).toBe(lq.spec.clusterQueue);
      expect((home.status as { clusterName?: string }).clusterName).toBe(WORKER);
      // the copy on the worker: a Workload admitted by the worker's Kueue in the guest's burst queue, and the Job
      const remote = await waitFor(`Workload of ${job} admitted on the worker`, () => {
        const w = workloads(FRAUD, WK).find((x) => x.metadata.name === home.metadata.name);
        return cond(w, 'Admitted')?.status === 'True' ? w : false;
      }, 60_000);
      expect(remote.spec.queueName).toBe(BURST_QUEUE);
      expect(remote.status?.admission?.clusterQueue).toBe(workerLq.spec.clusterQueue);
      const workerJob = await waitFor(`Job ${job} on the worker, unsuspended`, () => {
        const j = getObject('job', job, FRAUD, WK) as (KubeObject & { spec: { suspend?: boolean } }) | undefined;
        return j && j.spec.suspend === false ? j : false;
      }, 60_000);
      expect(workerJob.metadata.labels?.[QUEUE_LABEL]).toBe(BURST_QUEUE);
      // the worker's Job controller runs it; the home Job controller leaves a managedBy Job alone
      await waitFor(`pod of ${job} on the worker`, () => getJson<{ items: unknown[] }>(['get', 'pods', '-n', FRAUD, '-l', `batch.kubernetes.io/job-name=${job}`], WK).items.length === 1, 60_000);
      expect(podsOf(FRAUD, job)).toHaveLength(0);
    }
  });

  it('a Job in the home `default` queue is admitted at home and never reaches the worker', async () => {
    submit(FRAUD, 'home-1', 'default');
    const w = await waitFor('home-1 admitted at home', () => {
      const x = workloadOf(FRAUD, 'home-1');
      return cond(x, 'Admitted')?.status === 'True' ? x : false;
    }, 60_000);
    expect(w.status?.admission?.clusterQueue).toBe(FRAUD);
    expect((w.status as { clusterName?: string }).clusterName).toBeUndefined();
    await waitFor('pod of home-1 at home', () => podsOf(FRAUD, 'home-1').length === 1, 60_000);
    await sleep(3_000);
    expect(getObject('job', 'home-1', FRAUD, WK)).toBeUndefined();
    expect(workloads(FRAUD, WK).some((x) => x.metadata.name === w.metadata.name)).toBe(false);
  });

  it("a tenant without burst (nlp-research) cannot get work into fraud-training's burst ClusterQueue", async () => {
    const burstCq = (objectOf(HOME, 'LocalQueue', BURST_QUEUE) as KubeObject & { spec: { clusterQueue: string } }).spec.clusterQueue;
    // no `burst` LocalQueue in its namespace: the Workload is never admitted
    submit(NLP, 'burst-nlp', BURST_QUEUE, MANAGED_BY);
    const w = await waitFor('burst-nlp inadmissible', () => {
      const x = workloadOf(NLP, 'burst-nlp');
      const q = cond(x, 'QuotaReserved');
      return q?.status === 'False' ? { x, q } : false;
    }, 60_000);
    expect(w.q.message).toBe(`LocalQueue ${BURST_QUEUE} doesn't exist`);
    // its owner may not make a LocalQueue (the Kueue view role aggregated into Kubeflow's roles reads only)
    const owner = (objects.get(HOME)!.find((o) => o.kind === 'Profile' && o.metadata.name === NLP)!.spec as { owner: { name: string } }).owner.name;
    const can = kubectl(['auth', 'can-i', 'create', 'localqueues.kueue.x-k8s.io', '-n', NLP, '--as', owner]);
    expect(can.stdout.trim()).toBe('no');
    // nor submit into fraud-training's namespace, where its `burst` LocalQueue is
    expect(kubectl(['auth', 'can-i', 'create', 'jobs.batch', '-n', FRAUD, '--as', owner]).stdout.trim()).toBe('no');
    expect(kubectl(['auth', 'can-i', 'create', 'jobs.batch', '-n', NLP, '--as', owner]).stdout.trim()).toBe('yes');
    // and one made anyway (by an admin) pointing at the burst ClusterQueue admits nothing: namespaceSelector
    kubectlOk(['apply', '--server-side', '--field-manager', 'kft-cluster-test', '-f', '-'], JSON.stringify({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: BURST_QUEUE, namespace: NLP }, spec: { clusterQueue: burstCq } }));
    const again = await waitFor('burst-nlp inadmissible in the burst ClusterQueue', () => {
      const q = cond(workloadOf(NLP, 'burst-nlp'), 'QuotaReserved');
      return q?.status === 'False' && !/doesn't exist/.test(q.message ?? '') ? q : false;
    }, 60_000);
    expect(again.message).toMatch(/namespace doesn't match ClusterQueue selector/);
    await sleep(3_000);
    expect(cond(workloadOf(NLP, 'burst-nlp'), 'Admitted')?.status).not.toBe('True');
    expect(getObject('namespace', NLP, undefined, WK)).toBeUndefined();
  });
});
