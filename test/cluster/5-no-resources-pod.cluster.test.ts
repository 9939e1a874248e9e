// Issue 8.7: the guarantee "a pod that sets no resources is admitted into an empty tenant
// namespace", asked of the real LimitRanger and ResourceQuota admission plugins. Tenants at the
// edge of the guarantee are synthesized here from fixtures (not the repo's tenants/) with the
// default platform; their Profiles are applied and the Profile controller makes the namespace and
// kf-resource-quota, then the LimitRange is applied. Shapes synth refuses are rendered without
// validation (TenantBundle directly) to show the server refuses their pods: the rules matter.
// Pods are created with --dry-run=server: admission (mutating and validating, ResourceQuota
// included) runs, nothing is stored, so each shape can be asked again without cleaning up.
import { App } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlatform } from '../../lib/platform';
import { synthesize } from '../../lib/synth';
import { TenantBundle } from '../../lib/constructs/tenant-bundle';
import { orgModel } from '../../lib/model/tenant';
import { validateTenants } from '../../lib/tenant';
import type { TenantSpec } from '../../lib/tenant';
import { entry, validSpec } from '../support/fixtures';
import { type KubeObject, applyObjects, getObject, kubectl, waitFor } from './helpers';
import { normaliseResources } from './quantity';

const platform = definePlatform({});
const spec = (name: string, overrides: Record<string, unknown>): TenantSpec =>
  validSpec({ name, labels: { team: name, 'cost-centre': 'cc-1', 'compliance-tier': 'internal' }, contributors: [], ...overrides });

/** Valid shapes at the edge: a default exactly at the quota it must fit under. */
const edges: Record<string, TenantSpec> = {
  // Derived default limit lowered to the quota on limits: exactly 500m / 512Mi.
  'kft-edge-derived': spec('kft-edge-derived', { quota: { cpu: '1', memory: '1Gi', limitsCpu: '500m', limitsMemory: '512Mi', pods: 1 }, limits: undefined }),
  // Declared default limit exactly the quota on limits.
  'kft-edge-declared': spec('kft-edge-declared', {
    quota: { limitsCpu: '2', limitsMemory: '2Gi', pods: 1 },
    limits: { container: { defaultLimit: { cpu: '2', memory: '2Gi' } } },
  }),
  // Small quotas: every default lowered to 50m / 64Mi, requests and limits exactly at the quota.
  'kft-edge-small': spec('kft-edge-small', { quota: { cpu: '50m', memory: '64Mi', limitsCpu: '50m', limitsMemory: '64Mi', pods: 1 }, limits: undefined }),
  // Default request exactly the quota on requests, and a per-pod GPU cap (0-GPU default).
  'kft-edge-gpu': spec('kft-edge-gpu', {
    quota: { cpu: '1', memory: '1Gi', pods: 1, gpu: { 'nvidia.com/gpu': 1 } },
    limits: { pod: { max: { cpu: '1', memory: '1Gi', gpu: { 'nvidia.com/gpu': 1 } } }, container: { defaultRequest: { cpu: '1', memory: '1Gi' } } },
  }),
};

/** Shapes synth refuses, with the server's refusal of a pod that sets no resources. */
const refused: Record<string, { spec: TenantSpec; synth: RegExp; server: RegExp }> = {
  'kft-bad-limits': {
    spec: spec('kft-bad-limits', { quota: { limitsCpu: '1', pods: 1 }, limits: { container: { defaultLimit: { cpu: '2' } } } }),
    synth: /limits\.container\.defaultLimit\.cpu: Invalid value: "2": exceeds the tenant quota quota\.limitsCpu "1"/,
    server: /exceeded quota: kf-resource-quota, requested: limits\.cpu=2, used: limits\.cpu=0, limited: limits\.cpu=1/,
  },
  'kft-bad-pods': {
    spec: spec('kft-bad-pods', { quota: { cpu: '1', memory: '1Gi', pods: 0 }, limits: undefined }),
    synth: /quota\.pods: Invalid value: 0: no pod could run in the namespace/,
    server: /exceeded quota: kf-resource-quota, requested: pods=1, used: pods=0, limited: pods=0/,
  },
};

const validObjects = synthesize(Object.values(edges).map((s) => entry(s)), platform).objects.map((o) => o.manifest as unknown as KubeObject);
// What synth would have emitted had validation let these through.
const refusedObjects = Object.values(refused).flatMap(({ spec: s }) => new TenantBundle(new App(), { tenant: orgModel([s], platform).tenants[0]!, platform }).toJson() as KubeObject[]);
const ours = [...validObjects, ...refusedObjects].filter((o) => o.kind === 'Profile' || o.kind === 'LimitRange');
const namespaces = ours.filter((o) => o.kind === 'Profile').map((o) => o.metadata.name);
const limitRangeOf = (ns: string) =>
  ours.find((o) => o.kind === 'LimitRange' && o.metadata.namespace === ns) as KubeObject & {
    spec: { limits: { type: string; default?: Record<string, string>; defaultRequest?: Record<string, string> }[] };
  };

