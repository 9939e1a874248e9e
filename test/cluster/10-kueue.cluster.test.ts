// Issue 12, "Proven with the real Kueue controller": Kueue v0.19.2 (built from its Go module by
// run.sh, with the module's own CRDs, RBAC and webhooks) against the tier's v1.33.13 API server,
// the Job controller of kube-controller-manager creating the pods of admitted Jobs. There are no
// nodes: pods stay Pending, which is enough to see Kueue admit and unsuspend Jobs and the API
// server's ResourceQuota admit their pods.
//
// Input: the `kueue` fixture synthesized in-process (kueue-fixture.ts: its tenants renamed kq-*), Kueue started by run.sh with the Configuration synth
// emits for it. Applied here: the tenant bundles (Profiles, then LocalQueues and the rest) and the
// cluster bundle's Kueue objects (ResourceFlavors, Cohorts, ClusterQueues, the user-queue
// ValidatingAdmissionPolicy and its binding). Every number below is the fixture's (asserted first).
//
// Capacity of a100-80gb: 64; fraud team budget 50 (fraud-modelling: shared 34, Alice 8, Bob 8;
// fraud-scoring: 0 guaranteed, may borrow 16); vision 8 (may borrow 6, lends at most 4);
// research-burst 0 (may borrow 40); the root Cohort holds the 6 nobody is guaranteed.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixtureInputs } from '../fixture-repo';
import { type KubeObject, RESTRICTED_CONTAINER_SECURITY, RESTRICTED_POD_SECURITY, applyObjects, getJson, getObject, kubectl, kubectlOk, loadDist, waitFor } from './helpers';
import { QUEUE_LABEL, type JobRequest, deleteJobs, jobState, podCreateFailures, podsOf, submit, submitOk, waitAdmitted, waitPending, waitPods } from './kueue';
import { kq, kueueScenarioFiles } from './kueue-fixture';

const FRAUD = kq('fraud-modelling');
const SCORING = kq('fraud-scoring');
const VISION = kq('vision');
const BURST = kq('research-burst');
const NAMESPACES = [FRAUD, SCORING, VISION, BURST];
const GPU = 'nvidia.com/gpu';
const MIG1 = 'nvidia.com/mig-1g.5gb';
const MIG3 = 'nvidia.com/mig-3g.20gb';
const SHARED = 'nvidia.com/gpu.shared';
const ALICE_Q = 'user-alice-example-com';
const BOB_Q = 'user-bob-example-com';

/** Kueue kinds of the cluster bundle, and the user-queue policy; nothing else of cluster/ is applied. */
const CLUSTER_KINDS = new Set(['ResourceFlavor', 'Cohort', 'ClusterQueue']);
const USER_QUEUE_POLICY = 'kubeflow-tenants-user-queues';
/** The ClusterRole synth aggregates into Kubeflow's view role (LocalQueues and Workloads, read). */
const KUEUE_VIEW_ROLE = 'kubeflow-tenants-kueue-view';

let objects: KubeObject[] = [];
let usernamePrefix = '';
const person = (email: string) => ({ user: `${usernamePrefix}${email}`, groups: ['system:authenticated'] });
const ALICE = () => person('alice@example.com');
const BOB = () => person('bob@example.com');

const obj = (kind: string, name: string, namespace?: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name && x.metadata.namespace === namespace);
  if (!o) throw new Error(`the kueue fixture emits no ${kind} ${namespace ? `${namespace}/` : ''}${name}`);
  return o;
};
interface Quota {
  name: string;
  nominalQuota: string;
  borrowingLimit?: string;
  lendingLimit?: string;
}
/** A ClusterQueue's or Cohort's quota of one flavor and resource, as synthesized. */
function quota(kind: 'ClusterQueue' | 'Cohort', name: string, flavor: string, resource: string): Quota | undefined {
  const groups = ((obj(kind, name).spec as { resourceGroups?: { flavors: { name: string; resources: Quota[] }[] }[] }).resourceGroups ?? []);
  return groups.flatMap((g) => g.flavors).find((f) => f.name === flavor)?.resources.find((r) => r.name === resource);
}

