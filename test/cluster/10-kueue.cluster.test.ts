// Issue 12, "Proven with the real Kueue controller": Kueue v0.19.2 (built from its Go module by
// run.sh, its own CRDs and webhooks installed) against the tier's v1.33.13 API server, with the
// Job controller of kube-controller-manager creating the pods of admitted Jobs. There are no
// nodes: pods stay Pending, which is enough to see Kueue admit and unsuspend Jobs and the
// API server's ResourceQuota admit their pods.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeObject, getJson, getObject, kubectl, kubectlOk, toYamlStream, waitFor } from './helpers';
import { deleteJobs, jobState, podsOf, submitOk, waitAdmitted, waitPending, waitPods } from './kueue';

const config = yaml.load(readFileSync(process.env.KFT_KUEUE_CONFIG ?? '/dev/null', 'utf8')) as Record<string, unknown> | undefined;

describe('Kueue runs against the tier', () => {
  const NS = 'kft-kueue-smoke';
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: (config?.managedJobsNamespaceSelector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {} } },
    { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ResourceFlavor', metadata: { name: 'kft-smoke-flavor' }, spec: {} },
    {
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'ClusterQueue',
      metadata: { name: 'kft-smoke' },
      spec: {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NS } },
        resourceGroups: [{ coveredResources: ['cpu', 'memory'], flavors: [{ name: 'kft-smoke-flavor', resources: [{ name: 'cpu', nominalQuota: '1' }, { name: 'memory', nominalQuota: '1Gi' }] }] }],
      },
    },
    { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: 'default', namespace: NS }, spec: { clusterQueue: 'kft-smoke' } },
  ];
  beforeAll(() => {
    kubectlOk(['apply', '--server-side', '--field-manager', 'kft-cluster-test', '-f', '-'], toYamlStream(objects.slice(0, 1)));
    kubectlOk(['apply', '--server-side', '--field-manager', 'kft-cluster-test', '-f', '-'], toYamlStream(objects.slice(1)));
  });
  afterAll(() => {
    kubectl(['delete', 'namespace', NS, '--wait=false', '--ignore-not-found']);
    kubectl(['delete', 'clusterqueue', 'kft-smoke', '--wait=false', '--ignore-not-found']);
    kubectl(['delete', 'resourceflavor', 'kft-smoke-flavor', '--wait=false', '--ignore-not-found']);
  });

  it('the API server reports its stamped version and Kueue started against it', () => {
    const v = JSON.parse(kubectlOk(['version', '-o', 'json'])) as { serverVersion: { gitVersion: string } };
    expect(v.serverVersion.gitVersion).toBe('v1.33.13');
    const log = readFileSync(process.env.KFT_KUEUE_LOG!, 'utf8');
    expect(log).toMatch(/"gitVersion":"v0\.19\.2"/);
    expect(log).not.toMatch(/failed to fetch kubernetes server version/);
  });

  it('the Configuration Kueue runs with is the one synth emits for the platform, with only the process settings replaced', () => {
    const c = config!;
    expect(c).toMatchObject({ apiVersion: 'config.kueue.x-k8s.io/v1beta2', kind: 'Configuration', leaderElection: { leaderElect: false }, internalCertManagement: { enable: false } });
    expect((c.integrations as { frameworks: string[] }).frameworks).toContain('batch/job');
  });

  it('its webhooks default the ClusterQueue, and the LocalQueue becomes active', async () => {
    // the mutating webhook (via 127.0.0.1 and the run's CA) filled in Kueue's defaults
    const cq = getJson<KubeObject & { spec: { queueingStrategy?: string } }>(['get', 'clusterqueue', 'kft-smoke']);
    expect(cq.spec.queueingStrategy).toBe('BestEffortFIFO');
    await waitFor('LocalQueue default active', () =>
      (getObject('localqueue', 'default', NS)?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some((c) => c.type === 'Active' && c.status === 'True'),
    );
    // the validating webhook refuses what Kueue refuses
    const bad = kubectl(['create', '-f', '-'], JSON.stringify({ ...objects[3], metadata: { name: 'bad', namespace: NS }, spec: { clusterQueue: 'Not_A_Name' } }));
    expect(bad.code).not.toBe(0);
  });

  it('a Job within the quota is admitted and unsuspended, and its pods created; the next one waits', async () => {
    const first = submitOk({ name: 'first', namespace: NS, queue: 'default', requests: { cpu: '600m', memory: '256Mi' } });
    // Kueue's Job webhook suspended it
    expect((first.spec as { suspend?: boolean }).suspend).toBe(true);
    const s = await waitAdmitted(NS, 'first');
    expect(s.clusterQueue).toBe('kft-smoke');
    expect(s.flavors).toEqual({ cpu: 'kft-smoke-flavor', memory: 'kft-smoke-flavor' });
    await waitPods(NS, 'first', 1);
    submitOk({ name: 'second', namespace: NS, queue: 'default', requests: { cpu: '600m', memory: '256Mi' } });
    const w = await waitPending(NS, 'second');
    expect(w.pending).toMatch(/insufficient unused quota for cpu in flavor kft-smoke-flavor/);
    expect(podsOf(NS, 'second')).toHaveLength(0);
    // quota freed: the waiting Job is admitted
    await deleteJobs(NS, ['first']);
    await waitAdmitted(NS, 'second');
    expect(jobState(NS, 'second')?.suspended).toBe(false);
  });
});