/** Asks the API server to create a one-container pod that sets no resources; nothing is stored. */
function createEmptyPod(ns: string) {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'kft-no-resources', namespace: ns },
    spec: { containers: [{ name: 'main', image: 'example.invalid/never-pulled:1' }] },
  };
  return kubectl(['create', '--dry-run=server', '-f', '-', '-o', 'json'], JSON.stringify(pod));
}

beforeAll(async () => {
  const profiles = await applyObjects(ours.filter((o) => o.kind === 'Profile'));
  expect(profiles.apply.code, profiles.dryRun.stderr + profiles.apply.stderr).toBe(0);
  // Quota admission refuses every pod until the resourcequota controller has computed the status.
  for (const ns of namespaces) {
    await waitFor(`kf-resource-quota status in ${ns}`, () => (getObject('resourcequota', 'kf-resource-quota', ns)?.status as { used?: object } | undefined)?.used, 90_000);
  }
  const lrs = await applyObjects(ours.filter((o) => o.kind === 'LimitRange'));
  expect(lrs.apply.code, lrs.dryRun.stderr + lrs.apply.stderr).toBe(0);
});
afterAll(() => {
  kubectl(['delete', 'profile', '--wait=false', '--ignore-not-found', ...namespaces]);
});

describe('8.7 no-resources pod guarantee at its edges', () => {
  it.each(Object.keys(edges))('%s: a pod that sets no resources is admitted, with the LimitRange defaults', (ns) => {
    expect(validateTenants([entry(edges[ns]!)], platform)).toEqual([]);
    const r = createEmptyPod(ns);
    expect(r.code, r.stderr).toBe(0);
    // The server returns the pod as admission left it: LimitRanger ran on the dry run.
    const res = (JSON.parse(r.stdout) as { spec: { containers: { resources: { requests?: Record<string, string>; limits?: Record<string, string> } }[] } }).spec
      .containers[0]!.resources;
    const container = limitRangeOf(ns).spec.limits.find((l) => l.type === 'Container');
    expect(normaliseResources(res.requests)).toEqual(normaliseResources(container?.defaultRequest));
    expect(normaliseResources(res.limits)).toEqual(normaliseResources(container?.default));
  });

  it.each(Object.keys(refused))('%s: synth refuses it, and the server refuses its pods (the rule matters)', (ns) => {
    const { spec: s, synth, server } = refused[ns]!;
    expect(validateTenants([entry(s)], platform).map(String).join('\n')).toMatch(synth);
    const r = createEmptyPod(ns);
    expect(r.code).not.toBe(0);
    // Also shows that ResourceQuota admission runs on a server-side dry run.
    expect(r.stderr).toMatch(server);
  });

  // What the API server does with the values synth refuses: it stores them, changed or not.
  it('the API server silently rounds sub-milli quantities up, caps binary ones at 2^63-1, keeps absurd decimal ones', () => {
    const hard = { 'requests.cpu': '0.0001', 'limits.cpu': '1e100', 'requests.memory': '100Ei' };
    const rq = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'kft-precision', namespace: 'default' }, spec: { hard } };
    const r = kubectl(['create', '--dry-run=server', '-f', '-', '-o', 'json'], JSON.stringify(rq));
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { spec: { hard: Record<string, string> } }).spec.hard).toEqual({
      'requests.cpu': '1m',
      'limits.cpu': '10e99',
      'requests.memory': '9223372036854775807',
    });
  });

  it('the API server admits a limit of 0 (synth refuses 0 caps: the container runtime reads 0 as no limit)', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'kft-zero-limit', namespace: 'kft-edge-derived' },
      spec: { containers: [{ name: 'main', image: 'example.invalid/never-pulled:1', resources: { limits: { cpu: '0', memory: '0' } } }] },
    };
    const r = kubectl(['create', '--dry-run=server', '-f', '-', '-o', 'json'], JSON.stringify(pod));
    expect(r.code, r.stderr).toBe(0);
    const res = (JSON.parse(r.stdout) as { spec: { containers: { resources: { limits: Record<string, string> } }[] } }).spec.containers[0]!.resources;
    expect(normaliseResources(res.limits)).toEqual({ cpu: 0, memory: 0 });
  });
});