let jobSeq = 0;
const created = new Map<string, string[]>();
/** A single-pod Job (requests = limits) with 1 CPU and 1Gi besides `extra`. */
function job(namespace: string, extra: Record<string, string | number>, queue?: string): JobRequest {
  const name = `job-${++jobSeq}`;
  created.set(namespace, [...(created.get(namespace) ?? []), name]);
  return { name, namespace, queue, requests: { cpu: '1', memory: '1Gi', ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])) } };
}
async function admitted(j: JobRequest, as?: { user: string; groups?: string[] }) {
  const r = submit(j, as);
  if (r.code !== 0) throw new Error(`creating Job ${j.namespace}/${j.name}: ${r.stderr}`);
  const s = await waitAdmitted(j.namespace, j.name);
  // the Job controller creates the pod and the ResourceQuota admits it (waitPods fails on a refusal)
  await waitPods(j.namespace, j.name, 1);
  return s;
}
async function pending(j: JobRequest, as?: { user: string; groups?: string[] }) {
  const r = submit(j, as);
  if (r.code !== 0) throw new Error(`creating Job ${j.namespace}/${j.name}: ${r.stderr}`);
  const s = await waitPending(j.namespace, j.name);
  expect(podsOf(j.namespace, j.name)).toHaveLength(0);
  return s;
}

interface CqStatus {
  admittedWorkloads?: number;
  flavorsReservation?: { name: string; resources: { name: string; total?: string; borrowed?: string }[] }[];
}
/** What a ClusterQueue reserves of a flavor's resource: total and borrowed (its status). */
function reserved(cq: string, flavor: string, resource: string): { total: string; borrowed: string } {
  const st = (getObject('clusterqueue', cq)?.status ?? {}) as CqStatus;
  const r = st.flavorsReservation?.find((f) => f.name === flavor)?.resources.find((x) => x.name === resource);
  return { total: r?.total ?? '0', borrowed: r?.borrowed ?? '0' };
}
const waitReserved = (cq: string, flavor: string, resource: string, want: { total: string; borrowed: string }) =>
  waitFor(`ClusterQueue ${cq} reserving ${JSON.stringify(want)} of ${resource} on ${flavor}`, () => {
    const got = reserved(cq, flavor, resource);
    return got.total === want.total && got.borrowed === want.borrowed ? got : false;
  }, 30_000);

/** The ResourceQuota's `used` of a resource in a namespace. */
const quotaUsed = (ns: string, key: string) =>
  ((getObject('resourcequota', 'kf-resource-quota', ns)?.status as { used?: Record<string, string> } | undefined)?.used ?? {})[key];

beforeAll(async () => {
  const files = await kueueScenarioFiles();
  usernamePrefix = (await fixtureInputs('kueue')).platform.kueue.apiServerUsernamePrefix;
  const load = (prefix: string) =>
    [...files].filter(([f]) => f.startsWith(prefix)).flatMap(([, text]) => (yaml.loadAll(text) as KubeObject[]).filter(Boolean));
  objects = [
    ...load('tenants/'),
    ...load('cluster/').filter(
      (o) =>
        CLUSTER_KINDS.has(o.kind) ||
        (o.kind.startsWith('ValidatingAdmissionPolicy') && o.metadata.name === USER_QUEUE_POLICY) ||
        (o.kind === 'ClusterRole' && o.metadata.name === KUEUE_VIEW_ROLE),
    ),
  ];
  const org = new Set(loadDist().filter((e) => e.object.kind === 'Profile').map((e) => e.object.metadata.name));
  const clash = objects.filter((o) => o.kind === 'Profile' && org.has(o.metadata.name)).map((o) => o.metadata.name);
  if (clash.length > 0) throw new Error(`the org has tenants named like the kueue scenario's (${clash.join(', ')}); rename them, or change kq() in test/cluster/kueue-fixture.ts`);
  // Cluster-level first (flavors, cohorts, queues, the policy, the Profiles), then, once the
  // Profile controller made the namespaces, the namespaced objects (LocalQueues, LimitRanges, ...).
  const first = objects.filter((o) => !o.metadata.namespace && !(o.kind === 'Namespace'));
  const r1 = await applyObjects(first);
  expect(r1.apply.code, r1.dryRun.stderr + r1.apply.stderr).toBe(0);
  for (const ns of NAMESPACES) {
    await waitFor(`namespace ${ns} and its default ServiceAccount`, () => getObject('serviceaccount', 'default', ns), 90_000);
    await waitFor(`kf-resource-quota status in ${ns}`, () => (getObject('resourcequota', 'kf-resource-quota', ns)?.status as { used?: object } | undefined)?.used, 90_000);
  }
  const r2 = await applyObjects(objects.filter((o) => o.metadata.namespace || o.kind === 'Namespace'));
  expect(r2.apply.code, r2.dryRun.stderr + r2.apply.stderr).toBe(0);
  // Alice and Bob submit with their own API server identity (kubectl with OIDC, prefixed `oidc:`).
  // Kubeflow's contributor RoleBindings name the unprefixed identity; the bundle's queue-user
  // RoleBindings give the prefixed one their Kubeflow role, so RBAC admits their Jobs and the
  // user-queue policy decides which queue they may use. No grant is made here.
  for (const ns of NAMESPACES) {
    await waitFor(`LocalQueues of ${ns} active`, () => {
      const qs = getJson<{ items: { status?: { conditions?: { type: string; status: string }[] } }[] }>(['get', 'localqueues', '-n', ns]).items;
      return qs.length > 0 && qs.every((q) => q.status?.conditions?.some((c) => c.type === 'Active' && c.status === 'True'));
    });
  }
});

