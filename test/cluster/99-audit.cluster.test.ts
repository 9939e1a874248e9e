// Issue 13: per-tenant audit logs, proven on the real audit events of this run. run.sh started
// kube-apiserver with the audit policy synth emits for the `audit` fixture repository
// (test/fixtures/audit, written to KFT_AUDIT_DIR by audit-fixture.ts) and a JSON audit log
// (KFT_AUDIT_LOG); it fails the run when the server loaded the policy only leniently. This suite
// runs last (name order): it creates the fixture's Profiles, writes in each tenant namespace,
// creates canaries (Secrets, ConfigMaps, a token request and review with unique values) and an
// exec, then asserts on the events: each tier's level, no canary raw or base64, exec and Profile
// create events present; and runs every event of the log through the generated routing program
// with the real `vrl` crate (test/vrl-harness), checking the routing invariant on each.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesize } from '../../lib/synth';
import { fixtureInputs } from '../fixture-repo';
import { PLATFORM_STREAM, programsOf, routingViolation, runVrl } from '../support/audit-routing';
import { type KubeObject, getObject, kubectl, kubectlOk, sleep, toYamlStream, waitFor } from './helpers';

type Json = Record<string, unknown>;
const LOG = process.env.KFT_AUDIT_LOG;
const DIR = process.env.KFT_AUDIT_DIR;
const RUN_DIR = process.env.KFT_RUN_DIR;
const TAG = randomBytes(6).toString('hex');
const canary = (what: string): string => `kft-canary-${what}-${randomBytes(12).toString('hex')}`;
const SECRET_STRING = canary('secret-stringdata');
const SECRET_DATA = canary('secret-data');
const CONFIGMAP = canary('configmap');
const AUDIENCE = canary('audience');
const PCI = 'card-ledger';
const EXEC_POD = `audit-exec-${TAG}`;

let routing: { platformStream: string; tenants: Record<string, { level: string; tier: string | null }> };
let tenants: string[];
let token = '';
let events: Json[] = [];
let logText = '';

const readEvents = (): Json[] =>
  readFileSync(LOG!, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Json);
const ref = (e: Json): Json => (e.objectRef ?? {}) as Json;
const probeName = `audit-probe-${TAG}`;
const probeEvent = (ns: string): Json | undefined =>
  events.find((e) => e.verb === 'create' && e.stage === 'ResponseComplete' && ref(e).resource === 'serviceaccounts' && ref(e).namespace === ns && ref(e).name === probeName);

