// Helpers of the Kueue scenarios (10-kueue): plain batch/v1 Jobs submitted to the real Kueue
// controller run.sh starts, and what Kueue and the Job controller did with them (the Job's
// Workload, its admission and flavors, the Job's pods, the ResourceQuota's refusals).
import { type KubeObject, RESTRICTED_CONTAINER_SECURITY, RESTRICTED_POD_SECURITY, getJson, kubectl, kubectlOk, sleep, waitFor } from './helpers';

export const QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
const IMAGE = 'example.invalid/never-pulled:1';

export interface JobRequest {
  name: string;
  namespace: string;
  /** LocalQueue; none: no label (a `default` LocalQueue, if any, labels it) */
  queue?: string;
  /** per pod, requests = limits (extended resources need both equal; a LimitRange's defaults then change nothing) */
  requests: Record<string, string>;
  /** pods running at once (and completions) */
  parallelism?: number;
}

export function jobManifest(j: JobRequest): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: j.name, namespace: j.namespace, ...(j.queue ? { labels: { [QUEUE_LABEL]: j.queue } } : {}) },
    spec: {
      parallelism: j.parallelism ?? 1,
      completions: j.parallelism ?? 1,
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 0,
          // what Pod Security `restricted` asks (the PCI tenants' level), admitted at every level
          securityContext: RESTRICTED_POD_SECURITY,
          containers: [{ name: 'main', image: IMAGE, securityContext: RESTRICTED_CONTAINER_SECURITY, resources: { requests: j.requests, limits: j.requests } }],
        },
      },
    },
  };
}

/** Creates the Job as the admin, or as `as` (impersonation: kubectl --as / --as-group). */
export function submit(j: JobRequest, as?: { user: string; groups?: string[] }) {
  const imp = as ? ['--as', as.user, ...(as.groups ?? []).flatMap((g) => ['--as-group', g])] : [];
  return kubectl(['create', ...imp, '-f', '-', '-o', 'json'], JSON.stringify(jobManifest(j)));
}

export function submitOk(j: JobRequest): KubeObject {
  const r = submit(j);
  if (r.code !== 0) throw new Error(`creating Job ${j.namespace}/${j.name}: ${r.stderr}`);
  return JSON.parse(r.stdout) as KubeObject;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
export interface Workload extends KubeObject {
  spec: { queueName?: string };
  status?: {
    conditions?: Condition[];
    admission?: { clusterQueue: string; podSetAssignments: { name: string; flavors?: Record<string, string>; resourceUsage?: Record<string, string>; count?: number }[] };
  };
}

/** The Workload Kueue made for a Job (owner reference), if any. */
export function workloadOf(namespace: string, job: string): Workload | undefined {
  const items = getJson<{ items: Workload[] }>(['get', 'workloads.v1beta2.kueue.x-k8s.io', '-n', namespace]).items;
  return items.find((w) => w.metadata.ownerReferences?.some((o) => o.kind === 'Job' && o.name === job));
}

const cond = (w: Workload | undefined, type: string) => w?.status?.conditions?.find((c) => c.type === type);
export const isAdmitted = (w: Workload | undefined) => cond(w, 'Admitted')?.status === 'True';

export interface JobState {
  workload: Workload;
  admitted: boolean;
  /** resource -> flavor of the (single) pod set */
  flavors: Record<string, string>;
  clusterQueue?: string;
  suspended: boolean;
  /** why the Workload waits: the QuotaReserved=False message */
  pending?: string;
}

export function jobState(namespace: string, job: string): JobState | undefined {
  const w = workloadOf(namespace, job);
  if (!w) return undefined;
  const j = getJson<KubeObject & { spec: { suspend?: boolean } }>(['get', 'job', job, '-n', namespace]);
  const qr = cond(w, 'QuotaReserved');
  return {
    workload: w,
    admitted: isAdmitted(w),
    flavors: w.status?.admission?.podSetAssignments[0]?.flavors ?? {},
    clusterQueue: w.status?.admission?.clusterQueue,
    suspended: j.spec.suspend === true,
    pending: qr?.status === 'False' ? `${qr.reason ?? ''}: ${qr.message ?? ''}` : undefined,
  };
}

/** Waits until Kueue admitted the Job and unsuspended it. */
export function waitAdmitted(namespace: string, job: string, timeoutMs = 60_000): Promise<JobState> {
  return waitFor(`Job ${namespace}/${job} admitted by Kueue and unsuspended`, () => {
    const s = jobState(namespace, job);
    return s?.admitted && !s.suspended ? s : false;
  }, timeoutMs);
}

/**
 * Waits until Kueue tried and refused to reserve quota for the Job (QuotaReserved=False with a
 * reason), then checks it stays so for `holdMs` (admissions run every scheduling cycle; a quota
 * freed meanwhile would admit it). Returns the reason.
 */
export async function waitPending(namespace: string, job: string, holdMs = 2_000): Promise<JobState> {
  await waitFor(`Job ${namespace}/${job} waiting for quota (QuotaReserved=False)`, () => {
    const x = jobState(namespace, job);
    return x?.pending && !x.admitted ? x : false;
  });
  await sleep(holdMs);
  const again = jobState(namespace, job)!;
  if (again.admitted || !again.suspended) throw new Error(`Job ${namespace}/${job} was admitted after all: ${JSON.stringify(again.flavors)}`);
  return again;
}

/** Pods of a Job (the Job controller creates them once Kueue unsuspends it). */
export function podsOf(namespace: string, job: string): KubeObject[] {
  return getJson<{ items: KubeObject[] }>(['get', 'pods', '-n', namespace, '-l', `batch.kubernetes.io/job-name=${job}`]).items;
}

/** Warning events of a Job whose pods the API server refused (e.g. `exceeded quota`). */
export function podCreateFailures(namespace: string, job: string): string[] {
  const ev = getJson<{ items: { reason: string; message: string; involvedObject: { kind: string; name: string } }[] }>([
    'get', 'events', '-n', namespace, '--field-selector', `involvedObject.kind=Job,involvedObject.name=${job},reason=FailedCreate`,
  ]).items;
  return ev.map((e) => e.message);
}

/** Waits until the Job controller created all `n` pods; fails at the first refused pod creation. */
export async function waitPods(namespace: string, job: string, n: number): Promise<KubeObject[]> {
  const end = Date.now() + 60_000;
  for (;;) {
    const failures = podCreateFailures(namespace, job);
    if (failures.length > 0) throw new Error(`pods of ${namespace}/${job} were refused: ${failures[0]}`);
    const pods = podsOf(namespace, job);
    if (pods.length >= n) return pods;
    if (Date.now() > end) throw new Error(`timed out waiting for ${n} pod(s) of Job ${namespace}/${job}`);
    await sleep(300);
  }
}

/** Deletes Jobs (their Workloads and pods go with them) and waits until Kueue released the quota. */
export async function deleteJobs(namespace: string, jobs: string[]): Promise<void> {
  if (jobs.length === 0) return;
  kubectlOk(['delete', 'job', '-n', namespace, '--ignore-not-found', '--cascade=foreground', '--wait=false', ...jobs]);
  await waitFor(`Workloads of ${jobs.join(', ')} gone`, () => jobs.every((j) => !workloadOf(namespace, j)), 60_000);
}