afterEach(async () => {
  for (const [ns, jobs] of created) await deleteJobs(ns, jobs);
  created.clear();
});

afterAll(() => {
  for (const ns of NAMESPACES) kubectl(['delete', 'profile', ns, '--wait=false', '--ignore-not-found']);
});

describe('Kueue runs against the tier', () => {
  it('the API server reports its stamped version and Kueue v0.19.2 started against it', () => {
    const v = JSON.parse(kubectlOk(['version', '-o', 'json'])) as { serverVersion: { gitVersion: string } };
    expect(v.serverVersion.gitVersion).toBe('v1.33.13');
    const log = readFileSync(process.env.KFT_KUEUE_LOG!, 'utf8');
    expect(log).toMatch(/"gitVersion":"v0\.19\.2"/);
    expect(log).not.toMatch(/failed to fetch kubernetes server version/);
  });

  it('Kueue runs with the Configuration synth emits for the fixture, only its process settings replaced', async () => {
    const running = yaml.load(readFileSync(process.env.KFT_KUEUE_CONFIG!, 'utf8')) as Record<string, unknown>;
    const emitted = yaml.load((await kueueScenarioFiles()).get('platform/kueue/configuration.yaml')!) as Record<string, unknown>;
    const PROCESS = ['webhook', 'metrics', 'health', 'leaderElection', 'internalCertManagement'];
    const decisive = (c: Record<string, unknown>) => Object.fromEntries(Object.entries(c).filter(([k]) => !PROCESS.includes(k)));
    expect(decisive(running)).toEqual(decisive(emitted));
    expect(running).toMatchObject({ leaderElection: { leaderElect: false }, internalCertManagement: { enable: false } });
  });

  it("the synthesized Kueue objects pass Kueue's own webhooks (defaulted by the mutating one) and every LocalQueue is active", () => {
    // the mutating webhook (https://127.0.0.1 with the run's CA) filled in what synth leaves to Kueue
    const cq = getJson<KubeObject & { spec: { queueingStrategy?: string; flavorFungibility?: object } }>(['get', 'clusterqueue', VISION]);
    expect(cq.spec.queueingStrategy).toBe('BestEffortFIFO');
    // and the validating one refuses what Kueue refuses (a LocalQueue naming an invalid ClusterQueue)
    const bad = kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: 'bad', namespace: VISION }, spec: { clusterQueue: 'Not_A_Name' } }));
    expect(bad.code).not.toBe(0);
  });
});