beforeAll(async () => {
  if (!LOG || !DIR) throw new Error('KFT_AUDIT_LOG/KFT_AUDIT_DIR are not set: run the cluster tier through `npm run test:cluster` (test/cluster/run.sh)');
  routing = JSON.parse(readFileSync(join(DIR, 'routing.json'), 'utf8'));
  tenants = Object.keys(routing.tenants).sort();
  // The same fixture, synthesized in this process: its Profiles.
  const inputs = await fixtureInputs('audit');
  const objects = synthesize(inputs.entries, inputs.platform, { groups: inputs.groups }).objects.map((o) => o.manifest as unknown as KubeObject);
  const profiles = objects.filter((o) => o.kind === 'Profile');
  expect(profiles.map((p) => p.metadata.name).sort()).toEqual(tenants);
  // kubectl create, not server-side apply: the request is a create (SSA creates with a patch).
  kubectlOk(['create', '-f', '-'], toYamlStream(profiles));
  for (const t of tenants) {
    await waitFor(`namespace ${t} (Profile controller)`, () => getObject('namespace', t), 90_000);
    await waitFor(`default ServiceAccount in ${t}`, () => getObject('serviceaccount', 'default', t), 60_000);
  }
  // One write per tenant namespace: its tier rule decides the level.
  for (const t of tenants) {
    kubectlOk(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: probeName, namespace: t, annotations: { 'kft-audit-probe': TAG } } }));
  }
  // Canaries in the RequestResponse tenant (the level that would log bodies) and in a Request one.
  for (const ns of [PCI, 'churn-analytics']) {
    kubectlOk(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `canary-${TAG}`, namespace: ns }, stringData: { value: SECRET_STRING }, data: { other: Buffer.from(SECRET_DATA).toString('base64') } }));
    kubectlOk(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `canary-${TAG}`, namespace: ns }, data: { value: CONFIGMAP } }));
    kubectlOk(['patch', 'secret', `canary-${TAG}`, '-n', ns, '--type', 'merge', '-p', JSON.stringify({ stringData: { patched: SECRET_STRING } })]);
  }
  token = kubectlOk(['create', 'token', 'default', '-n', PCI, '--audience', AUDIENCE, '--duration', '10m']).trim();
  expect(token.length).toBeGreaterThan(20);
  kubectlOk(['create', '-f', '-', '-o', 'json'], JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: [AUDIENCE] } }));
  // exec: no kubelet here, so the request fails after authorization and auditing; it must still be logged.
  kubectlOk(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: EXEC_POD, namespace: PCI }, spec: { containers: [{ name: 'main', image: 'registry.invalid/none:1' }] } }));
  const exec = kubectl(['exec', '-n', PCI, EXEC_POD, '--', 'echo', 'hi']);
  expect(exec.code).not.toBe(0);
  // The log backend writes in blocking mode; poll until this suite's last request is in the file.
  await waitFor('the exec request in the audit log', () => {
    events = readEvents();
    return events.some((e) => ref(e).subresource === 'exec' && ref(e).name === EXEC_POD);
  }, 30_000);
  await sleep(500);
  logText = readFileSync(LOG, 'utf8');
  events = readEvents();
}, 300_000);

describe('the audit policy in a real API server', () => {
  it('was loaded strictly (no "falling back to lenient decoding"), and the server logs to the run directory', () => {
    expect(existsSync(LOG!)).toBe(true);
    if (RUN_DIR) expect(readFileSync(join(RUN_DIR, 'logs/kube-apiserver.log'), 'utf8')).not.toContain('falling back to lenient decoding');
    expect(events.length).toBeGreaterThan(100);
    expect(events.every((e) => e.kind === 'Event' && e.apiVersion === 'audit.k8s.io/v1')).toBe(true);
    expect(events.some((e) => e.stage === 'RequestReceived')).toBe(false); // omitStages
  });

  it("each tenant's write is logged at its tier's level (or the level it raised itself to)", () => {
    const got = Object.fromEntries(tenants.map((t) => [t, probeEvent(t)?.level]));
    expect(got).toEqual(Object.fromEntries(tenants.map((t) => [t, routing.tenants[t]!.level])));
    expect(new Set(Object.values(got)).size).toBe(3); // three levels really differ
    const pci = probeEvent(PCI)!;
    expect((pci.responseObject as Json | undefined)?.kind).toBe('ServiceAccount'); // RequestResponse logs the body
    expect(probeEvent('open-data')!.requestObject).toBeUndefined(); // Metadata does not
  });

  it('canaries (Secret stringData and data, ConfigMap data, a token request and review) never appear, raw or base64', () => {
    const forms = (v: string): string[] => [v, Buffer.from(v).toString('base64'), Buffer.from(v).toString('base64url')];
    for (const v of [SECRET_STRING, SECRET_DATA, CONFIGMAP, token]) for (const f of forms(v)) expect(logText.includes(f), `${v.slice(0, 30)}… as ${f.slice(0, 30)}…`).toBe(false);
    // The token's signature part alone (it is the secret bit of a JWT).
    expect(logText.includes(token.split('.')[2]!)).toBe(false);
    // Not vacuous: the requests are there, at Metadata, without bodies.
    const of = (resource: string, ns: string, verb: string, sub?: string) =>
      events.filter((e) => ref(e).resource === resource && ref(e).namespace === ns && e.verb === verb && (sub === undefined || ref(e).subresource === sub));
    for (const ns of [PCI, 'churn-analytics']) {
      for (const [res, verb] of [['secrets', 'create'], ['secrets', 'patch'], ['configmaps', 'create']] as const) {
        const hits = of(res, ns, verb);
        expect(hits.length, `${verb} ${res} in ${ns}`).toBeGreaterThan(0);
        for (const e of hits) {
          expect(e.level).toBe('Metadata');
          expect(e.requestObject ?? e.responseObject).toBeUndefined();
        }
      }
    }
    const tokenRequest = of('serviceaccounts', PCI, 'create', 'token');
    expect(tokenRequest.length).toBeGreaterThan(0);
    expect(tokenRequest.every((e) => e.level === 'Metadata')).toBe(true);
    expect(events.some((e) => ref(e).resource === 'tokenreviews' && e.level === 'Metadata')).toBe(true);
  });

  it('exec is logged although it failed (no kubelet), with the command in the request URI', () => {
    const exec = events.filter((e) => ref(e).subresource === 'exec' && ref(e).namespace === PCI && ref(e).name === EXEC_POD);
    expect(exec.length).toBeGreaterThan(0);
    expect(exec.some((e) => String(e.requestURI).includes('command=echo'))).toBe(true);
  });

  it('every Profile create is logged, without a resource name in the policy, at the catch-all level', () => {
    for (const t of tenants) {
      const created = events.filter((e) => e.verb === 'create' && ref(e).resource === 'profiles' && ref(e).apiGroup === 'kubeflow.org' && ref(e).name === t);
      expect(created.length, t).toBeGreaterThan(0);
      expect(created[0]!.level, t).toBe('RequestResponse');
      expect(((created[0]!.requestObject as Json | undefined)?.metadata as Json | undefined)?.name, t).toBe(t);
    }
  });
});

