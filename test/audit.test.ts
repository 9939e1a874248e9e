/**
 * Per-tenant audit logs (issue 13): the declarations and their errors, the emitted files (audit
 * Policy, Vector configuration, Loki overrides, routing table) validated against the vendored
 * schemas, the policy invariants, and the two VRL routing programs compiled and run by the real
 * `vrl` crate Vector 0.57.0 pins (test/vrl-harness): over the generated Vector `tests:` blocks,
 * the component log samples (test/support/audit-samples.ts), hostile events, and random events
 * (fast-check) against the routing invariant. Runs on the `audit` fixture repository.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditPolicyProblems, DEFAULT_AUDIT } from '../lib/audit';
import type { AuditPolicyRule } from '../lib/declarations/audit';
import { AUDIT_FILES, auditRouteVrl, componentRouteVrl, VECTOR_IDS } from '../lib/constructs/audit';
import { diffTrees } from '../lib/diff';
import { definePlatform, DEFAULT_PLATFORM } from '../lib/platform';
import { validateTenants } from '../lib/tenant';
import type { TenantSpec } from '../lib/tenant';
import { orgModel } from '../lib/model/tenant';
import { fixtureInputs } from './fixture-repo';
import { COMPONENT_SAMPLES, componentEvent } from './support/audit-samples';
import { entry, platformErrors, ROOT, validSpec } from './support/fixtures';
import type { Case } from './support/audit-routing';
import { PLATFORM_STREAM, programsOf, routingViolation, runVrl } from './support/audit-routing';
import { synthesize } from '../lib/synth';
import type { GroupEntry } from '../lib/groups';

type Json = Record<string, unknown>;

let files: Map<string, string>;
let tenants: string[];
let specs: TenantSpec[];
let platform: ReturnType<typeof definePlatform>;
let groups: GroupEntry[];
beforeAll(async () => {
  const inputs = await fixtureInputs('audit');
  platform = inputs.platform;
  specs = inputs.entries.map((e) => e.spec);
  groups = inputs.groups;
  files = new Map(synthesize(inputs.entries, platform, { groups }).files);
  tenants = specs.map((s) => s.name).sort();
});

const auditPlatform = (over: Json = {}) => definePlatform({ audit: { enabled: true, ...over } });
const errorsOf = (p: ReturnType<typeof definePlatform>, ...s: unknown[]): string[] => validateTenants(s.map((x) => entry(x)), p).map(String);

describe('declarations', () => {
  it('audit is off by default: no dist/platform/audit/, the platform README unchanged', () => {
    expect(DEFAULT_PLATFORM.audit.enabled).toBe(false);
    const out = synthesize([entry(validSpec())], DEFAULT_PLATFORM).files;
    expect([...out.keys()].filter((f) => f.startsWith('platform/audit'))).toEqual([]);
    expect(out.get('platform/README.md')).not.toContain('audit');
  });

  it('partial settings merge over the documented defaults (loki field by field)', () => {
    const p = definePlatform({ audit: { enabled: true, loki: { endpoint: 'http://loki:3100' } } });
    expect(p.audit.loki).toEqual({ endpoint: 'http://loki:3100', platformStream: '_platform' });
    expect(p.audit.levelByComplianceTier).toEqual(DEFAULT_AUDIT.levelByComplianceTier);
  });

  it('a tenant may raise its level, never lower it (exact message)', () => {
    const p = auditPlatform();
    expect(errorsOf(p, validSpec({ audit: { level: 'RequestResponse' } }))).toEqual([]);
    expect(errorsOf(p, validSpec({ labels: { team: 'a', 'cost-centre': 'c', 'compliance-tier': 'public' }, audit: { level: 'Request' } }))).toEqual([]);
    expect(errorsOf(p, validSpec({ audit: { level: 'Metadata' } }))).toEqual([
      'tenants/fraud.ts: audit.level: Invalid value: "Metadata": below RequestResponse, the audit level of its compliance tier "pci"; a tenant may raise its audit level, never lower it: write "RequestResponse" or higher, or remove the field',
    ]);
    expect(errorsOf(p, validSpec({ audit: { level: 'None' } }))).toEqual(['tenants/fraud.ts: audit.level: Unsupported value: "None": supported values: "Metadata", "Request", "RequestResponse"']);
    expect(errorsOf(p, validSpec({ audit: { levle: 'Request' } }))).toEqual(['tenants/fraud.ts: audit.levle: Unsupported value: "levle": unknown field; supported fields: level']);
  });

  it('a tenant in a platform namespace, or named like the platform stream, is refused (exact messages)', () => {
    const p = auditPlatform({ platformNamespaces: ['fraud'], loki: { platformStream: 'fraud' } });
    expect(errorsOf(p, validSpec())).toEqual([
      'tenants/fraud.ts: name: Invalid value: "fraud": is listed in platform.ts audit.platformNamespaces, so its namespace would be in two rules of the audit policy (the platform\'s at Metadata and its tier\'s); every tenant is in exactly one tier rule: remove "fraud" from audit.platformNamespaces',
      'tenants/fraud.ts: name: Invalid value: "fraud": its audit store id "kft-fraud" is the platform stream\'s (platform.ts audit.loki.platformStream), so its events would mix with every other tenant\'s unassigned events; rename the tenant or change audit.loki.platformStream',
    ]);
    // A platform with its own tiers keeps working with the default tables; a table it writes is checked.
    expect(platformErrors({ labels: { complianceTiers: ['low', 'high'] }, audit: { enabled: true } })).toEqual([]);
    expect(platformErrors({ labels: { complianceTiers: ['low', 'high'] }, audit: { enabled: true, levelByComplianceTier: { pci: 'Request' } } })).toEqual([
      'platform.ts: audit.levelByComplianceTier["pci"]: Unsupported value: "pci": not a compliance tier (labels.complianceTiers: low, high)',
    ]);
    // Disabled audit checks only the field itself.
    expect(errorsOf(definePlatform({ audit: { platformNamespaces: ['fraud'] } }), validSpec())).toEqual([]);
  });

  it('platform settings are checked (exact messages)', () => {
    expect(
      platformErrors({
        audit: {
          enabled: true,
          level: 'None' as never,
          levelByComplianceTier: { secret: 'Request' },
          retention: '1 year',
          collector: { source: 'file', path: 'audit.log' },
          loki: { endpoint: 'loki:3100', platformStream: 'a/b' },
          platformNamespaces: ['kube-system', 'kube-system'],
        },
      }),
    ).toEqual([
      'platform.ts: audit.level: Unsupported value: "None": supported values: "Metadata", "Request", "RequestResponse" (None would drop every write of the tier\'s tenants from the audit log)',
      'platform.ts: audit.levelByComplianceTier["secret"]: Unsupported value: "secret": not a compliance tier (labels.complianceTiers: public, internal, confidential, pci)',
      'platform.ts: audit.retention: Invalid value: "1 year": a Loki retention period: a whole number and h, d, w or y, e.g. "400d" or "7y"',
      'platform.ts: audit.collector.path: Invalid value: "audit.log": an absolute file path without spaces or quotes, the API server\'s --audit-log-path, e.g. "/var/log/kubernetes/audit/audit.log"',
      'platform.ts: audit.loki.endpoint: Invalid value: "loki:3100": an http(s) URL of Loki\'s push endpoint base, e.g. "http://loki-gateway.loki.svc:80"',
      'platform.ts: audit.loki.platformStream: Invalid value: "a/b": has a character Loki does not allow in a tenant id (allowed: letters, digits, and ! - _ . * \' ( )); its store id is "kft-<platformStream>"; the default "_platform" cannot be a tenant name',
      'platform.ts: audit.platformNamespaces[1]: Duplicate value: "kube-system": already listed at audit.platformNamespaces[0]',
    ]);
  });
});

describe('the audit Policy', () => {
  const policy = (): Json => yaml.load(files.get(AUDIT_FILES.policy)!) as Json;
  const rules = (): AuditPolicyRule[] => policy().rules as AuditPolicyRule[];

  it('validates against the vendored audit.k8s.io/v1 schema (strict)', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/audit/audit.k8s.io-v1-policy.json'), 'utf8')) as Json;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(policy()), JSON.stringify(validate.errors)).toBe(true);
    // The schema can fail: an unknown field and a bad level are refused.
    expect(validate({ ...policy(), omitStage: [] })).toBe(false);
    expect(validate({ ...policy(), rules: [{ level: 'Everything' }] })).toBe(false);
  });

  it('omits RequestReceived and managed fields; rules in the issue\'s order', () => {
    const p = policy();
    expect(p.omitStages).toEqual(['RequestReceived']);
    expect(p.omitManagedFields).toBe(true);
    const r = rules();
    const firstNonNoise = r.findIndex((x) => x.level !== 'None');
    expect(r.slice(0, firstNonNoise).every((x) => x.level === 'None' && x.verbs!.every((v) => ['get', 'list', 'watch'].includes(v)))).toBe(true);
    expect(r[firstNonNoise]).toEqual({ level: 'Metadata', resources: [{ group: '', resources: ['configmaps', 'secrets', 'serviceaccounts/token'] }, { group: 'authentication.k8s.io', resources: ['tokenreviews'] }] });
    expect(r[firstNonNoise + 1]).toEqual({ level: 'Metadata', resources: [{ group: '', resources: ['pods/attach', 'pods/exec', 'pods/portforward'] }] });
    const tierRules = r.slice(firstNonNoise + 2, firstNonNoise + 5);
    expect(tierRules.map((x) => [x.level, x.namespaces])).toEqual([
      ['RequestResponse', ['card-ledger']],
      ['Request', ['churn-analytics', 'outreach']],
      ['Metadata', ['open-data']],
    ]);
    expect(r[firstNonNoise + 5]).toEqual({ level: 'Metadata', verbs: ['get', 'list', 'watch'], namespaces: tenants });
    const profiles = r[firstNonNoise + 6]!;
    expect(profiles.resources).toEqual([{ group: 'kubeflow.org', resources: ['profiles'] }]);
    expect(JSON.stringify(r)).not.toContain('resourceNames');
    expect(r[r.length - 1]).toEqual({ level: 'RequestResponse' }); // catch-all at the highest level in use
  });

  it('its invariants hold, and the check finds each broken one (exact messages)', () => {
    expect(auditPolicyProblems(rules(), tenants)).toEqual([]);
    const broken: AuditPolicyRule[] = [
      { level: 'None', users: ['system:apiserver'] },
      { level: 'Request', resources: [{ group: '', resources: ['*'] }], verbs: ['create'] },
      { level: 'Metadata', resources: [{ group: '', resources: ['secrets'] }] }, // caps secrets only: rules[3] still logs ConfigMap bodies
      { level: 'Request', verbs: ['create'], namespaces: ['a', 'b'] },
      { level: 'Metadata', verbs: ['update'], namespaces: ['a'] },
    ];
    expect(auditPolicyProblems(broken, ['a', 'b', 'c'])).toEqual([
      'rules[0]: level None without a verbs list of reads only (get, list, watch) would silence writes (create, delete, deletecollection, patch, update) or other actions; list the read verbs it silences',
      'rules[1]: logs core/secrets at Request before any rule caps it at Metadata; secrets bodies must never reach the audit log',
      'rules[1]: logs core/configmaps at Request before any rule caps it at Metadata; configmaps bodies must never reach the audit log',
      'rules[3]: logs core/configmaps at Request before any rule caps it at Metadata; configmaps bodies must never reach the audit log',
      'rules[1]: logs core/serviceaccounts/token at Request before any rule caps it at Metadata; serviceaccounts/token bodies must never reach the audit log',
      'rules[3]: logs core/serviceaccounts/token at Request before any rule caps it at Metadata; serviceaccounts/token bodies must never reach the audit log',
      'rules[3]: logs authentication.k8s.io/tokenreviews at Request before any rule caps it at Metadata; tokenreviews bodies must never reach the audit log',
      'rules[0]: silences pods/exec (level None); exec, attach and port-forward must always be logged',
      'rules[0]: silences pods/attach (level None); exec, attach and port-forward must always be logged',
      'rules[0]: silences pods/portforward (level None); exec, attach and port-forward must always be logged',
      'tenant "a" is in 2 tier rules (rules[3], rules[4]); every tenant must be in exactly one',
      'tenant "c" is in 0 tier rules (none); every tenant must be in exactly one',
    ]);
  });

  it('synth reports a broken generated policy against platform.ts', async () => {
    const { auditPolicyErrors } = await import('../lib/synth');
    const model = orgModel(specs, platform);
    const bad = { ...model, audit: { ...model.audit, rules: [{ level: 'Request' } as AuditPolicyRule] } };
    expect(auditPolicyErrors(bad).map(String)).toContain(
      'platform.ts: audit: Invalid value: "(generated audit policy)": rules[0]: logs core/secrets at Request before any rule caps it at Metadata; secrets bodies must never reach the audit log',
    );
  });
});

describe('the Vector configuration, Loki overrides and routing table', () => {
  const vector = (): Json => yaml.load(files.get(AUDIT_FILES.vector)!) as Json;

  it('validates against the vendored Vector 0.57 subset schema; every input names a component', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/audit/vector-0.57-subset.json'), 'utf8')) as Json;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const v = vector();
    expect(validate(v), JSON.stringify(validate.errors)).toBe(true);
    // An unconfined template (Vector 0.57 refuses it) fails the schema.
    const sinks = v.sinks as Record<string, Json>;
    expect(validate({ ...v, sinks: { ...sinks, [VECTOR_IDS.loki]: { ...sinks[VECTOR_IDS.loki], tenant_id: '{{ tenant }}' } } })).toBe(false);
    const ids = new Set([...Object.keys(v.sources as Json), ...Object.keys(v.transforms as Json)]);
    for (const c of [...Object.values(v.transforms as Json), ...Object.values(v.sinks as Json)] as Json[]) for (const i of c.inputs as string[]) expect(ids.has(i), i).toBe(true);
    expect((sinks[VECTOR_IDS.loki] as Json).tenant_id).toBe('kft-{{ tenant }}');
    expect((sinks[VECTOR_IDS.archive] as Json).key_prefix).toBe('kubeflow/kft-{{ tenant }}/%F/');
  });

  it('one unit test per tenant, plus the platform stream', () => {
    const tests = vector().tests as Json[];
    expect(tests.map((t) => t.name)).toEqual([...tenants.map((t) => `tenant ${t}: its namespace and its Profile go to kft-${t}`), expect.stringMatching(/^platform stream: /)]);
  });

  it('Loki retention per tenant by tier, the platform stream at the default; the routing table agrees with the policy', () => {
    expect(yaml.load(files.get(AUDIT_FILES.lokiOverrides)!)).toEqual({
      overrides: {
        'kft-_platform': { retention_period: '400d' },
        'kft-card-ledger': { retention_period: '2555d' },
        'kft-churn-analytics': { retention_period: '730d' },
        'kft-open-data': { retention_period: '400d' },
        'kft-outreach': { retention_period: '400d' },
      },
    });
    const routing = JSON.parse(files.get(AUDIT_FILES.routing)!) as { tenants: Record<string, { level: string; tierLevel: string; storeId: string }> };
    expect(Object.keys(routing.tenants)).toEqual(tenants);
    expect(routing.tenants.outreach).toMatchObject({ level: 'Request', tierLevel: 'Metadata', storeId: 'kft-outreach' });
    const rules = (yaml.load(files.get(AUDIT_FILES.policy)!) as { rules: AuditPolicyRule[] }).rules;
    for (const [t, r] of Object.entries(routing.tenants)) expect(rules.find((x) => x.namespaces?.includes(t) && x.verbs?.includes('create'))?.level, t).toBe(r.level);
  });

  it('synth is deterministic', async () => {
    const inputs = await fixtureInputs('audit');
    const again = synthesize([...inputs.entries].reverse(), inputs.platform, { groups: [...inputs.groups].reverse() }).files;
    for (const f of Object.values(AUDIT_FILES)) expect(again.get(f), f).toBe(files.get(f));
  });
});

// ------------------------------------------------------------------- the real VRL implementation

describe('the routing programs, run by the vrl crate (test/vrl-harness)', () => {
  it('both compile, and the generated Vector tests: blocks pass (inputs and conditions run as `vector test` would)', () => {
    const v = yaml.load(files.get(AUDIT_FILES.vector)!) as Json;
    const programs = programsOf(v);
    const cases: Case[] = [];
    for (const t of v.tests as { inputs: { insert_at: string; log_fields: Json }[]; outputs: { extract_from: string; conditions: { source: string }[] }[] }[]) {
      for (const input of t.inputs) {
        const out = t.outputs.find((o) => o.extract_from === input.insert_at)!;
        cases.push({ program: input.insert_at, event: input.log_fields, conditions: out.conditions.map((c) => c.source) });
      }
    }
    const results = runVrl(programs, cases);
    expect(results.length).toBe(cases.length);
    for (const r of results) expect(r.conditions, JSON.stringify(r)).toEqual([true]);
    // The tests can fail: the same inputs through a program with an empty tenant list.
    const emptied = runVrl({ ...programs, [VECTOR_IDS.auditRoute]: programs[VECTOR_IDS.auditRoute]!.replace(/^kft_tenants = \[.*\]$/m, 'kft_tenants = []') }, cases);
    expect(emptied.filter((r) => r.conditions[0] === false).length).toBe(tenants.length * 2);
  });

  it('component lines: each sample reaches exactly its expected stream (upstream statements cited in audit-samples.ts)', () => {
    const v = yaml.load(files.get(AUDIT_FILES.vector)!) as Json;
    const results = runVrl(programsOf(v), COMPONENT_SAMPLES.map((s) => ({ program: VECTOR_IDS.componentRoute, event: componentEvent(s) })));
    COMPONENT_SAMPLES.forEach((s, i) => {
      const r = results[i]!;
      expect(r.error, s.what).toBeNull();
      if (s.expect === 'dropped') {
        expect(r.aborted, s.what).toBe(true);
        return;
      }
      expect(r.outputs.map((o) => o.tenant), s.what).toEqual([s.expect === 'platform' ? PLATFORM_STREAM : s.expect]);
      expect(routingViolation(r.outputs[0]!, tenants), s.what).toBeUndefined();
    });
    expect(COMPONENT_SAMPLES.filter((s) => s.imitates).length).toBeGreaterThanOrEqual(6);
  });

  const event = (objectRef: unknown, extra: Json = {}): Json => ({ message: JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', verb: 'create', user: { username: 'u' }, objectRef, ...extra }) });

  it('hostile and malformed audit events never reach a tenant they do not name', () => {
    const v = yaml.load(files.get(AUDIT_FILES.vector)!) as Json;
    const cases: [string, Json, string][] = [
      ['namespace beats a Profile name', event({ resource: 'profiles', apiGroup: 'kubeflow.org', namespace: 'open-data', name: 'card-ledger' }), 'open-data'],
      ['a pre-set .tenant is overwritten', event({ resource: 'pods', namespace: 'kube-system', name: 'x' }, { tenant: 'card-ledger' }), PLATFORM_STREAM],
      ['Profile of another API group', event({ resource: 'profiles', apiGroup: 'evil.example.com', name: 'card-ledger' }), PLATFORM_STREAM],
      ['Namespace by name', event({ resource: 'namespaces', name: 'churn-analytics' }), 'churn-analytics'],
      ['Profile by name', event({ resource: 'profiles', apiGroup: 'kubeflow.org', name: 'outreach' }), 'outreach'],
      ['namespace in upper case', event({ resource: 'pods', namespace: 'CARD-LEDGER' }), PLATFORM_STREAM],
      ['namespace with a trailing space', event({ resource: 'pods', namespace: 'card-ledger ' }), PLATFORM_STREAM],
      ['namespace is an object', event({ resource: 'pods', namespace: { name: 'card-ledger' } }), PLATFORM_STREAM],
      ['namespace is a list', event({ resource: 'pods', namespace: ['card-ledger'] }), PLATFORM_STREAM],
      ['objectRef is a string', event('card-ledger'), PLATFORM_STREAM],
      ['no objectRef (non-resource URL)', event(undefined, { requestURI: '/apis/card-ledger' }), PLATFORM_STREAM],
      ['not JSON', { message: 'I1127 kube-apiserver card-ledger' }, PLATFORM_STREAM],
      ['a JSON array', { message: JSON.stringify([{ objectRef: { namespace: 'card-ledger' } }]) }, PLATFORM_STREAM],
      ['an empty line', { message: '' }, PLATFORM_STREAM],
      ['a webhook event object (no .message)', { kind: 'Event', objectRef: { resource: 'pods', namespace: 'open-data' } }, 'open-data'],
    ];
    const results = runVrl(programsOf(v), cases.map(([, e]) => ({ program: VECTOR_IDS.auditRoute, event: e })));
    cases.forEach(([what, , want], i) => {
      const r = results[i]!;
      expect(r.error, what).toBeNull();
      expect(r.outputs.map((o) => o.tenant), what).toEqual([want]);
      expect(routingViolation(r.outputs[0]!, tenants), what).toBeUndefined();
    });
  });

  it('property: random audit events and component lines obey the invariant, and match an independent oracle', () => {
    const v = yaml.load(files.get(AUDIT_FILES.vector)!) as Json;
    const names = fc.constantFrom(...tenants, 'kube-system', 'kubeflow', '', 'card-ledger2', 'Card-Ledger', PLATFORM_STREAM);
    const ref = fc.record(
      {
        namespace: fc.oneof(names, fc.string(), fc.integer()),
        name: fc.oneof(names, fc.string()),
        resource: fc.constantFrom('pods', 'profiles', 'namespaces', 'secrets', 'serviceaccounts'),
        apiGroup: fc.constantFrom('', 'kubeflow.org', 'evil.io'),
      },
      { requiredKeys: [] },
    );
    const samples = fc.sample(fc.tuple(ref, fc.boolean()), { numRuns: 400, seed: 13 });
    const oracle = ([r]: [Json, boolean]): string => {
      const ns = typeof r.namespace === 'string' ? r.namespace : typeof r.namespace === 'number' ? String(r.namespace) : '';
      if (ns !== '') return tenants.includes(ns) ? ns : PLATFORM_STREAM;
      const g = (r.apiGroup as string | undefined) ?? '';
      const byName = (r.resource === 'profiles' && g === 'kubeflow.org') || (r.resource === 'namespaces' && g === '');
      return byName && typeof r.name === 'string' && tenants.includes(r.name) ? r.name : PLATFORM_STREAM;
    };
    const cases = samples.map(([r, viaWebhook]) => ({ program: VECTOR_IDS.auditRoute, event: viaWebhook ? { kind: 'Event', objectRef: r } : event(r) }));
    const lines = fc.sample(fc.tuple(names, fc.constantFrom('Namespace', 'namespace', 'Name'), fc.string()), { numRuns: 200, seed: 7 });
    const componentCases = lines.map(([ns, key, junk]) => ({
      program: VECTOR_IDS.componentRoute,
      event: { message: `I1127 10:00:00.000000       1 f.go:1] Authorized user '${junk.replace(/'/g, '')}': &ResourceAttributes{${key}:${ns},Verb:get,}`, kubernetes: { pod_labels: { app: 'ml-pipeline' } } },
    }));
    const results = runVrl(programsOf(v), [...cases, ...componentCases]);
    results.forEach((r, i) => {
      expect(r.error).toBeNull();
      expect(r.outputs.length).toBe(1);
      const out = r.outputs[0]!;
      expect(routingViolation(out, tenants), JSON.stringify(out)).toBeUndefined();
      if (i < samples.length) expect(out.tenant, JSON.stringify(samples[i])).toBe(oracle(samples[i]!));
    });
  });

  it('webhook collector: the EventList is split into events (a root array), each routed; the config still validates', () => {
    const p = definePlatform({ audit: { enabled: true, collector: { source: 'webhook', address: '0.0.0.0:8686' } } });
    const v = yaml.load(synthesize(specs.map((s) => entry(s)), p, { groups }).files.get(AUDIT_FILES.vector)!) as Json;
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/audit/vector-0.57-subset.json'), 'utf8')) as Json;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(v), JSON.stringify(validate.errors)).toBe(true);
    expect((v.sources as Record<string, Json>)[VECTOR_IDS.auditSource]).toEqual({ type: 'http_server', address: '0.0.0.0:8686', method: 'POST', decoding: { codec: 'json' } });
    expect(((v.transforms as Record<string, Json>)[VECTOR_IDS.auditRoute]!.inputs as string[])).toEqual([VECTOR_IDS.auditUnnest]);
    const programs = programsOf(v);
    const list = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [{ kind: 'Event', objectRef: { resource: 'pods', namespace: 'outreach' } }, { kind: 'Event', objectRef: { resource: 'nodes', name: 'n1' } }] };
    const [split, notAList] = runVrl(programs, [{ program: VECTOR_IDS.auditUnnest, event: list }, { program: VECTOR_IDS.auditUnnest, event: { items: 'x' } }]);
    expect(split!.outputs.length).toBe(2);
    expect(notAList!.outputs).toEqual([]);
    const routed = runVrl(programs, split!.outputs.map((e) => ({ program: VECTOR_IDS.auditRoute, event: e })));
    expect(routed.map((r) => r.outputs[0]!.tenant)).toEqual(['outreach', PLATFORM_STREAM]);
  });

  it('the programs in vector.yaml are the generator\'s (nothing between the model and the file)', () => {
    const v = yaml.load(files.get(AUDIT_FILES.vector)!) as Json;
    const model = orgModel(specs, platform).audit;
    expect(programsOf(v)[VECTOR_IDS.auditRoute]).toBe(auditRouteVrl(model));
    expect(programsOf(v)[VECTOR_IDS.componentRoute]).toBe(componentRouteVrl(model));
  });
});

describe('the review diff', () => {
  const flagsOf = (before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] =>
    diffTrees(before, after).flags.filter((f) => f.kind.startsWith('audit-')).map((f) => `${f.blocking ? 'BLOCKING ' : ''}${f.kind} ${f.group}: ${f.message}`);
  const synthWith = (mutate: (s: TenantSpec[]) => TenantSpec[], p = platform): Map<string, string> => new Map(synthesize(mutate(specs).map((s) => entry(s)), p, { groups }).files);

  it('flags a lowered audit level on the tenant (its own raise removed; its tier lowered)', () => {
    const unraised = synthWith((ss) => ss.map((s) => (s.name === 'outreach' ? { ...s, audit: undefined } : s)));
    expect(flagsOf(files, unraised)).toEqual([
      'audit-level-lowered outreach: writes in its namespace logged at Metadata, was Request (dist/platform/audit/policy.yaml; takes effect when the API server restarts)',
    ]);
    const tierDown = synthWith((ss) => ss.map((s) => (s.name === 'card-ledger' ? { ...s, labels: { ...s.labels, 'compliance-tier': 'internal' } } : s)));
    expect(flagsOf(files, tierDown)).toEqual([
      'audit-level-lowered card-ledger: writes in its namespace logged at Request, was RequestResponse (dist/platform/audit/policy.yaml; takes effect when the API server restarts)',
    ]);
    expect(flagsOf(unraised, files)).toEqual([]); // raising is not flagged
  });

  it('flags a tenant leaving the audit routing (audit switched off, or the tenant gone)', () => {
    const off = synthWith((ss) => ss, definePlatform({ audit: { enabled: false } }));
    expect(flagsOf(files, off)).toEqual(
      tenants.map((t) => `audit-routing-left ${t}: its audit events no longer reach kft-${t}: from the next collector reload they go to the platform stream; keep kft-${t}'s retention until it expires`),
    );
  });
});