describe('quota, borrowing and lending (the kueue fixture)', () => {
  it("the fixture's numbers", () => {
    expect(quota('ClusterQueue', VISION, 'a100-80gb', GPU)).toEqual({ name: GPU, nominalQuota: '8', borrowingLimit: '6', lendingLimit: '4' });
    expect(quota('ClusterQueue', VISION, 'h100-80gb', GPU)).toEqual({ name: GPU, nominalQuota: '4', borrowingLimit: '4' });
    expect(quota('ClusterQueue', FRAUD, 'a100-80gb', GPU)?.nominalQuota).toBe('34');
    expect(quota('ClusterQueue', `${FRAUD}-${ALICE_Q}`, 'a100-80gb', GPU)).toEqual({ name: GPU, nominalQuota: '8', borrowingLimit: '0', lendingLimit: '0' });
    expect(quota('ClusterQueue', SCORING, 'a100-80gb', GPU)).toEqual({ name: GPU, nominalQuota: '0', borrowingLimit: '16' });
    expect(quota('ClusterQueue', BURST, 'a100-80gb', GPU)).toEqual({ name: GPU, nominalQuota: '0', borrowingLimit: '40' });
    expect(quota('Cohort', 'team-fraud', 'a100-80gb', GPU)).toMatchObject({ nominalQuota: '0', borrowingLimit: '0' });
    expect(quota('Cohort', 'kubeflow-tenants', 'a100-80gb', GPU)?.nominalQuota).toBe('6');
  });

  it('a Job without a queue label is labelled by the `default` LocalQueue; within nominal it is admitted without borrowing, unsuspended, and its pod created', async () => {
    const j = job(VISION, { [GPU]: 8 });
    const made = submitOk(j);
    // Kueue's Job webhook suspended it and gave it the namespace's `default` LocalQueue
    expect((made.spec as { suspend?: boolean }).suspend).toBe(true);
    expect(made.metadata.labels?.[QUEUE_LABEL]).toBe('default');
    const s = await waitAdmitted(VISION, j.name);
    expect(s.clusterQueue).toBe(VISION);
    expect(s.flavors).toEqual({ cpu: 'cpu', memory: 'cpu', [GPU]: 'a100-80gb' });
    await waitPods(VISION, j.name, 1);
    await waitReserved(VISION, 'a100-80gb', GPU, { total: '8', borrowed: '0' });
  });

  it('beyond nominal a queue borrows up to its borrowingLimit, then Kueue tries the next flavor, then the Job waits', async () => {
    await admitted(job(VISION, { [GPU]: 8 }));
    // 6 more A100s: borrowed (from the root Cohort's unallocated 6 and others' idle quota)
    expect((await admitted(job(VISION, { [GPU]: 6 }))).flavors[GPU]).toBe('a100-80gb');
    await waitReserved(VISION, 'a100-80gb', GPU, { total: '14', borrowed: '6' });
    // the 15th would exceed nominal + borrowingLimit on a100-80gb (A100s are still idle): H100
    expect((await admitted(job(VISION, { [GPU]: 1 }))).flavors[GPU]).toBe('h100-80gb');
    // H100: 4 nominal + 4 borrowable, 1 used: 8 more fit nowhere
    const w = await pending(job(VISION, { [GPU]: 8 }));
    expect(w.pending).toMatch(/a100-80gb/);
    expect(w.pending).toMatch(/h100-80gb/);
    expect((await admitted(job(VISION, { [GPU]: 7 }))).flavors[GPU]).toBe('h100-80gb');
    await waitReserved(VISION, 'h100-80gb', GPU, { total: '8', borrowed: '4' });
    // the pods of all of it passed the ResourceQuota Kueue's limits were derived for (14 + 8 + 1 outside Kueue)
    await waitFor('ResourceQuota used 22 GPUs', () => quotaUsed(VISION, `requests.${GPU}`) === '22');
  });

  it("lendingLimit holds quota back: with the fraud team busy, a borrower gets the root's 6 and 4 of vision's idle 8, no more; vision's own 8 stay available", async () => {
    // the fraud team uses its whole budget: nothing of it is idle
    await admitted(job(FRAUD, { [GPU]: 34 }, 'default'));
    await admitted(job(FRAUD, { [GPU]: 8 }, ALICE_Q), ALICE());
    await admitted(job(FRAUD, { [GPU]: 8 }, BOB_Q), BOB());
    // research-burst (nothing guaranteed) borrows what is idle and lendable: root 6 + vision's 4
    await admitted(job(BURST, { [GPU]: 10 }));
    await waitReserved(BURST, 'a100-80gb', GPU, { total: '10', borrowed: '10' });
    const w = await pending(job(BURST, { [GPU]: 1 }));
    expect(w.pending).toMatch(/insufficient unused quota for nvidia\.com\/gpu in flavor a100-80gb/);
    // vision's held-back half is there for vision at once, no preemption needed
    await admitted(job(VISION, { [GPU]: 4 }));
    expect(jobState(BURST, created.get(BURST)![0]!)?.admitted).toBe(true);
  });

  it('borrowing takes only idle quota: a waiting borrower is admitted when the lender goes idle, and the lender takes its quota back (preemption)', async () => {
    const fraud = job(FRAUD, { [GPU]: 34 }, 'default');
    await admitted(fraud);
    await admitted(job(BURST, { [GPU]: 10 }));
    const later = job(BURST, { [GPU]: 20 });
    await pending(later);
    // fraud's shared 34 go idle: lendable through team-fraud to the root Cohort
    await deleteJobs(FRAUD, [fraud.name]);
    await waitAdmitted(BURST, later.name);
    await waitPods(BURST, later.name, 1);
    await waitReserved(BURST, 'a100-80gb', GPU, { total: '30', borrowed: '30' });
    // fraud wants its nominal back: Kueue evicts borrowing workloads (reclaimWithinCohort: Any)
    const back = job(FRAUD, { [GPU]: 34 }, 'default');
    submitOk(back);
    await waitAdmitted(FRAUD, back.name, 90_000);
    const evicted = await waitFor('a research-burst Job evicted (suspended again)', () =>
      created.get(BURST)!.map((n) => jobState(BURST, n)).find((s) => s && !s.admitted && s.suspended),
    90_000);
    expect(evicted.workload.status?.conditions?.filter((c) => c.type === 'Evicted' || c.type === 'Preempted').map((c) => c.reason)).toContain('Preempted');
  });

  it('a team never exceeds its budget across its tenants: fraud-scoring borrows only what fraud-modelling leaves idle, never the idle GPUs outside the team', async () => {
    await admitted(job(FRAUD, { [GPU]: 30 }, 'default'));
    await admitted(job(FRAUD, { [GPU]: 8 }, ALICE_Q), ALICE());
    await admitted(job(FRAUD, { [GPU]: 8 }, BOB_Q), BOB());
    // 46 of 50 in use: fraud-scoring may borrow fraud-modelling's idle 4
    await admitted(job(SCORING, { [GPU]: 4 }));
    await waitReserved(SCORING, 'a100-80gb', GPU, { total: '4', borrowed: '4' });
    // the team is at its budget: one more waits, although 6 A100s in the root Cohort and vision's
    // lendable 4 are idle (the team Cohort's borrowingLimit 0)
    const w = await pending(job(SCORING, { [GPU]: 1 }));
    expect(w.pending).toMatch(/a100-80gb/);
    expect(reserved(VISION, 'a100-80gb', GPU).total).toBe('0');
  });
});