describe('the routing program over the real events (vrl crate, test/vrl-harness)', () => {
  it('routes every event of the run: the invariant holds on each, probes and Profiles reach their tenant', () => {
    const vector = yaml.load(readFileSync(join(DIR!, 'vector.yaml'), 'utf8')) as Json;
    const programs = programsOf(vector);
    const lines = logText.split('\n').filter((l) => l.trim() !== '');
    const routed: Json[] = [];
    // The file source's events: one line each in .message. In chunks, to bound the harness's memory.
    for (let i = 0; i < lines.length; i += 2000) {
      const results = runVrl(programs, lines.slice(i, i + 2000).map((message) => ({ program: 'audit_route', event: { message, file: LOG, source_type: 'file' } })));
      for (const r of results) {
        expect(r.error).toBeNull();
        expect(r.outputs.length).toBe(1);
        routed.push(r.outputs[0]!);
      }
    }
    expect(routed.length).toBe(lines.length);
    const violations = routed.map((o) => routingViolation(o, tenants, routing.platformStream.replace(/^kft-/, ''))).filter((v) => v !== undefined);
    expect(violations.slice(0, 5)).toEqual([]);
    const probe = (t: string) => routed.find((o) => ref(o).resource === 'serviceaccounts' && ref(o).namespace === t && ref(o).name === probeName && o.verb === 'create');
    for (const t of tenants) {
      expect(probe(t)?.tenant, `probe of ${t}`).toBe(t);
      expect(routed.find((o) => o.verb === 'create' && ref(o).resource === 'profiles' && ref(o).name === t)?.tenant, `Profile ${t}`).toBe(t);
    }
    const byStream = new Map<string, number>();
    for (const o of routed) byStream.set(String(o.tenant), (byStream.get(String(o.tenant)) ?? 0) + 1);
    expect(byStream.get(PLATFORM_STREAM) ?? 0).toBeGreaterThan(0); // the other suites' and the control plane's events
    for (const t of tenants) expect(byStream.get(t) ?? 0, t).toBeGreaterThan(1);
  });
});