describe('per-user sub-quotas (Alice 8, Bob 8, the rest shared)', () => {
  it("with the fixture's username prefix, the bundle's queue-user RoleBindings (no hand-made grant) let Alice's and Bob's prefixed identities submit Jobs; their unprefixed Kubeflow identities keep their own bindings", () => {
    expect(usernamePrefix).toBe('oidc:');
    const mirrors = objects.filter((o) => o.kind === 'RoleBinding' && o.metadata.namespace === FRAUD && o.metadata.annotations?.['kubeflow-tenants/mirrors-identity'] !== undefined);
    expect(mirrors.map((o) => (o as unknown as { subjects: { name: string }[] }).subjects[0]!.name).sort()).toEqual([ALICE().user, BOB().user]);
    const bindings = getJson<{ items: { metadata: { name: string }; subjects?: { name: string }[] }[] }>(['get', 'rolebindings', '-n', FRAUD]).items;
    // every binding naming a prefixed identity in the namespace is one synth emitted
    const prefixed = bindings.filter((b) => (b.subjects ?? []).some((x) => x.name.startsWith(usernamePrefix))).map((b) => b.metadata.name).sort();
    expect(prefixed).toEqual(mirrors.map((o) => o.metadata.name).sort());
    for (const who of [ALICE(), BOB()]) expect(kubectl(['auth', 'can-i', 'create', 'jobs.batch', '-n', FRAUD, '--as', who.user]).stdout.trim()).toBe('yes');
    // the prefixed identity of a contributor without a personal queue is given nothing here
    expect(kubectl(['auth', 'can-i', 'create', 'jobs.batch', '-n', FRAUD, '--as', `${usernamePrefix}fraud-lead@example.com`]).stdout.trim()).toBe('no');
  });

  it("Alice's ninth GPU in her queue waits while Bob's queue is idle; the shared queue serves both", async () => {
    const a = await admitted(job(FRAUD, { [GPU]: 8 }, ALICE_Q), ALICE());
    expect(a.clusterQueue).toBe(`${FRAUD}-${ALICE_Q}`);
    const w = await pending(job(FRAUD, { [GPU]: 1 }, ALICE_Q), ALICE());
    expect(w.pending).toMatch(/nvidia\.com\/gpu in flavor a100-80gb/);
    expect(reserved(`${FRAUD}-${BOB_Q}`, 'a100-80gb', GPU).total).toBe('0');
    expect((await admitted(job(FRAUD, { [GPU]: 1 }, 'default'), ALICE())).clusterQueue).toBe(FRAUD);
    expect((await admitted(job(FRAUD, { [GPU]: 1 }, 'default'), BOB())).clusterQueue).toBe(FRAUD);
    // Bob's own 8 were never touched
    expect((await admitted(job(FRAUD, { [GPU]: 8 }, BOB_Q), BOB())).clusterQueue).toBe(`${FRAUD}-${BOB_Q}`);
  });

  it("Alice cannot submit to Bob's queue, nor move her Job there (the admission policy refuses)", async () => {
    const j = job(FRAUD, { [GPU]: 1 }, BOB_Q);
    const r = submit(j, ALICE());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`ValidatingAdmissionPolicy '${USER_QUEUE_POLICY}'`);
    expect(r.stderr).toContain(`queue "${BOB_Q}" is the personal queue of ${BOB().user}, and you are ${ALICE().user}`);
    // RBAC would have let her: the policy is what refused
    expect(kubectl(['auth', 'can-i', 'create', 'jobs.batch', '-n', FRAUD, '--as', ALICE().user]).stdout.trim()).toBe('yes');
    // her suspended, waiting Job relabelled to Bob's queue (the label may change while suspended)
    await admitted(job(FRAUD, { [GPU]: 8 }, ALICE_Q), ALICE());
    const mine = job(FRAUD, { [GPU]: 1 }, ALICE_Q);
    await pending(mine, ALICE());
    const relabel = kubectl(['label', '--as', ALICE().user, '--as-group', 'system:authenticated', '--overwrite', 'job', mine.name, '-n', FRAUD, `${QUEUE_LABEL}=${BOB_Q}`]);
    expect(relabel.code).not.toBe(0);
    expect(relabel.stderr).toContain(`is the personal queue of ${BOB().user}`);
    // to the shared queue she may move it, and it is admitted there
    kubectlOk(['label', '--as', ALICE().user, '--as-group', 'system:authenticated', '--overwrite', 'job', mine.name, '-n', FRAUD, `${QUEUE_LABEL}=default`]);
    expect((await waitAdmitted(FRAUD, mine.name)).clusterQueue).toBe(FRAUD);
    // Bob in his own queue: admitted
    await admitted(job(FRAUD, { [GPU]: 1 }, BOB_Q), BOB());
  });
});

describe('what tenant members see (kueue#1526)', () => {
  it("members read their namespace's LocalQueues and Workloads through Kubeflow's aggregated roles, and no ClusterQueue or Cohort", async () => {
    // Alice is an edit contributor of fraud-modelling: a Kubeflow RoleBinding naming her dashboard identity
    const can = (verb: string, resource: string, ns?: string) =>
      kubectl(['auth', 'can-i', verb, resource, ...(ns ? ['-n', ns] : []), '--as', 'alice@example.com']).stdout.trim();
    await waitFor('kubeflow-view aggregating the Kueue view role', () => can('list', 'workloads.kueue.x-k8s.io', FRAUD) === 'yes', 30_000);
    expect(can('get', 'localqueues.kueue.x-k8s.io', FRAUD)).toBe('yes');
    expect(can('get', 'localqueues.kueue.x-k8s.io/status', FRAUD)).toBe('yes');
    expect(can('create', 'workloads.kueue.x-k8s.io', FRAUD)).toBe('no');
    expect(can('update', 'localqueues.kueue.x-k8s.io', FRAUD)).toBe('no');
    expect(can('list', 'workloads.kueue.x-k8s.io', VISION)).toBe('no');
    expect(can('get', 'clusterqueues.kueue.x-k8s.io')).toBe('no');
    expect(can('get', 'cohorts.kueue.x-k8s.io')).toBe('no');
  });
});

describe('ResourceQuota and Kueue agree', () => {
  it("a Job's pods are never refused by the ResourceQuota after admission: the whole fraud budget admitted, all pods created, the quota exactly full; a pod outside Kueue beyond it is refused", async () => {
    expect(obj('Profile', FRAUD).spec).toMatchObject({ resourceQuotaSpec: { hard: { [`requests.${GPU}`]: '50' } } });
    await admitted(job(FRAUD, { [GPU]: 34 }, 'default'));
    await admitted(job(FRAUD, { [GPU]: 8 }, ALICE_Q), ALICE());
    await admitted(job(FRAUD, { [GPU]: 8 }, BOB_Q), BOB());
    await waitFor('ResourceQuota used 50 of 50 GPUs', () => quotaUsed(FRAUD, `requests.${GPU}`) === '50');
    for (const [ns, jobs] of created) for (const j of jobs) expect(podCreateFailures(ns, j), `${ns}/${j}`).toEqual([]);
    // the ResourceQuota still caps what bypasses Kueue
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'outside-kueue', namespace: FRAUD }, spec: { securityContext: RESTRICTED_POD_SECURITY, containers: [{ name: 'main', image: 'example.invalid/x:1', securityContext: RESTRICTED_CONTAINER_SECURITY, resources: { requests: { cpu: '1', memory: '1Gi', [GPU]: '1' }, limits: { cpu: '1', memory: '1Gi', [GPU]: '1' } } }] } };
    const r = kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(pod));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/exceeded quota: kf-resource-quota, requested: requests\.nvidia\.com\/gpu=1, used: requests\.nvidia\.com\/gpu=50, limited: requests\.nvidia\.com\/gpu=50/);
  });

  it('a resource no queue covers is never admitted (quotaCheckStrategy BlockUndeclared): CPU and memory are covered, an undeclared one is not', async () => {
    const w = await pending(job(VISION, { 'example.com/fpga': 1 }));
    expect(w.pending).toMatch(/resource example\.com\/fpga unavailable in ClusterQueue/);
    // CPU and memory alone: admitted on the cpu flavor
    expect((await admitted(job(VISION, {}))).flavors).toEqual({ cpu: 'cpu', memory: 'cpu' });
  });
});

describe('MIG slices and time-sliced GPUs against their own flavors', () => {
  it('MIG 1g.5gb: 8 nominal + 4 borrowed on a100-40gb-mig, the 13th waits; 3g.20gb: 2, the 3rd waits', async () => {
    expect(quota('ClusterQueue', VISION, 'a100-40gb-mig', MIG1)).toEqual({ name: MIG1, nominalQuota: '8', borrowingLimit: '4' });
    expect((await admitted(job(VISION, { [MIG1]: 8 }))).flavors).toEqual({ cpu: 'cpu', memory: 'cpu', [MIG1]: 'a100-40gb-mig' });
    await admitted(job(VISION, { [MIG1]: 4 }));
    await waitReserved(VISION, 'a100-40gb-mig', MIG1, { total: '12', borrowed: '4' });
    expect((await pending(job(VISION, { [MIG1]: 1 }))).pending).toMatch(/mig-1g\.5gb in flavor a100-40gb-mig/);
    expect((await admitted(job(VISION, { [MIG3]: 2 }))).flavors[MIG3]).toBe('a100-40gb-mig');
    expect((await pending(job(VISION, { [MIG3]: 1 }))).pending).toMatch(/mig-3g\.20gb in flavor a100-40gb-mig/);
    await waitFor('ResourceQuota used 12 MIG 1g.5gb', () => quotaUsed(VISION, `requests.${MIG1}`) === '12');
  });

  it('time-sliced replicas (gpu.shared): 8 on t4-shared, the 9th waits', async () => {
    expect((await admitted(job(VISION, { [SHARED]: 8 }))).flavors).toEqual({ cpu: 'cpu', memory: 'cpu', [SHARED]: 't4-shared' });
    expect((await pending(job(VISION, { [SHARED]: 1 }))).pending).toMatch(/gpu\.shared in flavor t4-shared/);
    await waitFor('ResourceQuota used 8 gpu.shared', () => quotaUsed(VISION, `requests.${SHARED}`) === '8');
  });
});
